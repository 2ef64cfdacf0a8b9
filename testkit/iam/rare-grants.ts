/**
 * Grants a function needs only on a path the bundle tests do not provoke, each with the path that
 * uses it and the integration test that covers that path. The least-privilege check expects exactly
 * these unused: a grant that stops being needed, or a rare path a bundle test starts to reach, fails
 * it until this list says so.
 */
export interface RareGrant {
  readonly fn: string;
  readonly action: string;
  /** On the table itself, or on one of its indexes. */
  readonly on: 'table' | `index/${string}`;
  readonly path: string;
}

/** Writers grow their environment's shards (store/shards.ts) after a throttled write. */
const growth = (fn: string): RareGrant => ({
  fn,
  action: 'dynamodb:UpdateItem',
  on: 'table',
  path: 'more shards after a throttled write (test/integration/shard-growth.test.ts)',
});

export const RARE_GRANTS: readonly RareGrant[] = [
  {
    fn: 'create-connection',
    action: 'dynamodb:UpdateItem',
    on: 'table',
    path: 'more shards once an environment outgrows them (test/integration/shard-growth.test.ts)',
  },
  {
    fn: 'create-connection',
    action: 'dynamodb:Query',
    on: 'index/byEnvironment',
    path: 'the size check one create in many makes (test/integration/shard-growth.test.ts)',
  },
  {
    fn: 'get-connection',
    action: 'dynamodb:GetItem',
    on: 'table',
    path: 'a details item of another version than the connection read: its history entry has them (test/integration/large-details.test.ts)',
  },
  growth('update-connection'),
  growth('delete-connection'),
  growth('restore-connection'),
  growth('delete-resource-connections'),
  growth('sweep-deadlines'),
  {
    fn: 'publish-events',
    action: 'dynamodb:Query',
    on: 'table',
    path: "a purged connection's history and details, found (test/integration/retention.test.ts)",
  },
  {
    fn: 'publish-events',
    action: 'dynamodb:BatchWriteItem',
    on: 'table',
    path: "a purged connection's history and details, deleted (test/integration/retention.test.ts)",
  },
];

/** The rare grants of `functions` (all by default) as unusedGrants names them, for the table `tableArn`. */
export const rareGrantsOf = (tableArn: string, functions?: readonly string[]): string[] =>
  RARE_GRANTS.filter((grant) => !functions || functions.includes(grant.fn)).map(
    (grant) => `${grant.fn}: ${grant.action} on ${grant.on === 'table' ? tableArn : `${tableArn}/${grant.on}`}`,
  );
