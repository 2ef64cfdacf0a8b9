/**
 * The IAM rules of the bundle tests' gate (testkit/iam/), without a network: which calls a request
 * makes (a transaction one per item, a Query on an index the index's ARN), how a role read from a
 * template decides on them, the message AWS refuses with, and the least-privilege check's verdict.
 */
import { describe, expect, it } from 'vitest';
import { credentialOf, type Caller } from '../../testkit/iam/gate.ts';
import { decide, deniedMessage, resolve, roleOf, type ArnValues, type Template } from '../../testkit/iam/policy.ts';
import { SERVICES } from '../../testkit/iam/services.ts';
import { unusedGrants } from '../../testkit/iam/usage.ts';

const AT = { region: 'eu-west-1', account: '123456789012' };
const TABLE = 'arn:aws:dynamodb:eu-west-1:123456789012:table/connections';
const dynamodb = () => SERVICES.dynamodb!(AT);
const calls = (target: string, json: Record<string, unknown>, rules = dynamodb()) =>
  rules.calls({ method: 'POST', path: '/', target, json });

describe('the calls IAM checks for a DynamoDB request', () => {
  it('a transaction: each item its own action, on its table', () => {
    const items = [
      { Put: { TableName: 'connections' } },
      { Update: { TableName: 'connections' } },
      { Delete: { TableName: 'connections' } },
      { ConditionCheck: { TableName: 'other' } },
    ];
    expect(calls('DynamoDB_20120810.TransactWriteItems', { TransactItems: items })).toEqual([
      { action: 'dynamodb:PutItem', resource: TABLE },
      { action: 'dynamodb:UpdateItem', resource: TABLE },
      { action: 'dynamodb:DeleteItem', resource: TABLE },
      { action: 'dynamodb:ConditionCheckItem', resource: 'arn:aws:dynamodb:eu-west-1:123456789012:table/other' },
    ]);
  });

  it('BatchGetItem and BatchWriteItem are actions of their own, one call per table', () => {
    expect(calls('DynamoDB_20120810.BatchGetItem', { RequestItems: { connections: {} } })).toEqual([
      { action: 'dynamodb:BatchGetItem', resource: TABLE },
    ]);
    expect(calls('DynamoDB_20120810.BatchWriteItem', { RequestItems: { connections: [] } })).toEqual([
      { action: 'dynamodb:BatchWriteItem', resource: TABLE },
    ]);
  });

  it('a Query on an index is a Query on the index ARN; on the table, the table ARN', () => {
    expect(calls('DynamoDB_20120810.Query', { TableName: 'connections', IndexName: 'bySource' })).toEqual([
      { action: 'dynamodb:Query', resource: `${TABLE}/index/bySource` },
    ]);
    expect(calls('DynamoDB_20120810.Query', { TableName: TABLE })).toEqual([
      { action: 'dynamodb:Query', resource: TABLE },
    ]);
  });

  it("reads a stream by the ARN of the iterator's stream, placed where the functions run", () => {
    const rules = dynamodb();
    const local = 'arn:aws:dynamodb:ddblocal:000000000000:table/connections/stream/2026-01-01T00:00:00.000';
    const stream = `${TABLE}/stream/2026-01-01T00:00:00.000`;
    const request = {
      method: 'POST',
      path: '/',
      target: 'DynamoDBStreams_20120810.GetShardIterator',
      json: { StreamArn: local },
    };
    expect(rules.calls(request)).toEqual([{ action: 'dynamodb:GetShardIterator', resource: stream }]);
    expect(() => calls('DynamoDBStreams_20120810.GetRecords', { ShardIterator: 'it-1' }, rules)).toThrow(
      'a shard iterator the gate did not hand out',
    );
    rules.observe!(request, { ShardIterator: 'it-1' });
    expect(calls('DynamoDBStreams_20120810.GetRecords', { ShardIterator: 'it-1' }, rules)).toEqual([
      { action: 'dynamodb:GetRecords', resource: stream },
    ]);
    expect(calls('DynamoDBStreams_20120810.ListStreams', {}, rules)).toEqual([
      { action: 'dynamodb:ListStreams', resource: '*' },
    ]);
  });

  it('names no rule for an operation it does not know, rather than let it through', () => {
    expect(() => calls('DynamoDB_20120810.TransactWriteItems', { TransactItems: [{ Copy: {} }] })).toThrow(
      'no IAM rule',
    );
  });
});

it("checks EventBridge's PutEvents on each bus its entries name, the default bus when none", () => {
  const rules = SERVICES.events!(AT);
  const entries = [{ EventBusName: 'bus' }, {}, { EventBusName: 'bus' }];
  expect(calls('AWSEvents.PutEvents', { Entries: entries }, rules)).toEqual([
    { action: 'events:PutEvents', resource: 'arn:aws:events:eu-west-1:123456789012:event-bus/bus' },
    { action: 'events:PutEvents', resource: 'arn:aws:events:eu-west-1:123456789012:event-bus/default' },
  ]);
});

