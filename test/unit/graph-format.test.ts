/** The CLI's DOT and Mermaid: a fixed order whatever the order the pages came in, and status in words. */
import { describe, expect, it } from 'vitest';
import { toDot, toMermaid, type GraphText } from '../../client/cli/graph-format.ts';
import type { GraphEdge, GraphNode } from '../../client/src/index.ts';

const node = (key: string): GraphNode => {
  const [resourceType, resourceId] = key.split('/') as [GraphNode['resourceType'], string];
  return { key, resourceType, resourceId };
};
const edge = (id: string, source: string, target: string, status: GraphEdge['status'], deleted = false): GraphEdge => ({
  id,
  source,
  target,
  status,
  version: 1,
  updatedAt: '2026-12-02T00:00:00.000Z',
  ...(deleted && { deletedAt: '2026-12-02T00:00:01.000Z' }),
});

const graph: GraphText = {
  nodes: [node('instance/i-1'), node('database/db-1'), node('application/web')],
  edges: [
    edge('01B', 'instance/i-1', 'database/db-1', 'failed'),
    edge('01A', 'application/web', 'instance/i-1', 'connected'),
    edge('01C', 'application/web', 'instance/i-1', 'disconnected', true),
  ],
};
const shuffled: GraphText = { nodes: [...graph.nodes].reverse(), edges: [...graph.edges].reverse() };

describe('graph text', () => {
  it('prints DOT with a shape per type and each edge coloured and labelled by status, in a fixed order', () => {
    expect(toDot(graph, 'acme/dev')).toBe(
      [
        'digraph "acme/dev" {',
        '  rankdir=LR;',
        '  node [fontname="Helvetica", fontsize=10];',
        '  edge [fontname="Helvetica", fontsize=9];',
        '  "application/web" [shape=component, label="application\\nweb"];',
        '  "database/db-1" [shape=cylinder, label="database\\ndb-1"];',
        '  "instance/i-1" [shape=box3d, label="instance\\ni-1"];',
        '  "application/web" -> "instance/i-1" [label="connected", color="#2e7d32", id="01A"];',
        '  "application/web" -> "instance/i-1" [label="disconnected (deleted)", color="#455a64", style=dashed, id="01C"];',
        '  "instance/i-1" -> "database/db-1" [label="failed", color="#c62828", id="01B"];',
        '}',
      ].join('\n'),
    );
    expect(toDot(shuffled, 'acme/dev')).toBe(toDot(graph, 'acme/dev'));
    expect(toDot({ nodes: [], edges: [] }, 'say "hi" \\ bye').split('\n')[0]).toBe('digraph "say \\"hi\\" \\\\ bye" {');
  });

  it('prints Mermaid with numbered node ids, labelled edges and one link style per edge', () => {
    expect(toMermaid(graph)).toBe(
      [
        'flowchart LR',
        '  n0(["application/web"])',
        '  n1[("database/db-1")]',
        '  n2["instance/i-1"]',
        '  n0 -->|"connected"| n2',
        '  n0 -.->|"disconnected (deleted)"| n2',
        '  n2 -->|"failed"| n1',
        '  linkStyle 0 stroke:#2e7d32',
        '  linkStyle 1 stroke:#455a64',
        '  linkStyle 2 stroke:#c62828',
      ].join('\n'),
    );
    expect(toMermaid(shuffled)).toBe(toMermaid(graph));
  });
});
