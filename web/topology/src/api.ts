/**
 * The page's calls, through the project's typed client (client/src/): the same routes, types,
 * problem errors and 503 retries as every other caller, on the page's own origin (its CSP allows
 * no other), each cancellable.
 */
import { ResourceConnections, type Connection, type HistoryEntry } from '../../../client/src/client.ts';
import { ApiErrorBase } from '../../../client/src/errors.ts';
import type { Graph, GraphEdge, GraphNode } from './model.ts';

export type { Connection, HistoryEntry };

export interface Scope {
  readonly project: string;
  readonly env: string;
  readonly token: string;
}

export interface Neighbourhood {
  readonly key: string;
  readonly depth: 1 | 2 | 3;
  readonly direction: 'in' | 'out' | 'both';
}

const clientOf = (scope: Scope) =>
  new ResourceConnections({
    baseUrl: location.origin,
    project: scope.project,
    environment: scope.env,
    token: scope.token,
    // A page waits for the next refresh rather than retrying for long.
    retry: { attempts: 3, totalMs: 10_000 },
  });

/** Called after every page read: the graph so far, and whether more is coming. */
export type OnPage = (graph: Graph, done: boolean) => void;

/** The whole environment (every page, merged by key), or one resource's neighbourhood. */
export async function fetchGraph(
  scope: Scope,
  focus: Neighbourhood | undefined,
  signal: AbortSignal,
  onPage: OnPage = () => undefined,
): Promise<Graph> {
  const client = clientOf(scope);
  const nodes = new Map<string, GraphNode>();
  const edges = new Map<string, GraphEdge>();
  let truncated = false;
  const merge = (page: { nodes: GraphNode[]; edges: GraphEdge[]; truncated: boolean }) => {
    for (const node of page.nodes) nodes.set(node.key, node);
    for (const edge of page.edges) edges.set(edge.id, edge);
    truncated ||= page.truncated;
  };
  if (focus) {
    const slash = focus.key.indexOf('/');
    merge(
      await client.graph.neighbourhood(
        focus.key.slice(0, slash) as GraphNode['resourceType'],
        focus.key.slice(slash + 1),
        { depth: focus.depth, direction: focus.direction, signal },
      ),
    );
  } else {
    for await (const page of client.graph.edges({ limit: 1000, signal }).pages()) {
      merge(page);
      if (page.nextToken) onPage({ nodes, edges, truncated, readAt: Date.now() }, false);
    }
  }
  const graph = { nodes, edges, truncated, readAt: Date.now() };
  onPage(graph, true);
  return graph;
}

/** The connection as it is now: status, reason, details, version. */
export function fetchConnection(scope: Scope, id: string, signal: AbortSignal): Promise<Connection> {
  return clientOf(scope).connections.get(id, { signal });
}

/** A connection's history, oldest first (at most five pages: a panel, not an audit export). */
export async function fetchHistory(scope: Scope, id: string, signal: AbortSignal): Promise<HistoryEntry[]> {
  const entries: HistoryEntry[] = [];
  let pages = 0;
  for await (const page of clientOf(scope).connections.history(id, { signal }).pages()) {
    entries.push(...page.items);
    if (++pages === 5) break;
  }
  return entries;
}

/** What went wrong, in words: the problem's status, title and detail when the API answered one. */
export function describe(error: unknown): string {
  if (error instanceof ApiErrorBase) return `${error.status} ${error.title}: ${error.detail}`;
  return String(error);
}

export const isDenied = (error: unknown) =>
  error instanceof ApiErrorBase && (error.status === 401 || error.status === 403);
