/**
 * The publisher as deployed: its cdk.out bundle in its own process, handed the stream records that
 * DynamoDB Local's stream really holds after the deployed create and update functions ran (read
 * with the publisher's role, as Lambda's event source mapping reads them), in the envelope the
 * mapping delivers; EventBridge is a stand-in HTTP server (AWS_ENDPOINT_URL_EVENTBRIDGE) behind an
 * IAM gate, recording each PutEvents it receives, and the watch API's publish endpoint another
 * (WATCH_PUBLISH_URL), that records what the bundle sends to each channel.
 */
import type { _Record as StreamRecord } from '@aws-sdk/client-dynamodb-streams';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { gatewayEvent } from '../../local/gateway.ts';
import { streamEvent, tokenClaims } from '../../testkit/gateway-events.ts';
import type { Gate } from '../../testkit/iam/gate.ts';
import type { Template } from '../../testkit/iam/policy.ts';
import type { LambdaProcess } from '../../testkit/lambda-process.ts';
import { routeById } from '../../functions/routes.ts';
import { BUS_NAME, call, DEPLOYED_TABLE, startFunction, template } from './support/deployed.ts';
import { startGate } from './support/iam.ts';
import { pollStream } from './support/stream-poller.ts';
import { startEventsApiStandIn } from './support/events-api-stand-in.ts';

interface PutEvents {
  target: string;
  body: { Entries: { EventBusName: string; Source: string; DetailType: string; Detail: string; Time: number }[] };
}

const received: PutEvents[] = [];
const LARGE = { note: 'x'.repeat(300) };
/** What the stand-in answers next: an entry error code fails that entry, as EventBridge does. */
let failEntries = false;
let server: Server;
let gate: Gate;
let publisher: LambdaProcess;
let channels: Awaited<ReturnType<typeof startEventsApiStandIn>>;
let records: StreamRecord[];
let connectionId: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    req.on('end', () => {
      const body = JSON.parse(text) as PutEvents['body'];
      received.push({ target: String(req.headers['x-amz-target']), body });
      const entries = body.Entries.map((_, i) =>
        failEntries ? { ErrorCode: 'InternalFailure', ErrorMessage: 'stand-in failure' } : { EventId: `e-${i}` },
      );
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify({ FailedEntryCount: failEntries ? entries.length : 0, Entries: entries }));
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  gate = await startGate(template() as unknown as Template, {
    upstream: `http://127.0.0.1:${port}`,
    streamArn: inject('deployedStreamArn'),
    usageDir: inject('iamUsageDir'),
    file: 'eventbridge',
  });
  channels = await startEventsApiStandIn();
  publisher = await startFunction('publish-events', {
    AWS_ENDPOINT_URL_EVENTBRIDGE: gate.endpoint,
    WATCH_PUBLISH_URL: channels.url,
  });

  const stream = await pollStream(inject('gatedDynamoDbEndpoint'), DEPLOYED_TABLE, 'publish-events');
  const seen = stream.records;
  const [create, update] = await Promise.all([startFunction('create-connection'), startFunction('update-connection')]);
  try {
    const claims = tokenClaims({ projects: ['events/dev'], scopes: ['connections:write'] });
    const base = '/api/events/dev/resource-connections';
    const pair = { sourceResourceType: 'terminal', sourceResourceId: `ssh-${Date.now()}` };
    const created = await call(
      create,
      gatewayEvent({
        route: routeById('createConnection'),
        path: base,
        claims,
        scopes: ['connections:write'],
        headers: { 'content-type': 'application/json' },
        // Over 200 bytes: kept apart from the connection, so not in the stream's images.
        body: JSON.stringify({ ...pair, targetResourceType: 'instance', targetResourceId: 'i-events', details: LARGE }),
      }),
    );
    expect(created.statusCode, created.body).toBe(201);
    connectionId = (created.json() as { id: string }).id;
    const patched = await call(
      update,
      gatewayEvent({
        route: routeById('updateConnection'),
        path: `${base}/${connectionId}`,
        claims,
        scopes: ['connections:write'],
        headers: { 'content-type': 'application/merge-patch+json' },
        body: JSON.stringify({ status: 'connecting' }),
      }),
    );
    expect(patched.statusCode, patched.body).toBe(200);
    const ours = () =>
      seen.filter(
        (r) => r.dynamodb?.Keys?.pk?.S?.endsWith(`#${connectionId}`) && r.dynamodb.Keys.sk?.S === 'CONNECTION',
      );
    const deadline = Date.now() + 20_000;
    while (ours().length < 2 && Date.now() < deadline) await new Promise((done) => setTimeout(done, 100));
    records = ours();
  } finally {
    await Promise.all([create.stop(), update.stop(), stream.stop()]);
  }
}, 60_000);

afterAll(async () => {
  await publisher?.stop();
  await gate?.close();
  server?.close();
  await channels?.close();
});

const STREAM_ARN = `arn:aws:dynamodb:eu-west-1:123456789012:table/${DEPLOYED_TABLE}/stream/2026-01-01T00:00:00.000`;

