/**
 * The CLI's DOT and Mermaid: a fixed order whatever the order the pages came in, ids that come from
 * the data (so a new connection changes a line or two), status in words and as the page's legend.
 */
import { describe, expect, it } from 'vitest';
import { mermaidNodeId, toDot, toMermaid, type GraphText } from '../../client/cli/graph-format.ts';
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
  statusDeadline: null,
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
  it('prints DOT with a shape per type and each edge coloured, lined and labelled by status, in a fixed order', () => {
    expect(toDot(graph, 'acme/dev')).toBe(
      [
        'digraph "acme/dev" {',
        '  rankdir=LR;',
        '  node [fontname="Helvetica", fontsize=10];',
        '  edge [fontname="Helvetica", fontsize=9];',
        '  "application/web" [shape=component, label="application\\nweb"];',
        '  "database/db-1" [shape=cylinder, label="database\\ndb-1"];',
        '  "instance/i-1" [shape=box3d, label="instance\\ni-1"];',
        '  "application/web" -> "instance/i-1" [label="connected", color="#2f8f46", penwidth=1.5, id="01A"];',
        '  "application/web" -> "instance/i-1" [label="disconnected (deleted)", color="#6d5a9e73", style=dashed, penwidth=2, id="01C"];',
        '  "instance/i-1" -> "database/db-1" [label="failed", color="#d1242f", penwidth=3.5, arrowhead=tee, id="01B"];',
        '}',
      ].join('\n'),
    );
    expect(toDot(shuffled, 'acme/dev')).toBe(toDot(graph, 'acme/dev'));
    expect(toDot({ nodes: [], edges: [] }, 'say "hi" \\ bye').split('\n')[0]).toBe('digraph "say \\"hi\\" \\\\ bye" {');
  });

  it('draws pending dotted and connecting dashed, in DOT and in Mermaid', () => {
    const waiting: GraphText = {
      nodes: [node('terminal/t-1'), node('instance/i-1'), node('firewall/fw-1')],
      edges: [
        edge('01D', 'terminal/t-1', 'instance/i-1', 'pending'),
        edge('01E', 'instance/i-1', 'firewall/fw-1', 'connecting'),
      ],
    };
    const dot = toDot(waiting, 'x');
    expect(dot).toContain(
      '"terminal/t-1" -> "instance/i-1" [label="pending", color="#8b919c", style=dotted, penwidth=1.5',
    );
    expect(dot).toContain(
      '"instance/i-1" -> "firewall/fw-1" [label="connecting", color="#c27c00", style=dashed, penwidth=2',
    );
    const mermaid = toMermaid(waiting);
    expect(mermaid).toContain('  terminal_t_1 e_01D@-.->|"pending"| instance_i_1\n  class e_01D pending');
    expect(mermaid).toContain('  instance_i_1 e_01E@-.->|"connecting"| firewall_fw_1\n  class e_01E connecting');
  });

  it('prints Mermaid with ids from the keys and connection ids, and a class per status as the legend draws it', () => {
    expect(toMermaid(graph)).toBe(
      [
        'flowchart LR',
        '  classDef pending stroke:#8b919c,stroke-width:1.5px,stroke-dasharray:2 3',
        '  classDef connecting stroke:#c27c00,stroke-width:2px,stroke-dasharray:8 5',
        '  classDef connected stroke:#2f8f46,stroke-width:1.5px',
        '  classDef failed stroke:#d1242f,stroke-width:3.5px',
        '  classDef disconnected stroke:#6d5a9e,stroke-width:2px,stroke-dasharray:8 5',
        '  classDef deleted opacity:0.45',
        '  application_web(["application/web"])',
        '  database_db_1[("database/db-1")]',
        '  instance_i_1["instance/i-1"]',
        '  application_web e_01A@-->|"connected"| instance_i_1',
        '  class e_01A connected',
        '  application_web e_01C@-.->|"disconnected (deleted)"| instance_i_1',
        '  class e_01C disconnected',
        '  class e_01C deleted',
        '  instance_i_1 e_01B@==>|"failed"| database_db_1',
        '  class e_01B failed',
      ].join('\n'),
    );
    expect(toMermaid(shuffled)).toBe(toMermaid(graph));
  });

  it('changes two lines of Mermaid for a new connection between known resources, three with a new resource', () => {
    const before = toMermaid(graph).split('\n');
    const changed = (after: GraphText) => {
      const lines = toMermaid(after).split('\n');
      return lines.filter((line) => !before.includes(line)).length + before.filter((l) => !lines.includes(l)).length;
    };
    expect(
      changed({ ...graph, edges: [...graph.edges, edge('01AA', 'application/web', 'instance/i-1', 'pending')] }),
    ).toBe(2);
    expect(
      changed({
        nodes: [...graph.nodes, node('application/aaa')],
        edges: [...graph.edges, edge('01AB', 'application/aaa', 'instance/i-1', 'pending')],
      }),
    ).toBe(3);
  });

  it('gives every resource key its own Mermaid id, in letters, digits and _ only', () => {
    const keys = [
      'instance/i-1',
      'instance/i.1',
      'instance/i:1',
      'instance/i@1',
      'instance/i--1',
      'storage_bucket/b-1',
    ];
    const ids = keys.map(mermaidNodeId);
    expect(new Set(ids).size).toBe(keys.length);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_]+$/);
    expect(ids.slice(0, 1).concat(ids.slice(-1))).toEqual(['instance_i_1', 'storage_bucket_b_1']);
    expect(mermaidNodeId('instance/i.1')).toBe(mermaidNodeId('instance/i.1')); // the same key, the same id
  });
});
