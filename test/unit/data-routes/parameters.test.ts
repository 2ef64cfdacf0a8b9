/**
 * The data routes' path and query parameters: each wrong one named in a 400 before any database
 * call, a repeated one refused (API Gateway joins repeats with a comma), one a route does not take
 * refused, and values read decoded.
 */
import { describe, expect, it, vi } from 'vitest';
import { gatewayEvent } from '../../../local/gateway.ts';
import { invoke, SAMPLE_ID as ID, sampleRequest, withPathParameters, withQuery } from '../../../testkit/events.ts';
import {
  createConnection,
  deleteConnection,
  errorPaths,
  expectProblem,
  expectRefusedBeforeTheDatabase,
  getConnection,
  listConnections,
  listResourceConnections,
  updateConnection,
} from '../../support/data-routes.ts';
import { useFakeTable } from '../../support/fake-table.ts';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

const table = useFakeTable();

describe('path parameters', () => {
  it.each([
    ['getConnection', getConnection, { connectionId: 'not-a-ulid' }, 'connectionId'],
    ['updateConnection', updateConnection, { connectionId: ID.toLowerCase() }, 'connectionId'],
    ['deleteConnection', deleteConnection, { connectionId: `${ID}#x` }, 'connectionId'],
    ['listConnections', listConnections, { environmentSlug: 'Prod' }, 'environmentSlug'],
    ['listResourceConnections', listResourceConnections, { resourceType: 'vm' }, 'resourceType'],
    ['listResourceConnections', listResourceConnections, { resourceId: 'i 1' }, 'resourceId'],
    ['listResourceConnections', listResourceConnections, { resourceId: 'a/b' }, 'resourceId'],
    ['createConnection', createConnection, { projectSlug: '-acme' }, 'projectSlug'],
  ] as const)('%s answers 400 naming %j', async (route, handler, change, field) => {
    const answer = await invoke(handler, withPathParameters(sampleRequest(route), change));

    expectRefusedBeforeTheDatabase(table, answer, 400, 'VALIDATION_FAILED');
    expect(errorPaths(answer)).toEqual([field]);
  });
});

describe('query parameters', () => {
  it.each([
    ['limit=0', ['limit']],
    ['limit=101', ['limit']],
    ['limit=1.5', ['limit']],
    ['limit=abc', ['limit']],
    ['includeDeleted=yes', ['includeDeleted']],
    ['sourceResourceId=app-42', ['sourceResourceId']],
    ['targetResourceId=i-1', ['targetResourceId']],
    ['status=active', ['status']],
    ['sourceResourceType=vm', ['sourceResourceType']],
    ['bogus=1', ['bogus']],
    ['nextToken=', ['nextToken']],
    ['limit=0&bogus=1', ['bogus', 'limit']],
  ])('list answers 400 to ?%s, naming %j', async (rawQuery, fields) => {
    const answer = await invoke(listConnections, withQuery(sampleRequest('listConnections'), rawQuery));

    expectRefusedBeforeTheDatabase(table, answer, 400, 'VALIDATION_FAILED');
    expect(errorPaths(answer)).toEqual(fields);
  });

  it.each([
    ['listConnections', listConnections, 'status=pending&status=failed', 'status'],
    ['listConnections', listConnections, 'limit=5&sourceResourceType=instance&limit=5', 'limit'],
    ['listResourceConnections', listResourceConnections, 'includeDeleted=true&includeDeleted=true', 'includeDeleted'],
    ['getConnection', getConnection, 'includeDeleted=true&includeDeleted=false', 'includeDeleted'],
  ] as const)(
    '%s refuses the repeated parameter in ?%s, which API Gateway joins with a comma',
    async (route, handler, rawQuery, name) => {
      // prepare
      const event = gatewayEvent(withQuery(sampleRequest(route), rawQuery));
      expect(event.queryStringParameters?.[name]).toContain(',');

      // act
      const answer = await invoke(handler, event);

      // assess
      expectRefusedBeforeTheDatabase(table, answer, 400, 'VALIDATION_FAILED');
      expect(answer.body.errors).toContainEqual({ path: name, message: 'is given more than once' });
    },
  );

  it('reads a percent-encoded query value decoded', async () => {
    const answer = await invoke(
      listConnections,
      withQuery(sampleRequest('listConnections'), 'sourceResourceType=instance&sourceResourceId=a%20b'),
    );

    expectRefusedBeforeTheDatabase(table, answer, 400, 'VALIDATION_FAILED');
    expect(errorPaths(answer)).toEqual(['sourceResourceId']);
  });

  it('falls back to queryStringParameters when the event has no rawQueryString', async () => {
    const { rawQueryString: _, ...event } = gatewayEvent(withQuery(sampleRequest('listConnections'), 'limit=0'));

    const answer = await invoke(listConnections, event as ReturnType<typeof gatewayEvent>);

    expectRefusedBeforeTheDatabase(table, answer, 400, 'VALIDATION_FAILED');
    expect(errorPaths(answer)).toEqual(['limit']);
  });

  it.each([
    ['getConnection', getConnection, 'limit=5', 'limit'],
    ['deleteConnection', deleteConnection, 'force=true', 'force'],
    ['updateConnection', updateConnection, 'includeDeleted=true', 'includeDeleted'],
    ['createConnection', createConnection, 'dryRun=1', 'dryRun'],
    ['listResourceConnections', listResourceConnections, 'sourceResourceType=instance', 'sourceResourceType'],
  ] as const)('%s refuses the parameter it does not take (?%s)', async (route, handler, rawQuery, name) => {
    const answer = await invoke(handler, withQuery(sampleRequest(route), rawQuery));

    expectRefusedBeforeTheDatabase(table, answer, 400, 'VALIDATION_FAILED');
    expect(answer.body.errors).toEqual([{ path: name, message: 'is not a known field' }]);
  });

  it('accepts an event without a queryStringParameters key', async () => {
    // prepare: rawQueryString "" and no queryStringParameters, as API Gateway sends a request without a query
    const event = gatewayEvent(sampleRequest('getConnection'));
    expect(event).not.toHaveProperty('queryStringParameters');

    // act
    const answer = await invoke(getConnection, event);

    // assess: validation passed; the connection does not exist
    expectProblem(answer, 404, 'NOT_FOUND');
  });
});
