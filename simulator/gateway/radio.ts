// Radio facts a gateway needs: the concentrator's 32-bit microsecond counter
// (`tmst`, wraps every 71.6 minutes), data-rate strings ("SF7BW125" or an FSK
// bitrate), LoRaWAN data-rate indices of a region, time on air, and the
// downlink scheduler a packet forwarder's just-in-time queue implements
// (TOO_LATE, TOO_EARLY, COLLISION_PACKET, TX_FREQ, TX_POWER, GPS_UNLOCKED).
import type { Clock } from '../clock.ts';
import { fskTimeOnAir, loraTimeOnAir } from '../../firmware/lorawan/airtime.ts';
import type { Region } from '../../firmware/lorawan/region.ts';
import type { DownlinkRequest, GatewayDownlink, Modulation, TxAckError } from './types.ts';

const TWO32 = 4294967296;

/** The concentrator counter: µs since an arbitrary origin, modulo 2^32. */
export interface TmstCounter {
  /** Counter value at virtual time `ms`. */
  at(ms: number): number;
  /** Virtual time of counter value `tmst`, taking the one nearest to `nowMs` (signed 32-bit difference). */
  toMs(tmst: number, nowMs: number): number;
}

export function createTmstCounter(offsetUs: number): TmstCounter {
  const off = ((Math.floor(offsetUs) % TWO32) + TWO32) % TWO32;
  const at = (ms: number): number => (((off + Math.round(ms * 1000)) % TWO32) + TWO32) % TWO32;
  return {
    at,
    toMs(tmst, nowMs) {
      const delta = ((tmst >>> 0) - at(nowMs)) | 0; // signed: ±35.8 min around now
      return nowMs + delta / 1000;
    },
  };
}

/** "SF7BW125" for LoRa; the bitrate (number) for FSK. */
export function datrOf(m: Modulation): string | number {
  return m.kind === 'lora' ? `SF${m.sf}BW${m.bwKhz}` : m.bitrate;
}

/** Parses a `datr` value; null when it is neither "SF<n>BW<k>" nor a positive bitrate. */
export function parseDatr(datr: unknown, codeRate = '4/5'): Modulation | null {
  if (typeof datr === 'number') return Number.isFinite(datr) && datr > 0 ? { kind: 'fsk', bitrate: datr } : null;
  if (typeof datr !== 'string') return null;
  const m = /^SF(\d{1,2})BW(\d{2,4})$/.exec(datr);
  if (!m) return null;
  const sf = Number(m[1]);
  const bwKhz = Number(m[2]);
  if (sf < 5 || sf > 12 || ![125, 250, 500, 203, 406, 812, 1625].includes(bwKhz)) return null;
  return { kind: 'lora', sf, bwKhz, codeRate };
}

/** The region's DR index for a modulation, or -1. */
export function drOf(region: Region, m: Modulation): number {
  return region.dataRates.findIndex(
    (d) => d !== null && (m.kind === 'lora' ? d.mod === 'lora' && d.sf === m.sf && d.bwKhz === m.bwKhz : d.mod === 'fsk' && d.kbps * 1000 === m.bitrate),
  );
}

/** The modulation of a region's DR, or null. */
export function modulationOfDr(region: Region, dr: number): Modulation | null {
  const d = region.dataRates[dr];
  if (!d) return null;
  return d.mod === 'lora' ? { kind: 'lora', sf: d.sf, bwKhz: d.bwKhz, codeRate: '4/5' } : { kind: 'fsk', bitrate: d.kbps * 1000 };
}

/** Time on air (ms) of a frame; downlinks carry no payload CRC. */
export function airtimeMs(m: Modulation, bytes: number, uplink: boolean): number {
  if (m.kind === 'fsk') return fskTimeOnAir(bytes, m.bitrate / 1000);
  const cr = Number(m.codeRate.split('/')[1] ?? 5) - 4;
  return loraTimeOnAir(bytes, { sf: m.sf, bwKhz: m.bwKhz, cr: cr >= 1 && cr <= 4 ? cr : 1, crc: uplink });
}

