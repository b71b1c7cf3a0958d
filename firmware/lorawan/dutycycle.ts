// Duty-cycle ledger: per sub-band sliding one-hour windows (ETSI EN 300 220-2 §4.2.3:
// duty cycle = on-time over a one-hour observation period, per sub-band) plus the
// aggregated limit the network sets with DutyCycleReq (TS001 §5.3: 1/2^MaxDCycle over
// all channels, enforced here over the same one-hour sliding window).
import { isWhole } from './airtime.ts';
import { subBandIndex, type Region } from './region.ts';
import { createAirtimeWindow, type AirtimeWindow } from './window.ts';

/** The ETSI observation period. */
export const DUTY_CYCLE_WINDOW_MS = 3600000;

export interface DutyCycleLedger {
  /** Records a transmission on `freqHz` starting at `tMs` lasting `airtimeMs`. */
  record(tMs: number, freqHz: number, airtimeMs: number): void;
  /**
   * Earliest start >= tMs (whole ms) of a transmission of `airtimeMs` on `freqHz` that keeps
   * every sub-band and the aggregated limit within budget, and does not overlap the last
   * recorded transmission. -1 when never possible (frequency outside every sub-band, or
   * a frame longer than a whole window's budget).
   */
  earliest(tMs: number, freqHz: number, airtimeMs: number): number;
  /** Sets the aggregated duty cycle 1/2^maxDCycle (0 = no aggregated limit). False when out of range 0..15. */
  setAggregatedDutyCycle(maxDCycle: number): boolean;
  /** The current MaxDCycle (0 = none). */
  aggregatedDutyCycle(): number;
  /** Airtime (ms) counted on the sub-band of `freqHz` in the hour before `tMs` (-1 outside every sub-band). */
  usedInWindow(tMs: number, freqHz: number): number;
}

/** A ledger for `region` holding at most `capacity` records per sub-band (and as many for the aggregate). */
export function createDutyCycleLedger(region: Region, capacity: number): DutyCycleLedger {
  // A sub-band's window is made when the node first uses that sub-band: a node sending on one
  // sub-band (the usual case) keeps one window instead of six, which on a board is several
  // hundred JsVars of RAM (each window holds 3 x capacity doubles).
  const bands: Array<AirtimeWindow | undefined> = [];
  const all = createAirtimeWindow(capacity, DUTY_CYCLE_WINDOW_MS);
  let maxDCycle = 0;
  // The sub-band of the last frequency asked about, its duty cycle and its window (made here when
  // new): a node asks about the same frequency every time, so the region's sub-band list is
  // searched and `bands` looked up once, not per uplink.
  let lastHz = NaN;
  let lastBand = -1;
  let lastDc = 0;
  let lastWin: AirtimeWindow | undefined;
  function bandOf(hz: number): number {
    if (hz !== lastHz) {
      const b = subBandIndex(region, hz);
      lastBand = b;
      lastDc = b >= 0 ? region.subBands[b].dutyCycle : 0;
      lastWin = b < 0 ? undefined : bands[b] || (bands[b] = createAirtimeWindow(capacity, DUTY_CYCLE_WINDOW_MS));
      lastHz = hz;
    }
    return lastBand;
  }

  return {
    record: function (tMs: number, freqHz: number, airtimeMs: number): void {
      const b = bandOf(freqHz);
      if (b >= 0) lastWin!.record(tMs, airtimeMs);
      all.record(tMs, airtimeMs);
    },
    earliest: function (tMs: number, freqHz: number, airtimeMs: number): number {
      const b = bandOf(freqHz);
      if (b < 0 || !(airtimeMs >= 0)) return -1;
      // never overlap the radio's previous transmission, whatever its sub-band
      let t = all.earliest(tMs, airtimeMs, Infinity);
      if (t < 0) return -1;
      if (lastDc > 0) {
        t = lastWin!.earliest(t, airtimeMs, lastDc * DUTY_CYCLE_WINDOW_MS);
        if (t < 0) return -1;
      }
      if (maxDCycle > 0) {
        t = all.earliest(t, airtimeMs, DUTY_CYCLE_WINDOW_MS / Math.pow(2, maxDCycle));
      }
      return t;
    },
    setAggregatedDutyCycle: function (n: number): boolean {
      if (!isWhole(n) || n < 0 || n > 15) return false;
      maxDCycle = n;
      return true;
    },
    aggregatedDutyCycle: function (): number {
      return maxDCycle;
    },
    usedInWindow: function (tMs: number, freqHz: number): number {
      const b = subBandIndex(region, freqHz);
      if (b < 0) return -1;
      const w = bands[b];
      return w ? w.usedSince(tMs - DUTY_CYCLE_WINDOW_MS) : 0;
    },
  };
}

/**
 * The classic per-frame off-time a sub-band imposes after one frame of `airtimeMs`
 * (T_off = T_air / dc - T_air); 0 when the sub-band has no duty-cycle limit.
 */
export function offTimeMs(dutyCycle: number, airtimeMs: number): number {
  return dutyCycle > 0 ? airtimeMs / dutyCycle - airtimeMs : 0;
}
