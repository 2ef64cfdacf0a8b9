/**
 * How the partition model (partition-model.ts) reads what a read request examined: a Query is sent
 * without its projection expression, its COUNT and its equality filter (none of which lowers the
 * cost), its answer measured item by item, then cut back to what it asked for.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { TABLE } from '#store/table-definition.ts';
import type { Item } from './item-size.ts';
import { keyOf } from './partition-charges.ts';

type Key = Record<string, AttributeValue>;

/** What a Query was sent without, to apply to its answer. */
export interface Stashed {
  /** On the answer as the document client has it (plain values). */
  projection?: (item: Record<string, unknown>) => Record<string, unknown>;
  filter?: (item: Item) => boolean;
  count?: boolean;
}

/** The partitions a read touches: `table|pk` or `index|pk`. */
export function readPartitions(operation: string, input: Record<string, unknown>): string[] {
  if (operation === 'GetItem') return [`table|${(input.Key as Key)[TABLE.partitionKey]!.S}`];
  if (operation === 'BatchGetItem') {
    return Object.values(input.RequestItems as Record<string, { Keys: Key[] }>).flatMap((r) =>
      r.Keys.map((key) => `table|${key[TABLE.partitionKey]!.S}`),
    );
  }
  const values = input.ExpressionAttributeValues as Key;
  return [`${(input.IndexName as string | undefined) ?? 'table'}|${values[':pk']!.S}`];
}

/** The answer's items on the wire (sizes are AWS's, on attribute values): one, found by key, or examined. */
export function answered(operation: string, output: Record<string, unknown>, stashed: Stashed | undefined) {
  if (operation === 'GetItem') return { one: output.Item ? wire(output.Item) : undefined };
  if (operation === 'BatchGetItem') {
    const all = Object.values((output.Responses as Record<string, unknown[]>) ?? {})
      .flat()
      .map(wire);
    return { found: new Map(all.map((item) => [keyOf(item), item])) };
  }
  const examined = ((output.Items as unknown[]) ?? []).map(wire);
  // Sent without its filter (stashed), a Query's answer holds everything it examined.
  const dropped = stashed?.filter ? 0 : Number(output.ScannedCount ?? examined.length) - examined.length;
  return { examined, dropped };
}

/**
 * Takes off a Query what does not lower its cost (projection, COUNT, an equality filter), before it
 * is serialized, and says how to cut its answer back.
 */
export function sendWhole(input: Record<string, unknown>): Stashed | undefined {
  const names = { ...(input.ExpressionAttributeNames as Record<string, string>) };
  const values = { ...(input.ExpressionAttributeValues as Key) };
  const stashed: Stashed = {};
  const expression = input.ProjectionExpression as string | undefined;
  if (expression) {
    const wanted = new Set(expression.split(',').map((part) => names[part.trim()] ?? part.trim()));
    stashed.projection = (item) => Object.fromEntries(Object.entries(item).filter(([name]) => wanted.has(name)));
    delete input.ProjectionExpression;
  }
  if (input.Select === 'COUNT') {
    stashed.count = true;
    delete input.Select;
  }
  const filter = input.FilterExpression as string | undefined;
  const equalities = filter?.split(' AND ').map((clause) => /^(#\w+) = (:\w+)$/.exec(clause.trim()));
  if (filter && equalities!.every(Boolean)) {
    const tests = equalities!.map((m) => [names[m![1]!]!, values[m![2]!]!] as const);
    stashed.filter = (item) => tests.every(([name, value]) => JSON.stringify(item[name]) === JSON.stringify(value));
    delete input.FilterExpression;
  }
  if (!stashed.projection && !stashed.count && !stashed.filter) return undefined;
  // Placeholders only the removed parts used would be refused as unused.
  const used = `${String(input.KeyConditionExpression)} ${String(input.FilterExpression ?? '')}`;
  for (const placeholder of Object.keys(names)) {
    if (!used.includes(placeholder)) delete (input.ExpressionAttributeNames as Record<string, string>)[placeholder];
  }
  for (const placeholder of Object.keys(values)) {
    if (!used.includes(placeholder)) delete (input.ExpressionAttributeValues as Key)[placeholder];
  }
  return stashed;
}

/** The answer as the Query asked for it: its filter (on the wire values it was given), then its projection or its count. */
export function cutBack(output: Record<string, unknown>, { projection, filter, count }: Stashed): void {
  let kept = ((output.Items as Record<string, unknown>[]) ?? []).filter((item) => !filter || filter(wire(item)));
  output.Count = kept.length;
  if (projection) kept = kept.map(projection);
  if (count) delete output.Items;
  else output.Items = kept;
}

const wire = (item: unknown): Item => marshall(item as Record<string, unknown>, { removeUndefinedValues: true });
