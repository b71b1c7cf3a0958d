// A minimal CBOR (RFC 8949) encoder for the device. Espruino device profile:
// Uint8Array only (no Buffer, no DataView, no typed-array aliasing), no Map/Set,
// no Math.fround/Number.isInteger/Math.log2, no module-level mutable state.
//
// Encodes: safe integers (major types 0/1, every head size up to 8 bytes),
// other numbers as the shortest IEEE 754 float that holds them exactly
// (half, single, else double: RFC 8949 §4.2 preferred serialization), text
// (UTF-8 encoded by hand), Uint8Array (byte strings), arrays, plain objects
// (maps with text keys, insertion order), true/false/null/undefined.
// NaN is written as the canonical half-precision quiet NaN (f9 7e00).
// Anything else (functions, symbols) throws an Error naming the type.

/** Largest integer encoded with an integer head; bigger numbers become floats. */
const CBOR_MAX_INT = 9007199254740991; // 2^53 - 1
const TWO32 = 4294967296;

/** A growable output buffer; one per encode call. */
interface CborOut {
  buf: Uint8Array;
  pos: number;
}

function cborEnsure(o: CborOut, n: number): void {
  if (o.pos + n <= o.buf.length) return;
  let size = o.buf.length * 2;
  while (size < o.pos + n) size *= 2;
  const next = new Uint8Array(size);
  next.set(o.buf.subarray(0, o.pos));
  o.buf = next;
}

/** Writes `value` (0 <= value < 2^53, integral) big-endian into `bytes` bytes. */
function cborPutUint(o: CborOut, value: number, bytes: number): void {
  cborEnsure(o, bytes);
  let v = value;
  for (let i = bytes - 1; i >= 0; i--) {
    o.buf[o.pos + i] = v % 256;
    v = Math.floor(v / 256);
  }
  o.pos += bytes;
}

/** Writes an initial byte and argument `n` (0 <= n < 2^53) in the shortest form. */
function cborHead(o: CborOut, major: number, n: number): void {
  const mt = major * 32;
  cborEnsure(o, 1);
  if (n < 24) {
    o.buf[o.pos++] = mt + n;
  } else if (n < 256) {
    o.buf[o.pos++] = mt + 24;
    cborPutUint(o, n, 1);
  } else if (n < 65536) {
    o.buf[o.pos++] = mt + 25;
    cborPutUint(o, n, 2);
  } else if (n < TWO32) {
    o.buf[o.pos++] = mt + 26;
    cborPutUint(o, n, 4);
  } else {
    o.buf[o.pos++] = mt + 27;
    cborPutUint(o, Math.floor(n / TWO32), 4);
    cborPutUint(o, n % TWO32, 4);
  }
}

/** The exponent e with 2^e <= a < 2^(e+1), for finite a > 0. */
function cborExp2(a: number): number {
  let e = Math.floor(Math.log(a) / Math.LN2);
  while (Math.pow(2, e) > a) e--;
  while (Math.pow(2, e + 1) <= a) e++;
  return e;
}

/**
 * Tries to write finite a = |x| (sign given) as an IEEE 754 binary float with
 * `expBits`/`mantBits`, preceded by `initial`. Returns false (writing nothing)
 * when the value is not exactly representable in that format.
 */
function cborFloat(o: CborOut, initial: number, sign: number, a: number, expBits: number, mantBits: number): boolean {
  const bias = Math.pow(2, expBits - 1) - 1;
  let bexp = 0;
  let mant = 0;
  if (a !== 0) {
    const e = cborExp2(a);
    if (e > bias) return false;
    if (e < 1 - bias) {
      mant = a / Math.pow(2, 1 - bias - mantBits); // subnormal
      if (mant >= Math.pow(2, mantBits)) return false;
    } else {
      bexp = e + bias;
      mant = (a / Math.pow(2, e) - 1) * Math.pow(2, mantBits);
    }
    if (mant % 1 !== 0) return false;
  }
  const hi = sign * Math.pow(2, expBits) + bexp; // sign and exponent bits
  cborEnsure(o, 1);
  o.buf[o.pos++] = initial;
  if (mantBits > 32) {
    // binary64: split into two exact 32-bit words
    const top = mantBits - 32;
    cborPutUint(o, hi * Math.pow(2, top) + Math.floor(mant / TWO32), 4);
    cborPutUint(o, mant % TWO32, 4);
  } else {
    cborPutUint(o, hi * Math.pow(2, mantBits) + mant, (1 + expBits + mantBits) / 8);
  }
  return true;
}

