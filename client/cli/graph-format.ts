/**
 * The graph as text to paste into docs: Graphviz DOT and Mermaid. The order is fixed (nodes by key,
 * edges by source, target and id) so the same environment always prints the same text and a diff
 * shows only what changed. Status is told in words on every edge as well as in colour.
 */
import type { GraphEdge, GraphNode, ResourceType, Status } from '../src/index.ts';

export interface GraphText {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
}

const STATUS_COLOUR: Record<Status, string> = {
  pending: '#757575',
  connecting: '#b26a00',
  connected: '#2e7d32',
  failed: '#c62828',
  disconnected: '#455a64',
};

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
    const style = edge.deletedAt || edge.status === 'disconnected' ? ', style=dashed' : '';
    lines.push(
      `  ${dotString(edge.source)} -> ${dotString(edge.target)} ` +
        `[label=${dotString(edgeLabel(edge))}, color="${STATUS_COLOUR[edge.status]}"${style}, id=${dotString(edge.id)}];`,
    );
  }
  lines.push('}');
  return lines.join('\n');
}

const mermaidText = (text: string) => `"${text.replace(/"/g, '#quot;')}"`;

export function toMermaid(graph: GraphText): string {
  const { nodes, edges } = inOrder(graph);
  const lines = ['flowchart LR'];
  // Mermaid ids cannot hold every character a resource id may: number the nodes in key order.
  const ids = new Map<string, string>();
  for (const node of nodes) {
    const id = `n${ids.size}`;
    ids.set(node.key, id);
    const [open, close] = MERMAID_SHAPE[node.resourceType];
    lines.push(`  ${id}${open}${mermaidText(`${node.resourceType}/${node.resourceId}`)}${close}`);
  }
  edges.forEach((edge) => {
    const arrow = edge.deletedAt || edge.status === 'disconnected' ? '-.->' : '-->';
    lines.push(`  ${ids.get(edge.source)} ${arrow}|${mermaidText(edgeLabel(edge))}| ${ids.get(edge.target)}`);
  });
  edges.forEach((edge, index) => lines.push(`  linkStyle ${index} stroke:${STATUS_COLOUR[edge.status]}`));
  return lines.join('\n');
}
