/**
 * The graph as text to paste into docs: Graphviz DOT and Mermaid. The order is fixed (nodes by key,
 * edges by source, target and id) and every name comes from the data (a Mermaid node id from the
 * resource key, an edge id from the connection id), so the same environment always prints the same
 * text and one new connection adds a line or two. Status is told in words on every edge, and in
 * colour and line as the topology page's legend draws it: dotted pending, dashed connecting and
 * disconnected, solid connected, thick failed.
 */
import { createHash } from 'node:crypto';
import type { GraphEdge, GraphNode, ResourceType } from '../src/index.ts';
import { STATUS_LOOK } from '../src/status-look.ts';

export interface GraphText {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
}

/** A deleted connection (--include-deleted) keeps its status look, faded. */
const DELETED_OPACITY = 0.45;

const DOT_SHAPE: Record<ResourceType, string> = {
  instance: 'box3d',
  application: 'component',
  database: 'cylinder',
  terminal: 'parallelogram',
  firewall: 'hexagon',
  storage_bucket: 'folder',
  bucket_explorer: 'tab',
  static_website: 'note',
};

/** Mermaid flowchart shapes, as the brackets around a quoted label. */
const MERMAID_SHAPE: Record<ResourceType, readonly [string, string]> = {
  instance: ['[', ']'],
  application: ['([', '])'],
  database: ['[(', ')]'],
  terminal: ['[/', '/]'],
  firewall: ['{{', '}}'],
  storage_bucket: ['[[', ']]'],
  bucket_explorer: ['>', ']'],
  static_website: ['((', '))'],
};

const byKey = (a: GraphNode, b: GraphNode) => compare(a.key, b.key);
const byEnds = (a: GraphEdge, b: GraphEdge) =>
  compare(a.source, b.source) || compare(a.target, b.target) || compare(a.id, b.id);
// Code-unit order, not the locale's: the same bytes on every machine.
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The same graph in the fixed order every format prints. */
export const inOrder = (graph: GraphText): GraphText => ({
  nodes: [...graph.nodes].sort(byKey),
  edges: [...graph.edges].sort(byEnds),
});

/** An edge's status in words, marked when the connection is deleted. */
export const edgeLabel = (edge: GraphEdge) => (edge.deletedAt ? `${edge.status} (deleted)` : edge.status);

const dotString = (text: string) => `"${text.replace(/["\\]/g, (c) => `\\${c}`)}"`;
const alpha = (opacity: number) =>
  Math.round(opacity * 255)
    .toString(16)
    .padStart(2, '0');

function dotEdgeStyle(edge: GraphEdge): string {
  const look = STATUS_LOOK[edge.status];
  const color = edge.deletedAt ? `${look.color}${alpha(DELETED_OPACITY)}` : look.color;
  const style = look.line === 'solid' ? '' : `, style=${look.line}`;
  // The page ends a failed connection with a bar.
  const head = edge.status === 'failed' ? ', arrowhead=tee' : '';
  return `color="${color}"${style}, penwidth=${look.width}${head}`;
}

export function toDot(graph: GraphText, title: string): string {
  const { nodes, edges } = inOrder(graph);
  const lines = [
    `digraph ${dotString(title)} {`,
    '  rankdir=LR;',
    '  node [fontname="Helvetica", fontsize=10];',
    '  edge [fontname="Helvetica", fontsize=9];',
  ];
  for (const node of nodes) {
    const label = `${node.resourceType}\\n${node.resourceId}`;
    lines.push(
      `  ${dotString(node.key)} [shape=${DOT_SHAPE[node.resourceType]}, label="${label.replace(/"/g, '\\"')}"];`,
    );
  }
  for (const edge of edges) {
    lines.push(
      `  ${dotString(edge.source)} -> ${dotString(edge.target)} ` +
        `[label=${dotString(edgeLabel(edge))}, ${dotEdgeStyle(edge)}, id=${dotString(edge.id)}];`,
    );
  }
  lines.push('}');
  return lines.join('\n');
}

const mermaidText = (text: string) => `"${text.replace(/"/g, '#quot;')}"`;
const shortHash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 8);

/**
 * A Mermaid node id from a resource key, in letters, digits and `_` (the only characters every
 * Mermaid version takes in an id). `type/id` with `-` maps one to one (no type name is another's
 * prefix, and `_` is in no resource id); a key with `.`, `:` or `@` adds a hash of itself, since
 * `a.b` and `a-b` would otherwise meet.
 */
export function mermaidNodeId(key: string): string {
  const readable = key.replace(/[^A-Za-z0-9]/g, '_');
  return /^[a-z_]+\/[A-Za-z0-9-]+$/.test(key) ? readable : `${readable}_${shortHash(key)}`;
}

/** A Mermaid edge id from a connection id (a ULID, so letters and digits; anything else by its hash). */
export const mermaidEdgeId = (id: string) => (/^[A-Za-z0-9]+$/.test(id) ? `e_${id}` : `e_h${shortHash(id)}`);

/**
 * Mermaid 11.5+ (edge ids): each status a class with the legend's colour, width and dashes, each
 * edge named by its connection and given its class on the line after it. The arrow itself (dotted,
 * thick) tells the status too where a renderer ignores classes.
 */
export function toMermaid(graph: GraphText): string {
  const { nodes, edges } = inOrder(graph);
  const lines = ['flowchart LR'];
  for (const [status, look] of Object.entries(STATUS_LOOK)) {
    const dashes = { solid: '', dashed: ',stroke-dasharray:8 5', dotted: ',stroke-dasharray:2 3' }[look.line];
    lines.push(`  classDef ${status} stroke:${look.color},stroke-width:${look.width}px${dashes}`);
  }
  lines.push(`  classDef deleted opacity:${DELETED_OPACITY}`);
  for (const node of nodes) {
    const [open, close] = MERMAID_SHAPE[node.resourceType];
    lines.push(`  ${mermaidNodeId(node.key)}${open}${mermaidText(`${node.resourceType}/${node.resourceId}`)}${close}`);
  }
  for (const edge of edges) {
    const id = mermaidEdgeId(edge.id);
    const look = STATUS_LOOK[edge.status];
    const arrow = edge.status === 'failed' ? '==>' : look.line === 'solid' ? '-->' : '-.->';
    lines.push(
      `  ${mermaidNodeId(edge.source)} ${id}@${arrow}|${mermaidText(edgeLabel(edge))}| ${mermaidNodeId(edge.target)}`,
    );
    lines.push(`  class ${id} ${edge.status}`);
    if (edge.deletedAt) lines.push(`  class ${id} deleted`);
  }
  return lines.join('\n');
}
