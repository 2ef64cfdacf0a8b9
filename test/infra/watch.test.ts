/**
 * Watching changes: the AppSync Events API (OIDC subscribers with the HTTP API's issuer and
 * audience, IAM-only publishing), its namespace's subscribe handler run as deployed, the
 * publisher's narrow grant, and GET /realtime naming the endpoint.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { util } from '@aws-appsync/utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NAMESPACE, pathSegments } from '../../functions/realtime/channels.js';
import { NAMESPACE as STACK_NAMESPACE, subscribeHandlerCode } from '../../lib/connection-watch.ts';
import {
  resourcesOfType,
  ROOT,
  synthesize,
  SYNTH_TIMEOUT,
  TEST_AUDIENCE,
  TEST_ISSUER,
  type Synthesized,
} from './support/synth.ts';

let synth: Synthesized;
let codeDir: string;
let onSubscribe: (ctx: unknown) => void;

const apiId = () => synth.logicalId(synth.stack.watch.api);
const namespace = () => Object.values(resourcesOfType(synth.template, 'AWS::AppSync::ChannelNamespace'))[0]!;
const dns = (attribute: string) => ({ 'Fn::GetAtt': [apiId(), attribute] });

beforeAll(async () => {
  synth = synthesize();
  // The namespace's code exactly as the template deploys it, in a folder where its one import,
  // @aws-appsync/utils, resolves (the package's `util` is the object the runtime fills in).
  codeDir = mkdtempSync(join(ROOT, 'node_modules', '.watch-handler-'));
  const file = join(codeDir, 'handler.mjs');
  writeFileSync(file, String(namespace().Properties!.CodeHandlers));
  ({ onSubscribe } = (await import(pathToFileURL(file).href)) as { onSubscribe: (ctx: unknown) => void });
}, SYNTH_TIMEOUT);
afterAll(() => rmSync(codeDir, { recursive: true, force: true }));

it('is an Event API whose subscribers connect with the HTTP API’s tokens and only IAM publishes', () => {
  synth.template.resourceCountIs('AWS::AppSync::Api', 1);
  synth.template.hasResourceProperties('AWS::AppSync::Api', {
    EventConfig: {
      AuthProviders: [
        { AuthType: 'OPENID_CONNECT', OpenIDConnectConfig: { Issuer: TEST_ISSUER, ClientId: `^${TEST_AUDIENCE}$` } },
        { AuthType: 'AWS_IAM' },
      ],
      ConnectionAuthModes: [{ AuthType: 'OPENID_CONNECT' }],
      DefaultPublishAuthModes: [{ AuthType: 'AWS_IAM' }],
      DefaultSubscribeAuthModes: [{ AuthType: 'OPENID_CONNECT' }],
      LogConfig: {
        LogLevel: 'ERROR',
        CloudWatchLogsRoleArn: { 'Fn::GetAtt': [synth.logicalId(synth.stack.watch.node.findChild('LogsRole')), 'Arn'] },
      },
    },
  });
  synth.of(synth.stack.watch.logGroup).hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
});

it('matches every accepted audience exactly, and nothing that merely contains one', () => {
  const two = synthesize({ context: { jwtAudience: 'web.app,cli' } });
  const api = Object.values(resourcesOfType(two.template, 'AWS::AppSync::Api'))[0]!;
  const clientId = (
    api.Properties as { EventConfig: { AuthProviders: { OpenIDConnectConfig?: { ClientId: string } }[] } }
  ).EventConfig.AuthProviders[0]!.OpenIDConnectConfig!.ClientId;
  const pattern = new RegExp(clientId);
  expect(['web.app', 'cli'].map((aud) => pattern.test(aud))).toEqual([true, true]);
  expect(['webxapp', 'web.apps', 'clix', 'acli'].map((aud) => pattern.test(aud))).toEqual([false, false, false, false]);
});

it('has one namespace, connections, subscribed with OIDC, published with IAM, with the bundled handler', () => {
  synth.template.resourceCountIs('AWS::AppSync::ChannelNamespace', 1);
  expect(namespace().Properties).toMatchObject({
    ApiId: dns('ApiId'),
    Name: NAMESPACE,
    PublishAuthModes: [{ AuthType: 'AWS_IAM' }],
    SubscribeAuthModes: [{ AuthType: 'OPENID_CONNECT' }],
    CodeHandlers: subscribeHandlerCode(),
  });
  expect(String(namespace().Properties!.CodeHandlers).length).toBeLessThan(32_768);
  expect(STACK_NAMESPACE).toBe(NAMESPACE);
});

describe('the deployed subscribe handler', () => {
  const refused = new Error('Unauthorized');
  beforeAll(() => {
    (util as unknown as { unauthorized: () => never }).unauthorized = () => {
      throw refused;
    };
  });
  const subscribe = (claims: Record<string, unknown>, path: string) => () =>
    onSubscribe({
      identity: { sub: claims.sub, issuer: TEST_ISSUER, claims },
      info: { channel: { path, segments: pathSegments(path) } },
    });
  const token = (projects: string, extra: Record<string, unknown> = {}) => ({
    sub: 'alice',
    scope: 'connections:read',
    projects,
    ...extra,
  });

  it('lets a granted token subscribe', () => {
    expect(subscribe(token('acme/dev'), '/connections/acme/dev')).not.toThrow();
    expect(subscribe(token('acme/*'), '/connections/acme/*')).not.toThrow();
    expect(subscribe(token('*'), '/connections/*')).not.toThrow();
  });

  it.each([
    ['another project', token('beta/*'), '/connections/acme/dev'],
    ['another environment', token('acme/prod'), '/connections/acme/dev'],
    ['a wildcard wider than the grant', token('acme/dev'), '/connections/acme/*'],
    ['every project', token('acme/*'), '/connections/*'],
    ['no read scope', token('*', { scope: 'connections:write' }), '/connections/acme/dev'],
    ['a service subject', token('*', { sub: 'system:deadline' }), '/connections/acme/dev'],
    ['a path that is no channel', token('*'), '/connections/acme/dev/x'],
  ])('refuses %s with util.unauthorized()', (_, claims, path) => {
    expect(subscribe(claims, path)).toThrow(refused);
  });
});

it('lets the publisher publish to this namespace, and nowhere else', () => {
  const roleId = synth.logicalId(synth.stack.events.publisher.role!);
  const statements = Object.values(synth.template.findResources('AWS::IAM::Policy'))
    .flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
    )
    .filter((statement) => [statement.Action].flat().some((action) => action.startsWith('appsync:')));
  expect(statements).toHaveLength(1);
  const resource = JSON.stringify(statements[0]!.Resource);
  expect(statements[0]!.Action).toBe('appsync:EventPublish');
  expect(resource).toContain(JSON.stringify(dns('ApiId')));
  expect(resource).toContain('/channelNamespace/connections');
  expect(resource).not.toContain('*');
  const policies = synth.template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } });
  expect(JSON.stringify(policies)).toContain('appsync:EventPublish');
  synth.of(synth.stack.events.publisher).hasResourceProperties('AWS::Lambda::Function', {
    Environment: { Variables: { WATCH_PUBLISH_URL: { 'Fn::Join': ['', ['https://', dns('Dns.Http'), '/event']] } } },
  });
});

it('names the real-time endpoint to GET /realtime, and in the stack outputs', () => {
  const realtime = { 'Fn::Join': ['', ['wss://', dns('Dns.Realtime'), '/event/realtime']] };
  synth.of(synth.stack.functions.get('getRealtime')!).hasResourceProperties('AWS::Lambda::Function', {
    Environment: { Variables: { REALTIME_URL: realtime, REALTIME_HOST: dns('Dns.Http') } },
  });
  synth.template.hasOutput('RealtimeUrl', { Value: realtime });
});
