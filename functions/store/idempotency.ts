/**
 * Idempotency-Key records: one per (project, environment, caller, key), kept 24 hours, written in
 * the same transaction as the connection they stand for.
 */
import { createHash } from 'node:crypto';
import type { Connection } from '#model/representations.ts';
import { keys } from './keys.ts';
import type { Scope } from '#model/vocabulary.ts';
import { TABLE } from './table-definition.ts';
import type { TransactItem } from './transactions.ts';

export const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

export interface IdempotencyRequest {
  readonly key: { pk: string; sk: string };
  readonly fingerprint: string;
}

export function idempotencyRequest(scope: Scope, actor: string, key: string, body: unknown): IdempotencyRequest {
  return { key: keys.idempotency(scope, actor, key), fingerprint: fingerprint(body) };
}

/** Equal for bodies with equal JSON, whatever the order of their keys. */
function fingerprint(value: unknown): string {
  const canonical = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(canonical);
    if (v === null || typeof v !== 'object') return v;
    return Object.fromEntries(
      Object.entries(v)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, x]) => [k, canonical(x)]),
    );
  };
  return createHash('sha256')
    .update(JSON.stringify(canonical(value)))
    .digest('hex');
}

/** The record's write; it may replace a record whose 24 hours are over (TTL deletes lazily). */
export function idempotencyPut(tableName: string, request: IdempotencyRequest, connection: Connection): TransactItem {
  const now = nowSeconds();
  return {
    Put: {
      TableName: tableName,
      Item: {
        ...request.key,
        fingerprint: request.fingerprint,
        connectionJson: JSON.stringify(connection),
        createdAt: connection.createdAt,
        [TABLE.timeToLiveAttribute]: now + IDEMPOTENCY_TTL_SECONDS,
      },
      ConditionExpression: `attribute_not_exists(pk) OR ${TABLE.timeToLiveAttribute} <= :now`,
      ExpressionAttributeValues: { ':now': now },
    },
  };
}

/** What a live record answers: the first connection, or undefined for none (or an expired one). */
export function recordedConnection(
  record: Record<string, unknown> | undefined,
): { fingerprint: string; connection: Connection } | undefined {
  if (!record || Number(record[TABLE.timeToLiveAttribute]) <= nowSeconds()) return undefined;
  return {
    fingerprint: String(record.fingerprint),
    connection: JSON.parse(String(record.connectionJson)) as Connection,
  };
}
