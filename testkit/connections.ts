/** The connection the sample requests name (testkit/events.ts: acme/prod, SAMPLE_ID; the PATCH sends If-Match "3"), as stored. */
import { ulid } from 'ulid';
import { connection, type Connection } from '#model/representations.ts';
import type { ResourceType, Scope } from '#model/vocabulary.ts';

/** Every field a live connection's representation has, from its schema (a deleted one adds deletedAt). */
export const LIVE_CONNECTION_FIELDS: readonly string[] = Object.keys(connection.shape).filter(
  (name) => name !== 'deletedAt',
);

export const FIXTURE_CONNECTION: Connection = {
  id: '01JD3Y6Q9K6V7Z5N8M2C4B1A0E',
  projectSlug: 'acme',
  environmentSlug: 'prod',
  sourceResourceType: 'application',
  sourceResourceId: 'app-42',
  targetResourceType: 'instance',
  targetResourceId: 'i-0abc123',
  status: 'pending',
  statusReason: null,
  statusDeadline: '2026-11-27T13:00:00.000Z',
  details: { port: 8080 },
  createdAt: '2026-11-27T12:00:00.000Z',
  updatedAt: '2026-11-27T12:00:00.000Z',
  createdBy: 'user-7',
  updatedBy: 'user-7',
  version: 3,
};

/** A connected connection between two resources, made now, as tests seed the store directly. */
export function connectedLink(
  scope: Scope,
  [sourceResourceType, sourceResourceId]: [ResourceType, string],
  [targetResourceType, targetResourceId]: [ResourceType, string],
  deleted = false,
): Connection {
  const at = new Date().toISOString();
  return {
    id: ulid(),
    ...scope,
    sourceResourceType,
    sourceResourceId,
    targetResourceType,
    targetResourceId,
    status: 'connected',
    statusReason: null,
    statusDeadline: null,
    details: {},
    createdAt: at,
    updatedAt: at,
    createdBy: 'test',
    updatedBy: 'test',
    version: 1,
    ...(deleted && { deletedAt: at }),
  };
}