it('reads an INSERT and a MODIFY of the connection from the stream', () => {
  expect(records.map((r) => r.eventName)).toEqual(['INSERT', 'MODIFY']);
});

it('puts one event per record on the bus the template names, as EventBridge receives them', async () => {
  received.length = 0;
  const answer = await publisher.invoke(streamEvent(records, STREAM_ARN));
  expect(answer.error).toBeUndefined();
  expect(answer.result).toEqual({ batchItemFailures: [] });
  const entries = received.flatMap((r) => r.body.Entries);
  expect(received.every((r) => r.target === 'AWSEvents.PutEvents')).toBe(true);
  expect(entries.map((e) => [e.EventBusName, e.Source, e.DetailType])).toEqual([
    [BUS_NAME, 'resource-connections', 'Connection Created'],
    [BUS_NAME, 'resource-connections', 'Connection Status Changed'],
  ]);
  const details = entries.map((e) => JSON.parse(e.Detail) as Record<string, unknown>);
  // The details, read by the publisher from the history entry that set them.
  expect(details[0]).toMatchObject({
    eventId: `${connectionId}:1`,
    version: 1,
    connection: { id: connectionId, details: LARGE },
  });
  expect(details[1]).toMatchObject({
    eventId: `${connectionId}:2`,
    previousStatus: 'pending',
    connection: { id: connectionId, status: 'connecting' },
  });
  expect(typeof entries[0]!.Time).toBe('number');
});

it('reports the first record EventBridge refused, so that the stream retries from it', async () => {
  failEntries = true;
  try {
    const answer = await publisher.invoke(streamEvent(records, STREAM_ARN));
    expect(answer.result).toEqual({ batchItemFailures: [{ itemIdentifier: records[0]!.dynamodb!.SequenceNumber }] });
  } finally {
    failEntries = false;
  }
});

describe("publishing to the environment's channel", () => {
  it('sends each event the bus took, as its envelope, signed for AppSync', async () => {
    channels.received.length = 0;
    const answer = await publisher.invoke(streamEvent(records, STREAM_ARN));
    expect(answer.result).toEqual({ batchItemFailures: [] });
    expect(channels.received).toHaveLength(1);
    const [request] = channels.received;
    expect([request!.method, request!.path]).toEqual(['POST', '/event']);
    expect(request!.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=publishevents\/\d{8}\/eu-west-1\/appsync\/aws4_request, SignedHeaders=\S*host\S*, Signature=[0-9a-f]{64}$/,
    );
    expect(request!.headers['x-amz-security-token']).toBe('local');
    expect(request!.body.channel).toBe('/connections/events/dev');
    const envelopes = request!.body.events.map((event) => JSON.parse(event) as Record<string, unknown>);
    expect(envelopes).toEqual([
      {
        id: `${connectionId}:1`,
        source: 'resource-connections',
        'detail-type': 'Connection Created',
        time: expect.any(String),
        detail: expect.objectContaining({ version: 1, connection: expect.objectContaining({ id: connectionId }) }),
      },
      expect.objectContaining({ id: `${connectionId}:2`, 'detail-type': 'Connection Status Changed' }),
    ]);
  });

  it('sends at most five events a request, in commit order', async () => {
    channels.received.length = 0;
    // The same two changes three times over, as a replayed stream would carry them: six events.
    const replayed = [...records, ...records, ...records].map((record, i) => ({
      ...record,
      dynamodb: { ...record.dynamodb, SequenceNumber: `${i + 1}`.padStart(21, '0') },
    }));
    const answer = await publisher.invoke(streamEvent(replayed, STREAM_ARN));
    expect(answer.result).toEqual({ batchItemFailures: [] });
    expect(channels.received.map((r) => r.body.events.length)).toEqual([5, 1]);
    const versions = channels.received.flatMap((r) =>
      r.body.events.map((e) => (JSON.parse(e) as { detail: { version: number } }).detail.version),
    );
    expect(versions).toEqual([1, 2, 1, 2, 1, 2]);
  });

  it('lets a failing channel fail nothing else: the bus has the events and the stream goes on', async () => {
    channels.fail(true);
    received.length = 0;
    try {
      const answer = await publisher.invoke(streamEvent(records, STREAM_ARN));
      expect(answer.result).toEqual({ batchItemFailures: [] });
      expect(received.flatMap((r) => r.body.Entries)).toHaveLength(2);
    } finally {
      channels.fail(false);
    }
  });

  it('sends nothing the bus refused: the stream retries it, and publishes it then', async () => {
    channels.received.length = 0;
    failEntries = true;
    try {
      const answer = await publisher.invoke(streamEvent(records, STREAM_ARN));
      expect(answer.result).toEqual({ batchItemFailures: [{ itemIdentifier: records[0]!.dynamodb!.SequenceNumber }] });
      expect(channels.received).toEqual([]);
    } finally {
      failEntries = false;
    }
  });
});
