/** The drawing's look: shapes and colours by type, colour and line style by status; sizes shared with the layout. */
import type cytoscape from 'cytoscape';
import type { DrawnEdge, DrawnNode } from './drawn.ts';
import type { Box } from './placement.ts';
import { SEVERITY, STATUS_LOOK, STATUSES, TYPE_LOOK, RESOURCE_TYPES, type Status } from './model.ts';

const FONT_FAMILY = 'system-ui, sans-serif';
/** The mark of a connection past or within a minute of its deadline (the legend draws it too). */
export const DEADLINE_MARK = STATUS_LOOK.failed.color;
/**
 * The smallest label the page draws, in CSS px on screen. Labels are LABEL_PX in model px, so a
 * drawing is readable at zoom 1 or more; below that cytoscape leaves labels out rather than draw
 * them smaller (the user zoomed out).
 */
export const LABEL_PX = 12;
/** The zoom below which labels would be smaller than LABEL_PX. */
export const READABLE_ZOOM = 1;
/** Shape size and label font of a single resource and of a group (the layout's boxes are made from them). */
export const LOOK = {
  single: { shape: 20, font: LABEL_PX, weight: 'normal' },
  group: { shape: 30, font: LABEL_PX, weight: 'normal' },
} as const;
export const LABEL_MARGIN = 3;
export const LABEL_PADDING = 2;
export const LINE_HEIGHT = 1.2;
/** The smallest share of a group's ring a status present gets, so one failure among thousands shows. */
const RING_MIN_SHARE = 8;

/** Where a node's label goes: left of a source, right of a sink, under anything in between. */
export type LabelSide = 'left' | 'right' | 'below';

export function labelSides(edges: readonly { source: string; target: string }[]): (id: string) => LabelSide {
  const [into, outOf] = [new Set<string>(), new Set<string>()];
  for (const { source, target } of edges) {
    outOf.add(source);
    into.add(target);
  }
  return (id) => (into.has(id) && outOf.has(id) ? 'below' : into.has(id) ? 'right' : outOf.has(id) ? 'left' : 'below');
}

export const fontOf = (look: (typeof LOOK)[keyof typeof LOOK]) => `${look.weight} ${look.font}px ${FONT_FAMILY}`;

/** A group's ring: each status present a slice (percent, SEVERITY's order), none under RING_MIN_SHARE. */
export function ringShares(statuses: readonly [Status, number][]): number[] {
  const total = statuses.reduce((sum, [, n]) => sum + n, 0);
  const counts = SEVERITY.map((status) => statuses.find(([s]) => s === status)?.[1] ?? 0);
  if (total === 0) return counts;
  const small = counts.filter((n) => n > 0 && (100 * n) / total < RING_MIN_SHARE);
  const rest = total - small.reduce((sum, n) => sum + n, 0);
  const left = 100 - RING_MIN_SHARE * small.length;
  return counts.map((n) =>
    n === 0 ? 0 : (100 * n) / total < RING_MIN_SHARE ? RING_MIN_SHARE : rest ? (left * n) / rest : 0,
  );
}

/** A drawn node as cytoscape takes it: its data, and its shape's centre (at the right end of its box when the label is on its left, the left end, or the top middle). */
export function nodeElement(node: DrawnNode, box: Box, side: LabelSide) {
  const look = node.group ? LOOK.group : LOOK.single;
  const x =
    side === 'left'
      ? box.x + box.w - 2 - look.shape / 2
      : side === 'right'
        ? box.x + 2 + look.shape / 2
        : box.x + box.w / 2;
  const position = { x, y: side === 'below' ? box.y + 1 + look.shape / 2 : box.y + box.h / 2 };
  const ring = node.group ? Object.fromEntries(ringShares(node.statuses).map((share, i) => [`ring${i}`, share])) : {};
  return { position, data: { id: node.id, label: node.label, resourceType: node.resourceType, side, ...ring } };
}

/** A drawn edge as strands, one per status inside it (a single connection: one, with its own id). */
export function strandsOf(edge: DrawnEdge) {
  return edge.statuses.map(([status, n]) => {
    const near = edge.near[status] ?? 0;
    const words = edge.count > 1 ? `${n} ${status}` : status;
    return {
      id: edge.count > 1 ? `${edge.id}#${status}` : edge.id,
      bundle: edge.id,
      source: edge.source,
      target: edge.target,
      status,
      count: n,
      near,
      label: near ? `${words}, ${edge.count > 1 ? `${near} ` : ''}near deadline` : words,
      // Thicker for more connections, gently: a bundle's strands must stay apart.
      width: STATUS_LOOK[status].width * (1 + 0.5 * Math.log10(n)),
    };
  });
}

