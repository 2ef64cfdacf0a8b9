/**
 * The connections repository: every read and write of the table, as named access patterns. Each
 * change is one conditional transaction that writes the connection with its pair guard and its
 * history entry, so no partial change is ever visible and a refused change writes nothing.
 */
import { GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { diff, scopeOf, toConnection, toItem, type Changes, type Connection } from '../domain/connection.ts';
import {
  ConnectionNotAllowedError,
  ConnectionNotDeletedError,
  DuplicateConnectionError,
  IdempotencyKeyReusedError,
  InvalidStatusTransitionError,
  NotFoundError,
  PreconditionFailedError,
  ServiceUnavailableError,
  ValidationError,
} from '../http/errors.ts';
import { historyPut, toHistoryEntry, type HistoryAction, type HistoryEntry } from './history.ts';
import { idempotencyPut, idempotencyRequest, recordedConnection, type IdempotencyRequest } from './idempotency.ts';
import { newConnectionId } from '../domain/ids.ts';
import { keys, type ResourceRef, type Scope } from './keys.ts';
import type { Graph } from './graph-edges.ts';
import { readGraph } from './graph.ts';
import { planConnectionList, planResourceConnections, type ListPlan } from './list-plans.ts';
import { queryPage, type Page, type QueryObserver } from './listing.ts';
import { mergePatch } from '../domain/merge-patch.ts';
import { allowedTargets, isConnectionAllowed, isTransitionAllowed, STATUS_TRANSITIONS } from '../domain/rules.ts';
import {
  MAX_DETAILS_BYTES,
  type CreateConnectionInput,
  type GraphQuery,
  type ListConnectionsQuery,
  type ResourceConnectionsQuery,
  type UpdateConnectionInput,
} from '../http/schemas.ts';
import {
  backOff,
  conditionFailed,
  CONCURRENCY_RETRIES,
  isTransactionConflict,
  type TransactItem,
} from './transactions.ts';

/** `If-Match`: the versions the caller accepts; `'*'` accepts any existing connection. */
export type VersionPrecondition = readonly number[] | '*' | undefined;

export const DEFAULT_PAGE_SIZE = 50;
/** Connections deleted at once by a cascade: bounded, so one request never floods the table. */
const CASCADE_PARALLELISM = 25;

export interface Created {
  readonly connection: Connection;
  /** True when an Idempotency-Key repeat answered the first request's connection. */
  readonly replayed: boolean;
}

/** A connection after a change, and what changed (empty when the request changed nothing). */
export interface Changed {
  readonly connection: Connection;
  readonly changes: Changes;
}

interface PageQuery {
  limit?: number | undefined;
  nextToken?: string | undefined;
}

/** What a change does to the connection it read. */
interface Decision {
  next: Connection;
  action: HistoryAction;
  /** Take the pair guard (restore) or give it back (delete) in the same transaction. */
  guard?: 'claim' | 'release';
}

const notFound = () => new NotFoundError('No such connection here.');

export class ConnectionRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly pageTokenSecret: string,
    private readonly observeQuery?: QueryObserver,
  ) {}

  /**
   * Creates a connection. With an Idempotency-Key, a repeat of the same request within 24 hours
   * answers the first result again (`replayed`); the record that makes it so commits with the
   * connection, so there is no window in which one exists without the other.
   */
  async create(scope: Scope, input: CreateConnectionInput, actor: string, idempotencyKey?: string): Promise<Created> {
    const idempotency =
      idempotencyKey === undefined ? undefined : idempotencyRequest(scope, actor, idempotencyKey, input);
    const earlier = idempotency && (await this.replay(idempotency));
    if (earlier) return earlier;
    checkPair(input);

    const now = new Date().toISOString();
    const connection: Connection = {
      id: newConnectionId(),
      ...scope,
      sourceResourceType: input.sourceResourceType,
      sourceResourceId: input.sourceResourceId,
      targetResourceType: input.targetResourceType,
      targetResourceId: input.targetResourceId,
      status: 'pending',
      statusReason: null,
      details: input.details ?? {},
      createdAt: now,
      updatedAt: now,
      createdBy: actor,
      updatedBy: actor,
      version: 1,
    };
    for (let attempt = 1; ; attempt++) {
      try {
        await this.transact([
          {
            Put: {
              TableName: this.tableName,
              Item: toItem(connection),
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          this.guardClaim(connection),
          historyPut(this.tableName, undefined, connection, 'created'),
          ...(idempotency ? [idempotencyPut(this.tableName, idempotency, connection)] : []),
        ]);
        return { connection, replayed: false };
      } catch (error) {
        // The same key won a race with this request: answer what it answered.
        const replayed = idempotency && conditionFailed(error, 3) && (await this.replay(idempotency));
        if (replayed) return replayed;
        if (!(await this.throwIfDuplicate(error, 1, connection)) && !isTransactionConflict(error)) throw error;
        if (attempt >= CONCURRENCY_RETRIES) throw new ServiceUnavailableError(1);
        await backOff(attempt);
      }
    }
  }

  /** Every check a create runs (pair rule, duplicate), writing nothing. */
  async checkCreate(scope: Scope, input: CreateConnectionInput): Promise<void> {
    checkPair(input);
    const guard = await this.getItem(
      keys.pairGuard(
        scope,
        { type: input.sourceResourceType, id: input.sourceResourceId },
        { type: input.targetResourceType, id: input.targetResourceId },
      ),
    );
    if (guard) throw new DuplicateConnectionError(String(guard.connectionId));
  }

  async get(scope: Scope, id: string, includeDeleted = false): Promise<Connection> {
    const item = await this.getItem(keys.connection(scope, id));
    if (!item || (item.deletedAt !== undefined && !includeDeleted)) throw notFound();
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
        next.details =
          patch.details === null ? {} : (mergePatch(current.details, patch.details) as Record<string, unknown>);
        if (Buffer.byteLength(JSON.stringify(next.details)) > MAX_DETAILS_BYTES) {
          throw new ValidationError([
            { path: 'details', message: `after the merge, must be at most ${MAX_DETAILS_BYTES} bytes as JSON` },
          ]);
        }
      }
      return { next, action: 'updated' };
    });
  }

  /** Soft delete: the record and its history stay; the pair guard is released. */
  async delete(
    scope: Scope,
    id: string,
    actor: string,
    ifMatch: VersionPrecondition,
    known?: Connection,
  ): Promise<Changed> {
    return this.change(
      scope,
      id,
      actor,
      ifMatch,
      (current) => ({ next: { ...current, deletedAt: new Date().toISOString() }, action: 'deleted', guard: 'release' }),
      { known },
    );
  }

  /** Undoes a soft delete: back to `pending`, its resources must be connected again. */
  async restore(scope: Scope, id: string, actor: string, ifMatch: VersionPrecondition): Promise<Changed> {
    return this.change(
      scope,
      id,
      actor,
      ifMatch,
      (current) => {
        const { deletedAt: _deletedAt, ...live } = current;
        return { next: { ...live, status: 'pending', statusReason: null }, action: 'restored', guard: 'claim' };
      },
      { deleted: true },
    );
  }

  list(scope: Scope, query: ListConnectionsQuery): Promise<Page<Connection>> {
    return this.page(planConnectionList(scope, query), query, toConnection);
  }

  listForResource(scope: Scope, resource: ResourceRef, query: ResourceConnectionsQuery): Promise<Page<Connection>> {
    return this.page(planResourceConnections(scope, resource, query), query, toConnection);
  }

  /** The environment as nodes and edges: a page of it, or one resource's neighbourhood (graph.ts). */
  graph(scope: Scope, query: GraphQuery): Promise<Graph> {
    const { client, tableName, pageTokenSecret, observeQuery: observe } = this;
    return readGraph({ client, tableName, pageTokenSecret, observe }, scope, query);
  }

  /** A connection's changes, oldest first; kept after a delete. 404 only for an id never used here. */
  async history(scope: Scope, id: string, query: PageQuery): Promise<Page<HistoryEntry>> {
    const plan: ListPlan = {
      streams: [{ partition: keys.connection(scope, id).pk, prefix: keys.historyPrefix, filters: [] }],
      binding: JSON.stringify(['history', scope.projectSlug, scope.environmentSlug, id]),
    };
    const page = await this.page(plan, query, toHistoryEntry);
    // Every connection has a first entry, so an empty first page means no such connection.
    if (page.items.length === 0 && !query.nextToken) throw notFound();
    return page;
  }

  /**
   * Soft-deletes every live connection of a resource, each in its own transaction with its guard
   * and history, a bounded batch at a time. Safe to repeat: a repeat finishes an interrupted run.
   */
  async deleteAllForResource(scope: Scope, resource: ResourceRef, actor: string): Promise<number> {
    let deleted = 0;
    // Indexes trail the table by a moment: a page of already-deleted connections is read again,
    // a few times at most, rather than taken for the end.
    for (let idle = 0; idle < CONCURRENCY_RETRIES;) {
      const { items } = await this.listForResource(scope, resource, { limit: CASCADE_PARALLELISM * 4 });
      if (items.length === 0) break;
      let round = 0;
      for (let i = 0; i < items.length; i += CASCADE_PARALLELISM) {
        const batch = items.slice(i, i + CASCADE_PARALLELISM);
        const results = await Promise.allSettled(batch.map((c) => this.delete(scope, c.id, actor, undefined, c)));
        for (const result of results) {
          if (result.status === 'fulfilled') round++;
          else if (!(result.reason instanceof NotFoundError)) throw result.reason; // gone meanwhile: fine
        }
      }
      deleted += round;
      idle = round === 0 ? idle + 1 : 0;
      if (idle > 0) await backOff(idle);
    }
    return deleted;
  }

  private page<T>(plan: ListPlan, query: PageQuery, map: (item: Record<string, unknown>) => T): Promise<Page<T>> {
    return queryPage(
      this.client,
      this.tableName,
      plan.streams,
      { limit: query.limit ?? DEFAULT_PAGE_SIZE, nextToken: query.nextToken, binding: plan.binding },
      this.pageTokenSecret,
      map,
      this.observeQuery,
    );
  }

  /**
   * Read, decide, then write on the condition that the version read is still current. A lost race
   * reads again and decides anew: with If-Match, the new version is then the caller's 412.
   * `deleted` says which connections the change applies to: live ones, or (restore) deleted ones.
   */
  private async change(
    scope: Scope,
    id: string,
    actor: string,
    ifMatch: VersionPrecondition,
    decide: (current: Connection) => Decision,
    { deleted = false, known }: { deleted?: boolean; known?: Connection | undefined } = {},
  ): Promise<Changed> {
    for (let attempt = 1; ; attempt++) {
      const current = known && attempt === 1 ? known : await this.get(scope, id, true);
      if ((current.deletedAt !== undefined) !== deleted) throw deleted ? new ConnectionNotDeletedError() : notFound();
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
              ConditionExpression: `version = :version AND ${deleted ? 'attribute_exists' : 'attribute_not_exists'}(deletedAt)`,
              ExpressionAttributeValues: { ':version': current.version },
            },
          },
          ...(decision.guard === 'claim' ? [this.guardClaim(next)] : []),
          ...(decision.guard === 'release' ? [this.guardRelease(current)] : []),
          historyPut(this.tableName, current, next, decision.action, changes),
        ]);
        return { connection: next, changes };
      } catch (error) {
        const guardFreed = decision.guard === 'claim' && (await this.throwIfDuplicate(error, 1, next));
        if (!guardFreed && !conditionFailed(error, 0) && !isTransactionConflict(error)) throw error;
        // Lost a race: the next read decides again (404, 409, 412 against If-Match, or a fresh attempt).
        if (attempt >= CONCURRENCY_RETRIES) throw new ServiceUnavailableError(1);
        await backOff(attempt);
      }
    }
  }

  /** The first answer to this idempotency key, if it is still kept; 422 if the body differs. */
  private async replay(request: IdempotencyRequest): Promise<Created | undefined> {
    const recorded = recordedConnection(await this.getItem(request.key));
    if (!recorded) return undefined;
    if (recorded.fingerprint !== request.fingerprint) throw new IdempotencyKeyReusedError();
    return { connection: recorded.connection, replayed: true };
  }

  private guardClaim(c: Connection): TransactItem {
    return {
      Put: {
        TableName: this.tableName,
        Item: { ...guardKey(c), connectionId: c.id, createdAt: c.updatedAt },
        ConditionExpression: 'attribute_not_exists(pk)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    };
  }

  private guardRelease(c: Connection): TransactItem {
    return {
      Delete: {
        TableName: this.tableName,
        Key: guardKey(c),
        ConditionExpression: 'connectionId = :id',
        ExpressionAttributeValues: { ':id': c.id },
      },
    };
  }

  /**
   * If the claim of the pair guard at `index` failed, another live connection holds the pair: a
   * 409 naming it. True when it failed but the guard has been released since (worth a retry).
   */
  private async throwIfDuplicate(error: unknown, index: number, c: Connection): Promise<boolean> {
    const failed = conditionFailed(error, index);
    if (!failed) return false;
    const holder = failed.item ?? (await this.getItem(guardKey(c)));
    if (holder) throw new DuplicateConnectionError(String(holder.connectionId));
    return true;
  }

  private async transact(items: TransactItem[]): Promise<void> {
    await this.client.send(new TransactWriteCommand({ TransactItems: items }));
  }

  private async getItem(key: Record<string, string>): Promise<Record<string, unknown> | undefined> {
    const out = await this.client.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    return out.Item;
  }
}

function checkPair(input: CreateConnectionInput): void {
  if (!isConnectionAllowed(input.sourceResourceType, input.targetResourceType)) {
    throw new ConnectionNotAllowedError(
      input.sourceResourceType,
      input.targetResourceType,
      allowedTargets(input.sourceResourceType),
    );
  }
}

const guardKey = (c: Connection) =>
  keys.pairGuard(
    scopeOf(c),
    { type: c.sourceResourceType, id: c.sourceResourceId },
    { type: c.targetResourceType, id: c.targetResourceId },
  );

function checkPrecondition(ifMatch: VersionPrecondition, version: number): void {
  if (ifMatch === undefined || ifMatch === '*' || ifMatch.includes(version)) return;
  throw new PreconditionFailedError(version);
}
