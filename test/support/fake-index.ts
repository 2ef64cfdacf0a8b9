/**
 * A DynamoDB stand-in for unit tests of the Query builder (listing.ts): partitions of items sorted
 * by their sort key, and a document client whose `send` answers a QueryCommand as DynamoDB does:
 * the key conditions the store writes (`=`, `BETWEEN`, `>=`, `<=`), Limit as the number of items
 * examined, equality filters after the examination, a LastEvaluatedKey whenever Limit stops it
 * (even when nothing follows, as DynamoDB does), Count and ScannedCount.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';

export type Item = Record<string, string>;

export interface FakeIndex {
  readonly client: DynamoDBDocumentClient;
  /** Queries answered, with what each examined. */
  readonly queries: { partition: string; scanned: number }[];
}

/** `partitions`: partition key value → items; every item holds `sortKey` and its partition under `partitionKey`. */
export function fakeIndex(
  partitions: ReadonlyMap<string, readonly Item[]>,
  partitionKey: string,
  sortKey: string,
): FakeIndex {
  const sorted = new Map(
    [...partitions].map(([pk, items]) => [pk, [...items].sort((a, b) => cmp(a[sortKey]!, b[sortKey]!))]),
  );
  const queries: FakeIndex['queries'] = [];
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'local', endpoint: 'http://127.0.0.1:1' }));
  client.send = (async (command: unknown) => {
    if (!(command instanceof QueryCommand)) throw new Error(`unexpected ${String(command)}`);
    const input = command.input;
    const names = input.ExpressionAttributeNames ?? {};
    const values = input.ExpressionAttributeValues ?? {};
    if (names['#pk'] !== partitionKey || (names['#sk'] !== undefined && names['#sk'] !== sortKey)) {
      throw new Error(`query on the wrong keys: ${JSON.stringify(names)}`);
    }
    const pk = String(values[':pk']);
    const lo = values[':lo'] as string | undefined;
    const hi = values[':hi'] as string | undefined;
    const condition = input.KeyConditionExpression ?? '';
    if (lo !== undefined && hi !== undefined && !condition.includes('BETWEEN')) throw new Error(condition);
    if (lo !== undefined && hi !== undefined && cmp(lo, hi) > 0) throw new Error('BETWEEN bounds out of order');
    const inRange = (sorted.get(pk) ?? []).filter((item) => {
      const key = item[sortKey]!;
      return (lo === undefined || cmp(key, lo) >= 0) && (hi === undefined || cmp(key, hi) <= 0);
    });
    const limit = input.Limit ?? Infinity;
    if (!(limit >= 1)) throw new Error(`Limit ${limit}`);
    const examined = inRange.slice(0, limit);
    const filters = (input.FilterExpression ?? '')
      .split(' AND ')
      .filter(Boolean)
      .map((clause) => {
        const [name, value] = clause.split(' = ');
        return [names[name!]!, String(values[value!])] as const;
      });
    const items = examined.filter((item) => filters.every(([attribute, value]) => item[attribute] === value));
    queries.push({ partition: pk, scanned: examined.length });
    const last = examined.at(-1);
    return {
      Items: items.map((item) => ({ ...item })),
      Count: items.length,
      ScannedCount: examined.length,
      ...(examined.length === limit && last
        ? { LastEvaluatedKey: { [partitionKey]: pk, [sortKey]: last[sortKey] } }
        : {}),
      $metadata: {},
    };
  }) as never;
  return { client, queries };
}

/** DynamoDB orders string keys by their UTF-8 bytes; the keys here are ASCII. */
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
