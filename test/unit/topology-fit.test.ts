/** The drawing's viewport, fitted from the laid-out boxes alone (labels included), as cy.fit() would fit it. */
import { describe, expect, it } from 'vitest';
import { extent, fitViewport, readableViewport } from '../../web/topology/src/graph-fit.ts';

describe('fitViewport', () => {
  const boxes = [
    { x: -500, y: -200, w: 60, h: 40 },
    { x: 440, y: 160, w: 60, h: 60 },
  ];

  it('centres every box inside the padding', () => {
    const box = extent(boxes)!;
    expect(box).toEqual({ x: -500, y: -200, w: 1000, h: 420 });
    const { zoom, pan } = fitViewport(box, 1600, 1000, 30, 4)!;

    expect(zoom).toBeCloseTo((1600 - 60) / 1000);
    const screen = (x: number, y: number) => ({ x: pan.x + zoom * x, y: pan.y + zoom * y });
    expect(screen(-500, 0).x).toBeCloseTo(30);
    expect(screen(500, 0).x).toBeCloseTo(1570);
    expect(screen(0, -200).y + screen(0, 220).y).toBeCloseTo(1000);
  });

  it('does not blow a small drawing up past the largest zoom', () => {
    expect(fitViewport({ x: 0, y: 0, w: 30, h: 30 }, 1600, 1000, 30, 1.5)!.zoom).toBe(1.5);
  });

  it('leaves the viewport alone while the area has no size (behind the table view)', () => {
    expect(fitViewport(extent(boxes)!, 0, 0, 30, 4)).toBeUndefined();
    expect(extent([])).toBeUndefined();
  });
});

describe('readableViewport', () => {
  const box = { x: 0, y: 0, w: 1200, h: 300 };
  const zooms = { min: 1, max: 1.5 };

  it('fits as fitViewport does while that is readable', () => {
    expect(readableViewport(box, 1600, 1000, 20, zooms)).toEqual(fitViewport(box, 1600, 1000, 20, 1.5));
  });

  it("stays at the readable zoom beside the panel, around the selection, never past the drawing's ends", () => {
    // 700 px wide: the 1,200 px drawing does not fit at zoom 1; it is 300 px high, so it is centred that way.
    const around = readableViewport(box, 700, 500, 20, zooms, { x: 600, y: 150 })!;
    expect(around.zoom).toBe(1);
    expect(around.pan).toEqual({ x: 350 - 600, y: 250 - 150 });
    const nearStart = readableViewport(box, 700, 500, 20, zooms, { x: 50, y: 150 })!;
    expect(nearStart.pan.x).toBe(20);
    const nearEnd = readableViewport(box, 700, 500, 20, zooms, { x: 1190, y: 150 })!;
    expect(nearEnd.pan.x).toBe(700 - 20 - 1200);
    expect(readableViewport(box, 700, 500, 20, zooms)!.pan.x).toBe(20);
  });
});
