/**
 * Details kept apart from their connection item (connection-item.ts), read back: for one
 * connection from the details item read with it (patterns/table.ts: one Query of their shared
 * partition), and for a page of list rows with one BatchGetItem for the rows that need them. Each
 * details item names the version that wrote it; a reader whose row names another version (the row
 * is older or newer than the details item it met) takes that version's details from its history
 * entry instead, which never changes. So a row is never shown with details it did not have.
 *
 * Keys are built from the request's scope, never from a row's attributes: nothing read can send a
 * read to another project or environment.
 */
import { BatchGetCommand, GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Connection } from '#model/representations.ts';
import { detailsVersionOf, toConnection } from './connection-item.ts';
import { keys } from './keys.ts';
import { ServiceUnavailableError } from '#model/errors.ts';
import { retriedByStore } from './database-errors.ts';
import type { WriteBudget } from './transactions.ts';
import type { Scope } from '#model/vocabulary.ts';

export interface DetailsSource {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

type Key = Record<string, string>;

/** Reads one stored item (a history entry), consistently. */
export type ItemReader = (key: { pk: string; sk: string }) => Promise<Record<string, unknown> | undefined>;

export const itemReader =
  (source: DetailsSource): ItemReader =>
  async (key) =>
    (await source.client.send(new GetCommand({ TableName: source.tableName, Key: key, ConsistentRead: true }))).Item;

/** The connection of a connection item, with the details item read beside it (if any); the history entry when they disagree. */
export async function connectionOf(
  source: DetailsSource,
  scope: Scope,
  item: Record<string, unknown>,
  detailsItem: Record<string, unknown> | undefined,
  budget?: WriteBudget,
): Promise<Connection> {
  const version = detailsVersionOf(item);
  if (version === undefined) return toConnection(item);
  if (detailsItem && Number(detailsItem.detailsVersion) === version) {
    return toConnection(item, parse(detailsItem.detailsJson));
  }
  // A change committed between the two items' reads: that version's history entry holds its details.
  const command = new GetCommand({
    TableName: source.tableName,
    Key: keys.history(scope, String(item.id), version),
    ConsistentRead: true,
  });
  const out = await source.client.send(budget ? retriedByStore(command) : command);
  budget?.read(out);
  return toConnection(item, historyDetails(out.Item));
}

/** The connections of these index rows of `scope`, in order, their details resolved. */
export async function withDetails(
  source: DetailsSource,
  scope: Scope,
  rows: readonly Record<string, unknown>[],
): Promise<Connection[]> {
  const apart = rows.filter((row) => detailsVersionOf(row) !== undefined);
  if (apart.length === 0) return rows.map((row) => toConnection(row));

  const found = await batchGet(
    source,
    apart.map((row) => keys.details(scope, String(row.id))),
    false,
  );
  const details = new Map<Record<string, unknown>, Record<string, unknown>>();
  const stale: Record<string, unknown>[] = [];
  for (const row of apart) {
    const item = found.get(String(keys.details(scope, String(row.id)).pk));
    if (item && Number(item.detailsVersion) === detailsVersionOf(row)) details.set(row, parse(item.detailsJson));
    else stale.push(row);
  }
  if (stale.length > 0) {
    // History entries never change, but one just written may not have reached every replica yet.
    const history = await batchGet(
      source,
      stale.map((row) => keys.history(scope, String(row.id), detailsVersionOf(row)!)),
      true,
    );
    for (const row of stale)
      details.set(row, historyDetails(history.get(String(keys.connection(scope, String(row.id)).pk))));
  }
  return rows.map((row) => toConnection(row, details.get(row)));
}

/**
 * The details a connection kept apart had as set by version `version`, for an event about a later
 * version `since` (at which they were still those): from the details item while it still holds
 * them, else from that version's history entry, else (that entry gone with its retention, and the
 * details replaced since) from the first later change of details, which records them as replaced.
 * Undefined when nothing is left of them (the connection was purged).
 */
export async function detailsAt(
  read: ItemReader,
  scope: Scope,
  id: string,
  version: number,
  since = version,
): Promise<Record<string, unknown> | undefined> {
  const item = await read(keys.details(scope, id));
  if (item && Number(item.detailsVersion) === version) return parse(item.detailsJson);
  const entry = await read(keys.history(scope, id, version));
  if (entry) return historyDetails(entry);
  for (let next = since + 1; next <= since + LATER_CHANGES; next++) {
    const later = await read(keys.history(scope, id, next));
    if (!later) return undefined;
    if (changedDetails(later)) return historyDetailsBefore(later);
  }
  return undefined;
}

/** Versions after an event's that `detailsAt` looks through for the change that replaced its details. */
const LATER_CHANGES = 100;

const changedDetails = (entry: Record<string, unknown>): boolean =>
  (JSON.parse(String(entry.changesJson)) as { details?: unknown }).details !== undefined;

/** The details a history entry recorded as set by its change. */
export const historyDetails = (entry: Record<string, unknown> | undefined): Record<string, unknown> =>
  recorded(entry, 'to');

/** The details a history entry recorded as replaced by its change. */
export const historyDetailsBefore = (entry: Record<string, unknown> | undefined): Record<string, unknown> =>
  recorded(entry, 'from');

function recorded(entry: Record<string, unknown> | undefined, side: 'from' | 'to'): Record<string, unknown> {
  const changes = entry && (JSON.parse(String(entry.changesJson)) as { details?: Record<string, unknown> });
  const details = changes?.details?.[side];
  // A bug, never a caller's mistake: a details version always names a change that set details.
  if (details === undefined || details === null || typeof details !== 'object') {
    throw new Error(`a history entry named as a details version records no details ${side}`);
  }
  return details as Record<string, unknown>;
}

const parse = (json: unknown): Record<string, unknown> => JSON.parse(String(json)) as Record<string, unknown>;

/**
 * The items under these keys, by partition key (each key here is the only one of its partition);
 * what DynamoDB leaves unprocessed under load is asked for again, a few times, briefly.
 */
async function batchGet(
  source: DetailsSource,
  wanted: readonly Key[],
  consistent: boolean,
): Promise<Map<string, Record<string, unknown>>> {
  const found = new Map<string, Record<string, unknown>>();
  let pending = [...new Map(wanted.map((key) => [`${key.pk}|${key.sk}`, key])).values()];
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt > 0) {
      // Keys left unprocessed are DynamoDB's back-pressure: after a few tries, the caller comes back later.
      if (attempt > 3) throw new ServiceUnavailableError();
      await new Promise((resolve) => setTimeout(resolve, 10 * attempt + Math.random() * 20));
    }
    const batch = pending.slice(0, 100);
    const command = new BatchGetCommand({
      RequestItems: { [source.tableName]: { Keys: batch, ConsistentRead: consistent } },
    });
    const out = await source.client.send(command);
    for (const item of out.Responses?.[source.tableName] ?? []) found.set(String(item.pk), item);
    pending = [...((out.UnprocessedKeys?.[source.tableName]?.Keys as Key[] | undefined) ?? []), ...pending.slice(100)];
  }
  return found;
}
