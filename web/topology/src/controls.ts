/** The filter checkboxes and the legend, built from the same vocabulary the drawing uses. */
import { byId, el, statusChip } from './dom.ts';
import { RESOURCE_TYPES, STATUSES, TYPE_LOOK, type ResourceType, type Status } from './model.ts';

const SVG = 'http://www.w3.org/2000/svg';

/** The node shapes as small SVGs (presentation attributes, not inline styles: the CSP allows none). */
const SHAPE_POINTS: Record<string, string> = {
  ellipse: '',
  rectangle: '2,3 16,3 16,15 2,15',
  octagon: '6,1 12,1 17,6 17,12 12,17 6,17 1,12 1,6',
  'round-triangle': '9,2 17,16 1,16',
  'round-pentagon': '9,1 17,7 14,17 4,17 1,7',
};

export function shapeIcon(type: ResourceType): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 18 18');
  svg.setAttribute('width', '18');
  svg.setAttribute('height', '18');
  svg.setAttribute('aria-hidden', 'true');
  const { shape, color } = TYPE_LOOK[type];
  let figure: SVGElement;
  if (shape === 'ellipse') {
    figure = document.createElementNS(SVG, 'ellipse');
    figure.setAttribute('cx', '9');
    figure.setAttribute('cy', '9');
    figure.setAttribute('rx', '8');
    figure.setAttribute('ry', '7');
  } else if (SHAPE_POINTS[shape]) {
    figure = document.createElementNS(SVG, 'polygon');
    figure.setAttribute('points', SHAPE_POINTS[shape]!);
  } else {
    // round-rectangle, barrel and bottom-round-rectangle: rounded boxes of different radii.
    figure = document.createElementNS(SVG, 'rect');
    figure.setAttribute('x', '1');
    figure.setAttribute('y', shape === 'barrel' ? '1' : '3');
    figure.setAttribute('width', '16');
    figure.setAttribute('height', shape === 'barrel' ? '16' : '12');
    figure.setAttribute('rx', shape === 'barrel' ? '7' : '3');
    figure.setAttribute('ry', shape === 'barrel' ? '3' : '3');
  }
  figure.setAttribute('fill', color);
  svg.append(figure);
  return svg;
}

export interface FilterInputs {
  readonly statuses: Map<Status, HTMLInputElement>;
  readonly types: Map<ResourceType, HTMLInputElement>;
}

export function buildControls(): FilterInputs {
  const statuses = new Map<Status, HTMLInputElement>();
  for (const status of STATUSES) {
    const input = el('input', { type: 'checkbox', name: 'status', value: status });
    statuses.set(status, input);
    byId('status-filters').append(el('label', { class: 'check' }, input, statusChip(status)));
  }
  const types = new Map<ResourceType, HTMLInputElement>();
  for (const type of RESOURCE_TYPES) {
    const input = el('input', { type: 'checkbox', name: 'type', value: type });
    types.set(type, input);
    byId('type-filters').append(el('label', { class: 'check' }, input, shapeIcon(type), TYPE_LOOK[type].label));
  }
  byId('legend-types').append(
    el('span', { class: 'legend-title' }, 'Resources:'),
    ...RESOURCE_TYPES.map((type) => el('span', { class: 'legend-item' }, shapeIcon(type), TYPE_LOOK[type].label)),
  );
  byId('legend-statuses').append(
    el('span', { class: 'legend-title' }, 'Connections (arrow: source → target):'),
    ...STATUSES.map((status) => statusChip(status)),
    el(
      'span',
      { class: 'legend-item' },
      el('span', { class: 'deadline-mark', 'aria-hidden': 'true' }, '◆'),
      'near or past its deadline',
    ),
  );
  return { statuses, types };
}
