// Queued samples: a reading waits in the persistent queue as its own encoded
// uplink payload plus the time it was taken, so a sample costs as many bytes in
// flash as on air, and values are already quantised exactly as they will be sent.
// Unpacking reads the codes back with the codec's own bit reader.
import type { CUplink, Readings } from '../../codecs/device/types.ts';
import { encodeUplink } from '../../codecs/device/encoder.ts';
import { brGet, codeValue, readCode, readHex } from '../../codecs/device/bits.ts';

/** [time in seconds, 4 bytes big-endian][single-reading payload]. */
export function packSample(p: CUplink, tS: number, r: Readings): Uint8Array {
  const body = encodeUplink(p, r);
  const out = new Uint8Array(4 + body.length);
  const t = Math.floor(tS) >>> 0;
  out[0] = (t >>> 24) & 255;
  out[1] = (t >>> 16) & 255;
  out[2] = (t >>> 8) & 255;
  out[3] = t & 255;
  out.set(body, 4);
  return out;
}

export interface Sample {
  tS: number;
  readings: Readings;
}

/** The reading back from a packed sample; null when the bytes do not fit the payload. */
export function unpackSample(p: CUplink, b: Uint8Array): Sample | null {
  if (b.length < 5) return null;
  const tS = ((b[0] << 24) >>> 0) + (b[1] << 16) + (b[2] << 8) + b[3];
  const r = { b: b.subarray(4), p: 0 };
  brGet(r, 1); // saturation flag: values were already clamped when packed
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
