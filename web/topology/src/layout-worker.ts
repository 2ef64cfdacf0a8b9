/**
 * The layout, off the main thread: ELK's layered algorithm (elkjs), sources on the left and targets
 * on the right, crossings minimised, edges leaving each node on its east side and entering on its
 * west. Separate parts are either laid out alone and packed into the shape of the room (packing.ts:
 * many small parts; packed for the whole room, or for the room beside the panel) or share columns
 * (an overview's few parts of the same layers). Of these, the ones readable beside the panel are
 * preferred, then the one that fits the whole room at the larger zoom.
 * Deterministic: the same nodes and edges in the same order (the page sorts them) and the same
 * room give the same positions, every time.
 */
import elkjs, { type ElkNode } from 'elkjs/lib/elk.bundled.js';
import type { Area, LayoutAnswer, LayoutRequest } from './layout-protocol.ts';
import { pack } from './packing.ts';
import { GAP } from './placement.ts';

interface WorkerScope {
  onmessage: ((event: MessageEvent<LayoutRequest>) => void) | null;
  postMessage(message: LayoutAnswer): void;
}
const scope = self as unknown as WorkerScope;
// The CommonJS module is the constructor, and carries itself as `default` too.
const elk = new elkjs.default();

/** Between separate parts, in model px. */
const PART_GAP = 28;
const OPTIONS: Record<string, string> = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.randomSeed': '1',
  // The input order (sorted keys) breaks ties, so equal graphs give equal pictures.
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  'elk.spacing.nodeNode': String(GAP),
  'elk.layered.spacing.nodeNodeBetweenLayers': '44',
  'elk.spacing.componentComponent': String(PART_GAP),
  'elk.edgeRouting': 'POLYLINE',
  'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
};

type Positions = LayoutAnswer['positions'];

async function layout(request: LayoutRequest): Promise<Positions> {
  const alone = await elkLayout(request, true);
  const candidates = [
    packParts(request, alone, request.area),
    packParts(request, alone, request.narrow),
    await elkLayout(request, false),
  ].map((positions) => ({ positions, ...zoomsOf(request, positions) }));
  const beside = candidates.filter((c) => c.narrow >= request.minZoom);
  const best = (beside.length ? beside : candidates).reduce((a, b) => (b.whole > a.whole ? b : a));
  return best.positions;
}

/** The zooms at which `positions` fit the whole room and the room beside the panel. */
function zoomsOf(request: LayoutRequest, positions: Positions): { whole: number; narrow: number } {
  let [x1, y1, x2, y2] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const { id, w, h } of request.nodes) {
    const { x, y } = positions[id]!;
    [x1, y1, x2, y2] = [Math.min(x1, x), Math.min(y1, y), Math.max(x2, x + w), Math.max(y2, y + h)];
  }
  const zoom = (area: Area) => Math.min(area.width / Math.max(1, x2 - x1), area.height / Math.max(1, y2 - y1));
  return { whole: zoom(request.area), narrow: zoom(request.narrow) };
}

async function elkLayout(request: LayoutRequest, separate: boolean): Promise<Positions> {
  const graph: ElkNode = {
    id: 'root',
    layoutOptions: { ...OPTIONS, 'elk.separateConnectedComponents': String(separate) },
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
  const positions: Positions = {};
  for (const node of laid.children ?? [])
    positions[node.id] = { x: Math.round(node.x ?? 0), y: Math.round(node.y ?? 0) };
  return positions;
}

/** Moves each connected part, as ELK laid it out, to its place in the packing. */
function packParts(request: LayoutRequest, positions: Positions, area: Area): Positions {
  const partOf = components(request);
  const boxes = new Map<string, { x1: number; y1: number; x2: number; y2: number }>();
  for (const { id, w, h } of request.nodes) {
    const { x, y } = positions[id]!;
    const part = partOf(id);
    const box = boxes.get(part) ?? { x1: x, y1: y, x2: x + w, y2: y + h };
    boxes.set(part, {
      x1: Math.min(box.x1, x),
      y1: Math.min(box.y1, y),
      x2: Math.max(box.x2, x + w),
      y2: Math.max(box.y2, y + h),
    });
  }
  const parts = [...boxes].map(([id, b]) => ({ id, w: b.x2 - b.x1, h: b.y2 - b.y1 }));
  const { at } = pack(parts, area, PART_GAP);
  const moved: Positions = {};
  for (const { id } of request.nodes) {
    const part = partOf(id);
    const [box, to] = [boxes.get(part)!, at.get(part)!];
    moved[id] = { x: positions[id]!.x - box.x1 + to.x, y: positions[id]!.y - box.y1 + to.y };
  }
  return moved;
}

/** Each node's connected part, named by its smallest node id (union-find over the edges). */
function components(request: LayoutRequest): (id: string) => string {
  const parent = new Map(request.nodes.map(({ id }) => [id, id]));
  const find = (id: string): string => {
    let root = id;
    while (parent.get(root) !== root) root = parent.get(root)!;
    parent.set(id, root);
    return root;
  };
  for (const { source, target } of request.edges) {
    const [a, b] = [find(source), find(target)];
    if (a !== b) parent.set(a < b ? b : a, a < b ? a : b);
  }
  return find;
}

scope.onmessage = (event) => {
  layout(event.data).then(
    (positions) => scope.postMessage({ id: event.data.id, positions }),
    (error: unknown) => scope.postMessage({ id: event.data.id, positions: {}, error: String(error) }),
  );
};
