// Bit packing and the value <-> code mapping, shared by every codec part: the device
// encoder and downlink decoder (Espruino), the Node decoder and the exported TS013
// codec (ES5.1, goja, QuickJS). Hence the style: ES5 only (var, function declarations
// defined before use, no typed arrays, no RegExp), no module state.
//
// Bit order: most significant bit first; fields follow each other across byte
// boundaries; the last byte is padded with zero bits.
//
// Rounding: code = floor(t + 0.5 + 1e-9) with t = (value - min) / resolution >= 0,
// i.e. round half up (21.35 -> 21.4, -0.05 -> 0.0, -2.45 -> -2.4). The 1e-9 code-step
// slack absorbs binary error in value * 10^d (21.35 * 10 = 213.49999999999997).
// Math.round is not used: Espruino rounds negative halves the other way.
import type { CField } from './types.ts';

/** Output bits: bytes so far, bit count, and whether a value saturated. */
export interface BitWriter {
  /** a list (grows as bits come), or a byte array of the final size (device encoder) */
  b: number[];
  n: number;
  s: number;
}

/** Input bits: bytes and the read position in bits. */
export interface BitReader {
  b: ArrayLike<number>;
  p: number;
}

/** Smallest number of bits that can hold `count` distinct codes. */
export function bitsFor(count: number): number {
  var b = 0;
  while (Math.pow(2, b) < count) b++;
  return b;
}

export function newWriter(): BitWriter {
  return { b: [], n: 0, s: 0 };
}

/**
 * Appends the `n` low bits of the integer `v` (0 <= v < 2^n, n <= 32), MSB first, at bit w.n
 * of w.b: a list that grows, or (device encoder) a byte array already of the final size.
 * With no w.b (the device encoder's sizing pass) it only counts the bits.
 */
export function bwPut(w: BitWriter, v: number, n: number): void {
  var b = w.b;
  if (!b) {
    w.n += n;
    return;
  }
  while (n > 0) {
    var used = w.n % 8;
    var i = (w.n - used) / 8;
    // a new byte: past the end of a growing list (appends), or inside the sized array
    if (used === 0) b[i] = 0;
    var free = 8 - used;
    var take = n < free ? n : free;
    n -= take;
    var d = n < 31 ? 1 << n : Math.pow(2, n);
    var chunk = Math.floor(v / d);
    v -= chunk * d;
    b[i] |= chunk << (free - take);
    w.n += take;
  }
}

/** Bits left to read. */
export function brLeft(r: BitReader): number {
  return r.b.length * 8 - r.p;
}

/** Reads `n` bits (n <= 32) as an unsigned integer; the caller checks brLeft first. */
export function brGet(r: BitReader, n: number): number {
  var p = r.p;
  var b = r.b;
  r.p = p + n;
  if (n <= 24) {
    // the four bytes from p's byte hold all n bits (bytes past the end read as 0)
    var i = p >> 3;
    var m = b.length - i;
    // reads stay inside the array (an out-of-bounds read is a slow path in V8)
    var w = ((b[i] << 24) | (m > 1 ? b[i + 1] << 16 : 0) | (m > 2 ? b[i + 2] << 8 : 0) | (m > 3 ? b[i + 3] : 0)) >>> 0;
    return (w >>> (32 - (p & 7) - n)) & ((1 << n) - 1);
  }
  var v = 0;
  while (n > 0) {
    var avail = 8 - (p & 7);
    var take = n < avail ? n : avail;
    v = v * (1 << take) + ((b[p >> 3] >> (avail - take)) & ((1 << take) - 1));
    n -= take;
    p += take;
  }
  return v;
}

/** True when every remaining bit is zero (valid padding). */
export function brPadOk(r: BitReader): boolean {
  var left = brLeft(r);
  return left < 8 && (left === 0 || brGet(r, left) === 0);
}

/**
 * The code of reading `v` for field `f`: 0..f.mx, or -1 when the reading is missing
 * (undefined, null, NaN, wrong type, unknown enum label). Numbers outside the range
 * saturate to 0 or f.mx and set w.s (more than half a step beyond the range).
 */
