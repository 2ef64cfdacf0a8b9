/**
 * The layout, off the main thread: cytoscape without a renderer runs fcose (a fast force-directed
 * layout that keeps clusters apart) and sends back positions only. The page stays responsive
 * however long a big graph takes.
 */
import cytoscape from 'cytoscape';
import fcose from 'cytoscape-fcose';
import type { LayoutAnswer, LayoutRequest } from './layout-protocol.ts';

cytoscape.use(fcose);

interface WorkerScope {
  onmessage: ((event: MessageEvent<LayoutRequest>) => void) | null;
  postMessage(message: LayoutAnswer): void;
}
const scope = self as unknown as WorkerScope;

function layout(request: LayoutRequest): LayoutAnswer['positions'] {
  const cy = cytoscape({
    headless: true,
    styleEnabled: true,
    style: [{ selector: 'node', style: { width: 'data(size)', height: 'data(size)' } }],
    elements: [
      ...request.nodes.map((node) => ({
        group: 'nodes' as const,
        data: { id: node.id, size: node.size },
        position: { x: node.x ?? 0, y: node.y ?? 0 },
      })),
      ...request.edges.map((edge) => ({ group: 'edges' as const, data: edge })),
    ],
  });
  const size = request.nodes.length;
  cy.layout({
    name: 'fcose',
    // 'draft' (spectral only) piles big graphs into columns; the full pass costs worker time only.
    quality: 'default',
    randomize: !request.incremental,
    animate: false,
    fit: false,
    nodeDimensionsIncludeLabels: false,
    nodeSeparation: 60,
    idealEdgeLength: () => 55,
    nodeRepulsion: () => 9000,
    gravity: 0.4,
    gravityRangeCompound: 1.5,
    numIter: size > 1000 ? 1500 : 2500,
    tile: true,
  } as cytoscape.LayoutOptions).run();
  const positions: LayoutAnswer['positions'] = {};
  cy.nodes().forEach((node) => {
    const { x, y } = node.position();
    positions[node.id()] = { x: Math.round(x), y: Math.round(y) };
  });
  cy.destroy();
  return positions;
}

scope.onmessage = (event) => {
  try {
    scope.postMessage({ id: event.data.id, positions: layout(event.data) });
  } catch (error) {
    scope.postMessage({ id: event.data.id, positions: {}, error: String(error) });
  }
};
