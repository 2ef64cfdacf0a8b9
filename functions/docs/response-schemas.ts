/**
 * What the API answers, as zod/mini schemas. The OpenAPI document describes responses with them and
 * the code's types are inferred from them, so the two cannot disagree. Only the OpenAPI function
 * builds them at run time: the others import types alone, and start faster for it.
 */
import * as z from 'zod/mini';
import { resourceType, status } from '../http/schemas.ts';
import { STATUSES } from '../domain/rules.ts';

const timestamp = z.string().check(z.iso.datetime());

export const connection = z.object({
  id: z.string(),
  projectSlug: z.string(),
  environmentSlug: z.string(),
  sourceResourceType: resourceType,
  sourceResourceId: z.string(),
  targetResourceType: resourceType,
  targetResourceId: z.string(),
  status,
  statusReason: z.nullable(z.string()),
  details: z.record(z.string(), z.unknown()),
  createdAt: timestamp,
  updatedAt: timestamp,
  createdBy: z.string(),
  updatedBy: z.string(),
  version: z.number().check(z.int(), z.minimum(1)),
  deletedAt: z.optional(timestamp),
});

export const connectionPage = z.object({ items: z.array(connection), nextToken: z.nullable(z.string()) });

const fieldError = z.object({ path: z.string(), message: z.string() });

/** One problem variant: `code` and `status` are constants, so a client's error union narrows on `code`. */
const variant = <C extends string, S extends number, E extends Record<string, z.ZodMiniType>>(
  code: C,
  status: S,
  extensions: E,
) =>
  z.object({
    type: z.string(),
    title: z.string(),
    status: z.literal(status),
    code: z.literal(code),
    detail: z.string(),
    requestId: z.optional(z.string()),
    ...extensions,
  });

/** Every problem the service answers, by code (contract §6), with the members each one adds. */
export const PROBLEMS = {
  VALIDATION_FAILED: variant('VALIDATION_FAILED', 400, { errors: z.array(fieldError) }),
  INVALID_JSON: variant('INVALID_JSON', 400, {}),
  INVALID_NEXT_TOKEN: variant('INVALID_NEXT_TOKEN', 400, {}),
  UNAUTHENTICATED: variant('UNAUTHENTICATED', 401, {}),
  FORBIDDEN: variant('FORBIDDEN', 403, {}),
  NOT_FOUND: variant('NOT_FOUND', 404, {}),
  DUPLICATE_CONNECTION: variant('DUPLICATE_CONNECTION', 409, { existingConnectionId: z.string() }),
  INVALID_STATUS_TRANSITION: variant('INVALID_STATUS_TRANSITION', 409, {
    from: status,
    to: status,
    allowed: z.array(status),
  }),
  CONNECTION_NOT_DELETED: variant('CONNECTION_NOT_DELETED', 409, {}),
  PRECONDITION_FAILED: variant('PRECONDITION_FAILED', 412, {
    currentVersion: z.number().check(z.int(), z.minimum(1)),
  }),
  PAYLOAD_TOO_LARGE: variant('PAYLOAD_TOO_LARGE', 413, {}),
  UNSUPPORTED_MEDIA_TYPE: variant('UNSUPPORTED_MEDIA_TYPE', 415, { accepted: z.array(z.string()) }),
  CONNECTION_NOT_ALLOWED: variant('CONNECTION_NOT_ALLOWED', 422, { allowedTargets: z.array(resourceType) }),
  IDEMPOTENCY_KEY_REUSED: variant('IDEMPOTENCY_KEY_REUSED', 422, {}),
  INTERNAL: variant('INTERNAL', 500, {}),
  SERVICE_UNAVAILABLE: variant('SERVICE_UNAVAILABLE', 503, {}),
};
export type ProblemCode = keyof typeof PROBLEMS;

type ProblemVariant = (typeof PROBLEMS)[ProblemCode];
export const problem = z.discriminatedUnion('code', Object.values(PROBLEMS) as [ProblemVariant, ...ProblemVariant[]]);

export const graph = z.object({
  nodes: z.array(z.object({ key: z.string(), resourceType, resourceId: z.string() })),
  edges: z.array(
    z.object({
      id: z.string(),
      source: z.string(),
      target: z.string(),
      status,
      version: z.number().check(z.int(), z.minimum(1)),
      updatedAt: timestamp,
      deletedAt: z.optional(timestamp),
    }),
  ),
  nextToken: z.nullable(z.string()),
  truncated: z.boolean(),
});

export const health = z.object({ status: z.literal('ok') });

export const historyPage = z.object({
  items: z.array(
    z.object({
      version: z.number().check(z.int(), z.minimum(1)),
      at: timestamp,
      actor: z.string(),
      action: z.enum(['created', 'updated', 'deleted', 'restored']),
      changes: z.record(z.string(), z.object({ from: z.unknown(), to: z.unknown() })),
    }),
  ),
  nextToken: z.nullable(z.string()),
});

export const validationResult = z.object({ valid: z.boolean(), problem: z.optional(problem) });

export const cascadeResult = z.object({
  deleted: z.number().check(z.int(), z.minimum(0)),
  /** False: the time budget ran out with live connections left; repeat the request. */
  complete: z.boolean(),
});

export const connectionRules = z.object({
  resourceTypes: z.array(resourceType),
  rules: z.array(
    z.object({
      sourceResourceType: resourceType,
      targetResourceTypes: z.array(resourceType),
      description: z.string(),
      targets: z.array(z.object({ targetResourceType: resourceType, description: z.string() })),
    }),
  ),
  statusTransitions: z.object(Object.fromEntries(STATUSES.map((from) => [from, z.array(status)]))),
});
