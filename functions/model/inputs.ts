/**
 * What callers give the service: its fields, the bodies of create and patch and the queries of the
 * lists and the graph, as strict zod/mini schemas (the mini build keeps each function's bundle
 * small), with the input types inferred from them. The HTTP edge validates with these, the store
 * plans its reads from the parsed queries, and the OpenAPI document is generated from them.
 */
import * as z from 'zod/mini';
import { en } from 'zod/locales';
import { MAX_DEADLINE_SECONDS, MIN_DEADLINE_SECONDS, RESOURCE_TYPES, STATUSES } from './vocabulary.ts';

z.config(en());

export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
export const RESOURCE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;
/** Connection ids are ULIDs: time-ordered, so lists by id come out oldest first. */
export const CONNECTION_ID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;
export const MAX_DETAILS_BYTES = 4096;
export const MAX_DETAILS_DEPTH = 16;
export const MAX_STATUS_REASON_LENGTH = 1024;

export const pattern = (re: RegExp, message: string) => z.string().check(z.regex(re, message));

export const slug = pattern(
  SLUG_PATTERN,
  'must be 1-63 lowercase letters, digits or hyphens, not starting or ending with a hyphen',
);
export const resourceType = z.enum(RESOURCE_TYPES);
export const resourceId = pattern(
  RESOURCE_ID_PATTERN,
  'must be 1-128 characters: letters, digits and . _ : @ -, starting with a letter or digit',
);
export const connectionId = pattern(CONNECTION_ID_PATTERN, 'is not a connection id');
export const status = z.enum(STATUSES);
/**
 * Seconds from now to the deadline of the status the request leaves the connection in (pending or
 * connecting). One custom check rather than zod's number schema and its int/minimum/maximum checks,
 * which cost every data function 2.8 KB of bundle it has no room for (the budget in
 * test/deployed/synth.test.ts); the OpenAPI document states the type and bounds itself (docs/openapi.ts).
 */
export const deadlineSeconds = z.custom<number>(
  (n) => Number.isInteger(n) && (n as number) >= MIN_DEADLINE_SECONDS && (n as number) <= MAX_DEADLINE_SECONDS,
  { message: `must be a whole number of seconds from ${MIN_DEADLINE_SECONDS} to ${MAX_DEADLINE_SECONDS} (one week)` },
);

/** Whether `value` nests deeper than `limit`; stops at the limit, so hostile nesting costs nothing. */
function nestsDeeperThan(value: unknown, limit: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (limit === 0) return true;
  return Object.values(value).some((child) => nestsDeeperThan(child, limit - 1));
}

/** Where `value` holds a number that is not finite (JSON.parse reads 1e400 as Infinity; JSON has no such number). */
function nonFinitePaths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof value === 'number') return Number.isFinite(value) ? [] : [path];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) =>
    nonFinitePaths(child, [...path, Array.isArray(value) ? Number(key) : key]),
  );
}

export const details = z.record(z.string(), z.unknown()).check(
  // abort: the checks below walk and serialize, which hostile nesting must never reach.
  z.refine((value) => !nestsDeeperThan(value, MAX_DETAILS_DEPTH), {
    message: `must nest at most ${MAX_DETAILS_DEPTH} levels deep`,
    abort: true,
  }),
  // Stored, such a number would silently come back as null.
  z.superRefine((value, ctx) => {
    for (const path of nonFinitePaths(value))
      ctx.addIssue({ code: 'custom', message: 'must be a finite number', path });
  }),
  z.refine(
    (value) => Buffer.byteLength(JSON.stringify(value)) <= MAX_DETAILS_BYTES,
    `must be at most ${MAX_DETAILS_BYTES} bytes as JSON`,
  ),
);

export const createConnectionBody = z.strictObject({
  sourceResourceType: resourceType,
  sourceResourceId: resourceId,
  targetResourceType: resourceType,
  targetResourceId: resourceId,
  details: z.optional(details),
  /** The new connection's pending deadline, instead of the service's default. */
  deadlineSeconds: z.optional(deadlineSeconds),
});
export type CreateConnectionInput = z.infer<typeof createConnectionBody>;

export const updateConnectionBody = z
  .strictObject({
    status: z.optional(status),
    statusReason: z.optional(z.nullable(z.string().check(z.maxLength(MAX_STATUS_REASON_LENGTH)))),
    /** A JSON Merge Patch (RFC 7396) for `details`; null clears them all. */
    details: z.optional(z.nullable(details)),
    /** Moves the deadline to now plus this many seconds: on entering pending or connecting, or as a heartbeat in them. */
    deadlineSeconds: z.optional(deadlineSeconds),
  })
  .check(
    z.refine(
      (body) => Object.keys(body).length > 0,
      'give at least one of status, statusReason, details, deadlineSeconds',
    ),
  );
