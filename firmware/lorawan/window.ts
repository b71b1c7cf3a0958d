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

/** A window of `windowMs` holding at most `capacity` (>= 2) records in one typed array. */
export function createAirtimeWindow(capacity: number, windowMs: number): AirtimeWindow {
  const cap = capacity < 2 ? 2 : Math.floor(capacity);
  // Record i lives at d[3i] (its end), d[3i + 1] (its airtime, "mass") and d[3i + 2] (its span:
  // time from the start of the block's earliest transmission to its end). One interleaved array
  // instead of three: a record sits in one cache line and a node's window is one object, which
  // matters when thousands of nodes each touch theirs once per uplink.
  // After the records: d[LAST] the end of the last recorded transmission, d[TOTAL] the airtime
  // of all records, kept as they come and go (reset when empty; its rounding drift stays far
  // below the margin `earliest` allows it). Fractional numbers kept in the array rather than
  // in closure variables are stored in place (V8 boxes a closure's non-integer number anew
  // on every assignment).
  // The array starts with room for a few records and doubles (up to `cap`) when they fill it:
  // a duty-cycle window rarely holds more than a handful, so a node does not carry (nor a
  // board keep in RAM) a full ring per window from the start. Answers do not depend on the
  // room: records merge only when `cap` of them are held.
  let cap3 = 3 * (cap < 8 ? cap : 8); // room, in d-offsets
  let LAST = cap3;
  let TOTAL = cap3 + 1;
  let d = new Float64Array(cap3 + 2);
  d[LAST] = -Infinity;
  let head = 0; // d-offset (3 x ring index) of the oldest record
  let count = 0;

  /** d-offset of the k-th oldest record (0 <= k < cap): a compare instead of a modulo. */
  function at(k: number): number {
    const i = head + 3 * k;
    return i < cap3 ? i : i - cap3;
  }

  /** Doubles the room (up to `cap` records), the records moved to the front in order. */
  function grow(): void {
    const n3 = cap3 < 3 * cap - cap3 ? 2 * cap3 : 3 * cap;
    const e = new Float64Array(n3 + 2);
    for (let k = 0; k < 3 * count; k++) e[k] = d[head + k < cap3 ? head + k : head + k - cap3];
    e[n3] = d[LAST];
    e[n3 + 1] = d[TOTAL];
    d = e;
    head = 0;
    cap3 = n3;
    LAST = n3;
    TOTAL = n3 + 1;
  }

  function dropOldest(): void {
    d[TOTAL] -= d[head + 1];
    head = head + 3 < cap3 ? head + 3 : 0;
    count--;
    if (count === 0) d[TOTAL] = 0;
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
      const b = a + 3 < cap3 ? a + 3 : 0;
      const sp = d[b] - d[a] + d[a + 2];
      if (sp < span) {
        span = sp;
        best = k;
      }
      a = b;
    }
    const from = at(best);
    const into = at(best + 1);
    d[into + 1] += d[from + 1];
    d[into + 2] = span;
    // The merged-away slot is closed up by moving whichever side of it is shorter by one
    // place (same order either way): the older records up (freeing the oldest slot), or the
    // newer ones down (freeing the newest). Airtime moves, none is lost: total is unchanged.
    if (best <= count - 2 - best) {
      let j = from;
      for (let n = best; n > 0; n--) {
        const p = j > 0 ? j - 3 : cap3 - 3;
        d[j] = d[p];
        d[j + 1] = d[p + 1];
        d[j + 2] = d[p + 2];
        j = p;
      }
      head = head + 3 < cap3 ? head + 3 : 0;
    } else {
      let j = from;
      for (let n = count - 1 - best; n > 0; n--) {
        const p = j + 3 < cap3 ? j + 3 : 0;
        d[j] = d[p];
        d[j + 1] = d[p + 1];
        d[j + 2] = d[p + 2];
        j = p;
      }
    }
    count--;
  }

  function usedSince(from: number): number {
    let sum = 0;
    for (let k = count - 1; k >= 0; k--) {
      const i = at(k);
      const e = d[i];
      if (e <= from) break;
      const s = e - d[i + 1];
      sum += s >= from ? d[i + 1] : e - from;
    }
    return sum;
  }

  return {
    record: function (tMs: number, airtimeMs: number): void {
      if (!(airtimeMs > 0) || !isFinite(tMs) || !isFinite(airtimeMs)) return;
      const last = d[LAST];
      const start = tMs > last ? tMs : last;
      // blocks that ended a full window before this start can never count again
      while (count > 0 && d[head] <= start - windowMs) dropOldest();
      if (count === cap) mergeShortestPair();
      else if (3 * count === cap3) grow();
      const i = at(count);
      d[i] = start + airtimeMs;
      d[i + 1] = airtimeMs;
      d[i + 2] = airtimeMs;
      count++;
      d[LAST] = start + airtimeMs;
      d[TOTAL] += airtimeMs;
    },
    earliest: function (tMs: number, airtimeMs: number, budgetMs: number): number {
      if (!(airtimeMs >= 0) || !(airtimeMs <= budgetMs) || !isFinite(tMs)) return -1;
      const last = d[LAST];
      let t = tMs > last ? tMs : last;
      const excess = budgetMs - airtimeMs;
      // everything recorded fits beside the new transmission (the usual case): no window binds.
      // The margin keeps this shortcut off where summation order could round the other way.
      if (d[TOTAL] * (1 + 1e-9) + 1e-9 < excess) return Math.ceil(t);
      let newer = 0; // airtime of the records newer than k
      for (let k = count - 1; k >= 0; k--) {
        const i = at(k);
        const m = d[i + 1];
        if (newer + m > excess) {
          // used(L) = end - L + newer on this block; solve used(L) = excess
          const need = d[i] + newer - excess + windowMs - airtimeMs;
          if (need > t) t = need;
          break;
        }
        newer += m;
      }
      return Math.ceil(t);
    },
    usedSince: usedSince,
    lastEnd: function (): number {
      return d[LAST];
    },
    size: function (): number {
      return count;
    },
  };
}
