/**
 * The layout, off the main thread: ELK's layered algorithm (elkjs), sources on the left and targets
 * on the right, crossings minimised, edges leaving each node on its east side and entering on its
 * west. Deterministic: the same nodes and edges in the same order (the page sorts them) and the
 * same aspect ratio give the same positions, every time.
 */
import elkjs, { type ElkNode } from 'elkjs/lib/elk.bundled.js';
import type { LayoutAnswer, LayoutRequest } from './layout-protocol.ts';
import { GAP } from './placement.ts';

interface WorkerScope {
  onmessage: ((event: MessageEvent<LayoutRequest>) => void) | null;
  postMessage(message: LayoutAnswer): void;
}
const scope = self as unknown as WorkerScope;
// The CommonJS module is the constructor, and carries itself as `default` too.
const elk = new elkjs.default();

const OPTIONS: Record<string, string> = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.randomSeed': '1',
  // The input order (sorted keys) breaks ties, so equal graphs give equal pictures.
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  'elk.spacing.nodeNode': String(GAP),
  'elk.layered.spacing.nodeNodeBetweenLayers': '60',
  'elk.spacing.componentComponent': '40',
  'elk.separateConnectedComponents': 'true',
  'elk.edgeRouting': 'POLYLINE',
  'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
};

async function layout(request: LayoutRequest): Promise<LayoutAnswer['positions']> {
  const graph: ElkNode = {
    id: 'root',
    layoutOptions: { ...OPTIONS, 'elk.aspectRatio': request.aspectRatio.toFixed(2) },
    children: request.nodes.map(({ id, w, h }) => ({
      id,
      width: w,
      height: h,
      layoutOptions: { 'elk.portConstraints': 'FIXED_SIDE' },
      ports: [
        { id: `${id}>in`, width: 1, height: 1, layoutOptions: { 'elk.port.side': 'WEST' } },
        { id: `${id}>out`, width: 1, height: 1, layoutOptions: { 'elk.port.side': 'EAST' } },
      ],
    })),
    edges: request.edges.map(({ id, source, target }) => ({
      id,
      sources: [`${source}>out`],
      targets: [`${target}>in`],
    })),
  };
  const laid = await elk.layout(graph);
  const positions: LayoutAnswer['positions'] = {};
  for (const node of laid.children ?? [])
    positions[node.id] = { x: Math.round(node.x ?? 0), y: Math.round(node.y ?? 0) };
  return positions;
}

scope.onmessage = (event) => {
  layout(event.data).then(
    (positions) => scope.postMessage({ id: event.data.id, positions }),
    (error: unknown) => scope.postMessage({ id: event.data.id, positions: {}, error: String(error) }),
  );
};
