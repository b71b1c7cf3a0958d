// Join-request back-off, LoRaWAN TS001 1.0.4 §7 "Retransmissions back-off" (also 1.0.3
// §7, TR007 §4.8): aggregated join airtime
//   T0 .. T0+1h       < 36 s
//   T0+1h .. T0+11h   < 36 s
//   after T0+11h      < 8.7 s per 24 h
// and a random interval before each retry. The 24-hour limit is enforced over every
// window starting at or after T0+11h (a sliding window; stricter than the day-aligned
// windows of TR007). A frame crossing a phase boundary counts fully in both phases.
// Randomness comes from the caller (`random()` in [0, 1)), never Math.random.
import { createAirtimeWindow } from './window.ts';

export const JOIN_PHASE1_END_MS = 3600000;
export const JOIN_PHASE2_END_MS = 39600000;
export const JOIN_PHASE_BUDGET_MS = 36000;
export const JOIN_DAY_MS = 86400000;
export const JOIN_DAY_BUDGET_MS = 8700;

export interface JoinBackoff {
  /** Records a join-request sent at `tMs` lasting `airtimeMs`. */
  record(tMs: number, airtimeMs: number): void;
  /** Earliest start >= tMs (whole ms) of a join-request of `airtimeMs` within the limits; -1 if never. */
  earliest(tMs: number, airtimeMs: number): number;
  /**
   * Start of the next attempt after `tMs` (end of the previous RX2 window): a random delay
   * in [minDelayMs, maxDelayMs) from the earliest allowed time, checked again against the limits.
   */
  next(tMs: number, airtimeMs: number, random: () => number): number;
  /** Join airtime spent in phase 1, phase 2 (ms). */
  spent(phase: number): number;
}

/**
 * Back-off for a device powered up or reset at `t0Ms`; `capacity` records for the
 * 24-hour window; retries wait a random [minDelayMs, maxDelayMs) after the allowed time.
 */
export function createJoinBackoff(t0Ms: number, capacity: number, minDelayMs: number, maxDelayMs: number): JoinBackoff {
  const t0 = Math.ceil(t0Ms);
  const p1End = t0 + JOIN_PHASE1_END_MS;
  const p2End = t0 + JOIN_PHASE2_END_MS;
  const day = createAirtimeWindow(capacity, JOIN_DAY_MS);
  let used1 = 0;
  let used2 = 0;
  let last = -Infinity;

  function earliest(tMs: number, air: number): number {
    if (!(air >= 0) || !isFinite(tMs) || air > JOIN_PHASE_BUDGET_MS) return -1;
    let s = Math.ceil(tMs > last ? (tMs > t0 ? tMs : t0) : last);
    if (s < p1End) {
      if (used1 + air <= JOIN_PHASE_BUDGET_MS && (s + air <= p1End || used2 + air <= JOIN_PHASE_BUDGET_MS)) return s;
      s = p1End;
    }
    if (s < p2End) {
      if (used2 + air <= JOIN_PHASE_BUDGET_MS && (s + air <= p2End || day.earliest(s, air, JOIN_DAY_BUDGET_MS) === s)) return s;
      s = p2End;
    }
    return day.earliest(s, air, JOIN_DAY_BUDGET_MS);
  }

  return {
    record: function (tMs: number, air: number): void {
      if (!(air > 0)) return;
      const s = tMs > last ? tMs : last;
      const e = s + air;
      if (s < p1End && e > t0) used1 += air;
      if (s < p2End && e > p1End) used2 += air;
      if (e > p2End) day.record(s, air);
      last = e;
    },
    earliest: earliest,
    next: function (tMs: number, air: number, random: () => number): number {
      const lo = minDelayMs > 0 ? minDelayMs : 0;
      const span = maxDelayMs > lo ? maxDelayMs - lo : 0;
      const first = earliest(tMs + lo, air);
      if (first < 0) return -1;
      let r = random();
      if (!(r >= 0) || r >= 1) r = 0;
      return earliest(first + Math.floor(r * span), air);
    },
    spent: function (phase: number): number {
      return phase === 1 ? used1 : phase === 2 ? used2 : day.usedSince(-Infinity);
    },
  };
}
