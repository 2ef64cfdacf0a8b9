/**
 * A platform-shaped environment: servers, each with four applications, an SSH terminal, a firewall
 * and a database; every connection carrying `details` of a given size. What a mass deployment
 * changes at once, and what the capacity figures are measured on.
 */
import { monotonicFactory } from 'ulid';
import type { Connection } from '#model/representations.ts';
import type { ResourceType, Scope, Status } from '#model/vocabulary.ts';

/** JSON details of exactly `bytes` bytes (0: none). */
export const detailsOfSize = (bytes: number, fill = 'x'): Record<string, unknown> =>
  bytes === 0 ? {} : { notes: fill.repeat(Math.max(0, bytes - '{"notes":""}'.length)) };

const LINKS = (server: string): [ResourceType, string, ResourceType, string][] => [
  ...[0, 1, 2, 3].map((a): [ResourceType, string, ResourceType, string] => [
    'application',
    `${server}-app-${a}`,
    'instance',
    server,
  ]),
  ['terminal', `${server}-ssh`, 'instance', server],
  ['instance', server, 'firewall', `${server}-sg`],
  ['instance', server, 'database', `${server}-db`],
];

/** Seven connections per server, ids in creation order. */
export function platformConnections(
  scope: Scope,
  servers: number,
  detailsBytes: number,
  status: Status = 'pending',
): Connection[] {
  const nextId = monotonicFactory();
  const start = Date.parse('2026-06-01T00:00:00Z');
  const details = detailsOfSize(detailsBytes);
  return Array.from({ length: servers }, (_, s) => LINKS(`i-${String(s).padStart(5, '0')}`)).flatMap((links, s) =>
    links.map(([st, si, tt, ti], l): Connection => {
      const at = new Date(start + (s * 7 + l) * 1000).toISOString();
      return {
        id: nextId(start + (s * 7 + l) * 1000),
        ...scope,
        sourceResourceType: st,
        sourceResourceId: si,
        targetResourceType: tt,
        targetResourceId: ti,
        status,
        statusReason: null,
        statusDeadline: null,
        details,
        createdAt: at,
        updatedAt: at,
        createdBy: 'platform',
        updatedBy: 'platform',
        version: 1,
      };
    }),
  );
}
