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

  it('400 for a parameter a service route does not take', async () => {
    expectProblem(await call('GET', '/health?verbose=1', { token: null }), 400, 'VALIDATION_FAILED');
  });
});
