/**
 * Least privilege, read from the template: each function's role holds exactly the DynamoDB
 * actions its code calls, on the table or the index ARNs it uses; read routes cannot write; no
 * role can Scan or use a wildcard; no role has a managed policy.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROUTES, type Route, type RouteId } from '../../functions/routes.ts';
import { ROOT, synthesize, SYNTH_TIMEOUT, type Synthesized } from './support/synth.ts';

/**
 * What each route's code calls, read from functions/store (patterns/, listing.ts,
 * list-plans.ts): actions on the table ARN, and the indexes it Queries.
 */
const GET_PUT = ['dynamodb:GetItem', 'dynamodb:PutItem'];
// BatchGetItem reads the details too large for a connection's item (functions/store/details.ts).
const READS = ['dynamodb:BatchGetItem', 'dynamodb:GetItem'];
const CHANGE = ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:PutItem'];
const CHANGE_DELETE = ['dynamodb:BatchGetItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem'];
const EXPECTED: Record<RouteId, { table: string[]; indexes: string[] }> = {
  createConnection: { table: GET_PUT, indexes: [] },
  listConnections: { table: ['dynamodb:BatchGetItem'], indexes: ['byEnvironment', 'bySource', 'byStatus', 'byTarget'] },
  getConnection: { table: READS, indexes: [] },
  updateConnection: { table: CHANGE_DELETE, indexes: [] },
  deleteConnection: { table: CHANGE_DELETE, indexes: [] },
  listResourceConnections: { table: ['dynamodb:BatchGetItem'], indexes: ['bySource', 'byTarget'] },
  validateConnection: { table: ['dynamodb:GetItem'], indexes: [] },
  getConnectionHistory: { table: ['dynamodb:Query'], indexes: [] },
  restoreConnection: { table: CHANGE, indexes: [] },
  deleteResourceConnections: { table: CHANGE_DELETE, indexes: ['bySource', 'byTarget'] },
  getGraph: { table: [], indexes: ['byEnvironment', 'bySource', 'byStatus', 'byTarget'] },
  getHealth: { table: [], indexes: [] },
  getOpenApi: { table: [], indexes: [] },
  getConnectionRules: { table: [], indexes: [] },
  getTopology: { table: [], indexes: [] },
  getTopologyAsset: { table: [], indexes: [] },
  notFound: { table: [], indexes: [] },
};

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

/** Every statement of every policy attached to the route's function role. */
function statementsOf(route: Route): Statement[] {
  const roleId = synth.logicalId(synth.stack.functions.get(route.id)!.role!);
  const role = synth.template.toJSON().Resources[roleId];
  expect(role.Properties.ManagedPolicyArns, 'no managed policy').toBeUndefined();
  expect(role.Properties.Policies, 'no inline role policy').toBeUndefined();
  return Object.values(synth.template.findResources('AWS::IAM::Policy'))
    .filter((policy) =>
      list(policy.Properties.Roles).some((r: unknown) => JSON.stringify(r) === JSON.stringify({ Ref: roleId })),
    )
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
}

/** The grants on the table, as `action` → resources named `table` or the index name. */
function dynamoGrants(route: Route): { table: string[]; indexes: string[] } {
  const tableArn = { 'Fn::GetAtt': [tableId, 'Arn'] };
  const grants = { table: new Set<string>(), indexes: new Set<string>() };
  for (const statement of statementsOf(route)) {
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

describe.each(ROUTES.map((route) => [route.id, route] as const))('%s role', (id, route) => {
  it('holds exactly the DynamoDB actions its code calls, on the resources it uses', () => {
    const expected = EXPECTED[id];
    expect(expected, `add the DynamoDB calls of the new route ${id} to EXPECTED`).toBeDefined();
    expect(dynamoGrants(route)).toEqual(expected);
  });

  it(route.access === 'write' ? 'may write' : 'cannot write', () => {
    const writes = statementsOf(route)
      .flatMap((s) => list(s.Action))
      .filter((action) => WRITE_ACTION.test(action));
    if (route.access === 'write') expect(writes.length).toBeGreaterThan(0);
    else expect(writes).toEqual([]);
  });

  it('has no wildcard action, no Scan, and writes only its own log group', () => {
    const fn = synth.stack.functions.get(route.id)!;
    const ownLogGroup = { 'Fn::GetAtt': [synth.logicalId(fn.logGroup), 'Arn'] };
    for (const statement of statementsOf(route)) {
      for (const action of list(statement.Action)) {
        expect(action).not.toContain('*');
        expect(action).not.toMatch(/^dynamodb:(Scan|PartiQLSelect)$/);
        if (action.startsWith('logs:')) expect(statement.Resource).toEqual(ownLogGroup);
      }
      expect(JSON.stringify(statement.Resource)).not.toContain('*');
    }
  });
});

/**
 * The grants follow the code: every DynamoDB operation the functions' code sends must be granted to
 * some route, and none may be a Scan. A new kind of call (an Update in a transaction, say) fails
 * here until data-access.ts grants it.
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

  const granted = new Set(ROUTES.flatMap((route) => dynamoGrants(route).table));
  if (ROUTES.some((route) => dynamoGrants(route).indexes.length > 0)) granted.add('dynamodb:Query');
  expect([...used].filter((action) => !granted.has(action))).toEqual([]);
});
