// A bounded record of past transmissions that answers, exactly, "earliest start of a
// transmission of A ms such that no window of W ms holds more than B ms of airtime"
// (a true sliding window, not a credit approximation).
//
// Each record is a block of airtime [end - mass, end). A new transmission at t that
// would overlap the previous block is stored as starting at that block's end (a single
// radio cannot overlap itself; moving airtime later only makes later answers stricter).
// When the ring is full the two neighbouring blocks spanning the least time merge into one block
// ending at the later end and carrying the summed airtime: it covers every window at
// least as much as the two did, so the ring never under-counts; it can only answer later
// than an unbounded one.
//
// Why the check is exact: with all past airtime before t and A <= B, every window
// [s, s+W) meeting the new transmission [t, t+A) holds at most the past airtime in
// [t+A-W, t) plus A, and the window starting at t+A-W holds exactly that. So t is
// allowed iff used(t+A-W) + A <= B, where used(L) = past airtime after L, which is
// non-increasing in L: the allowed times form an interval [earliest, infinity).

export interface AirtimeWindow {
  /** Records a transmission starting at `tMs` lasting `airtimeMs`. Times must not go backwards by more than one frame. */
  record(tMs: number, airtimeMs: number): void;
  /**
   * Earliest start >= tMs (and >= the end of the last record) of a transmission of
   * `airtimeMs` keeping every window's airtime <= `budgetMs`, rounded up to a whole ms;
   * -1 when `airtimeMs` exceeds the budget (never possible).
   */
  earliest(tMs: number, airtimeMs: number, budgetMs: number): number;
  /** Recorded airtime after `fromMs` (an upper bound when blocks were merged). */
  usedSince(fromMs: number): number;
  /** End of the last recorded transmission (-Infinity when empty). */
  lastEnd(): number;
  /** Number of records held (<= capacity). */
  size(): number;
}

/**
 * The window as one object whose methods live on the prototype, not a set of closures made per
 * window: a node has three or four windows, made at boot, and closures cost a function object
 * each plus a context (about 1 KB per window in V8, and more JsVars on a board than fields do).
 * Fields are short because the bundle keeps property names.
 */
class Ring implements AirtimeWindow {
  // Record i lives at d[3i] (its end), d[3i + 1] (its airtime, "mass") and d[3i + 2] (its span:
  // time from the start of the block's earliest transmission to its end). One interleaved array
  // instead of three: a record sits in one cache line, which matters when thousands of nodes
  // each touch their windows once per uplink.
  // After the records: d[r] the end of the last recorded transmission, d[r + 1] the airtime of
  // all records, kept as they come and go (reset when empty; its rounding drift stays far below
  // the margin `earliest` allows it). Fractional numbers are kept in the array rather than in
  // fields, where they are stored in place (V8 boxes a non-integer field anew on assignment).
  // The array starts with room for 2 records and doubles (up to `c`) when they fill it: a
  // duty-cycle window rarely holds more than a handful, so a node does not carry (nor a board
  // keep in RAM) a full ring per window from the start; and 8 doubles (64 bytes) stay on V8's
  // heap (a bigger typed array gets an off-heap backing store, costly to make and to free at
  // boot); a join window never needs more. Answers do not depend on the room: records merge
  // only when `c` of them are held.
  d!: Float64Array;
  /** Room, in d-offsets (3 x records); d[r] and d[r + 1] follow the records. */
  r!: number;
  /** d-offset (3 x ring index) of the oldest record, and the number of records. */
  h!: number;
  n!: number;
  /** Capacity (records) and window length (ms). */
  c!: number;
  w!: number;

