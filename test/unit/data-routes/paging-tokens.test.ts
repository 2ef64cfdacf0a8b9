/**
 * A list's paging token: one that does not open (or was sealed for another project, filter or
 * route) is refused with 400 INVALID_NEXT_TOKEN before any read; one of the same list is taken.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import { planConnectionList, planResourceConnections } from '#store/list-plans.ts';
import { sealPageToken, type PagePositions } from '#store/page-token.ts';
import { invoke, sampleRequest, withQuery } from '../../../testkit/events.ts';
import { expectRefusedBeforeTheDatabase, listConnections } from '../../support/data-routes.ts';
import { useFakeTable } from '../../support/fake-table.ts';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

const table = useFakeTable();

describe('paging tokens', () => {
  const secret = process.env.PAGE_TOKEN_SECRET ?? '';
  const acmeProd = { projectSlug: 'acme', environmentSlug: 'prod' };
  /** Positions of `n` streams at their start: what a token of a plan with `n` streams opens to. */
  const start = (n: number): PagePositions => ({
    streams: Array.from({ length: n }, () => ({ from: null, done: false, rows: [], share: -1 })),
    readAt: Date.now(),
  });
  const streamsOf = (plan: { streams: unknown[] }) => start(plan.streams.length);
  const listQuery = { sourceResourceType: 'application', status: 'pending' } as const;

  it.each(['garbage', 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', '%00', 'eyJwayI6IkNPTk4jYWNtZSJ9'])(
    'list answers 400 INVALID_NEXT_TOKEN for the token %j without reading',
    async (token) => {
      const event = withQuery(
        sampleRequest('listConnections'),
        `sourceResourceType=application&status=pending&nextToken=${encodeURIComponent(token)}`,
      );

      expectRefusedBeforeTheDatabase(table, await invoke(listConnections, event), 400, 'INVALID_NEXT_TOKEN');
    },
  );

  it('refuses a token of another project, another filter or another route', async () => {
    const tokens = [
      planConnectionList({ projectSlug: 'beta', environmentSlug: 'prod' }, listQuery),
      planConnectionList({ projectSlug: 'acme', environmentSlug: 'dev' }, listQuery),
      planConnectionList(acmeProd, { ...listQuery, status: 'failed' }),
      planConnectionList(acmeProd, { sourceResourceType: 'application' }),
      planResourceConnections(acmeProd, { type: 'application', id: 'app-42' }, { status: 'pending' }),
    ].map((plan) => sealPageToken(streamsOf(plan), plan.binding, secret));

    for (const token of tokens) {
      const event = withQuery(
        sampleRequest('listConnections'),
        `sourceResourceType=application&status=pending&nextToken=${token}`,
      );

      expectRefusedBeforeTheDatabase(table, await invoke(listConnections, event), 400, 'INVALID_NEXT_TOKEN');
    }
  });

  it('takes a token of the same list, with another limit', async () => {
    const plan = planConnectionList(acmeProd, { ...listQuery, limit: 5 });
    const token = sealPageToken(streamsOf(plan), plan.binding, secret);
    const event = withQuery(
      sampleRequest('listConnections'),
      `sourceResourceType=application&status=pending&limit=20&nextToken=${token}`,
    );

    const answer = await invoke(listConnections, event);

    expect(answer.statusCode).toBe(200);
    // A source type spans every shard: one Query each, in parallel.
    expect(table.sent(QueryCommand)).toHaveLength(plan.streams.length);
  });
});
