/**
 * What the data routes answer once a request is valid, with the in-memory table behind them: the
 * representation with its ETag and Location, Idempotency-Key replays, If-Match, the status table,
 * soft deletion, a list page, the metrics of a create, and 503 or 500 when the database fails.
 */
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import { metrics } from '#http/observability.ts';
import { gatewayEvent } from '../../../local/gateway.ts';
import { FIXTURE_CONNECTION as stored } from '../../../testkit/connections.ts';
import {
  bodyOf,
  invoke,
  sampleRequest,
  withBody,
  withClaimChanges,
  withHeaders,
  withQuery,
} from '../../../testkit/events.ts';
import {
  createConnection,
  deleteConnection,
  errorPaths,
  expectProblem,
  expectRefusedBeforeTheDatabase,
  getConnection,
  listConnections,
  updateConnection,
} from '../../support/data-routes.ts';
import { useFakeTable } from '../../support/fake-table.ts';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

const table = useFakeTable();

describe('answers with a database behind (in-memory fake)', () => {
  it('GET answers the connection with its ETag and no storage keys', async () => {
    table.put(stored);

    const answer = await invoke(getConnection, sampleRequest('getConnection'));

    expect(answer.statusCode).toBe(200);
    expect(answer.headers['content-type']).toBe('application/json');
    expect(answer.headers.etag).toBe('"3"');
    expect(answer.body).toEqual(stored);
  });

  it('GET answers 404 for a soft-deleted connection unless includeDeleted=true', async () => {
    table.put({ ...stored, deletedAt: '2026-11-28T00:00:00.000Z' });

    const hidden = await invoke(getConnection, sampleRequest('getConnection'));
    const shown = await invoke(getConnection, withQuery(sampleRequest('getConnection'), 'includeDeleted=true'));

    expectProblem(hidden, 404, 'NOT_FOUND');
    expect(shown.statusCode).toBe(200);
    expect(shown.body.deletedAt).toBe('2026-11-28T00:00:00.000Z');
  });

  it('POST answers 201 with Location, ETag "1" and a pending connection made by the caller', async () => {
    const answer = await invoke(createConnection, sampleRequest('createConnection'));

    expect(answer.statusCode).toBe(201);
    expect(answer.body).toMatchObject({
      projectSlug: 'acme',
      environmentSlug: 'prod',
      sourceResourceType: 'application',
      sourceResourceId: 'app-42',
      targetResourceType: 'instance',
      targetResourceId: 'i-0abc123',
      status: 'pending',
      statusReason: null,
      details: { port: 8080 },
      createdBy: 'user-7',
      updatedBy: 'user-7',
      version: 1,
    });
    expect(answer.headers.location).toBe(`/api/acme/prod/resource-connections/${String(answer.body.id)}`);
    expect(answer.headers.etag).toBe('"1"');
    expect(table.sent(TransactWriteCommand)).toHaveLength(1);
  });

  it('counts a created connection and a refusal by code, and flushes metrics only when there are some', async () => {
    const added = vi.spyOn(metrics(), 'addMetric');
    const published = vi.spyOn(metrics(), 'publishStoredMetrics');
    const single = vi.spyOn(metrics(), 'singleMetric');

    await invoke(createConnection, sampleRequest('createConnection'));
    expect(added).toHaveBeenCalledWith('ConnectionsCreated', 'Count', 1);
    expect(published).toHaveBeenCalledTimes(1);

    published.mockClear();
    await invoke(getConnection, withClaimChanges(sampleRequest('getConnection'), { scope: 'connections:write' }));
    expect(single).toHaveBeenCalledTimes(1);
    expect(published).not.toHaveBeenCalled();
  });

  it.each(['', 'x'.repeat(256), 'clé', 'tab\there', 'line\nbreak'])(
    'POST refuses the Idempotency-Key %j before reading',
    async (key) => {
      const answer = await invoke(
        createConnection,
        withHeaders(sampleRequest('createConnection'), { 'idempotency-key': key }),
      );

      expectRefusedBeforeTheDatabase(table, answer, 400, 'VALIDATION_FAILED');
      expect(errorPaths(answer)).toEqual(['Idempotency-Key']);
    },
  );

  it('POST repeated with the same Idempotency-Key and body answers the first response again and creates nothing', async () => {
    // prepare
    const event = withHeaders(sampleRequest('createConnection'), { 'idempotency-key': 'provision-42' });
    const first = await invoke(createConnection, event);

    // act: the same body with its keys in another order
    const body = bodyOf(event);
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const again = await invoke(createConnection, withBody(event, reordered));

    // assess
    expect(first.statusCode).toBe(201);
    expect(first.headers).not.toHaveProperty('idempotent-replayed');
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(again.headers.location).toBe(first.headers.location);
    expect(table.sent(TransactWriteCommand)).toHaveLength(1);
  });

  it('POST with a used Idempotency-Key and another body answers 422 IDEMPOTENCY_KEY_REUSED and creates nothing', async () => {
    const event = withHeaders(sampleRequest('createConnection'), { 'idempotency-key': 'provision-42' });
    await invoke(createConnection, event);

    const answer = await invoke(createConnection, withBody(event, { ...bodyOf(event), targetResourceId: 'i-other' }));

    expectProblem(answer, 422, 'IDEMPOTENCY_KEY_REUSED');
    expect(table.sent(TransactWriteCommand)).toHaveLength(1);
  });

  it("POST does not replay another caller's Idempotency-Key", async () => {
    const event = withHeaders(sampleRequest('createConnection'), { 'idempotency-key': 'provision-42' });
    const mine = await invoke(createConnection, event);

    const theirs = await invoke(createConnection, withClaimChanges(event, { sub: 'user-8' }));

    expect(mine.statusCode).toBe(201);
    expect(theirs.headers).not.toHaveProperty('idempotent-replayed');
    expect(theirs.body.id).not.toBe(mine.body.id);
    expect(table.sent(TransactWriteCommand)).toHaveLength(2);
  });

  it('PATCH with a matching If-Match answers the new version and its ETag', async () => {
    table.put(stored);

    const answer = await invoke(updateConnection, sampleRequest('updateConnection'));

    expect(answer.statusCode).toBe(200);
    expect(answer.headers.etag).toBe('"4"');
    expect(answer.body).toMatchObject({ status: 'connecting', version: 4, details: {} });
  });

  it('PATCH with a stale If-Match answers 412 and writes nothing', async () => {
    table.put(stored);

    const answer = await invoke(
      updateConnection,
      withHeaders(sampleRequest('updateConnection'), { 'if-match': '"2"' }),
    );

    expectProblem(answer, 412, 'PRECONDITION_FAILED');
    expect(table.sent(TransactWriteCommand)).toHaveLength(0);
  });

  it('PATCH answers 409 with from, to and allowed for a move the table refuses, and writes nothing', async () => {
    table.put(stored);

    const answer = await invoke(
      updateConnection,
      withBody(
        sampleRequest('updateConnection'),
        { status: 'connected' },
        { contentType: 'application/merge-patch+json' },
      ),
    );

    expectProblem(answer, 409, 'INVALID_STATUS_TRANSITION');
    expect(answer.body).toMatchObject({ from: 'pending', to: 'connected' });
    expect([...(answer.body.allowed as string[])].sort()).toEqual(['connecting', 'disconnected', 'failed']);
    expect(table.sent(TransactWriteCommand)).toHaveLength(0);
  });

  it('DELETE answers 204 without a body', async () => {
    table.put(stored);

    const answer = await invoke(deleteConnection, sampleRequest('deleteConnection'));

    expect(answer.statusCode).toBe(204);
    expect(answer.text).toBe('');
  });

  it('list answers a page without storage keys and with a null nextToken at the end', async () => {
    table.put(stored);

    const answer = await invoke(listConnections, withQuery(sampleRequest('listConnections'), ''));

    expect(answer.statusCode).toBe(200);
    expect(answer.body).toEqual({ items: [stored], nextToken: null });
  });

  it('answers 503 with Retry-After when the database is throttling, revealing nothing', async () => {
    table.send.mockRejectedValue(
      Object.assign(new Error('Rate of requests exceeds the allowed throughput for table connections-test'), {
        name: 'ProvisionedThroughputExceededException',
        $metadata: { httpStatusCode: 400 },
      }),
    );

    const event = gatewayEvent(sampleRequest('getConnection'));

    const answer = await invoke(getConnection, event);

    expectProblem(answer, 503, 'SERVICE_UNAVAILABLE', event.requestContext.requestId);
    expect(answer.headers['retry-after']).toMatch(/^\d+$/);
  });

  it('answers 500 revealing nothing when the database call fails unexpectedly', async () => {
    table.send.mockRejectedValue(
      Object.assign(new Error('Requested resource not found: Table: connections-test not found'), {
        name: 'ResourceNotFoundException',
        $metadata: { httpStatusCode: 400 },
      }),
    );

    const answer = await invoke(getConnection, sampleRequest('getConnection'));

    expectProblem(answer, 500, 'INTERNAL');
  });
});
