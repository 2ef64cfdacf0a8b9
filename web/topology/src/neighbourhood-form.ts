/** The panel's "Focus" form for a resource: its neighbourhood from the API, at a depth and in a direction. */
import { el } from './dom.ts';
import type { Direction } from './view-state.ts';

export interface Around {
  readonly depth: 1 | 2 | 3;
  readonly direction: Direction;
  /** The resource the view is focused on now, if any. */
  readonly focus: string | undefined;
}

/** Depth, direction and Focus; on the resource focused on already, a change applies at once. */
export function neighbourhoodForm(
  key: string,
  around: Around,
  focus: (depth: 1 | 2 | 3, direction: Direction) => void,
): HTMLFormElement {
  const depth = el('select', { id: 'depth' }, ...['1', '2', '3'].map((n) => el('option', {}, n)));
  depth.value = String(around.depth);
  const direction = el(
    'select',
    { id: 'direction' },
    el('option', { value: 'both' }, 'both'),
    el('option', { value: 'out', title: 'what it uses' }, 'out'),
    el('option', { value: 'in', title: 'what uses it' }, 'in'),
  );
  direction.value = around.direction;
  const go = () => focus(Number(depth.value) as 1 | 2 | 3, direction.value as Direction);
  const form = el(
    'form',
    { class: 'neighbourhood', 'aria-label': 'Focus on its neighbourhood' },
    el('label', {}, 'Depth ', depth),
    el('label', {}, 'Direction ', direction),
    el('button', { type: 'submit', id: 'focus', title: 'Show its neighbourhood from the API' }, 'Focus'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    go();
  });
  if (around.focus === key) for (const select of [depth, direction]) select.addEventListener('change', go);
  return form;
}