export function stylesheet(): cytoscape.StylesheetJson {
  return [
    {
      selector: 'node',
      style: {
        width: LOOK.single.shape,
        height: LOOK.single.shape,
        label: 'data(label)',
        'font-size': LOOK.single.font,
        'min-zoomed-font-size': LABEL_PX,
        // A click on the label is a click on its node.
        'text-events': 'yes',
        'font-family': FONT_FAMILY,
        color: '#1f2328',
        'text-valign': 'bottom',
        'text-halign': 'center',
        'text-margin-y': LABEL_MARGIN,
        'text-wrap': 'wrap',
        'text-max-width': '1000px',
        'line-height': LINE_HEIGHT,
        'text-background-color': '#ffffff',
        'text-background-opacity': 0.95,
        'text-background-padding': `${LABEL_PADDING}px`,
        'border-width': 1,
        'border-color': '#ffffff',
        'z-index': 10,
      },
    },
    // Beside a source (nothing comes in on its left) or a sink (nothing leaves on its right): columns stay short.
    {
      selector: 'node[side = "left"]',
      style: {
        'text-halign': 'left',
        'text-valign': 'center',
        'text-margin-x': -LABEL_MARGIN,
        'text-margin-y': 0,
        'text-justification': 'right',
      },
    },
    {
      selector: 'node[side = "right"]',
      style: {
        'text-halign': 'right',
        'text-valign': 'center',
        'text-margin-x': LABEL_MARGIN,
        'text-margin-y': 0,
        'text-justification': 'left',
      },
    },
    ...RESOURCE_TYPES.map((type) => ({
      selector: `node[resourceType = "${type}"]`,
      style: { shape: TYPE_LOOK[type].shape, 'background-color': TYPE_LOOK[type].color },
    })),
    {
      // A group: its type's shape, and a ring with a slice for each status of its connections.
      selector: 'node.group',
      style: {
        width: LOOK.group.shape,
        height: LOOK.group.shape,
        'font-size': LOOK.group.font,
        'font-weight': LOOK.group.weight,
        'border-width': 2,
        'border-color': '#ffffff',
        'pie-size': '100%',
        'pie-hole': '52%',
        ...Object.fromEntries(
          SEVERITY.flatMap((status, i) => [
            [`pie-${i + 1}-background-color`, STATUS_LOOK[status].color],
            [`pie-${i + 1}-background-size`, `data(ring${i})`],
          ]),
        ),
      },
    },
    {
      selector: 'edge',
      style: {
        // A bundle's strands (one per status) fan out; a single edge is straight.
        'curve-style': 'bezier',
        'control-point-step-size': 14,
        'target-arrow-shape': 'triangle',
        'arrow-scale': 0.8,
        width: 'data(width)',
        'font-size': LABEL_PX,
        'min-zoomed-font-size': LABEL_PX,
        'text-rotation': 'autorotate',
        'text-background-color': '#ffffff',
        'text-background-opacity': 0.9,
        color: '#1f2328',
      },
    },
    ...STATUSES.map((status) => ({
      selector: `edge[status = "${status}"]`,
      style: {
        'line-color': STATUS_LOOK[status].color,
        'target-arrow-color': STATUS_LOOK[status].color,
        'line-style': STATUS_LOOK[status].line,
        // Worse on top (and every edge under the nodes, whose labels stay readable where edges cross them).
        'z-index': 5 - SEVERITY.indexOf(status),
      },
    })),
    { selector: 'edge[status = "failed"]', style: { 'target-arrow-shape': 'tee' } },
    // About to fail: a diamond in the middle, whatever the status (the legend says so), big enough to see.
    {
      selector: 'edge[near > 0]',
      style: {
        'mid-target-arrow-shape': 'diamond',
        'mid-target-arrow-color': DEADLINE_MARK,
        'mid-target-arrow-fill': 'filled',
        'arrow-scale': 1.5,
        'z-index': 6,
      },
    },
    { selector: 'node:selected', style: { 'border-width': 4, 'border-color': '#111827', 'z-index': 20 } },
    {
      selector: 'edge:selected',
      style: { label: 'data(label)', 'underlay-color': '#111827', 'underlay-opacity': 0.25, 'underlay-padding': 4 },
    },
    // Where the keyboard is in the drawing (the node list has focus).
    {
      selector: 'node.keyboard',
      style: {
        'underlay-color': '#0550ae',
        'underlay-opacity': 0.5,
        'underlay-padding': 6,
        'underlay-shape': 'round-rectangle',
      },
    },
  ] as cytoscape.StylesheetJson;
}
