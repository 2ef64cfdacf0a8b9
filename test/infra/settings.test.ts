/**
 * Deploy-time settings: the identity provider's issuer and audience must be given (context or
 * environment), never defaulted; tuning values come from context and are checked.
 */
import { App } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { DEADLINE_SECONDS_BOUNDS, DEFAULT_DEADLINE_SECONDS, readSettings } from '../../lib/settings.ts';
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
  it('are the contract’s 3,600 s pending and 900 s connecting, and agree with the functions’ own', () => {
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
