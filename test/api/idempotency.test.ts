/** Idempotency-Key on create, over real HTTP. */
import { describe, expect, it } from 'vitest';
import { appOnServer, call, connectionsPath, expectProblem, freshEnvironment } from '../support/api.ts';

describe('Idempotency-Key', () => {
  it('replays the first 201 with the same body, Location and ETag, marked Idempotent-Replayed', async () => {
    const env = freshEnvironment();
    const headers = { 'idempotency-key': 'order-1234 retry' };

    const first = await call('POST', connectionsPath(env), { json: appOnServer(), headers });
    const again = await call('POST', connectionsPath(env), { json: appOnServer(), headers });

    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.text).toBe(first.text);
    expect(again.headers.get('location')).toBe(first.headers.get('location'));
    expect(again.headers.get('etag')).toBe(first.headers.get('etag'));
    expect((await call('GET', connectionsPath(env))).body.items).toHaveLength(1);
  });

  it('422 IDEMPOTENCY_KEY_REUSED for the same key with another body', async () => {
    const env = freshEnvironment();
    const headers = { 'idempotency-key': 'k-1' };
    await call('POST', connectionsPath(env), { json: appOnServer('a'), headers });

    expectProblem(
      await call('POST', connectionsPath(env), { json: appOnServer('b'), headers }),
      422,
      'IDEMPOTENCY_KEY_REUSED',
    );
  });

  it('400 for a key that is empty, too long or not printable ASCII', async () => {
    for (const key of ['', 'x'.repeat(256), 'caf\u00e9', 'tab\there']) {
      const answer = await call('POST', connectionsPath(freshEnvironment()), {
        json: appOnServer(),
        headers: { 'idempotency-key': key },
      });
      expect(expectProblem(answer, 400, 'VALIDATION_FAILED').errors[0].path).toBe('Idempotency-Key');
    }
  });
});
