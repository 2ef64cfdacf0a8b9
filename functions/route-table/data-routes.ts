/**
 * The routes of an environment's data, under `/api/{projectSlug}/{environmentSlug}` (docs/api.md, Routes).
 * Each entry is a constant of its own, written as plain literals: a handler passes its entry to
 * `endpoint`, and its bundle keeps that entry alone.
 */
import { GET, PAGE, CHANGE, CHANGE_AND_RELEASE, CASCADE } from './access.ts';
import type { Route } from './shape.ts';

export const createConnection = {
  id: 'createConnection',
  method: 'POST',
  path: '/api/{projectSlug}/{environmentSlug}/resource-connections',
  handler: 'create-connection',
  scope: 'connections:write',
  // Puts the connection, its details, pair guard, history and idempotency record; reads the record, the
  // guard and the shard count; one create in many counts the environment in byEnvironment and, past
  // the threshold (or when throttled), doubles its shards (store/shards.ts).
  data: {
    items: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
    queries: ['byEnvironment'],
    pageTokens: false,
  },
  summary: 'Create a connection between two resources',
} as const satisfies Route;

export const listConnections = {
  id: 'listConnections',
  method: 'GET',
  path: '/api/{projectSlug}/{environmentSlug}/resource-connections',
  handler: 'list-connections',
  scope: 'connections:read',
  // Query on whichever index the filters choose (paging/list-plans.ts), then the large details of the page's rows.
  data: { items: PAGE, queries: ['bySource', 'byTarget', 'byStatus', 'byEnvironment'], pageTokens: true },
  summary: 'List the connections of a project environment',
} as const satisfies Route;

export const getConnection = {
  id: 'getConnection',
  method: 'GET',
  path: '/api/{projectSlug}/{environmentSlug}/resource-connections/{connectionId}',
  handler: 'get-connection',
  scope: 'connections:read',
  // The connection and its details: one Query of their partition; its history entry when they disagree.
  data: { items: GET, queries: ['table'], pageTokens: false },
  summary: 'Get one connection',
} as const satisfies Route;

export const updateConnection = {
  id: 'updateConnection',
  method: 'PATCH',
  path: '/api/{projectSlug}/{environmentSlug}/resource-connections/{connectionId}',
  handler: 'update-connection',
  scope: 'connections:write',
  // Puts the new version, its history entry and new large details; deletes details that became small.
  data: { items: CHANGE_AND_RELEASE, queries: ['table'], pageTokens: false },
  summary: 'Update the status, status reason or details of a connection',
} as const satisfies Route;

export const deleteConnection = {
  id: 'deleteConnection',
  method: 'DELETE',
  path: '/api/{projectSlug}/{environmentSlug}/resource-connections/{connectionId}',
  handler: 'delete-connection',
  scope: 'connections:write',
  // Puts the deleted version and its history entry, and releases the pair guard.
  data: { items: CHANGE_AND_RELEASE, queries: ['table'], pageTokens: false },
  summary: 'Soft-delete a connection',
} as const satisfies Route;

export const listResourceConnections = {
  id: 'listResourceConnections',
  method: 'GET',
  path: '/api/{projectSlug}/{environmentSlug}/resources/{resourceType}/{resourceId}/connections',
  handler: 'list-resource-connections',
  scope: 'connections:read',
  // A resource's source-side and target-side streams, then the large details of the page's rows.
  data: { items: PAGE, queries: ['bySource', 'byTarget'], pageTokens: true },
  summary: 'List every connection in which a resource is the source or the target',
} as const satisfies Route;

export const validateConnection = {
  id: 'validateConnection',
  method: 'POST',
  path: '/api/{projectSlug}/{environmentSlug}/resource-connections/validate',
  handler: 'validate-connection',
  scope: 'connections:read',
  // Reads the pair guard (and nothing else): it writes nothing.
  data: { items: GET, queries: [], pageTokens: false },
  summary: 'Run every check a create would run, writing nothing',
} as const satisfies Route;

export const getConnectionHistory = {
  id: 'getConnectionHistory',
  method: 'GET',
  path: '/api/{projectSlug}/{environmentSlug}/resource-connections/{connectionId}/history',
  handler: 'get-connection-history',
  scope: 'connections:read',
  // The history entries sit in the connection's own partition of the table; the connection says
  // whether it is still kept (a purged one answers 404).
  data: { items: GET, queries: ['table'], pageTokens: true },
  summary: 'Every change of a connection, oldest first',
} as const satisfies Route;

export const restoreConnection = {
  id: 'restoreConnection',
  method: 'POST',
  path: '/api/{projectSlug}/{environmentSlug}/resource-connections/{connectionId}/restore',
  handler: 'restore-connection',
  scope: 'connections:write',
  // Claims the pair guard again (a Put); releases nothing.
  data: { items: CHANGE, queries: ['table'], pageTokens: false },
  summary: 'Undo a soft delete; the connection returns as pending',
} as const satisfies Route;

export const deleteResourceConnections = {
  id: 'deleteResourceConnections',
  method: 'DELETE',
  path: '/api/{projectSlug}/{environmentSlug}/resources/{resourceType}/{resourceId}/connections',
  handler: 'delete-resource-connections',
  scope: 'connections:write',
  // Pages through the resource's connections (with their large details) and soft-deletes each,
  // releasing its guard; a connection that changed under it is read again (a Query of its partition).
  data: {
    items: CASCADE,
    queries: ['bySource', 'byTarget', 'table'],
    pageTokens: true,
  },
  summary: 'Soft-delete every live connection of a resource (when the resource itself is deleted)',
  // Thousands of connections, a bounded batch at a time; a repeat finishes an interrupted run.
  timeoutSeconds: 29,
  // Each call works up to 20 s with 25 deletes in flight: capped, a platform deleting many resources
  // at once cannot take the account's concurrency from every other function, nor flood the table.
  concurrency: { setting: 'cascadeConcurrency', default: 10 },
} as const satisfies Route;

export const getGraph = {
  id: 'getGraph',
  method: 'GET',
  path: '/api/{projectSlug}/{environmentSlug}/graph',
  handler: 'get-graph',
  scope: 'connections:read',
  // Pages read byEnvironment or byStatus; a neighbourhood reads each node's bySource and byTarget range;
  // both read the environment's shard count first.
  data: { items: GET, queries: ['bySource', 'byTarget', 'byStatus', 'byEnvironment'], pageTokens: true },
  summary: 'The environment as nodes and edges: a page of it, or the neighbourhood of one resource',
  // A neighbourhood sends up to 256 Queries: capped, a burst of them cannot take the account's
  // concurrency from every other function.
  concurrency: { setting: 'graphConcurrency', default: 10 },
} as const satisfies Route;
