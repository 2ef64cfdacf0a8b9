/**
 * Who may call the data routes: without a token, or with a token lacking `sub`, a route answers
 * 401; with the other scope or another project's grant, 403; both before any database call, and
 * before the path, the query or the body is looked at.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import { FIXTURE_CONNECTION as stored } from '../../../testkit/connections.ts';
import { gatewayEvent } from '../../../local/gateway.ts';
import {
  invoke,
  SAMPLE_ID as ID,
  sampleRequest,
  withBody,
  withClaimChanges,
  withClaims,
  withoutAuthorizer,
  withPathParameters,
  withQuery,
} from '../../../testkit/events.ts';
import {
  createConnection,
  DATA_ROUTES,
  deleteConnection,
  expectProblem,
  expectRefusedBeforeTheDatabase,
  getConnection,
  listConnections,
} from '../../support/data-routes.ts';
import { useFakeTable } from '../../support/fake-table.ts';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

const table = useFakeTable();
const OTHER_SCOPE = { 'connections:read': 'connections:write', 'connections:write': 'connections:read' } as const;

describe('authentication', () => {
  it.each(DATA_ROUTES)('$route answers 401 without a token', async ({ route, handler }) => {
    const event = gatewayEvent(withoutAuthorizer(sampleRequest(route)));

    const answer = await invoke(handler, event);

    expectRefusedBeforeTheDatabase(table, answer, 401, 'UNAUTHENTICATED');
    expect(answer.headers['www-authenticate']).toBe('Bearer');
    expect(answer.body.requestId).toBe(event.requestContext.requestId);
  });

  it.each(DATA_ROUTES)('$route answers 401 for a token without sub', async ({ route, handler }) => {
    const answer = await invoke(handler, withClaimChanges(sampleRequest(route), { sub: undefined }));

    expectRefusedBeforeTheDatabase(table, answer, 401, 'UNAUTHENTICATED');
  });

  it('checks the token before the path', async () => {
    const event = withPathParameters(withoutAuthorizer(sampleRequest('getConnection')), { connectionId: 'nope' });

    expectRefusedBeforeTheDatabase(table, await invoke(getConnection, event), 401, 'UNAUTHENTICATED');
  });
});

describe('authorization', () => {
  it.each(DATA_ROUTES)(
    '$route answers 403 to a token that has only the other scope',
    async ({ route, handler, scope }) => {
      const event = withClaimChanges(sampleRequest(route), { scope: OTHER_SCOPE[scope] });

      const answer = await invoke(handler, event);

      expectRefusedBeforeTheDatabase(table, answer, 403, 'FORBIDDEN');
      expect(answer.body.detail).toContain(scope);
    },
  );

  it.each(
    DATA_ROUTES.flatMap((route) =>
      ['beta/prod', 'acme/dev', 'acme2/*', '[acme2/prod acme/staging]', ''].map((projects) => ({ ...route, projects })),
    ),
  )('$route answers 403 to a token granted only "$projects"', async ({ route, handler, projects }) => {
    const answer = await invoke(handler, withClaimChanges(sampleRequest(route), { projects }));

    expectRefusedBeforeTheDatabase(table, answer, 403, 'FORBIDDEN');
  });

  it.each(['acme/prod', 'acme/*', '*', '[beta/dev acme/prod]'])(
    'lets a token granted "%s" read acme/prod',
    async (projects) => {
      // prepare: no such connection, so a granted request ends in 404 after its one read
      const event = withClaimChanges(sampleRequest('getConnection'), { projects });

      // act
      const answer = await invoke(getConnection, event);

      // assess
      expectProblem(answer, 404, 'NOT_FOUND');
      // The connection and its details: one Query.
      expect(table.sent(QueryCommand)).toHaveLength(1);
      expect(table.sent(GetCommand)).toHaveLength(0);
    },
  );

  it('reads scopes from the scope claim when the authorizer passes scopes: null', async () => {
    const claims = { sub: 'user-7', scope: 'connections:read', projects: 'acme/prod' };

    const granted = await invoke(getConnection, withClaims(sampleRequest('getConnection'), claims, null));
    const writeRefused = await invoke(deleteConnection, withClaims(sampleRequest('deleteConnection'), claims, null));

    expectProblem(granted, 404, 'NOT_FOUND');
    expectProblem(writeRefused, 403, 'FORBIDDEN');
  });

  it('decides 403 before looking at the body or the query', async () => {
    const create = withBody(
      withClaimChanges(sampleRequest('createConnection'), { projects: 'beta/prod' }),
      '{not json',
      {
        contentType: 'text/plain',
      },
    );
    const list = withQuery(
      withClaimChanges(sampleRequest('listConnections'), { projects: 'beta/prod' }),
      'limit=0&bogus=1',
    );

    expectRefusedBeforeTheDatabase(table, await invoke(createConnection, create), 403, 'FORBIDDEN');
    expectRefusedBeforeTheDatabase(table, await invoke(listConnections, list), 403, 'FORBIDDEN');
  });

  it("never reads another project's connection through a granted one", async () => {
    // prepare: the connection exists, but in beta/prod
    table.put({ ...stored, projectSlug: 'beta' });

    // act
    const answer = await invoke(getConnection, sampleRequest('getConnection'));

    // assess
    expectProblem(answer, 404, 'NOT_FOUND');
    expect(table.sent(QueryCommand)[0]?.[0]).toMatchObject({
      input: { ExpressionAttributeValues: { ':pk': `CONN#acme#prod#${ID}` } },
    });
  });
});
