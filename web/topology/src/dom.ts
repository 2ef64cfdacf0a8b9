/** Small DOM helpers: elements are built with text nodes only, never from HTML strings. */
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

/** "2026-11-27 12:00:03 UTC": unambiguous, and sorts as text. */
export function when(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC');
}

/** A status in words, with its colour and line style as a swatch (for the table, panel and legend). */
export function statusChip(status: string): HTMLElement {
  return el('span', { class: `chip status-${status}` }, el('span', { class: 'swatch', 'aria-hidden': 'true' }), status);
}
