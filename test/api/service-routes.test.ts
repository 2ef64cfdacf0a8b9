/** The three unauthenticated service routes. */
import { describe, expect, it } from 'vitest';
import { call, expectProblem } from '../support/api.ts';

describe('service routes', () => {
  it('GET /health answers ok without a token', async () => {
    const answer = await call('GET', '/health', { token: null });

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ status: 'ok' });
  });

  it('GET /connection-rules answers the rules the service enforces', async () => {
    const { status, body } = await call('GET', '/connection-rules', { token: null });

    expect(status).toBe(200);
    expect(body.resourceTypes).toHaveLength(8);
    expect(body.rules).toContainEqual(
      expect.objectContaining({
        sourceResourceType: 'bucket_explorer',
        targetResourceTypes: ['storage_bucket', 'static_website'],
      }),
    );
    expect(body.statusTransitions.pending).toEqual(['connecting', 'failed', 'disconnected']);
  });

  it('GET /openapi.json answers an OpenAPI 3.1 document of every route', async () => {
    const { status, body } = await call('GET', '/openapi.json', { token: null });

    expect(status).toBe(200);
    expect(body.openapi).toBe('3.1.0');
    expect(Object.keys(body.paths)).toContain(
      '/api/{projectSlug}/{environmentSlug}/resource-connections/{connectionId}',
    );
  });

  it('ignores the query string, repeated parameters too (probes add cache-busters)', async () => {
    for (const path of ['/health', '/connection-rules', '/openapi.json']) {
      const answer = await call('GET', `${path}?probe=1&probe=2`, { token: null });
      expect(answer.status, `${path}: ${answer.text}`).toBe(200);
    }
  });

  it('404 for a path that matches no route, whatever its query', async () => {
    expectProblem(await call('GET', '/nothing/here?a=1&a=2', { token: null }), 404, 'NOT_FOUND');
  });

  it('one rule per source type in /connection-rules', async () => {
    const { body } = await call('GET', '/connection-rules', { token: null });
    const instance = body.rules.filter(
      (rule: { sourceResourceType: string }) => rule.sourceResourceType === 'instance',
    );

    expect(instance).toHaveLength(1);
    expect(instance[0].targetResourceTypes).toEqual(['firewall', 'database']);
  });
});