describe('a role read from a template', () => {
  const tableArn = { 'Fn::GetAtt': ['Table', 'Arn'] };
  const template: Template = {
    Resources: {
      Table: { Type: 'AWS::DynamoDB::Table' },
      Role: { Type: 'AWS::IAM::Role' },
      Fn: { Type: 'AWS::Lambda::Function', Properties: { Role: { 'Fn::GetAtt': ['Role', 'Arn'] } } },
      Policy: {
        Type: 'AWS::IAM::Policy',
        Properties: {
          Roles: [{ Ref: 'Role' }],
          PolicyDocument: {
            Statement: [
              { Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:Query'], Resource: tableArn },
              { Effect: 'Allow', Action: 'dynamodb:Query', Resource: { 'Fn::Join': ['', [tableArn, '/index/*']] } },
              { Effect: 'Deny', Action: 'dynamodb:*', Resource: { 'Fn::Join': ['', [tableArn, '/index/secret']] } },
            ],
          },
        },
      },
    },
  };
  const values: ArnValues = { ...AT, names: { 'AWS::DynamoDB::Table': 'connections' } };
  const role = roleOf(template, 'Fn', values);

  it('resolves the ARNs its policies name', () => {
    expect(role.name).toBe('ResourceConnections-Role');
    expect(role.statements.map((s) => s.resources)).toEqual([[TABLE], [`${TABLE}/index/*`], [`${TABLE}/index/secret`]]);
    expect(resolve(template, { Ref: 'Unknown' }, values)).toBe('unresolved:Unknown');
  });

  it('allows what an Allow names (action names in any case, wildcards), refuses the rest, and an explicit Deny wins', () => {
    expect(decide(role, 'dynamodb:getitem', TABLE)).toBe('allow');
    expect(decide(role, 'dynamodb:Query', `${TABLE}/index/bySource`)).toBe('allow');
    expect(decide(role, 'dynamodb:BatchGetItem', TABLE)).toBe('implicit-deny');
    expect(decide(role, 'dynamodb:GetItem', `${TABLE}-copy`)).toBe('implicit-deny');
    expect(decide(role, 'dynamodb:Query', `${TABLE}/index/secret`)).toBe('explicit-deny');
  });

  it('refuses to evaluate what it does not understand', () => {
    const conditional = structuredClone(template);
    (conditional.Resources.Policy!.Properties!.PolicyDocument as { Statement: object[] }).Statement.push({
      Effect: 'Allow',
      Action: 'dynamodb:PutItem',
      Resource: '*',
      Condition: {},
    });
    expect(() => roleOf(conditional, 'Fn', values)).toThrow('Condition');
  });

  it('is refused in the words AWS uses', () => {
    const caller = { role, session: 'get-connection' };
    expect(deniedMessage(caller, AT.account, 'dynamodb:BatchGetItem', TABLE, 'implicit-deny')).toBe(
      'User: arn:aws:sts::123456789012:assumed-role/ResourceConnections-Role/get-connection is not authorized to perform: ' +
        `dynamodb:BatchGetItem on resource: ${TABLE} because no identity-based policy allows the dynamodb:BatchGetItem action`,
    );
    expect(deniedMessage(caller, AT.account, 'dynamodb:Query', TABLE, 'explicit-deny')).toMatch(
      / with an explicit deny in an identity-based policy$/,
    );
  });

  it('leaves no grant unused when the calls made cover each, and names each one they do not', () => {
    const caller: Caller = { name: 'get-connection', role };
    const used = (action: string, resource: string) => ({ caller: 'get-connection', action, resource, allowed: true });
    const uses = [
      used('dynamodb:GetItem', TABLE),
      used('dynamodb:Query', TABLE),
      used('dynamodb:Query', `${TABLE}/index/bySource`),
    ];
    expect(unusedGrants([caller], uses, ['dynamodb'])).toEqual([]);
    expect(unusedGrants([caller], uses.slice(1), ['dynamodb'])).toEqual([
      `get-connection: dynamodb:GetItem on ${TABLE}`,
    ]);
    // Calls another function made, or that were refused, use nothing of this role.
    expect(unusedGrants([caller], [{ ...uses[0]!, caller: 'other' }, ...uses.slice(1)], ['dynamodb'])).toHaveLength(1);
    expect(unusedGrants([caller], [{ ...uses[0]!, allowed: false }, ...uses.slice(1)], ['dynamodb'])).toHaveLength(1);
  });
});

it('knows the caller by the access key in the SigV4 credential, and the service it signed for', () => {
  const authorization =
    'AWS4-HMAC-SHA256 Credential=getconnection/20261207/eu-west-1/dynamodb/aws4_request, SignedHeaders=host, Signature=abc';
  expect(credentialOf(authorization)).toEqual({ accessKeyId: 'getconnection', service: 'dynamodb' });
  expect(credentialOf(undefined)).toBeUndefined();
});
