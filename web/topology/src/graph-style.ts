/** The drawing's look: shapes and colours by type, colour and line style by status, labels only when readable. */
import type cytoscape from 'cytoscape';
import { STATUS_LOOK, STATUSES, TYPE_LOOK, RESOURCE_TYPES } from './model.ts';

export function stylesheet(): cytoscape.StylesheetJson {
  return [
    {
      selector: 'node',
      style: {
        width: 'data(size)',
        height: 'data(size)',
        label: 'data(label)',
        'font-size': 10,
        'font-family': 'system-ui, sans-serif',
        color: '#1f2328',
        'text-valign': 'bottom',
        'text-margin-y': 3,
        'min-zoomed-font-size': 7,
        'text-background-color': '#ffffff',
        'text-background-opacity': 0.8,
        'text-background-padding': '1px',
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
      style: { 'font-size': 14, 'font-weight': 'bold', 'border-width': 3, 'border-color': '#d0d7de' },
    },
    {
      selector: 'edge',
      style: {
        'curve-style': 'straight',
        'target-arrow-shape': 'triangle',
        'arrow-scale': 0.8,
        width: 'data(width)',
        label: 'data(label)',
        'font-size': 8,
        'min-zoomed-font-size': 9,
        'text-rotation': 'autorotate',
        'text-background-color': '#ffffff',
        'text-background-opacity': 0.85,
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
    { selector: '.hidden', style: { display: 'none' } },
    { selector: 'node:selected', style: { 'border-width': 4, 'border-color': '#111827', 'z-index': 20 } },
    {
      selector: 'edge:selected',
      style: { 'underlay-color': '#111827', 'underlay-opacity': 0.25, 'underlay-padding': 4 },
    },
    { selector: '.dim', style: { opacity: 0.25 } },
  ] as cytoscape.StylesheetJson;
}
