// The auditor's sliding-window sweep against brute force: every window start at 1 ms
// resolution, on small integer logs where that scan is exact.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { inWindow } from '../lorawan/windowscan.ts';
import { createIntervals, pushInterval, resetIntervals, scanCounts, scanWindows } from '../../simulator/audit/sweep.ts';

interface Frame {
  t: number;
  a: number;
}

/** Every integer window start from (first start - W) to the last end: exact for integer logs. */
function bruteMax(frames: Frame[], W: number): number {
  let best = 0;
  const from = Math.min(...frames.map((f) => f.t)) - W;
  const to = Math.max(...frames.map((f) => f.t + f.a));
  for (let L = from; L <= to; L++) best = Math.max(best, inWindow(frames, L, W));
  return best;
}

function intervals(frames: Frame[]) {
  const sorted = [...frames].sort((x, y) => x.t - y.t);
  const iv = resetIntervals(createIntervals(4), sorted.length);
  for (const f of sorted) pushInterval(iv, f.t, f.a);
  return iv;
}

const frameArb = fc.record({ t: fc.integer({ min: 0, max: 4000 }), a: fc.integer({ min: 1, max: 300 }) });

describe('scanWindows (exact sliding-window maximum)', () => {
  it('equals a brute-force scan of every 1 ms window start (overlapping frames allowed)', () => {
    fc.assert(
      fc.property(fc.array(frameArb, { minLength: 1, maxLength: 12 }), fc.integer({ min: 5, max: 1500 }), (frames, W) => {
        const r = scanWindows(intervals(frames), W, Infinity);
        expect(r.max).toBeCloseTo(bruteMax(frames, W), 9);
        // the reported window really holds the maximum
        expect(inWindow(frames, r.maxStart, W)).toBeCloseTo(r.max, 9);
      }),
      { numRuns: 300 },
    );
  });

  it('equals brute force on non-overlapping logs (one radio)', () => {
    const seqArb = fc.array(fc.record({ gap: fc.integer({ min: 0, max: 700 }), a: fc.integer({ min: 1, max: 200 }) }), { minLength: 1, maxLength: 15 });
    fc.assert(
      fc.property(seqArb, fc.integer({ min: 5, max: 1200 }), (seq, W) => {
        let t = 0;
        const frames = seq.map((x) => {
          t += x.gap;
          const f = { t, a: x.a };
          t += x.a;
          return f;
        });
        expect(scanWindows(intervals(frames), W, Infinity).max).toBeCloseTo(bruteMax(frames, W), 9);
      }),
      { numRuns: 300 },
    );
  });

  it('reports over-limit runs exactly when some window exceeds the limit, each at a window holding its load', () => {
    fc.assert(
      fc.property(fc.array(frameArb, { minLength: 1, maxLength: 10 }), fc.integer({ min: 5, max: 1000 }), fc.integer({ min: 1, max: 800 }), (frames, W, limit) => {
        const r = scanWindows(intervals(frames), W, limit);
        const over = bruteMax(frames, W) > limit;
        expect(r.episodes.length > 0).toBe(over);
        for (const ep of r.episodes) {
          expect(ep.load).toBeGreaterThan(limit);
          expect(inWindow(frames, ep.start, W)).toBeCloseTo(ep.load, 9);
        }
        // distinct runs are separated: their worst windows do not overlap
        for (let i = 1; i < r.episodes.length; i++) expect(r.episodes[i].start).toBeGreaterThan(r.episodes[i - 1].start);
      }),
      { numRuns: 300 },
    );
  });

  it('gives 0 for an empty log', () => {
    const r = scanWindows(createIntervals(1), 1000, 0);
    expect(r).toEqual({ max: 0, maxStart: 0, episodes: [] });
  });
});

describe('scanCounts (events in a sliding window)', () => {
  it('equals brute force', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 1, maxLength: 30 }), fc.integer({ min: 1, max: 800 }), fc.integer({ min: 0, max: 6 }), (ts, W, limit) => {
        const sorted = [...ts].sort((a, b) => a - b);
        const r = scanCounts(Float64Array.from(sorted), sorted.length, W, limit);
        let best = 0;
        for (let L = sorted[0] - W; L <= sorted[sorted.length - 1]; L++) best = Math.max(best, sorted.filter((t) => t >= L && t < L + W).length);
        expect(r.max).toBe(best);
        expect(r.episodes.length > 0).toBe(best > limit);
      }),
      { numRuns: 200 },
    );
  });
});
