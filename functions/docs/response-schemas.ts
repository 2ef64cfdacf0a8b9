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

export const problem = z.looseObject({
  type: z.string(),
  title: z.string(),
  status: z.number().check(z.int()),
  code: z.string(),
  detail: z.string(),
  requestId: z.optional(z.string()),
  errors: z.optional(z.array(z.object({ path: z.string(), message: z.string() }))),
});

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
