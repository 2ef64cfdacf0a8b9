/**
 * Least privilege, read from the template: each function's role holds exactly the DynamoDB
 * actions its route's entry in the route table states (functions/routes.ts, `data`), on the table
 * or the index ARNs it names, and so does the deadline sweep's (`DEADLINE_SWEEP.data`); the code
 * uses nothing the table does not grant; routes without the write scope cannot write; no role can
 * Scan or use a wildcard; no role has a managed policy.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { DEADLINE_SWEEP, ROUTES } from '../../functions/routes.ts';
import { type DataAccess } from '../../functions/route-table/shape.ts';
import { ROOT, synthesize, SYNTH_TIMEOUT, type Synthesized } from './support/synth.ts';

/** What the route table says a function may do, in the shape dynamoGrants reads off the template. */
function declared({ items, queries }: DataAccess): { table: string[]; indexes: string[] } {
  return {
    table: [...items, ...(queries.includes('table') ? ['dynamodb:Query'] : [])].sort(),
    indexes: queries.filter((target) => target !== 'table').sort(),
  };
}

const WRITE_ACTION =
  /^dynamodb:(PutItem|UpdateItem|DeleteItem|BatchWriteItem|ConditionCheckItem|PartiQL(Insert|Update|Delete))$/;

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

let synth: Synthesized;
let tableId: string;
beforeAll(() => {
  synth = synthesize();
  tableId = synth.logicalId(synth.stack.table.table);
}, SYNTH_TIMEOUT);

const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

const routeFunction = (id: string): IFunction => synth.stack.functions.get(id)!;
const sweepFunction = (): IFunction => synth.stack.deadlines.function;

/** Every statement of every policy attached to the function's role. */
function statementsOf(fn: IFunction): Statement[] {
  const roleId = synth.logicalId(fn.role!);
  synth.of(fn.role!).hasResourceProperties('AWS::IAM::Role', {
    ManagedPolicyArns: Match.absent(),
    Policies: Match.absent(),
  });
  return Object.values(synth.template.findResources('AWS::IAM::Policy'))
    .filter((policy) =>
      list(policy.Properties.Roles).some((r: unknown) => JSON.stringify(r) === JSON.stringify({ Ref: roleId })),
    )
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
}

