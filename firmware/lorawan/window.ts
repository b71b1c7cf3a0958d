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

/** A window of `windowMs` holding at most `capacity` (>= 2) records in preallocated typed arrays. */
export function createAirtimeWindow(capacity: number, windowMs: number): AirtimeWindow {
  const cap = capacity < 2 ? 2 : Math.floor(capacity);
  const ends = new Float64Array(cap);
  const mass = new Float64Array(cap);
  // time from the start of a block's earliest transmission to its end
  const spans = new Float64Array(cap);
  let head = 0; // index of the oldest record
  let count = 0;
  let last = -Infinity;
  // airtime of all records, kept as they come and go (reset when empty); its rounding drift
  // stays far below the margin `earliest` allows it
  let total = 0;

  /** Ring index of the k-th oldest record (0 <= k < cap): a compare instead of a modulo. */
  function at(k: number): number {
    const i = head + k;
    return i < cap ? i : i - cap;
  }

  function dropOldest(): void {
    total -= mass[head];
    head = head + 1 < cap ? head + 1 : 0;
    count--;
    if (count === 0) total = 0;
  }

  /**
   * Merges the two neighbouring blocks whose union covers the shortest time (the older
   * into the newer). Merging the oldest pair instead would let one block absorb airtime
   * forever (its end keeps moving forward, so it never expires) and block a node after
   * days of steady traffic; keeping merged blocks short keeps the over-count small.
   */
  function mergeShortestPair(): void {
    let best = 0;
    let span = Infinity;
    let a = head;
    for (let k = 0; k + 1 < count; k++) {
      const b = a + 1 < cap ? a + 1 : 0;
      const sp = ends[b] - ends[a] + spans[a];
      if (sp < span) {
        span = sp;
        best = k;
      }
      a = b;
    }
    const from = at(best);
    const into = at(best + 1);
    mass[into] += mass[from];
    spans[into] = span;
    // the older records move up one place, over the merged one; the oldest slot is freed
    let j = from;
    for (let n = best; n > 0; n--) {
      const p = j > 0 ? j - 1 : cap - 1;
      ends[j] = ends[p];
      mass[j] = mass[p];
      spans[j] = spans[p];
      j = p;
    }
    // dropOldest without taking the moved airtime off the total (it lives on in `into`)
    head = head + 1 < cap ? head + 1 : 0;
    count--;
  }

  function usedSince(from: number): number {
    let sum = 0;
    for (let k = count - 1; k >= 0; k--) {
      const i = at(k);
      const e = ends[i];
      if (e <= from) break;
      const s = e - mass[i];
      sum += s >= from ? mass[i] : e - from;
    }
    return sum;
  }

  return {
    record: function (tMs: number, airtimeMs: number): void {
      if (!(airtimeMs > 0) || !isFinite(tMs) || !isFinite(airtimeMs)) return;
      const start = tMs > last ? tMs : last;
      // blocks that ended a full window before this start can never count again
      while (count > 0 && ends[head] <= start - windowMs) dropOldest();
      if (count === cap) mergeShortestPair();
      const i = at(count);
      ends[i] = start + airtimeMs;
      mass[i] = airtimeMs;
      spans[i] = airtimeMs;
      count++;
      last = start + airtimeMs;
      total += airtimeMs;
    },
    earliest: function (tMs: number, airtimeMs: number, budgetMs: number): number {
      if (!(airtimeMs >= 0) || !(airtimeMs <= budgetMs) || !isFinite(tMs)) return -1;
      let t = tMs > last ? tMs : last;
      const excess = budgetMs - airtimeMs;
      // everything recorded fits beside the new transmission (the usual case): no window binds.
      // The margin keeps this shortcut off where summation order could round the other way.
      if (total * (1 + 1e-9) + 1e-9 < excess) return Math.ceil(t);
      let newer = 0; // airtime of the records newer than k
      for (let k = count - 1; k >= 0; k--) {
        const i = at(k);
        if (newer + mass[i] > excess) {
          // used(L) = ends[i] - L + newer on this block; solve used(L) = excess
          const need = ends[i] + newer - excess + windowMs - airtimeMs;
          if (need > t) t = need;
          break;
        }
        newer += mass[i];
      }
      return Math.ceil(t);
    },
    usedSince: usedSince,
    lastEnd: function (): number {
      return last;
    },
    size: function (): number {
      return count;
    },
  };
}
