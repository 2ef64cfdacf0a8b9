/**
 * Deploy-time settings: the identity provider's issuer and audience must be given (context or
 * environment), never defaulted; tuning values come from context and are checked.
 */
import { App } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import {
  DEADLINE_SECONDS_BOUNDS,
  DEFAULT_DEADLINE_SECONDS,
  DEFAULT_RETENTION_DAYS,
  readSettings,
} from '../../lib/settings.ts';
import * as model from '../../functions/model/vocabulary.ts';

const node = (context: Record<string, unknown>) => new App({ context }).node;
const IDP = { jwtIssuer: 'https://idp.example.com/', jwtAudience: 'api' };

describe('identity provider', () => {
  it('refuses to go on without an issuer or an audience, naming both ways to give them', () => {
    expect(() => readSettings(node({}), {})).toThrow(
      /Missing jwtIssuer: pass -c jwtIssuer=\.\.\. .* or set JWT_ISSUER/,
    );
    expect(() => readSettings(node({ jwtIssuer: IDP.jwtIssuer }), {})).toThrow(/Missing jwtAudience.*JWT_AUDIENCE/);
  });

  it('reads JWT_ISSUER and JWT_AUDIENCE from the environment, and context wins over them', () => {
    const env = { JWT_ISSUER: 'https://env.example.com/', JWT_AUDIENCE: 'one,two' };
    expect(readSettings(node({}), env)).toMatchObject({
      jwtIssuer: 'https://env.example.com/',
      jwtAudience: ['one', 'two'],
    });
    expect(readSettings(node(IDP), env)).toMatchObject({ jwtIssuer: IDP.jwtIssuer, jwtAudience: ['api'] });
  });

  it('accepts only an https issuer', () => {
    expect(() => readSettings(node({ ...IDP, jwtIssuer: 'http://idp.example.com/' }), {})).toThrow(/https URL/);
  });
});

describe('tuning', () => {
  it('leaves every value to the constructs’ defaults when context has none', () => {
    expect(readSettings(node(IDP), {})).toMatchObject({
      throttleRateLimit: undefined,
      throttleBurstLimit: undefined,
      publicRateLimit: undefined,
      publicBurstLimit: undefined,
      publisherReservedConcurrency: undefined,
      concurrency: {},
      functionMemoryMb: undefined,
      logRetention: undefined,
      alarmTopicArn: undefined,
      dynamoDbEndpoint: undefined,
    });
  });

  it('parses numbers given on the command line (as strings) and checks them', () => {
    const settings = readSettings(
      node({ ...IDP, throttleRateLimit: '20', functionMemoryMb: 512, logRetentionDays: '90' }),
      {},
    );
    expect(settings).toMatchObject({
      throttleRateLimit: 20,
      functionMemoryMb: 512,
      logRetention: RetentionDays.THREE_MONTHS,
    });
    expect(() => readSettings(node({ ...IDP, throttleBurstLimit: 'lots' }), {})).toThrow(
      /throttleBurstLimit must be a positive number/,
    );
    expect(() => readSettings(node({ ...IDP, logRetentionDays: 31 }), {})).toThrow(/logRetentionDays must be one of/);
  });

  it('reads the edge limits and concurrencies as whole numbers where they count requests or executions', () => {
    const settings = readSettings(
      node({
        ...IDP,
        publicRateLimit: '2.5',
        publicBurstLimit: '5',
        publisherReservedConcurrency: 4,
        graphConcurrency: '3',
        cascadeConcurrency: 2,
      }),
      {},
    );
    expect(settings).toMatchObject({
      publicRateLimit: 2.5,
      publicBurstLimit: 5,
      publisherReservedConcurrency: 4,
      concurrency: { graphConcurrency: 3, cascadeConcurrency: 2 },
    });
    for (const setting of ['graphConcurrency', 'cascadeConcurrency'])
      expect(() => readSettings(node({ ...IDP, [setting]: '2.5' }), {})).toThrow(
        new RegExp(`${setting} must be a whole number`),
      );
    expect(() => readSettings(node({ ...IDP, publisherReservedConcurrency: 0 }), {})).toThrow(/positive number/);
  });
});