export function valueCode(f: CField, v: unknown, w: BitWriter): number {
  if (f.t === 2) {
    if (v === true || v === 1) return 1;
    if (v === false || v === 0) return 0;
    return -1;
  }
  if (f.t === 1) {
    var labels = f.e || [];
    for (var i = 0; i < labels.length; i++) if (labels[i] === v) return i;
    if (typeof v === 'number' && v >= 0 && v <= f.mx && Math.floor(v) === v) return v;
    return -1;
  }
  if (typeof v !== 'number' || !isFinite(v)) return -1;
  var t = (v * f.dv - f.lo) / f.st;
  if (t < -0.5 || t > f.mx + 0.5) w.s = 1;
  var c = Math.floor(t + 0.5 + 1e-9);
  return c < 0 ? 0 : c > f.mx ? f.mx : c;
}

/** The decoded value of a valid code (0..f.mx). */
export function codeValue(f: CField, c: number): number | boolean | string {
  if (f.t === 2) return c === 1;
  if (f.t === 1) return (f.e || [])[c];
  return (f.lo + c * f.st) / f.dv;
}

/** Reading `v` of a bytes field as a list of f.b / 8 bytes, or null (missing or malformed). */
export function byteList(f: CField, v: unknown): number[] | null {
  var len = f.b / 8;
  var out: number[] = [];
  var i: number;
  if (typeof v === 'string') {
    if (v.length !== len * 2) return null;
    for (i = 0; i < len; i++) out.push(parseInt(v.substr(i * 2, 2), 16));
  } else if (v !== null && typeof v === 'object' && (v as ArrayLike<number>).length === len) {
    for (i = 0; i < len; i++) out.push((v as ArrayLike<number>)[i]);
  } else return null;
  for (i = 0; i < len; i++) {
    var x = out[i];
    if (typeof x !== 'number' || !(x >= 0 && x <= 255) || Math.floor(x) !== x) return null;
  }
  return out;
}

/** Writes one field of a single reading (see the frame layout in docs/CODECS.md). */
export function putField(w: BitWriter, f: CField, v: unknown): void {
  if (f.t === 3) {
    var bytes = byteList(f, v);
    bwPut(w, bytes ? 1 : 0, 1);
    if (bytes) for (var i = 0; i < bytes.length; i++) bwPut(w, bytes[i], 8);
    return;
  }
  var c = valueCode(f, v, w);
  if (f.m === 0) {
    bwPut(w, c < 0 ? f.mx + 1 : c, f.b);
    return;
  }
  if (f.m === 1) bwPut(w, c < 0 ? 0 : 1, 1);
  if (c >= 0) bwPut(w, c, f.b);
}

/**
 * Reads one non-bytes field: its code (0..f.mx), or -1 absent, -2 too few bits,
 * -3 a code no encoder writes (corrupt payload, or a downlink value out of range).
 */
export function readCode(r: BitReader, f: CField): number {
  if (f.m === 1) {
    if (brLeft(r) < 1) return -2;
    if (brGet(r, 1) === 0) return -1;
  }
  if (brLeft(r) < f.b) return -2;
  var c = brGet(r, f.b);
  if (f.m === 0 && c === f.mx + 1) return -1;
  return c > f.mx ? -3 : c;
}

/** Reads `count` whole bytes as lower-case hex; the caller checks brLeft first. */
export function brHex(r: BitReader, count: number): string {
  var s = '';
  for (var i = 0; i < count; i++) {
    var x = brGet(r, 8);
    s += (x < 16 ? '0' : '') + x.toString(16);
  }
  return s;
}

/** Reads a bytes field: lower-case hex, '' when absent, or null when too few bits. */
export function readHex(r: BitReader, f: CField): string | null {
  if (brLeft(r) < 1) return null;
  if (brGet(r, 1) === 0) return '';
  if (brLeft(r) < f.b) return null;
  return brHex(r, f.b / 8);
}