/** The grants on the table, as `action` → resources named `table` or the index name. */
function dynamoGrants(fn: IFunction): { table: string[]; indexes: string[] } {
  const tableArn = { 'Fn::GetAtt': [tableId, 'Arn'] };
  const grants = { table: new Set<string>(), indexes: new Set<string>() };
  for (const statement of statementsOf(fn)) {
    const actions = list(statement.Action).filter((action) => action.startsWith('dynamodb:'));
    if (actions.length === 0) continue;
    expect(statement.Effect).toBe('Allow');
    for (const resource of list(statement.Resource)) {
      if (JSON.stringify(resource) === JSON.stringify(tableArn)) {
        for (const action of actions) grants.table.add(action);
        continue;
      }
      // An index ARN: the table ARN joined with `/index/<name>`, never a wildcard.
      const join = (resource as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
      expect(join, `resource ${JSON.stringify(resource)}`).toBeDefined();
      expect(join![1][0]).toEqual(tableArn);
      const name = /^\/index\/([A-Za-z0-9_.-]+)$/.exec(String(join![1][1]))?.[1];
      expect(name, `index resource ${JSON.stringify(resource)}`).toBeDefined();
      expect(actions).toEqual(['dynamodb:Query']);
      grants.indexes.add(name!);
    }
  }
  return { table: [...grants.table].sort(), indexes: [...grants.indexes].sort() };
}

/** No wildcard action or resource, no Scan, and logs written to its own log group only. */
function expectNarrow(fn: IFunction & { logGroup: object }): void {
  const ownLogGroup = { 'Fn::GetAtt': [synth.logicalId(fn.logGroup), 'Arn'] };
  for (const statement of statementsOf(fn)) {
    for (const action of list(statement.Action)) {
      expect(action).not.toContain('*');
      expect(action).not.toMatch(/^dynamodb:(Scan|PartiQLSelect)$/);
      if (action.startsWith('logs:')) expect(statement.Resource).toEqual(ownLogGroup);
    }
    expect(JSON.stringify(statement.Resource)).not.toContain('*');
  }
}

describe.each(ROUTES.map((route) => [route.id, route] as const))('%s role', (_id, route) => {
  it('holds exactly the DynamoDB actions its route states, on the resources it names', () => {
    expect(dynamoGrants(routeFunction(route.id))).toEqual(declared(route.data));
  });

  it(route.scope === 'connections:write' ? 'may write' : 'cannot write', () => {
    const writes = statementsOf(routeFunction(route.id))
      .flatMap((s) => list(s.Action))
      .filter((action) => WRITE_ACTION.test(action));
    if (route.scope === 'connections:write') expect(writes.length).toBeGreaterThan(0);
    else expect(writes).toEqual([]);
  });

  it('has no wildcard action, no Scan, and writes only its own log group', () => {
    expectNarrow(synth.stack.functions.get(route.id)!);
  });
});

describe('the deadline sweep’s role', () => {
  it('holds exactly the DynamoDB actions DEADLINE_SWEEP states: Query on the deadline index and the table, reads and puts', () => {
    expect(dynamoGrants(sweepFunction())).toEqual(declared(DEADLINE_SWEEP.data));
    // Query on the table: a due connection is read with its large details, as any change reads it;
    // UpdateItem: a throttled change doubles its environment's shards.
    expect(declared(DEADLINE_SWEEP.data)).toEqual({
      table: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
      indexes: ['byDeadline'],
    });
  });

  it('has no wildcard action, no Scan, and writes only its own log group', () => {
    expectNarrow(synth.stack.deadlines.function);
  });
});

/**
 * The grants follow the code: every DynamoDB operation the functions' code sends must be granted to
 * some route (or the sweep, or the stream publisher: test/infra/events.test.ts), and none may be a Scan. A new kind of call (an Update in a transaction, say) fails
 * here until a route's entry in the route table grants it.
 */
it('grants every DynamoDB operation the function code uses, and the code never scans', () => {
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? files(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
    );
  const sources = files(join(ROOT, 'functions')).map((file) => readFileSync(file, 'utf8'));
  // The commands the code imports from the DynamoDB clients (another SDK's, EventBridge say, are not table calls).
  const commands = new Set(
    sources.flatMap((text) =>
      [...text.matchAll(/import\s*\{([^}]*)\}\s*from\s*'@aws-sdk\/(?:lib|client)-dynamodb'/g)].flatMap(([, names]) =>
        names!
          .split(',')
          .map(
            (name) =>
              name
                .trim()
                .replace(/^type\s+/, '')
                .split(/\s+as\s+/)[0]!,
          )
          .filter((name) => name.endsWith('Command')),
      ),
    ),
  );
  const COMMANDS: Record<string, string[]> = {
    Get: ['dynamodb:GetItem'],
    Query: ['dynamodb:Query'],
    Put: ['dynamodb:PutItem'],
    Update: ['dynamodb:UpdateItem'],
    Delete: ['dynamodb:DeleteItem'],
    TransactWrite: [],
    TransactGet: ['dynamodb:GetItem'],
    BatchGet: ['dynamodb:BatchGetItem'],
    BatchWrite: ['dynamodb:BatchWriteItem'],
  };
  const TRANSACT_ITEMS: Record<string, string> = {
    Put: 'dynamodb:PutItem',
    Update: 'dynamodb:UpdateItem',
    Delete: 'dynamodb:DeleteItem',
    ConditionCheck: 'dynamodb:ConditionCheckItem',
  };
  const used = new Set<string>();
  expect(commands.size).toBeGreaterThan(0);
  for (const name of commands) {
    const command = name.replace(/(Item)?Command$/, '');
    expect(command, 'no Scan anywhere').not.toMatch(/Scan/);
    expect(COMMANDS, `map ${name} to its IAM actions`).toHaveProperty([command]);
    for (const action of COMMANDS[command]!) used.add(action);
  }
  for (const [, kind] of sources.join('\n').matchAll(/\b(Put|Update|Delete|ConditionCheck)\s*:\s*\{/g))
    used.add(TRANSACT_ITEMS[kind!]!);
  expect(used.size).toBeGreaterThan(0);

  const roles = [...ROUTES.map((route) => routeFunction(route.id)), sweepFunction()];
  const granted = new Set(roles.flatMap((fn) => dynamoGrants(fn).table));
  // The publisher's grants on the table itself (beside its stream's, which name the stream).
  const tableArn = JSON.stringify({ 'Fn::GetAtt': [tableId, 'Arn'] });
  for (const statement of statementsOf(synth.stack.events.publisher))
    if (list(statement.Resource).some((resource) => JSON.stringify(resource) === tableArn))
      for (const action of list(statement.Action)) granted.add(action);
  if (roles.some((fn) => dynamoGrants(fn).indexes.length > 0)) granted.add('dynamodb:Query');
  expect([...used].filter((action) => !granted.has(action))).toEqual([]);
});
