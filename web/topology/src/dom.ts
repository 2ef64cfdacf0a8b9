/** Small DOM helpers: elements are built with text nodes only, never from HTML strings. */
import { nearDeadline } from './model.ts';
import { relativeTime, when } from './times.ts';

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element as T;
}

/**
 * A deadline: its time and how far off it is ("in 4 min"), or only the latter (`compact`, the time
 * then in its tooltip). Past or within a minute of it, it is flagged in words ("passed 3 min ago")
 * as well as in colour. `data-deadline` lets `refreshDeadlines` bring the words up to date.
 */
export function deadlineView(iso: string, now: number, compact = false): HTMLElement {
  const past = Date.parse(iso) <= now;
  const flag = past ? ' deadline-past' : nearDeadline({ statusDeadline: iso }, now) ? ' deadline-near' : '';
  const relative = el(
    'span',
    { class: 'relative' },
    past ? `passed ${relativeTime(iso, now)}` : relativeTime(iso, now),
  );
  return compact
    ? el('time', { class: `deadline${flag}`, datetime: iso, title: when(iso), 'data-deadline': iso }, relative)
    : el(
        'span',
        { class: `deadline${flag}`, 'data-deadline': iso },
        el('time', { datetime: iso }, when(iso)),
        ' ',
        relative,
      );
}

/** Rewrites every deadline under `root` for the time now: relative words go stale as the page stays open. */
export function refreshDeadlines(root: HTMLElement): void {
  const now = Date.now();
  for (const old of root.querySelectorAll<HTMLElement>('[data-deadline]'))
    old.replaceWith(deadlineView(old.dataset.deadline!, now, old.tagName === 'TIME'));
}

/** A status in words, with its colour and line style as a swatch (for the table, panel and legend). */
export function statusChip(status: string): HTMLElement {
  return el('span', { class: `chip status-${status}` }, el('span', { class: 'swatch', 'aria-hidden': 'true' }), status);
}
