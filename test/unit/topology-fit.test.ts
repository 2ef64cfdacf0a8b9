/** The drawing's first viewport, fitted from the layout's positions alone (as cy.fit() would fit it). */
import { describe, expect, it } from 'vitest';
import { fitViewport } from '../../web/topology/src/graph-fit.ts';

const limits = { min: 0.05, max: 4 };

describe('fitViewport', () => {
  it('centres the nodes, their labels included, inside the padding', () => {
    const nodes = [
      { x: -500, y: -200, size: 26 },
      { x: 500, y: 200, size: 26 },
    ];
    const { zoom, pan } = fitViewport(nodes, 1600, 1000, 30, limits)!;

    // Model x from -513 to 513, y from -213 to 227 (the label under the node).
    expect(zoom).toBeCloseTo((1600 - 60) / 1026);
    const screen = (x: number, y: number) => ({ x: pan.x + zoom * x, y: pan.y + zoom * y });
    expect(screen(-513, 0).x).toBeCloseTo(30);
    expect(screen(513, 0).x).toBeCloseTo(1570);
    expect(screen(0, -213).y + screen(0, 227).y).toBeCloseTo(1000);
  });

  it('keeps the zoom within the limits', () => {
    expect(fitViewport([{ x: 0, y: 0, size: 26 }], 1600, 1000, 30, limits)!.zoom).toBe(4);
    const far = [
      { x: -1e6, y: 0, size: 26 },
      { x: 1e6, y: 0, size: 26 },
    ];
    expect(fitViewport(far, 1600, 1000, 30, limits)!.zoom).toBe(0.05);
  });

  it('leaves the viewport plain when there is nothing to fit, and alone when it has no size', () => {
    expect(fitViewport([], 1600, 1000, 30, limits)).toEqual({ zoom: 1, pan: { x: 800, y: 500 } });
    expect(fitViewport([{ x: 0, y: 0, size: 26 }], 0, 0, 30, limits)).toBeUndefined();
  });
});
