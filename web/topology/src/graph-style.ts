/** The drawing's look: shapes and colours by type, colour and line style by status; sizes shared with the layout. */
import type cytoscape from 'cytoscape';
import { STATUS_LOOK, STATUSES, TYPE_LOOK, RESOURCE_TYPES } from './model.ts';

const FONT_FAMILY = 'system-ui, sans-serif';
/** The mark of a connection past or within a minute of its deadline (the legend draws it too). */
export const DEADLINE_MARK = STATUS_LOOK.failed.color;
/** Shape size and label font of a single resource and of a group (the layout's boxes are made from them). */
export const LOOK = {
  single: { shape: 26, font: 11, weight: 'normal' },
  group: { shape: 38, font: 12, weight: 'bold' },
} as const;
export const LABEL_MARGIN = 3;
export const LABEL_PADDING = 2;
export const LINE_HEIGHT = 1.2;

export const fontOf = (look: (typeof LOOK)[keyof typeof LOOK]) => `${look.weight} ${look.font}px ${FONT_FAMILY}`;

export function stylesheet(): cytoscape.StylesheetJson {
  return [
    {
      selector: 'node',
      style: {
        width: LOOK.single.shape,
        height: LOOK.single.shape,
        label: 'data(label)',
        'font-size': LOOK.single.font,
        'font-family': FONT_FAMILY,
        color: '#1f2328',
        'text-valign': 'bottom',
        'text-halign': 'center',
        'text-margin-y': LABEL_MARGIN,
        'text-wrap': 'wrap',
        'text-max-width': '1000px',
        'line-height': LINE_HEIGHT,
        'text-background-color': '#ffffff',
        'text-background-opacity': 0.85,
        'text-background-padding': `${LABEL_PADDING}px`,
        'border-width': 1,
        'border-color': '#ffffff',
      },
    },
    ...RESOURCE_TYPES.map((type) => ({
      selector: `node[resourceType = "${type}"]`,
      style: { shape: TYPE_LOOK[type].shape, 'background-color': TYPE_LOOK[type].color },
    })),
    {
      selector: 'node.group',
      style: {
        width: LOOK.group.shape,
        height: LOOK.group.shape,
        'font-size': LOOK.group.font,
        'font-weight': LOOK.group.weight,
        'border-width': 3,
        'border-color': '#d0d7de',
        'background-opacity': 0.85,
      },
    },
    // A group's ring says the worst status among its connections.
    ...(['failed', 'disconnected', 'connecting'] as const).map((status) => ({
      selector: `node.group[worst = "${status}"]`,
      style: { 'border-color': STATUS_LOOK[status].color, 'border-width': 4 },
    })),
    {
      selector: 'edge',
      style: {
        'curve-style': 'straight',
        'target-arrow-shape': 'triangle',
        'arrow-scale': 0.8,
        width: 'data(width)',
        'font-size': 10,
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
      },
    })),
    { selector: 'edge[status = "failed"]', style: { 'z-index': 10, 'target-arrow-shape': 'tee' } },
    // About to fail: a diamond in the middle, whatever the status (the legend says so).
    {
      selector: 'edge[nearDeadline > 0]',
      style: {
        'mid-target-arrow-shape': 'diamond',
        'mid-target-arrow-color': DEADLINE_MARK,
        'mid-target-arrow-fill': 'filled',
        'z-index': 9,
      },
    },
    { selector: 'node:selected', style: { 'border-width': 4, 'border-color': '#111827', 'z-index': 20 } },
    {
      selector: 'edge:selected',
      style: { label: 'data(label)', 'underlay-color': '#111827', 'underlay-opacity': 0.25, 'underlay-padding': 4 },
    },
  ] as cytoscape.StylesheetJson;
}
