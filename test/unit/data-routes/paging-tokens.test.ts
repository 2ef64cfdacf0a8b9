/**
 * A list's paging token: one that does not open (or was sealed for another project, filter or
 * route) is refused with 400 INVALID_NEXT_TOKEN before any read; one of the same list is taken.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import { planConnectionList, planResourceConnections } from '#store/paging/list-plans.ts';
import { sealPageToken, type PagePosition } from '#store/paging/page-token.ts';
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
  /** A position at the start of a list: what a token of any plan may hold. */
  const start: PagePosition = { group: 0, after: null };
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
      planConnectionList({ projectSlug: 'beta', environmentSlug: 'prod' }, listQuery, 1),
      planConnectionList({ projectSlug: 'acme', environmentSlug: 'dev' }, listQuery, 1),
      planConnectionList(acmeProd, { ...listQuery, status: 'failed' }, 1),
      planConnectionList(acmeProd, { sourceResourceType: 'application' }, 1),
      planResourceConnections(acmeProd, { type: 'application', id: 'app-42' }, { status: 'pending' }, 1),
    ].map((plan) => sealPageToken(start, plan.binding, secret));

    for (const token of tokens) {
      const event = withQuery(
        sampleRequest('listConnections'),
        `sourceResourceType=application&status=pending&nextToken=${token}`,
      );

      expectRefusedBeforeTheDatabase(table, await invoke(listConnections, event), 400, 'INVALID_NEXT_TOKEN');
    }
  });

  it('takes a token of the same list, with another limit', async () => {
    const plan = planConnectionList(acmeProd, { ...listQuery, limit: 5 }, 1);
    const token = sealPageToken(start, plan.binding, secret);
    const event = withQuery(
      sampleRequest('listConnections'),
      `sourceResourceType=application&status=pending&limit=20&nextToken=${token}`,
    );

    const answer = await invoke(listConnections, event);

    expect(answer.statusCode).toBe(200);
    // A new environment has one shard: one Query.
    expect(table.sent(QueryCommand)).toHaveLength(plan.streams.length);
    expect(plan.streams).toHaveLength(1);
  });
});
