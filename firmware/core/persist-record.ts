// Power-loss-safe records on Espruino Storage (device profile).
//
// A record lives in two alternating Storage files `<base>0` and `<base>1`. Each commit
// writes the *other* file than the one holding the newest valid record, so a write torn
// by a power cut (Espruino invalidates the old copy of a file before it writes the new
// one) can only destroy the older record; the newest committed one is never touched.
// On load both files are validated (magic, kind, version, length, CRC-32) and the one
// with the higher sequence number wins; if its payload does not decode, the other is used.
//
// Frame (little endian, binary string, one char = one byte):
//   0  magic 0x4C ('L')   1  kind   2  version   3..6  seq u32   7..8  payload length u16
//   9..  payload          last 4: CRC-32 of everything before it
import type { Storage } from '../hal.ts';

export const RECORD_MAGIC = 0x4c;
export const RECORD_VERSION = 1;
/** Bytes a frame adds around its payload. */
export const RECORD_OVERHEAD = 13;

/** Accumulates a binary string. */
export interface ByteWriter {
  s: string;
}

/** Reads a binary string; `bad` becomes true when a read runs past the end. */
export interface ByteReader {
  s: string;
  p: number;
  bad: boolean;
}

export function newWriter(): ByteWriter {
  return { s: '' };
}

export function newReader(s: string): ByteReader {
  return { s: s, p: 0, bad: false };
}

export function putU8(w: ByteWriter, v: number): void {
  w.s += String.fromCharCode(v & 255);
}

export function putU16(w: ByteWriter, v: number): void {
  putU8(w, v);
  putU8(w, v >>> 8);
}

export function putU32(w: ByteWriter, v: number): void {
  putU8(w, v);
  putU8(w, v >>> 8);
  putU8(w, v >>> 16);
  putU8(w, v >>> 24);
}

/** A float64, bit-exact (never round-trips through a decimal string). */
export function putF64(w: ByteWriter, v: number): void {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, v, true);
  for (let i = 0; i < 8; i++) putU8(w, dv.getUint8(i));
}

export function putBytes(w: ByteWriter, b: Uint8Array): void {
  for (let i = 0; i < b.length; i++) putU8(w, b[i]);
}

export function getU8(r: ByteReader): number {
  if (r.p >= r.s.length) {
    r.bad = true;
    return 0;
  }
  const c = r.s.charCodeAt(r.p++);
  if (c > 255) r.bad = true;
  return c & 255;
}

export function getU16(r: ByteReader): number {
  const a = getU8(r);
  return a + getU8(r) * 256;
}

export function getU32(r: ByteReader): number {
  const a = getU16(r);
  return a + getU16(r) * 65536;
}

export function getF64(r: ByteReader): number {
  const dv = new DataView(new ArrayBuffer(8));
  for (let i = 0; i < 8; i++) dv.setUint8(i, getU8(r));
  return dv.getFloat64(0, true);
}

export function getBytes(r: ByteReader, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = getU8(r);
  return out;
}

/** Wraps `payload` in a frame with its sequence number and CRC. */
export function frameRecord(kind: number, seq: number, payload: string, crc32: (s: string) => number): string {
  const w = newWriter();
  putU8(w, RECORD_MAGIC);
  putU8(w, kind);
  putU8(w, RECORD_VERSION);
  putU32(w, seq);
  putU16(w, payload.length);
  w.s += payload;
  putU32(w, crc32(w.s) >>> 0);
  return w.s;
}

/** The payload and sequence number of a valid frame of `kind`, or null (never throws). */
export function unframeRecord(
  data: string | undefined,
  kind: number,
  crc32: (s: string) => number,
): { seq: number; payload: string } | null {
  if (typeof data !== 'string' || data.length < RECORD_OVERHEAD) return null;
  const r = newReader(data);
  if (getU8(r) !== RECORD_MAGIC || getU8(r) !== kind || getU8(r) !== RECORD_VERSION) return null;
  const seq = getU32(r);
  const len = getU16(r);
  if (r.bad || data.length !== RECORD_OVERHEAD + len) return null;
  const body = data.substring(0, data.length - 4);
  r.p = body.length;
  const stored = getU32(r);
  if (r.bad || (crc32(body) >>> 0) !== stored) return null;
  return { seq: seq, payload: data.substring(9, 9 + len) };
}

/** Writes a file; false on any failure (Espruino throws when the flash is full). */
export function storageWrite(st: Storage, name: string, data: string): boolean {
  try {
    return st.write(name, data) === true;
  } catch (e) {
    return false;
  }
}

function storageRead(st: Storage, name: string): string | undefined {
  try {
    return st.read(name);
  } catch (e) {
    return undefined;
  }
}

/** Write accounting of one slot pair. */
export interface SlotCounters {
  /** Commits attempted (each one flash write). */
  writes: number;
  /** Commits that did not complete. */
  failed: number;
  /** Bytes handed to Storage.write. */
  bytes: number;
}

/** Two alternating Storage files holding the newest committed record of one kind. */
export interface SlotPair {
  /**
   * Loads the newest valid record whose payload `decode` accepts (returns non-null),
   * falling back to the other file. Returns the decoded value, or null when neither is valid.
   * `notes` receives one short line per rejected file (no payload content).
   */
  load<T>(decode: (payload: string) => T | null, notes: (line: string) => void): T | null;
  /** Writes `payload` as the next record into the file not holding the newest one. */
  commit(payload: string): boolean;
  counters: SlotCounters;
}

export function createSlotPair(st: Storage, crc32: (s: string) => number, base: string, kind: number): SlotPair {
  const names = [base + '0', base + '1'];
  // seq: highest sequence number seen or attempted; cur: file holding the newest valid record (-1: none)
  // (variables of this closure, not fields of an object of their own: one object fewer per pair, shorter code)
  let seq = 0;
  let cur = -1;
  const counters: SlotCounters = { writes: 0, failed: 0, bytes: 0 };

  function load<T>(decode: (payload: string) => T | null, notes: (line: string) => void): T | null {
    const raw = [storageRead(st, names[0]), storageRead(st, names[1])];
    const recs = [unframeRecord(raw[0], kind, crc32), unframeRecord(raw[1], kind, crc32)];
    cur = -1;
    seq = 0;
    for (let i = 0; i < 2; i++) {
      const rec = recs[i];
      if (rec && rec.seq > seq) seq = rec.seq;
    }
    let first = 0;
    if (recs[0] === null || (recs[1] !== null && recs[1].seq > recs[0].seq)) first = 1;
    for (let k = 0; k < 2; k++) {
      const i = k === 0 ? first : 1 - first;
      const rec = recs[i];
      if (rec === null) {
        if (raw[i] !== undefined) notes(names[i] + ' invalid (torn or corrupt), ignored');
        continue;
      }
      const v = decode(rec.payload);
      if (v !== null) {
        cur = i;
        return v;
      }
      notes(names[i] + ' does not decode, ignored');
    }
    return null;
  }

  function commit(payload: string): boolean {
    const target = cur === 0 ? 1 : 0;
    seq = (seq + 1) >>> 0;
    const data = frameRecord(kind, seq, payload, crc32);
    counters.writes++;
    counters.bytes += data.length;
    if (!storageWrite(st, names[target], data)) {
      // the target file may now be gone or torn; the newest record is still in the other file
      counters.failed++;
      return false;
    }
    cur = target;
    return true;
  }

  return { load: load, commit: commit, counters: counters };
}
