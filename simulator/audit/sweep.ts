// Exact sliding-window sums over a transmission log, written for the auditor and kept
// independent of the firmware's ledger (firmware/lorawan/window.ts).
//
// The load of a window [L, L + W) is the airtime of the transmissions [a_i, b_i) inside
// it (a frame straddling an edge counts by its overlap). As a function of L the load is
// piecewise linear; its slope is (#frames covering L + W) - (#frames covering L), which
// only falls when L + W reaches some b_i or L reaches some a_i. So the maximum over all L
// is attained at a window that starts at a transmission start (L = a_i) or ends at a
// transmission end (L = b_i - W): 2n candidates. Scanned in increasing L, the candidates'
// index ranges move forward only, so with prefix sums of durations one scan is O(n) after
// sorting. Overlapping frames (impossible for one radio, possible in a corrupt log) are
// handled exactly: partial frames at either edge are found by looking back at most
// `maxDuration` from the edge.

/** Comparisons tolerate this much (ms) of floating-point noise: 1 ns. */
export const LOAD_EPSILON_MS = 1e-6;

/** Frames of one node (one sub-band, or all), sorted by start. Reused between calls to avoid allocation. */
export interface Intervals {
  start: Float64Array;
  dur: Float64Array;
  n: number;
}

export function createIntervals(capacity: number): Intervals {
  const cap = capacity > 16 ? capacity : 16;
  return { start: new Float64Array(cap), dur: new Float64Array(cap), n: 0 };
}

/** Empties `iv` and makes room for `capacity` frames. */
export function resetIntervals(iv: Intervals, capacity: number): Intervals {
  if (iv.start.length < capacity) {
    const cap = Math.max(capacity, iv.start.length * 2);
    iv.start = new Float64Array(cap);
    iv.dur = new Float64Array(cap);
  }
  iv.n = 0;
  return iv;
}

/** Appends a frame; callers append in non-decreasing start order. */
export function pushInterval(iv: Intervals, start: number, dur: number): void {
  iv.start[iv.n] = start;
  iv.dur[iv.n] = dur;
  iv.n++;
}

/** One run of overlapping over-limit windows, represented by its worst window. */
export interface Episode {
  /** Start of the worst window of the run. */
  start: number;
  /** Airtime in that window (ms). */
  load: number;
}

export interface WindowScan {
  /** Largest load of any window (0 for an empty log). */
  max: number;
  /** Start of a window attaining `max` (NaN-free: 0 for an empty log). */
  maxStart: number;
  /** Runs of windows whose load exceeds the limit; a run ends when the next over-limit window no longer overlaps the last one. */
  episodes: Episode[];
}

/** Scratch buffers for scanWindows (prefix sums, sorted ends). */
export interface ScanScratch {
  prefix: Float64Array;
  ends: Float64Array;
}

export function createScanScratch(capacity: number): ScanScratch {
  const cap = capacity > 16 ? capacity : 16;
  return { prefix: new Float64Array(cap + 1), ends: new Float64Array(cap) };
}

function ensure(s: ScanScratch, n: number): void {
  if (s.ends.length < n) {
    const cap = Math.max(n, s.ends.length * 2);
    s.prefix = new Float64Array(cap + 1);
    s.ends = new Float64Array(cap);
  }
}

/**
 * The exact maximum load of a sliding window of `windowMs` over `iv` (sorted by start),
 * and the runs of windows whose load exceeds `limit` (pass Infinity to skip that part).
 */
