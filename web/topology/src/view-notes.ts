/** The words around the drawing: the summary line, the banner (what the view shows and why), and the state. */
import { byId, el } from './dom.ts';
import type { Graph } from './model.ts';
import type { Drawing } from './drawn.ts';
import type { ViewState } from './view-state.ts';

export interface NoteActions {
  collapse(): void;
  relayout(): void;
  unfocus(): void;
}

const button = (label: string, action: () => void, testId: string) => {
  const element = el('button', { type: 'button', 'data-testid': testId }, label);
  element.addEventListener('click', action);
  return element;
};

/** What the view shows that a person would not guess: only ever about what is drawn now, or what just happened. */
export function bannerLines(
  state: ViewState,
  current: Graph,
  drawing: Drawing | undefined,
  layoutFresh: boolean,
  actions: NoteActions,
): (Node | string)[] {
  const lines: (Node | string)[] = [];
  if (state.focus)
    lines.push(
      el(
        'span',
        {},
        `Focused on ${state.focus}: depth ${state.depth}, direction ${state.direction}. `,
        button('Whole environment', actions.unfocus, 'unfocus'),
      ),
    );
  if (current.truncated)
    lines.push('Truncated: the neighbourhood has more than 1,000 connections; only the first 1,000 are drawn.');
  if (drawing?.overview)
    lines.push(
      el(
        'span',
        {},
        `Overview of ${drawing.resources.toLocaleString('en')} resources, grouped by type and by what they hang off; each ring shows its group's statuses. Click a group to open it. `,
        ...(state.open.size ? [button('Close every group', actions.collapse, 'collapse')] : []),
      ),
    );
  if (drawing?.capped) lines.push('Some groups stay closed: there is no room to open them here. Focus to see more.');
  if (drawing && !layoutFresh)
    lines.push(
      el(
        'span',
        {},
        'New resources were placed beside what they belong to and nothing else moved. ',
        button('Lay out again', actions.relayout, 'relayout'),
      ),
    );
  return lines;
}

export function setBanner(...lines: (Node | string)[]): void {
  const banner = byId('banner');
  banner.replaceChildren(...lines.map((line) => el('p', {}, line)));
  banner.hidden = lines.length === 0;
}

/** The page's state (`data-state` on the drawing area too: "ready" once a drawing has settled) and its message. */
export function setStatus(name: string, message: string): void {
  const box = byId('state');
  box.dataset.state = name;
  byId('graph').dataset.state = name;
  box.textContent = message;
  box.hidden = message === '';
}