/** The gateway's transmitter limits and its just-in-time queue's margins (lora_pkt_fwd jitqueue.c). */
export interface TxLimits {
  minFreqHz: number;
  maxFreqHz: number;
  maxPowerDbm: number;
  /** A packet due sooner than this is TOO_LATE (TX_START_DELAY + TX_MARGIN_DELAY + TX_JIT_DELAY = 32.5 ms). */
  minLeadMs: number;
  /** A packet due later than this is TOO_EARLY (4 beacon periods: 512 s). */
  maxAdvanceMs: number;
  /** The gateway has a GPS fix (needed for GPS-timed downlinks). */
  gps: boolean;
}

export const EU868_TX_LIMITS: TxLimits = {
  minFreqHz: 863_000_000,
  maxFreqHz: 870_000_000,
  maxPowerDbm: 27,
  minLeadMs: 32.5,
  maxAdvanceMs: 512_000,
  gps: false,
};

export interface TxScheduler {
  /** Checks and schedules a downlink; `deliver` runs on the virtual clock at its start. */
  schedule(req: DownlinkRequest, deliver: (dl: GatewayDownlink) => void): TxAckError;
  /** Downlinks scheduled and not yet started. */
  pending(): number;
  cancelAll(): void;
}

export function createTxScheduler(clock: Clock, tmst: TmstCounter, gatewayId: string, limits: TxLimits): TxScheduler {
  const queue: { id: number; start: number; end: number }[] = [];
  const prune = (): void => {
    const now = clock.now();
    for (let i = queue.length - 1; i >= 0; i--) if (queue[i]!.end < now) queue.splice(i, 1);
  };
  return {
    schedule(req, deliver) {
      const now = clock.now();
      if (req.freqHz < limits.minFreqHz || req.freqHz > limits.maxFreqHz) return 'TX_FREQ';
      if (!(req.powerDbm <= limits.maxPowerDbm)) return 'TX_POWER';
      let atMs: number;
      if (req.timing.kind === 'immediate') atMs = now;
      else if (req.timing.kind === 'gps') {
        if (!limits.gps) return 'GPS_UNLOCKED';
        atMs = req.timing.gpsMs;
      } else {
        atMs = tmst.toMs(req.timing.tmst, now);
        if (atMs - now <= limits.minLeadMs) return 'TOO_LATE';
        if (atMs - now > limits.maxAdvanceMs) return 'TOO_EARLY';
      }
      const air = airtimeMs(req.modulation, req.phy.length, false);
      prune();
      if (queue.some((q) => atMs < q.end && q.start < atMs + air)) return 'COLLISION_PACKET';
      const entry = { id: 0, start: atMs, end: atMs + air };
      entry.id = clock.schedule(atMs, () => {
        const i = queue.indexOf(entry);
        if (i >= 0) queue.splice(i, 1);
        deliver({ ...req, phy: new Uint8Array(req.phy), atMs, airtimeMs: air, gatewayId });
      });
      queue.push(entry);
      return 'NONE';
    },
    pending: () => queue.filter((q) => q.start >= clock.now()).length,
    cancelAll() {
      for (const q of queue) clock.cancel(q.id);
      queue.length = 0;
    },
  };
}

/**
 * "2024-05-01T12:00:00.123000Z": ISO 8601 with microseconds, as the packet forwarder prints `time`,
 * for `offsetMs` after the whole millisecond `epochMs`. The offset is rounded to whole microseconds
 * on its own: added to an epoch of 1.7e12 ms first, a double would only resolve about 0.2 µs.
 */
export function isoMicro(epochMs: number, offsetMs = 0): string {
  const us = Math.round(offsetMs * 1000);
  const ms = Math.floor(epochMs) + Math.floor(us / 1000);
  const frac = us - Math.floor(us / 1000) * 1000;
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, (_m, msDigits: string) => `.${msDigits}${String(frac).padStart(3, '0')}Z`);
}
