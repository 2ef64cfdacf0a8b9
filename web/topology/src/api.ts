/** Calls to the API, with the user's bearer token, on the page's own origin (its CSP allows no other). */
import type { Graph, GraphEdge, GraphNode } from './model.ts';

/** A refusal, carrying what the problem document says. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly code?: string,
  ) {
    super(detail);
  }
}

export interface Scope {
  readonly project: string;
  readonly env: string;
  readonly token: string;
}

export interface Neighbourhood {
  readonly key: string;
  readonly depth: number;
  readonly direction: 'in' | 'out' | 'both';
}

const base = (scope: Scope) => `/api/${encodeURIComponent(scope.project)}/${encodeURIComponent(scope.env)}`;

async function getJson<T>(scope: Scope, path: string): Promise<T> {
  const response = await fetch(`${base(scope)}${path}`, {
    headers: { authorization: `Bearer ${scope.token}`, accept: 'application/json' },
    cache: 'no-store',
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const problem = (body ?? {}) as { title?: string; detail?: string; code?: string; message?: string };
    throw new ApiProblem(
      response.status,
      problem.title ?? response.statusText,
      // API Gateway's own 401 says { "message": "Unauthorized" }.
      problem.detail ?? problem.message ?? `The API answered ${response.status}.`,
      problem.code,
    );
  }
  return body as T;
}

interface GraphPage {
  nodes: GraphNode[];
  edges: GraphEdge[];
  nextToken: string | null;
  truncated: boolean;
}

/** The whole environment (every page, merged by key), or one resource's neighbourhood. */
export async function fetchGraph(
  scope: Scope,
  focus: Neighbourhood | undefined,
  onProgress: (edges: number) => void = () => undefined,
): Promise<Graph> {
  const nodes = new Map<string, GraphNode>();
  const edges = new Map<string, GraphEdge>();
  let truncated = false;
  let nextToken: string | null = null;
  do {
    const query = new URLSearchParams();
    if (focus) {
      const slash = focus.key.indexOf('/');
      query.set('resourceType', focus.key.slice(0, slash));
      query.set('resourceId', focus.key.slice(slash + 1));
      query.set('depth', String(focus.depth));
      query.set('direction', focus.direction);
    } else {
      query.set('limit', '1000');
      if (nextToken) query.set('nextToken', nextToken);
    }
    const page: GraphPage = await getJson<GraphPage>(scope, `/graph?${query}`);
    for (const node of page.nodes) nodes.set(node.key, node);
    for (const edge of page.edges) edges.set(edge.id, edge);
    truncated ||= page.truncated;
    nextToken = focus ? null : page.nextToken;
    onProgress(edges.size);
  } while (nextToken);
  return { nodes, edges, truncated };
}

export interface HistoryEntry {
  version: number;
  at: string;
  actor: string;
  action: string;
  changes?: Record<string, { from: unknown; to: unknown }>;
}

/** A connection's history, oldest first (at most a few pages: a panel, not an audit export). */
export async function fetchHistory(scope: Scope, connectionId: string): Promise<HistoryEntry[]> {
  const entries: HistoryEntry[] = [];
  let nextToken: string | null = null;
  for (let page = 0; page < 5; page++) {
    const query: string = nextToken ? `?nextToken=${encodeURIComponent(nextToken)}` : '';
    const answer: { items: HistoryEntry[]; nextToken: string | null } = await getJson(
      scope,
      `/resource-connections/${encodeURIComponent(connectionId)}/history${query}`,
    );
    entries.push(...answer.items);
    nextToken = answer.nextToken;
    if (!nextToken) break;
  }
  return entries;
}
