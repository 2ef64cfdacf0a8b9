/**
 * Malformed input never produces a 5xx: any JSON body, any bytes in any content type (text or
 * base64) and any query string get an answer below 500 that reveals nothing of the service.
 */
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { invoke, sampleRequest, withBody, withQuery } from '../../../testkit/events.ts';
import { createConnection, INTERNALS, listConnections, updateConnection } from '../../support/data-routes.ts';
import { useFakeTable } from '../../support/fake-table.ts';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

useFakeTable();

describe('malformed input never produces a 5xx', () => {
  const bodyRoutes = [
    ['createConnection', createConnection],
    ['updateConnection', updateConnection],
  ] as const;

  it.each(bodyRoutes)('%s answers below 500 to any JSON body', async (route, handler) => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 6 }), async (body) => {
        const answer = await invoke(handler, withBody(sampleRequest(route), JSON.stringify(body)));

        expect(answer.statusCode).toBeLessThan(500);
      }),
      { numRuns: 150 },
    );
  });

  it.each(bodyRoutes)('%s answers below 500 to any bytes, in any content type', async (route, handler) => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 300 }),
        fc.constantFrom('application/json', 'application/merge-patch+json', 'text/plain', null),
        fc.boolean(),
        async (bytes, contentType, base64) => {
          const answer = await invoke(
            handler,
            withBody(sampleRequest(route), Buffer.from(bytes), { contentType, base64 }),
          );

          expect(answer.statusCode).toBeLessThan(500);
          expect(answer.text).not.toMatch(INTERNALS);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('list answers below 500 to any query string', async () => {
    const name = fc.constantFrom(
      'limit',
      'status',
      'nextToken',
      'includeDeleted',
      'sourceResourceType',
      'sourceResourceId',
      'targetResourceType',
      'targetResourceId',
      'x',
      '__proto__',
      '',
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(name, fc.string({ maxLength: 40 })), { maxLength: 5 }), async (pairs) => {
        const raw = pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');

        const answer = await invoke(listConnections, withQuery(sampleRequest('listConnections'), raw));

        expect(answer.statusCode).toBeLessThan(500);
      }),
      { numRuns: 200 },
    );
  });
});