export type UpdateConnectionInput = z.infer<typeof updateConnectionBody>;

/** An `Idempotency-Key`: 1-255 printable ASCII characters (the create handler and the OpenAPI document). */
export const IDEMPOTENCY_KEY = /^[\x20-\x7E]{1,255}$/;

const limit = z.pipe(pattern(/^(?:100|[1-9][0-9]?)$/, 'must be a whole number from 1 to 100'), z.transform(Number));
const includeDeleted = z.pipe(
  z.enum(['true', 'false']),
  z.transform((value) => value === 'true'),
);
const pageParameters = {
  status: z.optional(status),
  limit: z.optional(limit),
  nextToken: z.optional(z.string().check(z.minLength(1), z.maxLength(4096))),
  includeDeleted: z.optional(includeDeleted),
};

/**
 * A resource is a type and an id: an id filter without its type is refused. Checked even when
 * other parameters are bad too, so the answer names every bad parameter at once.
 */
function needsTypeWithId(side: 'source' | 'target') {
  const [type, id] = [`${side}ResourceType`, `${side}ResourceId`] as const;
  return z.refine(
    (q: unknown) =>
      (q as Record<string, unknown>)[id] === undefined || (q as Record<string, unknown>)[type] !== undefined,
    {
      message: `${id} needs ${type}: a resource is a type and an id`,
      path: [id],
      when: ({ value }) => value !== null && typeof value === 'object',
    },
  );
}

export const listConnectionsQuery = z
  .strictObject({
    sourceResourceType: z.optional(resourceType),
    sourceResourceId: z.optional(resourceId),
    targetResourceType: z.optional(resourceType),
    targetResourceId: z.optional(resourceId),
    ...pageParameters,
  })
  .check(...(['source', 'target'] as const).map(needsTypeWithId));
export type ListConnectionsQuery = z.infer<typeof listConnectionsQuery>;

export const resourceConnectionsQuery = z.strictObject(pageParameters);
export type ResourceConnectionsQuery = z.infer<typeof resourceConnectionsQuery>;

export const getConnectionQuery = z.strictObject({ includeDeleted: z.optional(includeDeleted) });
export const historyQuery = z.strictObject({ limit: pageParameters.limit, nextToken: pageParameters.nextToken });

/** `GET /graph`: whole-environment pages, or the neighbourhood of one resource (docs/api.md, Routes). */
export const MAX_GRAPH_EDGES = 1000;
export const GRAPH_DIRECTIONS = ['out', 'in', 'both'] as const;
const graphLimit = z.pipe(
  pattern(/^(?:1000|[1-9][0-9]{0,2})$/, 'must be a whole number from 1 to 1000'),
  z.transform(Number),
);
const depth = z.pipe(z.enum(['1', '2', '3']), z.transform(Number));
const PAGE_ONLY = ['status', 'includeDeleted', 'limit', 'nextToken'] as const;
const NEIGHBOURHOOD_ONLY = ['depth', 'direction'] as const;

/** A check of the whole query that names `field`; run even when other parameters are bad too. */
const queryRule = (field: string, message: string, holds: (q: Record<string, unknown>) => boolean) =>
  z.refine((q: unknown) => holds(q as Record<string, unknown>), {
    message,
    path: [field],
    when: ({ value }) => value !== null && typeof value === 'object',
  });

export const graphQuery = z
  .strictObject({
    status: pageParameters.status,
    includeDeleted: pageParameters.includeDeleted,
    limit: z.optional(graphLimit),
    nextToken: pageParameters.nextToken,
    resourceType: z.optional(resourceType),
    resourceId: z.optional(resourceId),
    depth: z.optional(depth),
    direction: z.optional(z.enum(GRAPH_DIRECTIONS)),
  })
  .check(
    queryRule('resourceId', 'resourceId needs resourceType: a resource is a type and an id', (q) =>
      q.resourceId === undefined ? true : q.resourceType !== undefined,
    ),
    queryRule('resourceType', 'resourceType needs resourceId: the neighbourhood is of one resource', (q) =>
      q.resourceType === undefined ? true : q.resourceId !== undefined,
    ),
    ...NEIGHBOURHOOD_ONLY.map((field) =>
      queryRule(field, `${field} needs resourceType and resourceId: it shapes a neighbourhood`, (q) =>
        q[field] === undefined ? true : q.resourceType !== undefined || q.resourceId !== undefined,
      ),
    ),
    ...PAGE_ONLY.map((field) =>
      queryRule(
        field,
        `${field} applies to whole-environment pages, not to a neighbourhood (resourceType, resourceId)`,
        (q) => q[field] === undefined || (q.resourceType === undefined && q.resourceId === undefined),
      ),
    ),
  );
export type GraphQuery = z.infer<typeof graphQuery>;