  record(tMs: number, airtimeMs: number): void {
    if (!(airtimeMs > 0) || !isFinite(tMs) || !isFinite(airtimeMs)) return;
    // the fields in locals, written back at the end (shorter code, and the bundle keeps names)
    let d = this.d;
    let r = this.r;
    let h = this.h;
    let n = this.n;
    const start = tMs > d[r] ? tMs : d[r];
    // blocks that ended a full window before this start can never count again
    while (n > 0 && d[h] <= start - this.w) {
      d[r + 1] -= d[h + 1];
      h = h + 3 < r ? h + 3 : 0;
      if (--n === 0) d[r + 1] = 0;
    }
    if (n === this.c) {
      // Full: merge the two neighbouring blocks whose union covers the shortest time (the
      // older into the newer). Merging the oldest pair instead would let one block absorb
      // airtime forever (its end keeps moving forward, so it never expires) and block a node
      // after days of steady traffic; keeping merged blocks short keeps the over-count small.
      let best = 0;
      let span = Infinity;
      let a = h;
      for (let k = 0; k + 1 < n; k++) {
        const b = a + 3 < r ? a + 3 : 0;
        const sp = d[b] - d[a] + d[a + 2];
        if (sp < span) {
          span = sp;
          best = k;
        }
        a = b;
      }
      let j = h + 3 * best;
      if (j >= r) j -= r;
      a = j + 3 < r ? j + 3 : 0; // the newer block
      d[a + 1] += d[j + 1];
      d[a + 2] = span;
      // The merged-away slot is closed up by moving whichever side of it is shorter by one
      // place (same order either way): the older records up (freeing the oldest slot), or the
      // newer ones down (freeing the newest). Airtime moves, none is lost: total is unchanged.
      const up = best <= n - 2 - best;
      for (let m = up ? best : n - 1 - best; m > 0; m--) {
        const p = up ? (j > 0 ? j - 3 : r - 3) : j + 3 < r ? j + 3 : 0;
        d[j] = d[p];
        d[j + 1] = d[p + 1];
        d[j + 2] = d[p + 2];
        j = p;
      }
      if (up) h = h + 3 < r ? h + 3 : 0;
      n--;
    } else if (3 * n === r) {
      // full room: double it (up to c records), the records moved to the front in order
      const n3 = Math.min(2 * r, 3 * this.c);
      const e = new Float64Array(n3 + 2);
      for (let k = 0; k < 3 * n; k++) e[k] = d[h + k < r ? h + k : h + k - r];
      e[n3] = d[r];
      e[n3 + 1] = d[r + 1];
      this.d = d = e;
      h = 0;
      this.r = r = n3;
    }
    let i = h + 3 * n;
    if (i >= r) i -= r;
    d[i] = start + airtimeMs;
    d[i + 1] = airtimeMs;
    d[i + 2] = airtimeMs;
    this.h = h;
    this.n = n + 1;
    d[r] = start + airtimeMs;
    d[r + 1] += airtimeMs;
  }

  earliest(tMs: number, airtimeMs: number, budgetMs: number): number {
    if (!(airtimeMs >= 0) || !(airtimeMs <= budgetMs) || !isFinite(tMs)) return -1;
    const d = this.d;
    const r = this.r;
    let t = tMs > d[r] ? tMs : d[r];
    const excess = budgetMs - airtimeMs;
    // everything recorded fits beside the new transmission (the usual case): no window binds,
    // no scan. The margin keeps this shortcut off where summation order could round the other way.
    if (!(d[r + 1] * (1 + 1e-9) + 1e-9 < excess)) {
      let newer = 0; // airtime of the records newer than the one at i
      const h = this.h;
      // from the newest record back: j is the oldest's offset + 3k (k-th oldest, unwrapped: < 2r)
      for (let j = h + 3 * this.n - 3; j >= h; j -= 3) {
        const i = j < r ? j : j - r;
        const m = d[i + 1];
        if (newer + m > excess) {
          // used(L) = end - L + newer on this block; solve used(L) = excess
          const need = d[i] + newer - excess + this.w - airtimeMs;
          if (need > t) t = need;
          break;
        }
        newer += m;
      }
    }
    return Math.ceil(t);
  }

  usedSince(from: number): number {
    const d = this.d;
    let sum = 0;
    const r = this.r;
    const h = this.h;
    // from the newest record back (j unwrapped, as in earliest)
    for (let j = h + 3 * this.n - 3; j >= h; j -= 3) {
      const i = j < r ? j : j - r;
      const e = d[i];
      if (e <= from) break;
      const s = e - d[i + 1];
      sum += s >= from ? d[i + 1] : e - from;
    }
    return sum;
  }

  lastEnd(): number {
    return this.d[this.r];
  }

  size(): number {
    return this.n;
  }
}

/** A window of `windowMs` holding at most `capacity` (>= 2) records in one typed array. */
export function createAirtimeWindow(capacity: number, windowMs: number): AirtimeWindow {
  // The fields are set here rather than in a constructor (one function less in the bundle),
  // always all of them and in the same order, so every window has the same shape.
  const w = new Ring();
  w.c = capacity < 2 ? 2 : Math.floor(capacity);
  w.w = windowMs;
  w.r = 6;
  w.h = w.n = 0;
  (w.d = new Float64Array(8))[6] = -Infinity;
  return w;
}
