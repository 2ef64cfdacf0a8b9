/**
 * The connections repository: every read and write of the table, as named access patterns. Each
 * change is one conditional transaction that writes the connection, its pair guard and its history
 * entry together, so no partial change is ever visible and a refused change writes nothing.
 */
import {
  GetCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { createHash } from 'node:crypto';
import { ulid } from 'ulid';
import { diff, scopeOf, toConnection, toItem, type Changes, type Connection } from './connection.ts';
import {
  ConnectionNotAllowedError,
  DuplicateConnectionError,
  IdempotencyKeyReusedError,
  InvalidStatusTransitionError,
  NotFoundError,
  PreconditionFailedError,
  ServiceUnavailableError,
  ValidationError,
} from './errors.ts';
import { keys, type ResourceRef, type Scope } from './keys.ts';
import { planConnectionList, planResourceConnections, type ListPlan } from './list-plans.ts';
import { queryPage, type Page, type QueryObserver } from './listing.ts';
import { mergePatch } from './merge-patch.ts';
import { allowedTargets, isConnectionAllowed, isTransitionAllowed, STATUS_TRANSITIONS } from './rules.ts';
import {
  MAX_DETAILS_BYTES,
  type CreateConnectionInput,
  type ListConnectionsQuery,
  type ResourceConnectionsQuery,
  type UpdateConnectionInput,
} from './schemas.ts';
import { TABLE } from './table-definition.ts';

export type HistoryAction = 'created' | 'updated' | 'deleted' | 'restored';

/** `If-Match`: the versions the caller accepts; `'*'` accepts any existing connection. */
export type VersionPrecondition = readonly number[] | '*' | undefined;

const CONCURRENCY_RETRIES = 8;
export const DEFAULT_PAGE_SIZE = 50;

export class ConnectionRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly pageTokenSecret: string,
    private readonly observeQuery?: QueryObserver,
  ) {}

  /**
   * Creates a connection. With an Idempotency-Key, a repeat of the same request within 24 hours
   * answers the first result again (`replayed`), and the record that makes it so is written in the
   * same transaction as the connection: there is no window in which one exists without the other.
   */
  async create(scope: Scope, input: CreateConnectionInput, actor: string, idempotencyKey?: string): Promise<Created> {
    const source: ResourceRef = { type: input.sourceResourceType, id: input.sourceResourceId };
    const target: ResourceRef = { type: input.targetResourceType, id: input.targetResourceId };
    if (!isConnectionAllowed(source.type, target.type)) {
      throw new ConnectionNotAllowedError(source.type, target.type, allowedTargets(source.type));
    }
    const idempotency = idempotencyKey === undefined ? undefined : {
      key: keys.idempotency(scope, actor, idempotencyKey),
      fingerprint: fingerprint(input),
    };
    if (idempotency) {
      const earlier = await this.replay(idempotency);
      if (earlier) return earlier;
    }
    const now = new Date().toISOString();
    const connection: Connection = {
      id: ulid(),
      ...scope,
      sourceResourceType: source.type,
      sourceResourceId: source.id,
      targetResourceType: target.type,
      targetResourceId: target.id,
      status: 'pending',
      statusReason: null,
      details: input.details ?? {},
      createdAt: now,
      updatedAt: now,
      createdBy: actor,
      updatedBy: actor,
      version: 1,
    };
    const guard = { ...keys.pairGuard(scope, source, target), connectionId: connection.id, createdAt: now };
    const record = idempotency && {
      Put: {
        TableName: this.tableName,
        Item: {
          ...idempotency.key,
          fingerprint: idempotency.fingerprint,
          connectionJson: JSON.stringify(connection),
          createdAt: now,
          [TABLE.timeToLiveAttribute]: nowSeconds() + IDEMPOTENCY_TTL_SECONDS,
        },
        ConditionExpression: `attribute_not_exists(pk) OR ${TABLE.timeToLiveAttribute} <= :now`,
        ExpressionAttributeValues: { ':now': nowSeconds() },
      },
    };
    for (let attempt = 1; ; attempt++) {
      try {
        await this.transact([
          { Put: { TableName: this.tableName, Item: toItem(connection), ConditionExpression: 'attribute_not_exists(pk)' } },
          {
            Put: {
              TableName: this.tableName,
              Item: guard,
              ConditionExpression: 'attribute_not_exists(pk)',
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            },
          },
          this.historyPut(undefined, connection, 'created'),
          ...(record ? [record] : []),
        ]);
        return { connection, replayed: false };
      } catch (error) {
        const reasons = cancellationReasons(error);
        // The same key won a race with this request: answer what it answered.
        if (idempotency && reasons?.[3]?.Code === 'ConditionalCheckFailed') {
          const earlier = await this.replay(idempotency);
          if (earlier) return earlier;
        }
        const reason = reasons?.[1];
        if (reason?.Code === 'ConditionalCheckFailed') {
          const existing = reason.Item ? unmarshall(reason.Item) : await this.getItem(guard);
          throw new DuplicateConnectionError(String(existing?.connectionId));
        }
        // Another transaction held the guard: the next attempt finds it taken or free.
        if (!isTransactionConflict(error)) throw error;
        if (attempt >= CONCURRENCY_RETRIES) throw new ServiceUnavailableError(1);
        await backOff(attempt);
      }
    }
  }

  /** The first answer to this idempotency key, if it is still kept; 422 if the body differs. */
  private async replay(idempotency: { key: StorageKey; fingerprint: string }): Promise<Created | undefined> {
    const record = await this.getItem(idempotency.key);
    if (!record || Number(record[TABLE.timeToLiveAttribute]) <= nowSeconds()) return undefined;
    if (record.fingerprint !== idempotency.fingerprint) throw new IdempotencyKeyReusedError();
    return { connection: JSON.parse(String(record.connectionJson)) as Connection, replayed: true };
  }

  async get(scope: Scope, id: string, includeDeleted = false): Promise<Connection> {
    const item = await this.getItem(keys.connection(scope, id));
    if (!item || (item.deletedAt !== undefined && !includeDeleted)) throw new NotFoundError('No such connection here.');
    return toConnection(item);
  }

  async update(
    scope: Scope,
    id: string,
    patch: UpdateConnectionInput,
    actor: string,
    ifMatch: VersionPrecondition,
  ): Promise<Changed> {
    return this.change(scope, id, actor, ifMatch, (current) => {
      const next: Connection = { ...current };
      if (patch.status !== undefined && patch.status !== current.status) {
        if (!isTransitionAllowed(current.status, patch.status)) {
          throw new InvalidStatusTransitionError(current.status, patch.status, STATUS_TRANSITIONS[current.status]);
        }
        next.status = patch.status;
      }
      if (patch.statusReason !== undefined) next.statusReason = patch.statusReason;
      if (patch.details !== undefined) {
        next.details = patch.details === null ? {} : (mergePatch(current.details, patch.details) as Record<string, unknown>);
        if (Buffer.byteLength(JSON.stringify(next.details)) > MAX_DETAILS_BYTES) {
          throw new ValidationError([
            { path: 'details', message: `after the merge, must be at most ${MAX_DETAILS_BYTES} bytes as JSON` },
          ]);
        }
      }
      return { next, action: 'updated' };
    });
  }

  async delete(scope: Scope, id: string, actor: string, ifMatch: VersionPrecondition): Promise<void> {
    await this.change(scope, id, actor, ifMatch, (current) => ({
      next: { ...current, deletedAt: new Date().toISOString() },
      action: 'deleted',
      // Releasing the guard lets the same pair be connected again.
      extra: [
        {
          Delete: {
            TableName: this.tableName,
            Key: keys.pairGuard(
              scope,
              { type: current.sourceResourceType, id: current.sourceResourceId },
              { type: current.targetResourceType, id: current.targetResourceId },
            ),
            ConditionExpression: 'connectionId = :id',
            ExpressionAttributeValues: { ':id': current.id },
          },
        },
      ],
    }));
  }

  list(scope: Scope, query: ListConnectionsQuery): Promise<Page> {
    return this.page(planConnectionList(scope, query), query);
  }

  listForResource(scope: Scope, resource: ResourceRef, query: ResourceConnectionsQuery): Promise<Page> {
    return this.page(planResourceConnections(scope, resource, query), query);
  }

  private page(plan: ListPlan, query: { limit?: number | undefined; nextToken?: string | undefined }): Promise<Page> {
    return queryPage(
      this.client,
      this.tableName,
      plan.streams,
      { limit: query.limit ?? DEFAULT_PAGE_SIZE, nextToken: query.nextToken, binding: plan.binding },
      this.pageTokenSecret,
      this.observeQuery,
    );
  }

  /**
   * Read, decide, then write on the condition that the version read is still current. Without
   * If-Match a concurrent change makes it read again and decide anew; with If-Match a concurrent
   * change is the caller's 412.
   */
  private async change(
    scope: Scope,
    id: string,
    actor: string,
    ifMatch: VersionPrecondition,
    decide: (current: Connection) => Decision,
  ): Promise<Changed> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.get(scope, id);
      checkPrecondition(ifMatch, current.version);
      const decision = decide(current);
      const changes = diff(current, decision.next);
      // Nothing changes (say, the status it already has): a retry succeeds without a new version.
      if (Object.keys(changes).length === 0) return { connection: current, changes };
      const next: Connection = {
        ...decision.next,
        version: current.version + 1,
        updatedAt: new Date().toISOString(),
        updatedBy: actor,
      };
      try {
        await this.transact([
          {
            Put: {
              TableName: this.tableName,
              Item: toItem(next),
              ConditionExpression: 'version = :version AND attribute_not_exists(deletedAt)',
              ExpressionAttributeValues: { ':version': current.version },
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            },
          },
          ...(decision.extra ?? []),
          this.historyPut(current, next, decision.action, changes),
        ]);
        return { connection: next, changes };
      } catch (error) {
        const reason = cancellationReasons(error)?.[0];
        if (reason?.Code === 'ConditionalCheckFailed') {
          const now = reason.Item ? unmarshall(reason.Item) : undefined;
          if (now && now.deletedAt === undefined && ifMatch !== undefined && ifMatch !== '*') {
            throw new PreconditionFailedError(Number(now.version));
          }
        } else if (!isTransactionConflict(error)) {
          throw error;
        }
        // Raced with another change: the next read decides again (404, 412 or a fresh attempt).
        if (attempt >= CONCURRENCY_RETRIES) throw new ServiceUnavailableError(1);
        await backOff(attempt);
      }
    }
  }

  private historyPut(before: Connection | undefined, after: Connection, action: HistoryAction, changes = diff(before, after)): TransactItem {
    return {
      Put: {
        TableName: this.tableName,
        Item: {
          ...keys.history(scopeOf(after), after.id, after.version),
          version: after.version,
          at: after.updatedAt,
          actor: after.updatedBy,
          action,
          changesJson: JSON.stringify(changes satisfies Changes),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }

  private async transact(items: TransactItem[]): Promise<void> {
    await this.client.send(new TransactWriteCommand({ TransactItems: items }));
  }

  private async getItem(key: Record<string, string>): Promise<Record<string, unknown> | undefined> {
    const out = await this.client.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    return out.Item;
  }
}

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export interface Created {
  readonly connection: Connection;
  /** True when an Idempotency-Key repeat answered the first request's connection. */
  readonly replayed: boolean;
}

type StorageKey = { pk: string; sk: string };

/** Idempotency records are kept 24 hours (TTL deletes them later; reads ignore expired ones). */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Equal for requests with equal JSON, whatever the order of their keys. */
function fingerprint(value: unknown): string {
  const canonical = (v: unknown): unknown =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, x]) => [k, canonical(x)]))
      : Array.isArray(v)
        ? v.map(canonical)
        : v;
  return createHash('sha256').update(JSON.stringify(canonical(value))).digest('hex');
}

/** A connection after a change, and what changed (empty when the request changed nothing). */
export interface Changed {
  readonly connection: Connection;
  readonly changes: Changes;
}

interface Decision {
  next: Connection;
  action: HistoryAction;
  /** More writes that must commit with the change, such as releasing the pair guard. */
  extra?: TransactItem[];
}

function checkPrecondition(ifMatch: VersionPrecondition, version: number): void {
  if (ifMatch === undefined || ifMatch === '*' || ifMatch.includes(version)) return;
  throw new PreconditionFailedError(version);
}

interface CancellationReason {
  Code?: string;
  Item?: Record<string, never>;
}

function cancellationReasons(error: unknown): CancellationReason[] | undefined {
  if (error instanceof Error && error.name === 'TransactionCanceledException') {
    return (error as Error & { CancellationReasons?: CancellationReason[] }).CancellationReasons;
  }
  return undefined;
}

const isTransactionConflict = (error: unknown) =>
  cancellationReasons(error)?.some((reason) => reason.Code === 'TransactionConflict') ?? false;

/** Short, jittered waits: contention on one connection clears in milliseconds. */
const backOff = (attempt: number) => new Promise((resolve) => setTimeout(resolve, 10 * attempt + Math.random() * 20));
