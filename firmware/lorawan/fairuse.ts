// Fair-use budget of a public network (The Things Network's Fair Use Policy: 30 s of
// uplink airtime and 10 downlinks per device per 24 hours), enforced over a sliding
// 24-hour window. Configurable; `enabled: false` turns every check off.
import { createAirtimeWindow } from './window.ts';

export interface FairUseConfig {
  enabled: boolean;
  /** Uplink airtime allowed per window (ms). */
  uplinkAirtimeMs: number;
  /** Downlinks (including ACKs) allowed per window. */
  downlinksPerWindow: number;
  windowMs: number;
  /** Uplink records kept (the ring merges older ones conservatively). */
  capacity: number;
}

/** The Things Network's Fair Use Policy. */
export const TTN_FAIR_USE: FairUseConfig = {
  enabled: true,
  uplinkAirtimeMs: 30000,
  downlinksPerWindow: 10,
  windowMs: 86400000,
  capacity: 48,
};

export interface FairUseBudget {
  recordUplink(tMs: number, airtimeMs: number): void;
  /** Earliest start >= tMs (whole ms) of an uplink of `airtimeMs`; -1 if larger than the whole budget. */
  earliestUplink(tMs: number, airtimeMs: number): number;
  /** Uplink airtime left in the window ending at `tMs` (Infinity when disabled). */
  remainingUplinkMs(tMs: number): number;
  /** How many uplinks of `airtimeMs` still fit in the window ending at `tMs`, before older ones leave it. */
  uplinksLeft(tMs: number, airtimeMs: number): number;
  recordDownlink(tMs: number): void;
  /** Earliest time >= tMs a further downlink keeps every window within its count. */
  earliestDownlink(tMs: number): number;
  /** Downlinks left in the window ending at `tMs`. */
  downlinksLeft(tMs: number): number;
}

export function createFairUseBudget(cfg: FairUseConfig): FairUseBudget {
  const ups = createAirtimeWindow(cfg.capacity, cfg.windowMs);
  const maxDown = cfg.downlinksPerWindow > 0 ? Math.floor(cfg.downlinksPerWindow) : 0;
  const downs = new Float64Array(maxDown > 0 ? maxDown : 1); // ring of the last maxDown downlink times
  let downHead = 0;
  let downCount = 0;

  function remaining(tMs: number): number {
    if (!cfg.enabled) return Infinity;
    const left = cfg.uplinkAirtimeMs - ups.usedSince(tMs - cfg.windowMs);
    return left > 0 ? left : 0;
  }

  return {
    recordUplink: function (tMs: number, airtimeMs: number): void {
      ups.record(tMs, airtimeMs);
    },
    earliestUplink: function (tMs: number, airtimeMs: number): number {
      if (!cfg.enabled) return Math.ceil(tMs);
      return ups.earliest(tMs, airtimeMs, cfg.uplinkAirtimeMs);
    },
    remainingUplinkMs: remaining,
    uplinksLeft: function (tMs: number, airtimeMs: number): number {
      const left = remaining(tMs);
      if (!(airtimeMs > 0)) return 0;
      return left === Infinity ? Infinity : Math.floor(left / airtimeMs);
    },
    recordDownlink: function (tMs: number): void {
      if (maxDown === 0) return;
      if (downCount < maxDown) {
        downs[(downHead + downCount) % maxDown] = tMs;
        downCount++;
      } else {
        downs[downHead] = tMs;
        downHead = (downHead + 1) % maxDown;
      }
    },
    earliestDownlink: function (tMs: number): number {
      if (!cfg.enabled) return tMs;
      if (maxDown === 0) return -1;
      if (downCount < maxDown) return tMs;
      const free = downs[downHead] + cfg.windowMs; // the oldest of the last maxDown leaves the window
      return free > tMs ? free : tMs;
    },
    downlinksLeft: function (tMs: number): number {
      if (!cfg.enabled) return Infinity;
      let n = 0;
      for (let k = 0; k < downCount; k++) {
        if (downs[(downHead + k) % maxDown] > tMs - cfg.windowMs) n++;
      }
      return maxDown - n;
    },
  };
}
