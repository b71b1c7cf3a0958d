import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createRng } from '../../simulator/channel/rng.ts';
import { place, pointInPolygon, polygonArea, uniformInDisc, uniformInPolygon } from '../../simulator/fleet/placement.ts';
import type { Placement, Point } from '../../simulator/fleet/types.ts';

const coord = fc.double({ min: -1e5, max: 1e5, noNaN: true });

/** Inside a convex polygon given counter-clockwise: left of (or on) every edge. */
function insideConvexCcw(p: Point, poly: Point[]): boolean {
  return poly.every((a, i) => {
    const b = poly[(i + 1) % poly.length]!;
    return (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]) >= -1e-6;
  });
}

describe('polygon helpers', () => {
  it('area: rectangles, triangles, either orientation', () => {
    expect(polygonArea([[0, 0], [4, 0], [4, 3], [0, 3]])).toBe(12);
    expect(polygonArea([[0, 3], [4, 3], [4, 0], [0, 0]])).toBe(12);
    expect(polygonArea([[0, 0], [10, 0], [0, 10]])).toBe(50);
  });

  it('point in polygon: a concave L shape', () => {
    const l: Point[] = [[0, 0], [20, 0], [20, 10], [10, 10], [10, 20], [0, 20]];
    expect(pointInPolygon(5, 5, l)).toBe(true);
    expect(pointInPolygon(15, 5, l)).toBe(true);
    expect(pointInPolygon(5, 15, l)).toBe(true);
    expect(pointInPolygon(15, 15, l)).toBe(false); // the notch
    expect(pointInPolygon(-1, 5, l)).toBe(false);
    expect(pointInPolygon(25, 5, l)).toBe(false);
  });
});

describe('random placement', () => {
  it('uniform in a disc stays inside the radius (property)', () => {
    fc.assert(
      fc.property(coord, coord, fc.double({ min: 0.001, max: 1e5, noNaN: true }), fc.integer(), (cx, cy, r, seed) => {
        const rng = createRng(seed, 'disc');
        for (let i = 0; i < 20; i++) {
          const [x, y] = uniformInDisc(cx, cy, r, rng);
          expect(Math.sqrt((x - cx) ** 2 + (y - cy) ** 2)).toBeLessThanOrEqual(r * (1 + 1e-9));
        }
      }),
    );
  });

  it('is uniform over the area: about half the points within R / sqrt(2), a quarter in each quadrant', () => {
    const rng = createRng(42, 'uniformity');
    const n = 20000;
    let inner = 0;
    const quadrants = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) {
      const [x, y] = uniformInDisc(0, 0, 1000, rng);
      if (x * x + y * y < 1000 * 1000 * 0.5) inner++;
      quadrants[(x >= 0 ? 0 : 1) + (y >= 0 ? 0 : 2)]!++;
    }
    // binomial sd for p = 0.5, n = 20000 is about 0.0035: 4 sd bounds
    expect(Math.abs(inner / n - 0.5)).toBeLessThan(0.015);
    for (const q of quadrants) expect(Math.abs(q / n - 0.25)).toBeLessThan(0.013);
  });

  it('uniform in a polygon stays inside it, never in a concave notch, and covers it evenly', () => {
    const l: Point[] = [[0, 0], [20, 0], [20, 10], [10, 10], [10, 20], [0, 20]];
    const rng = createRng(3, 'poly');
    const cells = [0, 0, 0]; // the three 10 x 10 squares of the L
    for (let i = 0; i < 9000; i++) {
      const [x, y] = uniformInPolygon(l, rng);
      expect(x >= 10 && y >= 10).toBe(false);
      expect(x >= 0 && x <= 20 && y >= 0 && y <= 20).toBe(true);
      cells[x >= 10 ? 1 : y >= 10 ? 2 : 0]!++;
    }
    for (const c of cells) expect(Math.abs(c / 9000 - 1 / 3)).toBeLessThan(0.025);
  });

  it('random convex polygons: every point inside (property)', () => {
    // regular-ish convex polygons: sorted angles around a centre, counter-clockwise
    const convex = fc
      .tuple(coord, coord, fc.double({ min: 1, max: 5000, noNaN: true }), fc.uniqueArray(fc.integer({ min: 0, max: 359 }), { minLength: 3, maxLength: 10 }))
      .map(([cx, cy, r, degs]) => degs.sort((a, b) => a - b).map((d): Point => [cx + r * Math.cos((d * Math.PI) / 180), cy + r * Math.sin((d * Math.PI) / 180)]))
      .filter((poly) => polygonArea(poly) > 1e-3);
    fc.assert(
      fc.property(convex, fc.integer(), (poly, seed) => {
        const pts = place({ kind: 'polygon', polygon: poly }, 10, createRng(seed));
        for (const p of pts) expect(insideConvexCcw(p, poly)).toBe(true);
      }),
    );
  });
});

describe('place', () => {
  it('grid: row by row from the origin at the spacing', () => {
    const pts = place({ kind: 'grid', origin: [100, 50], spacing: [20, 30], columns: 3, jitter: 0 }, 7, createRng(1));
    expect(pts).toEqual([[100, 50], [120, 50], [140, 50], [100, 80], [120, 80], [140, 80], [100, 110]]);
  });

  it('grid jitter stays within +-jitter of each crossing', () => {
    const pts = place({ kind: 'grid', origin: [0, 0], spacing: [100, 100], columns: 4, jitter: 10 }, 40, createRng(9));
    pts.forEach(([x, y], i) => {
      expect(Math.abs(x - (i % 4) * 100)).toBeLessThanOrEqual(10);
      expect(Math.abs(y - Math.floor(i / 4) * 100)).toBeLessThanOrEqual(10);
    });
    expect(new Set(pts.map((p) => p.join())).size).toBe(40);
  });

  it('points: in order, cycled when more nodes are asked for', () => {
    const points: Point[] = [[1, 2], [3, 4], [5, 6]];
    expect(place({ kind: 'points', points }, 3, createRng(1))).toEqual(points);
    expect(place({ kind: 'points', points }, 5, createRng(1))).toEqual([...points, [1, 2], [3, 4]]);
  });

  const shapes: Placement[] = [
    { kind: 'random', center: [500, 500], radius: 300 },
    { kind: 'polygon', polygon: [[0, 0], [100, 0], [50, 80]] },
    { kind: 'grid', origin: [0, 0], spacing: [10, 10], columns: 5, jitter: 3 },
  ];

  it.each(shapes)('is deterministic for a seed and differs across seeds ($kind)', (shape) => {
    const a = place(shape, 25, createRng(7, 'placement', 'g'));
    const b = place(shape, 25, createRng(7, 'placement', 'g'));
    const c = place(shape, 25, createRng(8, 'placement', 'g'));
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('gives up on a degenerate polygon with a RangeError instead of looping', () => {
    // a zero-width sliver: no random point ever falls inside it
    expect(() => uniformInPolygon([[0, 0], [1000, 0], [0, 0]], createRng(1))).toThrow(RangeError);
  });
});
