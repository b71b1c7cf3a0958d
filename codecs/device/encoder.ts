// The uplink encoder: runs on the device (Espruino profile) and is also the one
// encoder Node uses (codecs/index.ts), so shared vectors prove byte equality.
// Frame layouts are described in docs/CODECS.md.
import type { CField, CUplink, Readings } from './types.ts';
import { bitsFor, bwPut, byteList, newWriter, putField, valueCode, type BitWriter } from './bits.ts';

/** Most samples in one batch frame (5-bit count). */
export const BATCH_MAX = 32;
/** Ages and gaps are whole seconds, saturating at 16 bits (about 18 h). */
const AGE_MAX = 65535;

/** The payload version sent on `port` (single or batch), or undefined. */
export function findUplink(ups: CUplink[], port: number): CUplink | undefined {
  for (var i = 0; i < ups.length; i++) if (ups[i].port === port || ups[i].bport === port) return ups[i];
  return undefined;
}

/**
 * encodeUplink's payload placed after `pre` zero bytes the caller fills (the device's queue
 * stores a sample as [time][payload]: one array instead of a payload copied into a second).
 */
export function encodeUplinkAfter(p: CUplink, readings: Readings, pre: number): Uint8Array {
  // Two passes of putField: the first with no buffer only counts the bits (see bwPut), the
  // second writes them straight into a byte array of exactly that size, after `pre` bytes: no
  // list that grows byte by byte and is then copied. The cast: bwPut writes a byte array the
  // way it writes a list (see bits.ts).
  var w: BitWriter = { b: null as unknown as number[], n: 0, s: 0 };
  var out: Uint8Array | null = null;
  for (;;) {
    bwPut(w, 0, 1);
    for (var i = 0; i < p.f.length; i++) putField(w, p.f[i], readings ? readings[p.f[i].n] : undefined);
    if (out) break;
    out = new Uint8Array(pre + ((w.n + 7) >> 3));
    w.b = out as unknown as number[];
    w.n = pre * 8;
  }
  // the saturation flag (the first bit)
  if (w.s) out[pre] |= 128;
  return out;
}

/**
 * Encodes one reading: a saturation flag bit, then every field in schema order.
 * Never throws: missing or malformed readings are encoded as missing, out-of-range
 * numbers saturate (and set the flag bit).
 */
export function encodeUplink(p: CUplink, readings: Readings): Uint8Array {
  return encodeUplinkAfter(p, readings, 0);
}

function wholeSeconds(s: unknown): number {
  if (typeof s !== 'number' || !(s > 0)) return 0;
  var x = Math.floor(s + 0.5);
  return x > AGE_MAX ? AGE_MAX : x;
}

/** Writes a list of codes of field f: absolute, or first code plus fixed-width deltas. */
function putCodes(w: BitWriter, f: CField, codes: number[]): void {
  var k = codes.length;
  if (k === 0) return;
  if (k === 1) {
    bwPut(w, codes[0], f.b);
    return;
  }
  var worst = 0;
  var nonzero = false;
  for (var i = 1; i < k; i++) {
    var d = codes[i] - codes[i - 1];
    if (d !== 0) nonzero = true;
    var mag = d >= 0 ? d : -d - 1;
    if (mag > worst) worst = mag;
  }
  var h = nonzero ? bitsFor(worst + 1) + 1 : 0;
  var hb = bitsFor(f.b + 1);
  if (h >= f.b) {
    bwPut(w, f.b, hb);
    for (var j = 0; j < k; j++) bwPut(w, codes[j], f.b);
    return;
  }
  bwPut(w, h, hb);
  bwPut(w, codes[0], f.b);
  var half = h > 0 ? Math.pow(2, h - 1) : 0;
  if (h > 0) for (var m = 1; m < k; m++) bwPut(w, codes[m] - codes[m - 1] + half, h);
}

/**
 * Encodes several readings of the same payload in one frame (oldest first).
 * `ages[i]` is how many seconds before sending sample i was taken (non-increasing).
 * Keeps the newest BATCH_MAX samples; an empty list gives an empty frame.
 */
export function encodeBatch(p: CUplink, samples: Readings[], ages: number[]): Uint8Array {
  var start = samples.length > BATCH_MAX ? samples.length - BATCH_MAX : 0;
  var n = samples.length - start;
  if (n === 0) return new Uint8Array(0);
  var w = newWriter();
  bwPut(w, 0, 1);
  bwPut(w, n - 1, 5);
  bwPut(w, wholeSeconds(ages[start + n - 1]), 16);
  if (n > 1) {
    var gaps: number[] = [];
    var widest = 0;
    var regular = true;
    for (var g = 1; g < n; g++) {
      var gap = wholeSeconds(ages[start + g - 1] - ages[start + g]);
      gaps.push(gap);
      if (gap > widest) widest = gap;
      if (gap !== gaps[0]) regular = false;
    }
    var gw = bitsFor(widest + 1);
    bwPut(w, regular ? 1 : 0, 1);
    bwPut(w, gw, 5);
    for (var q = 0; q < (regular ? 1 : gaps.length); q++) bwPut(w, gaps[q], gw);
  }
  for (var i = 0; i < p.f.length; i++) {
    var f = p.f[i];
    var codes: number[] = [];
    var lists: number[][] = [];
    var present: boolean[] = [];
    var any = false;
    for (var j = 0; j < n; j++) {
      var v = samples[start + j] ? samples[start + j][f.n] : undefined;
      var c = 0;
      if (f.t === 3) {
        var bl = byteList(f, v);
        if (bl) lists.push(bl);
        c = bl ? 0 : -1;
      } else c = valueCode(f, v, w);
      present.push(c >= 0);
      if (c >= 0) any = true;
      if (f.t !== 3 && (c >= 0 || f.m === 0)) codes.push(c >= 0 ? c : f.mx + 1);
    }
    if (f.t === 3 || f.m === 1) {
      bwPut(w, any ? 1 : 0, 1);
      if (any) for (var k = 0; k < n; k++) bwPut(w, present[k] ? 1 : 0, 1);
    }
    if (f.t === 3) {
      for (var l = 0; l < lists.length; l++) for (var x = 0; x < lists[l].length; x++) bwPut(w, lists[l][x], 8);
    } else putCodes(w, f, codes);
  }
  // the written bytes, with the saturation flag in the first bit
  var out = new Uint8Array(w.b);
  out[0] |= w.s ? 128 : 0;
  return out;
}
