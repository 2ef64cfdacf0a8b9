/**
 * Graphs for the topology page's tests and benchmark: a platform-shaped environment of any size
 * (servers with four applications, SSH, a firewall and a database each; bucket explorers with a
 * bucket and a website; statuses fixed by position, so every run draws the same picture), pages of
 * GET /graph for it, and small graphs written out link by link for the unit tests.
 */
import type { Graph, GraphEdge, GraphNode, ResourceType, Status } from '../web/topology/src/model.ts';
export interface SeedLink {
  readonly source: string;
  readonly target: string;
  /** The statuses it moves through after pending. */
  readonly statuses: string[];
}

export function topologySeed(count: number): SeedLink[] {
  const links: { source: string; target: string }[] = [];
  const servers = Math.max(1, Math.round((count * 0.875) / 7));
  for (let i = 0; i < servers; i++) {
    const server = `instance/i-${String(i).padStart(4, '0')}`;
    for (const app of ['web', 'api', 'worker', 'cron'])
      links.push({ source: `application/${app}-${i}`, target: server });
    links.push({ source: `terminal/ssh-${i}`, target: server });
    links.push({ source: server, target: `firewall/sg-${i % 25}` });
    links.push({ source: server, target: `database/db-${i % 50}` });
  }
  for (let i = 0; links.length < count; i++) {
    links.push({ source: `bucket_explorer/be-${i}`, target: `storage_bucket/bucket-${i}` });
    if (links.length < count)
      links.push({ source: `bucket_explorer/be-${i}`, target: `static_website/site-${i % 60}` });
  }
  // Mostly up, some on the way, a few broken.
  const statusesOf = (i: number): string[] => {
    const roll = (i * 7919) % 100;
    if (roll < 3) return ['failed'];
    if (roll < 7) return ['connecting'];
    if (roll < 9) return ['connecting', 'connected', 'disconnected'];
    if (roll < 17) return [];
    return ['connecting', 'connected'];
  };
  return links.slice(0, count).map((link, i) => ({ ...link, statuses: statusesOf(i) }));
}

/**
 * One page of GET /graph for `links`, as the service answers it (the edges from `offset`, the nodes
 * they touch, a nextToken while more remain): for a stand-in server where seeding through the API
 * would take too long.
 */
export function graphPage(links: readonly SeedLink[], offset: number, limit: number) {
  // Waiting ones wait as long as the service's defaults allow them from now: none is near its deadline.
  const deadlines: Record<string, string> = {
    pending: new Date(Date.now() + 3600_000).toISOString(),
    connecting: new Date(Date.now() + 900_000).toISOString(),
  };
  const edges = links.slice(offset, offset + limit).map((link, i) => {
    const status = link.statuses.at(-1) ?? 'pending';
    return {
      id: `C${String(offset + i).padStart(25, '0')}`,
      source: link.source,
      target: link.target,
      status,
      version: 1 + link.statuses.length,
      updatedAt: '2026-12-01T12:00:00.000Z',
      statusDeadline: deadlines[status] ?? null,
    };
  });
  const keys = [...new Set(edges.flatMap((edge) => [edge.source, edge.target]))];
  const nodes = keys.map((key) => {
    const slash = key.indexOf('/');
    return { key, resourceType: key.slice(0, slash), resourceId: key.slice(slash + 1) };
  });
  const next = offset + limit;
  return { nodes, edges, nextToken: next < links.length ? String(next) : null, truncated: false };
}

/** When the unit tests' graphs were read: deadlines are given in seconds from it. */
export const READ_AT = Date.parse('2026-12-01T12:00:00.000Z');
export const at = (seconds: number) => new Date(READ_AT + seconds * 1000).toISOString();

/** [source, target, status, its deadline in seconds from READ_AT (pending and connecting only)]. */
export type Link = [string, string, Status, number?];

/** The graph the page would hold after reading `links` at `readAt`. */
export function graphOf(links: Link[], readAt = READ_AT): Graph {
  const nodes = new Map<string, GraphNode>();
  const edges = new Map<string, GraphEdge>();
  links.forEach(([source, target, status, deadline], i) => {
    for (const key of [source, target]) {
      const [resourceType, resourceId] = key.split('/') as [ResourceType, string];
      nodes.set(key, { key, resourceType, resourceId });
    }
    const statusDeadline = deadline === undefined ? null : at(deadline);
    edges.set(`c${i}`, { id: `c${i}`, source, target, status, version: 1, updatedAt: at(-600), statusDeadline });
  });
  return { nodes, edges, truncated: false, readAt };
}