export function scanWindows(iv: Intervals, windowMs: number, limit: number, scratch?: ScanScratch): WindowScan {
  const n = iv.n;
  const out: WindowScan = { max: 0, maxStart: 0, episodes: [] };
  if (n === 0 || !(windowMs > 0)) return out;
  const s = scratch ?? createScanScratch(n);
  ensure(s, n);
  const a = iv.start;
  const d = iv.dur;
  const P = s.prefix;
  const ends = s.ends;
  let maxDur = 0;
  let sortedEnds = true;
  P[0] = 0;
  for (let i = 0; i < n; i++) {
    P[i + 1] = P[i] + d[i];
    ends[i] = a[i] + d[i];
    if (d[i] > maxDur) maxDur = d[i];
    if (i > 0 && ends[i] < ends[i - 1]) sortedEnds = false;
  }
  if (!sortedEnds) ends.subarray(0, n).sort();

  const W = windowMs;
  let lo = 0; // first i with a[i] >= L
  let hi = 0; // first i with a[i] >= L + W
  let ia = 0; // next candidate L = a[ia]
  let ib = 0; // next candidate L = ends[ib] - W
  let epStart = 0;
  let epLoad = -1;
  let epAtStart = false;
  let maxAtStart = false;
  let lastOver = -Infinity;

  while (ia < n || ib < n) {
    const ca = ia < n ? a[ia] : Infinity;
    const cb = ib < n ? ends[ib] - W : Infinity;
    let L: number;
    const atStart = ca <= cb; // ties prefer windows that start at a transmission (clearer wording)
    if (atStart) {
      L = ca;
      ia++;
    } else {
      L = cb;
      ib++;
    }
    const R = L + W;
    while (lo < n && a[lo] < L) lo++;
    if (hi < lo) hi = lo;
    while (hi < n && a[hi] < R) hi++;
    let load = P[hi] - P[lo];
    // frames starting inside the window but running past its end
    for (let i = hi - 1; i >= lo && a[i] > R - maxDur; i--) {
      const e = a[i] + d[i];
      if (e > R) load -= e - R;
    }
    // frames starting before the window and reaching into it
    for (let i = lo - 1; i >= 0 && a[i] > L - maxDur; i--) {
      const e = a[i] + d[i];
      if (e > L) load += (e < R ? e : R) - L;
    }
    const E = LOAD_EPSILON_MS;
    if (load > out.max + E || (atStart && !maxAtStart && load >= out.max - E)) {
      out.maxStart = L;
      maxAtStart = atStart;
    }
    if (load > out.max) out.max = load;
    if (load > limit + LOAD_EPSILON_MS) {
      if (epLoad >= 0 && L >= lastOver + W) {
        out.episodes.push({ start: epStart, load: epLoad });
        epLoad = -1;
        epAtStart = false;
      }
      if (load > epLoad + E || (atStart && !epAtStart && load >= epLoad - E)) {
        epStart = L;
        epAtStart = atStart;
      }
      if (load > epLoad) epLoad = load;
      lastOver = L;
    }
  }
  if (epLoad >= 0) out.episodes.push({ start: epStart, load: epLoad });
  return out;
}

/**
 * Runs of a sliding-window count over sorted event times `t[0..n)`: the largest number of
 * events in any window [s, s + W) (attained with s at an event), and the runs where the
 * count exceeds `limit`, each reported at its worst window.
 */
export function scanCounts(t: Float64Array, n: number, windowMs: number, limit: number): { max: number; maxStart: number; episodes: Episode[] } {
  const out = { max: 0, maxStart: 0, episodes: [] as Episode[] };
  let j = 0;
  let epStart = 0;
  let epLoad = -1;
  let lastOver = -Infinity;
  for (let i = 0; i < n; i++) {
    if (j < i) j = i;
    while (j < n && t[j] < t[i] + windowMs) j++;
    const c = j - i;
    if (c > out.max) {
      out.max = c;
      out.maxStart = t[i];
    }
    if (c > limit) {
      if (epLoad >= 0 && t[i] >= lastOver + windowMs) {
        out.episodes.push({ start: epStart, load: epLoad });
        epLoad = -1;
      }
      if (c > epLoad) {
        epLoad = c;
        epStart = t[i];
      }
      lastOver = t[i];
    }
  }
  if (epLoad >= 0) out.episodes.push({ start: epStart, load: epLoad });
  return out;
}
