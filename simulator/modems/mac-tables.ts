// Tables of the MAC engine (mac-engine.ts): per region, the uplink airtimes and RX window
// timeouts; per engine, the slots of its "free from" times and the numbers of its channels
// that the per-uplink channel choice reads; and the region's default channels.
import { channelCount, channelFrequency, drTimeOnAir, subBandIndex, type Region } from '../../firmware/lorawan/region.ts';
import type { Channel } from './types.ts';

/**
 * Pure functions of the region, filled on first use and shared by all engines of the region
 * (computed once, and kept in the CPU cache): uplink time on air by data rate (0-15) and
 * PHY length (0-255), NaN until computed; RX window timeout by data rate.
 */
export interface RegionTables {
  airtimes: Float64Array;
  rxTimeouts: number[];
}
const regionTables = new WeakMap<Region, RegionTables>();
export function tablesOf(region: Region): RegionTables {
  let t = regionTables.get(region);
  if (!t) regionTables.set(region, (t = { airtimes: new Float64Array(16 * 256).fill(NaN), rxTimeouts: [] }));
  return t;
}
export function uplinkAirtimeMs(table: Float64Array, region: Region, dr: number, bytes: number): number {
  if (!(dr >= 0 && dr < 16 && (dr | 0) === dr && bytes < 256)) return drTimeOnAir(region, dr, bytes, true);
  const k = dr * 256 + bytes;
  let v = table[k]!;
  if (v !== v) v = table[k] = drTimeOnAir(region, dr, bytes, true); // NaN: not computed yet
  return v;
}

/**
 * Slots of Engine.freeAt: the times from which the aggregated duty cycle (DutyCycleReq) and the
 * radio allow the next transmission, then one per sub-band ('subband' mode: its off-time).
 */
export const GLOBAL = 0;
export const RADIO = 1;
export const BAND0 = 2;
/**
 * Engine.chTable: per channel (in cfg.channels' order) CH_FIELDS numbers at these offsets:
 * enabled (1/0), minDr, maxDr, sub-band index ('subband' mode; -1 for none or in 'channel'
 * mode), freeAt.
 */
export const CH_FIELDS = 5;
export const CH_ENABLED = 0;
export const CH_MIN_DR = 1;
export const CH_MAX_DR = 2;
export const CH_BAND = 3;
export const CH_FREE_AT = 4;
/** chTable before its first build. */
export const NO_TABLE: number[] = [];

/** The channel table (see Engine.chTable) of `chs`: `perChannel` leaves the sub-band indices -1. */
export function channelTable(chs: Channel[], perChannel: boolean, region: Region): number[] {
  // An array of doubles in every engine: started from a literal double (V8 then keeps its
  // elements as unboxed doubles; built from small integers it would hold those until the first
  // fractional freeAt, and reading both kinds made pickChannel polymorphic). Not a
  // Float64Array: past 64 bytes its data would live off the JS heap, costlier to make and free.
  const t = [0.5];
  t.length = 0;
  for (let i = 0; i < chs.length; i++) {
    const c = chs[i]!;
    t.push(c.enabled ? 1 : 0, c.minDr, c.maxDr, perChannel ? -1 : subBandIndex(region, c.freqHz), c.freeAt);
  }
  return t;
}

export function defaultChannels(region: Region, dcycle: number): Channel[] {
  const out: Channel[] = [];
  for (let i = 0; i < channelCount(region); i++) {
    let minDr = 0;
    let maxDr = 0;
    let k = i;
    for (const b of region.channels) {
      if (k < b.count) {
        minDr = b.minDr;
        maxDr = b.maxDr;
        break;
      }
      k -= b.count;
    }
    out.push({ freqHz: channelFrequency(region, i), minDr, maxDr, enabled: true, dcycle, freeAt: 0 });
  }
  return out;
}