describe('default deadlines', () => {
  it('are docs/api.md’s 3,600 s pending and 900 s connecting, and agree with the functions’ own', () => {
    expect(readSettings(node(IDP), {}).deadlineSeconds).toEqual({ pending: 3600, connecting: 900 });
    expect(DEFAULT_DEADLINE_SECONDS).toEqual(model.DEFAULT_DEADLINE_SECONDS);
    expect(DEADLINE_SECONDS_BOUNDS).toEqual({ min: model.MIN_DEADLINE_SECONDS, max: model.MAX_DEADLINE_SECONDS });
  });

  it('are read from context and held to the bounds of deadlineSeconds', () => {
    const tuned = readSettings(node({ ...IDP, pendingDeadlineSeconds: '7200', connectingDeadlineSeconds: 60 }), {});
    expect(tuned.deadlineSeconds).toEqual({ pending: 7200, connecting: 60 });
    for (const bad of ['4', '604801', '90.5'])
      expect(() => readSettings(node({ ...IDP, connectingDeadlineSeconds: bad }), {})).toThrow(
        /connectingDeadlineSeconds must be a whole number of seconds from 5 to 604800/,
      );
    expect(() => readSettings(node({ ...IDP, pendingDeadlineSeconds: 'soon' }), {})).toThrow(
      /pendingDeadlineSeconds must be a positive number/,
    );
  });
});

describe('the deadline sweep, retention, the publisher and warm throughput', () => {
  it('leave the sweep’s limit to its function, and keep docs/api.md’s retention and a one-second batching window', () => {
    expect(readSettings(node(IDP), {})).toMatchObject({
      sweepBatchLimit: undefined,
      retentionDays: { deleted: 90, history: 400 },
      publisherBatchingWindowSeconds: 1,
      warmThroughput: {},
    });
    expect(DEFAULT_RETENTION_DAYS).toEqual(model.DEFAULT_RETENTION_DAYS);
  });

  it('read each from context, held to what DynamoDB and Lambda take', () => {
    const tuned = readSettings(
      node({
        ...IDP,
        sweepBatchLimit: '20',
        deletedRetentionDays: '30',
        historyRetentionDays: 0,
        publisherBatchingWindowSeconds: '0',
        warmThroughput: '{"table":{"writeUnitsPerSecond":40000},"byDeadline":{"writeUnitsPerSecond":20000}}',
      }),
      {},
    );
    expect(tuned).toMatchObject({
      sweepBatchLimit: 20,
      retentionDays: { deleted: 30, history: 0 },
      publisherBatchingWindowSeconds: 0,
      warmThroughput: { table: { writeUnitsPerSecond: 40_000 }, byDeadline: { writeUnitsPerSecond: 20_000 } },
    });
    // An object in cdk.json works as well as JSON text after -c.
    expect(
      readSettings(node({ ...IDP, warmThroughput: { bySource: { readUnitsPerSecond: 30_000 } } }), {}),
    ).toMatchObject({ warmThroughput: { bySource: { readUnitsPerSecond: 30_000 } } });

    const refused: [Record<string, unknown>, RegExp][] = [
      [{ sweepBatchLimit: '0' }, /sweepBatchLimit must be a positive number/],
      [{ sweepBatchLimit: '2.5' }, /sweepBatchLimit must be a whole number/],
      [{ deletedRetentionDays: '-1' }, /deletedRetentionDays must be a whole number from 0/],
      [{ historyRetentionDays: '1.5' }, /historyRetentionDays must be a whole number from 0/],
      [
        { publisherBatchingWindowSeconds: '301' },
        /publisherBatchingWindowSeconds must be a whole number from 0 to 300/,
      ],
      [{ warmThroughput: '{"tabel":{}}' }, /"tabel" is neither the table nor an index/],
      [{ warmThroughput: { table: { writeUnitsPerSecond: 1000 } } }, /at least 4000 \(DynamoDB's own\)/],
      [{ warmThroughput: { byStatus: { readUnits: 20_000 } } }, /unknown readUnits/],
      [{ warmThroughput: '[1]' }, /must be an object/],
    ];
    for (const [context, error] of refused) expect(() => readSettings(node({ ...IDP, ...context }), {})).toThrow(error);
  });
});
