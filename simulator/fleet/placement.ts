// Node (and gateway) placement, deterministic from a seeded stream: a grid of
// streets, uniform in a disc, uniform in a polygon (rejection sampling in its
// bounding box), or explicit points. Coordinates are metres.
import type { Rng } from '../channel/rng.ts';
import type { Placement, Point } from './types.ts';

/** Absolute area of a simple polygon (shoelace formula). */
export function polygonArea(poly: readonly Point[]): number {
  let a = 0;
  for (let i = 0; i < poly.length; i++) {
    const p = poly[i] as Point;
    const q = poly[(i + 1) % poly.length] as Point;
    a += p[0] * q[1] - q[0] * p[1];
  }
  return Math.abs(a) / 2;
}

/** Even-odd rule (ray casting); points exactly on an edge may go either way. */
export function pointInPolygon(x: number, y: number, poly: readonly Point[]): boolean {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i] as Point;
    const [xj, yj] = poly[j] as Point;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** A point uniform in the disc: radius R * sqrt(u) makes the density uniform over the area. */
export function uniformInDisc(cx: number, cy: number, radius: number, rng: Rng): Point {
  const r = radius * Math.sqrt(rng.float());
  const a = 2 * Math.PI * rng.float();
  return [cx + r * Math.cos(a), cy + r * Math.sin(a)];
}

/** Draws per accepted point before giving up on a polygon (it would be a near-degenerate shape). */
const MAX_TRIES_PER_POINT = 100000;

/** A point uniform in the polygon (rejection sampling in the bounding box). Throws RangeError for a degenerate one. */
export function uniformInPolygon(poly: readonly Point[], rng: Rng): Point {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const [x, y] of poly) {
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  for (let i = 0; i < MAX_TRIES_PER_POINT; i++) {
    const x = minX + (maxX - minX) * rng.float();
    const y = minY + (maxY - minY) * rng.float();
    if (pointInPolygon(x, y, poly)) return [x, y];
  }
  throw new RangeError(`no point found inside the polygon in ${MAX_TRIES_PER_POINT} tries (is it degenerate?)`);
}

/**
 * `count` positions for a placement. Grids fill row by row from the origin; explicit
 * points are used in order (cycled when more are asked for, e.g. a scaled-up fleet).
 */
export function place(p: Placement, count: number, rng: Rng): Point[] {
  const out: Point[] = [];
  for (let i = 0; i < count; i++) {
    switch (p.kind) {
      case 'grid': {
        const col = i % p.columns;
        const row = Math.floor(i / p.columns);
        const jx = p.jitter > 0 ? (2 * rng.float() - 1) * p.jitter : 0;
        const jy = p.jitter > 0 ? (2 * rng.float() - 1) * p.jitter : 0;
        out.push([p.origin[0] + col * p.spacing[0] + jx, p.origin[1] + row * p.spacing[1] + jy]);
        break;
      }
      case 'random':
        out.push(uniformInDisc(p.center[0], p.center[1], p.radius, rng));
        break;
      case 'polygon':
        out.push(uniformInPolygon(p.polygon, rng));
        break;
      case 'points': {
        const q = p.points[i % p.points.length] as Point;
        out.push([q[0], q[1]]);
        break;
      }
    }
  }
  return out;
}
