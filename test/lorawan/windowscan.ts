// Independent brute-force reference for the budget tests: the most airtime any window
// [s, s + W) holds, scanning every breakpoint of the (piecewise-linear) window sum.
export interface Tx {
  t: number;
  a: number;
}

/** Airtime of `txs` inside the window [s, s + w). */
export function inWindow(txs: Tx[], s: number, w: number): number {
  let sum = 0;
  for (const x of txs) {
    const lo = Math.max(x.t, s);
    const hi = Math.min(x.t + x.a, s + w);
    if (hi > lo) sum += hi - lo;
  }
  return sum;
}

/** Max airtime in any window of length `w` starting at or after `from`. */
export function maxWindowAirtime(txs: Tx[], w: number, from = -Infinity): number {
  let best = 0;
  const cands = [from];
  for (const x of txs) cands.push(x.t, x.t + x.a, x.t - w, x.t + x.a - w);
  for (const s of cands) {
    if (s < from || !Number.isFinite(s)) continue;
    best = Math.max(best, inWindow(txs, s, w));
  }
  return best;
}

/** Exact earliest start >= t of `a` ms after every record such that no window exceeds `budget` (bisection). */
export function referenceEarliest(txs: Tx[], t: number, a: number, w: number, budget: number): number {
  const lastEnd = txs.reduce((m, x) => Math.max(m, x.t + x.a), -Infinity);
  const ok = (s: number) => maxWindowAirtime([...txs, { t: s, a }], w) <= budget + 1e-7;
  let lo = Math.max(t, lastEnd);
  if (ok(lo)) return lo;
  let hi = lo + w;
  for (let i = 0; i < 60 && hi - lo > 1e-4; i++) {
    const mid = (lo + hi) / 2;
    if (ok(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}
