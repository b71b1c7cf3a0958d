// Queued samples: a reading waits in the persistent queue as its own encoded
// uplink payload plus the time it was taken, so a sample costs as many bytes in
// flash as on air, and values are already quantised exactly as they will be sent.
// Unpacking reads the codes back with the codec's own bit reader.
import type { CUplink, Readings } from '../../codecs/device/types.ts';
import { encodeUplinkAfter } from '../../codecs/device/encoder.ts';
import { codeValue, readCode, readHex, type BitReader } from '../../codecs/device/bits.ts';

/** [time in seconds, 4 bytes big-endian][single-reading payload]. */
export function packSample(p: CUplink, tS: number, r: Readings): Uint8Array {
  const out = encodeUplinkAfter(p, r, 4);
  const t = Math.floor(tS) >>> 0;
  out[0] = (t >>> 24) & 255;
  out[1] = (t >>> 16) & 255;
  out[2] = (t >>> 8) & 255;
  out[3] = t & 255;
  return out;
}

/**
 * The payload of a packed sample (what goes on air for a single reading), as a copy: a
 * subarray view would be smaller on the device but in V8 it moves a fresh small array's
 * bytes out of the heap into a buffer of their own (several times the cost of the copy).
 */
export function samplePayload(b: Uint8Array): Uint8Array {
  const n = b.length - 4;
  const out = new Uint8Array(n > 0 ? n : 0);
  for (let i = 0; i < n; i++) out[i] = b[i + 4];
  return out;
}

export interface Sample {
  tS: number;
  readings: Readings;
}

/**
 * A reader over a packed sample's payload, past its saturation flag. It reads the whole
 * array from bit 33 rather than a subarray from bit 1: the same bits and the same bits-left
 * counts (both are measured from the array's end), without creating a view per sample.
 */
function payloadReader(b: Uint8Array): BitReader {
  return { b: b, p: 33 }; // 32 bits of time, then the flag: values were already clamped when packed
}

/** The reading back from a packed sample; null when the bytes do not fit the payload. */
export function unpackSample(p: CUplink, b: Uint8Array): Sample | null {
  if (b.length < 5) return null;
  const tS = ((b[0] << 24) >>> 0) + (b[1] << 16) + (b[2] << 8) + b[3];
  const r = payloadReader(b);
  const readings: Readings = {};
  for (let i = 0; i < p.f.length; i++) {
    const f = p.f[i];
    if (f.t === 3) {
      const h = readHex(r, f);
      if (h === null) return null;
      if (h !== '') readings[f.n] = h;
      continue;
    }
    const c = readCode(r, f);
    if (c < -1) return null;
    if (c >= 0) readings[f.n] = codeValue(f, c);
  }
  return { tS: tS, readings: readings };
}

/** unpackSample(p, b) !== null, without building the reading (the check before a single sample is sent as it is). */
export function sampleValid(p: CUplink, b: Uint8Array): boolean {
  if (b.length < 5) return false;
  const r = payloadReader(b);
  for (let i = 0; i < p.f.length; i++) {
    const f = p.f[i];
    if (f.t === 3 ? readHex(r, f) === null : readCode(r, f) < -1) return false;
  }
  return true;
}
