/** The first viewport of a drawing. */
interface Box {
  readonly x: number;
  readonly y: number;
  readonly size: number;
}

/**
 * The zoom and pan that fit these nodes in a `width` × `height` viewport, as cy.fit() would: from
 * positions and sizes alone, where cy.fit() would first compute every element's style and label.
 * Undefined when the viewport has no size (the graph is hidden behind the table view), as cy.fit()
 * then leaves the viewport alone.
 */
export function fitViewport(
  nodes: readonly Box[],
  width: number,
  height: number,
  padding: number,
  zoomLimits: { min: number; max: number },
): { zoom: number; pan: { x: number; y: number } } | undefined {
  if (width <= 0 || height <= 0) return undefined;
  let [x1, y1, x2, y2] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const { x, y, size } of nodes) {
    x1 = Math.min(x1, x - size / 2);
    x2 = Math.max(x2, x + size / 2);
    y1 = Math.min(y1, y - size / 2);
    // The label sits under the node.
    y2 = Math.max(y2, y + size / 2 + 14);
  }
  if (!Number.isFinite(x1)) return { zoom: 1, pan: { x: width / 2, y: height / 2 } };
  const fits = Math.min((width - 2 * padding) / Math.max(1, x2 - x1), (height - 2 * padding) / Math.max(1, y2 - y1));
  const zoom = Math.min(zoomLimits.max, Math.max(zoomLimits.min, fits));
  return { zoom, pan: { x: (width - zoom * (x1 + x2)) / 2, y: (height - zoom * (y1 + y2)) / 2 } };
}
