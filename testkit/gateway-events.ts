/**
 * What the bundle tests and the cold-start benchmark send besides the HTTP events they build with
 * local/gateway.ts: a token's claims, query strings, and DynamoDB stream batches in the envelope
 * Lambda delivers (from the captures in testkit/fixtures/captured/, each with its source).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './esbuild.ts';

const captured = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(ROOT, 'testkit/fixtures/captured', name), 'utf8')) as Record<string, unknown>;
const STREAM_TEMPLATE = captured('dynamodb-stream.json') as { Records: Record<string, unknown>[] };

/** The HTTP API events AWS delivered, which the one event builder (local/gateway.ts) must match in shape. */
export const CAPTURED_GATEWAY_EVENTS = {
  jwt: captured('http-api-jwt.json'),
  public: captured('http-api-public.json'),
};

/** A raw query string from name-value pairs, in order; a name may repeat. */
export const queryString = (pairs: readonly (readonly [string, string])[]): string =>
  pairs.map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`).join('&');

/** The claims of an access token granted `projects` with `scopes`, as strings like API Gateway's. */
export function tokenClaims(options: {
  subject?: string;
  projects: readonly string[];
  scopes?: readonly string[];
}): Record<string, string | number | readonly string[]> {
  const now = Math.floor(Date.now() / 1000);
  return {
    sub: options.subject ?? 'd2f50444-0041-7036-aea2-a955fca33d37',
    iss: 'https://issuer.example.com/',
    aud: 'resource-connections-api',
    iat: now,
    exp: now + 3600,
    projects: options.projects.join(' '),
    ...(options.scopes ? { scope: options.scopes.join(' ') } : {}),
  };
}

/** A DynamoDB stream record as Lambda delivers it, from one read off a stream (SDK shape). */
export interface StreamRecordLike {
  readonly eventID?: string;
  readonly eventName?: string;
  readonly dynamodb?: object & { ApproximateCreationDateTime?: Date | number };
}

/** A stream batch event as Lambda's event source mapping hands it to the function. */
export function streamEvent(records: readonly StreamRecordLike[], streamArn: string): Record<string, unknown> {
  const template = STREAM_TEMPLATE.Records[0]!;
  return {
    Records: records.map((record) => {
      const created = record.dynamodb?.ApproximateCreationDateTime;
      return {
        ...template,
        eventID: record.eventID,
        eventName: record.eventName,
        eventVersion: '1.1',
        awsRegion: 'eu-west-1',
        eventSourceARN: streamArn,
        dynamodb: {
          ...record.dynamodb,
          ...(created === undefined
            ? {}
            : { ApproximateCreationDateTime: created instanceof Date ? created.getTime() / 1000 : created }),
        },
      };
    }),
  };
}
