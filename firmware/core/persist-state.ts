// The state record of firmware/core/persist.ts (device profile): counter reservations,
// session and configuration, its binary layout and its validation.
//
// Payload (little endian): fcntRes u32, fcntDown u32, nonceRes u32, mode u8, devAddr u32,
// keyFlags u8 (1: NwkSKey and AppSKey follow, 16 bytes each), intervalS u32, config
// flags u8 (bit 0 confirmed), threshold count u8, thresholds float64 each.
import type { ByteReader, ByteWriter } from './persist-record.ts';
import { getBytes, getF64, getU32, getU8, newReader, newWriter, putBytes, putF64, putU32, putU8 } from './persist-record.ts';

export const MODE_NONE = 0;
export const MODE_ABP = 1;
export const MODE_OTAA = 2;
/** Highest uplink frame counter (32-bit); a session that reaches it must rejoin. */
export const FCNT_MAX = 0xfffffffe;
/** DevNonce is 16-bit (LoRaWAN 1.0.4: a counter that never repeats for the device's lifetime). */
export const DEVNONCE_MAX = 0xffff;
export const MAX_THRESHOLDS = 8;

/** The node's configuration: small and typed. Thresholds are stored bit-exact (float64). */
export interface PersistConfig {
  /** Reporting interval in seconds, an integer 1..2^32-1. */
  intervalS: number;
  confirmed: boolean;
  /** Up to MAX_THRESHOLDS finite numbers, meaning defined by the application. */
  thresholds: number[];
}

export interface PersistSession {
  /** MODE_NONE, MODE_ABP or MODE_OTAA. */
  mode: number;
  devAddr: number;
  /** 16 bytes, or null when the modem keeps the key itself. */
  nwkSKey: Uint8Array | null;
  appSKey: Uint8Array | null;
}

export function isU32(v: unknown): boolean {
  return typeof v === 'number' && v >= 0 && v <= 0xffffffff && v === Math.floor(v);
}

export function validConfig(c: PersistConfig): boolean {
  if (c === null || typeof c !== 'object' || !isU32(c.intervalS) || c.intervalS < 1) return false;
  if (typeof c.confirmed !== 'boolean' || !c.thresholds || typeof c.thresholds.length !== 'number') return false;
  if (c.thresholds.length > MAX_THRESHOLDS) return false;
  for (let i = 0; i < c.thresholds.length; i++) {
    const t = c.thresholds[i];
    if (typeof t !== 'number' || !isFinite(t)) return false;
  }
  return true;
}

export function copyConfig(c: PersistConfig): PersistConfig {
  const t: number[] = [];
  for (let i = 0; i < c.thresholds.length; i++) t.push(c.thresholds[i]);
  return { intervalS: c.intervalS, confirmed: c.confirmed, thresholds: t };
}

export function sameConfig(a: PersistConfig, b: PersistConfig): boolean {
  if (a.intervalS !== b.intervalS || a.confirmed !== b.confirmed || a.thresholds.length !== b.thresholds.length) return false;
  for (let i = 0; i < a.thresholds.length; i++) if (!(a.thresholds[i] === b.thresholds[i])) return false;
  return true;
}

export function copyKey(k: Uint8Array | null): Uint8Array | null {
  return k ? new Uint8Array(k) : null;
}

export function sameKey(a: Uint8Array | null, b: Uint8Array | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function validKey(k: Uint8Array | null): boolean {
  return k === null || (typeof k === 'object' && k.length === 16);
}

/** RAM image of the state record. */
export interface StateImage {
  fcntRes: number;
  fcntDown: number;
  nonceRes: number;
  session: PersistSession;
  config: PersistConfig;
}

export function encodeState(s: StateImage): string {
  const w: ByteWriter = newWriter();
  putU32(w, s.fcntRes);
  putU32(w, s.fcntDown);
  putU32(w, s.nonceRes);
  putU8(w, s.session.mode);
  putU32(w, s.session.devAddr);
  const keys = s.session.nwkSKey !== null && s.session.appSKey !== null;
  putU8(w, keys ? 1 : 0);
  if (keys) {
    putBytes(w, s.session.nwkSKey as Uint8Array);
    putBytes(w, s.session.appSKey as Uint8Array);
  }
  putU32(w, s.config.intervalS);
  putU8(w, s.config.confirmed ? 1 : 0);
  putU8(w, s.config.thresholds.length);
  for (let i = 0; i < s.config.thresholds.length; i++) putF64(w, s.config.thresholds[i]);
  return w.s;
}

export function decodeState(payload: string): StateImage | null {
  const r: ByteReader = newReader(payload);
  const fcntRes = getU32(r);
  const fcntDown = getU32(r);
  const nonceRes = getU32(r);
  const mode = getU8(r);
  const devAddr = getU32(r);
  const keyFlags = getU8(r);
  let nwk: Uint8Array | null = null;
  let app: Uint8Array | null = null;
  if (keyFlags === 1) {
    nwk = getBytes(r, 16);
    app = getBytes(r, 16);
  }
  const intervalS = getU32(r);
  const cflags = getU8(r);
  const n = getU8(r);
  if (n > MAX_THRESHOLDS) return null;
  const thresholds: number[] = [];
  for (let i = 0; i < n; i++) thresholds.push(getF64(r));
  if (r.bad || r.p !== payload.length || mode > MODE_OTAA || keyFlags > 1 || cflags > 1) return null;
  if (nonceRes > DEVNONCE_MAX + 1) return null;
  const config: PersistConfig = { intervalS: intervalS, confirmed: cflags === 1, thresholds: thresholds };
  if (!validConfig(config)) return null;
  return {
    fcntRes: fcntRes,
    fcntDown: fcntDown,
    nonceRes: nonceRes,
    session: { mode: mode, devAddr: devAddr, nwkSKey: nwk, appSKey: app },
    config: config,
  };
}