function cborNumber(o: CborOut, x: number): void {
  if (x !== x) {
    cborEnsure(o, 3);
    o.buf[o.pos++] = 0xf9;
    o.buf[o.pos++] = 0x7e;
    o.buf[o.pos++] = 0x00;
    return;
  }
  const negZero = x === 0 && 1 / x < 0;
  if (x % 1 === 0 && !negZero && x <= CBOR_MAX_INT && x >= -CBOR_MAX_INT) {
    if (x >= 0) cborHead(o, 0, x);
    else cborHead(o, 1, -1 - x);
    return;
  }
  const sign = x < 0 || negZero ? 1 : 0;
  const a = sign ? -x : x;
  if (a === Infinity) {
    cborEnsure(o, 3);
    o.buf[o.pos++] = 0xf9;
    o.buf[o.pos++] = sign ? 0xfc : 0x7c;
    o.buf[o.pos++] = 0x00;
    return;
  }
  if (cborFloat(o, 0xf9, sign, a, 5, 10)) return;
  if (cborFloat(o, 0xfa, sign, a, 8, 23)) return;
  cborFloat(o, 0xfb, sign, a, 11, 52);
}

/** UTF-8 length of `s`; lone surrogates count as U+FFFD (3 bytes). */
function cborUtf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

function cborText(o: CborOut, s: string): void {
  const len = cborUtf8Length(s);
  cborHead(o, 3, len);
  cborEnsure(o, len);
  const b = o.buf;
  let p = o.pos;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      b[p++] = c;
      continue;
    }
    if (c < 0x800) {
      b[p++] = 0xc0 + (c >> 6);
      b[p++] = 0x80 + (c & 63);
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + (c - 0xd800) * 1024 + (d - 0xdc00);
        i++;
        b[p++] = 0xf0 + (c >> 18);
        b[p++] = 0x80 + ((c >> 12) & 63);
        b[p++] = 0x80 + ((c >> 6) & 63);
        b[p++] = 0x80 + (c & 63);
        continue;
      }
      c = 0xfffd; // lone surrogate
    }
    b[p++] = 0xe0 + (c >> 12);
    b[p++] = 0x80 + ((c >> 6) & 63);
    b[p++] = 0x80 + (c & 63);
  }
  o.pos = p;
}

function cborSimple(o: CborOut, byte: number): void {
  cborEnsure(o, 1);
  o.buf[o.pos++] = byte;
}

function cborValue(o: CborOut, v: unknown): void {
  if (v === null) return cborSimple(o, 0xf6);
  if (v === undefined) return cborSimple(o, 0xf7);
  if (v === true) return cborSimple(o, 0xf5);
  if (v === false) return cborSimple(o, 0xf4);
  const t = typeof v;
  if (t === 'number') return cborNumber(o, v as number);
  if (t === 'string') return cborText(o, v as string);
  if (v instanceof Uint8Array) {
    cborHead(o, 2, v.length);
    cborEnsure(o, v.length);
    o.buf.set(v, o.pos);
    o.pos += v.length;
    return;
  }
  if (Array.isArray(v)) {
    cborHead(o, 4, v.length);
    for (let i = 0; i < v.length; i++) cborValue(o, v[i]);
    return;
  }
  if (t === 'object') {
    const obj = v as Record<string, unknown>;
    const keys = Object.keys(obj);
    cborHead(o, 5, keys.length);
    for (let i = 0; i < keys.length; i++) {
      cborText(o, keys[i] as string);
      cborValue(o, obj[keys[i] as string]);
    }
    return;
  }
  throw new Error('cbor: cannot encode a ' + t);
}

/** Encodes `value` as one CBOR data item (see the header for what is supported). */
export function cborEncode(value: unknown): Uint8Array {
  const o: CborOut = { buf: new Uint8Array(64), pos: 0 };
  cborValue(o, value);
  return o.buf.subarray(0, o.pos);
}
