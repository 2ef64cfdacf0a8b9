/**
 * Separate parts of a drawing (connected components, each laid out by ELK) packed into the shape of
 * the drawing area: rows of columns, the tallest parts first, small parts stacked beside them. Of
 * every row width worth trying, the one whose packing fits the area at the largest zoom wins, so a
 * wide window gets a wide picture and the labels stay as big as they can. Pure and deterministic.
 */

export interface Part {
  readonly id: string;
  readonly w: number;
  readonly h: number;
}
export interface Packed {
  /** Each part's top-left corner. */
  readonly at: ReadonlyMap<string, { x: number; y: number }>;
  readonly w: number;
  readonly h: number;
}

export function pack(parts: readonly Part[], area: { width: number; height: number }, gap: number): Packed {
  const sorted = [...parts].sort((a, b) => b.h - a.h || b.w - a.w || (a.id < b.id ? -1 : 1));
  const widths = new Set<number>([Math.max(0, ...sorted.map((p) => p.w))]);
  let sum = -gap;
  for (const part of sorted) widths.add((sum += part.w + gap));
  let best: { packed: Packed; zoom: number } | undefined;
  for (const width of [...widths].sort((a, b) => a - b)) {
    const packed = rows(sorted, width, gap);
    const zoom = Math.min(area.width / Math.max(1, packed.w), area.height / Math.max(1, packed.h));
    if (!best || zoom > best.zoom + 1e-9) best = { packed, zoom };
  }
  return best?.packed ?? { at: new Map(), w: 0, h: 0 };
}

/** Rows no wider than `width`; in each, columns as tall as its first part, filled top to bottom. */
function rows(sorted: readonly Part[], width: number, gap: number): Packed {
  const at = new Map<string, { x: number; y: number }>();
  let [rowTop, rowHeight, rowWidth] = [0, 0, 0];
  let column = { x: 0, w: 0, h: 0 };
  let w = 0;
  for (const part of sorted) {
    const fitsUnder = at.size > 0 && column.h + gap + part.h <= rowHeight;
    const widened = rowWidth - column.w + Math.max(column.w, part.w);
    if (fitsUnder && widened <= width) {
      at.set(part.id, { x: column.x, y: rowTop + column.h + gap });
      column = { ...column, w: Math.max(column.w, part.w), h: column.h + gap + part.h };
      rowWidth = widened;
    } else if (at.size > 0 && rowWidth + gap + part.w <= width) {
      column = { x: rowWidth + gap, w: part.w, h: part.h };
      at.set(part.id, { x: column.x, y: rowTop });
      rowWidth += gap + part.w;
    } else {
      if (at.size > 0) rowTop += rowHeight + gap;
      rowHeight = part.h;
      column = { x: 0, w: part.w, h: part.h };
      at.set(part.id, { x: 0, y: rowTop });
      rowWidth = part.w;
    }
    w = Math.max(w, rowWidth);
  }
  return { at, w, h: at.size ? rowTop + rowHeight : 0 };
}
