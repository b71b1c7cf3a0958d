// Byte helpers shared by the LoRaWAN code and the modem emulators: hex text in
// both directions and cheap empty arrays.

/** Value of each hex digit's char code (0-9, a-f, A-F), -1 for anything else. */
export const HEX_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) {
  HEX_VALUE['0123456789abcdef'.charCodeAt(i)] = i;
  HEX_VALUE['0123456789ABCDEF'.charCodeAt(i)] = i;
}
/** Lower- and upper-case hex text of every byte value. */
const HEX_PAIR_LOWER: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const HEX_PAIR: readonly string[] = HEX_PAIR_LOWER.map((p) => p.toUpperCase());

/** The bytes of an even-length hex string (either case); null for anything else. */
export function hexToBytes(hex: string): Uint8Array | null {
  if (hex.length % 2 !== 0) return null;
  if (hex.length === 0) return emptyBytes();
  const out = new Uint8Array(hex.length / 2);
  return hexInto(hex, 0, out.length, out) ? out : null;
}

/**
 * Decodes the `n` bytes of hex text at `s[from]` (2n digits, either case) into `out[0, n)`;
 * false as soon as a character is not a hex digit (`out` then partly written).
 */
export function hexInto(s: string, from: number, n: number, out: Uint8Array): boolean {
  for (let i = 0; i < n; i++) {
    const a = s.charCodeAt(from + 2 * i);
    const b = s.charCodeAt(from + 2 * i + 1);
    const hi = a < 128 ? HEX_VALUE[a]! : -1;
    const lo = b < 128 ? HEX_VALUE[b]! : -1;
    if (hi < 0 || lo < 0) return false;
    out[i] = (hi << 4) | lo;
  }
  return true;
}

/** Upper-case hex text of the bytes (lower-case with `lower`, as Buffer's toString('hex')). */
export function bytesToHex(b: Uint8Array, lower = false): string {
  const pairs = lower ? HEX_PAIR_LOWER : HEX_PAIR;
  let s = '';
  for (let i = 0; i < b.length; i++) s += pairs[b[i]!]!;
  return s;
}

/** Char codes of the upper-case hex digits. */
const HEX_CODE = Uint8Array.from('0123456789ABCDEF', (c) => c.charCodeAt(0));

/**
 * Upper-case hex of the 8 bytes at `b[off]` read backwards: a little-endian EUI on the
 * wire in display order (bytesToHex of the reversed bytes), as one flat string made at
 * once (no reversed copy, no string of pieces to flatten when it is hashed).
 */
export function euiHexLe(b: Uint8Array, off: number): string {
  const h = HEX_CODE;
  const b0 = b[off + 7]!, b1 = b[off + 6]!, b2 = b[off + 5]!, b3 = b[off + 4]!;
  const b4 = b[off + 3]!, b5 = b[off + 2]!, b6 = b[off + 1]!, b7 = b[off]!;
  return String.fromCharCode(
    h[b0 >> 4]!, h[b0 & 15]!, h[b1 >> 4]!, h[b1 & 15]!, h[b2 >> 4]!, h[b2 & 15]!, h[b3 >> 4]!, h[b3 & 15]!,
    h[b4 >> 4]!, h[b4 & 15]!, h[b5 >> 4]!, h[b5 & 15]!, h[b6 >> 4]!, h[b6 & 15]!, h[b7 >> 4]!, h[b7 & 15]!,
  );
}

/** `hex === bytesToHex(reversed b[off, off+n))` without making either (hex in upper case to match). */
export function hexEqualsLe(hex: string, b: Uint8Array, off: number, n: number): boolean {
  if (hex.length !== 2 * n) return false;
  for (let i = 0; i < n; i++) {
    const v = b[off + n - 1 - i]!;
    if (hex.charCodeAt(2 * i) !== HEX_CODE[v >> 4] || hex.charCodeAt(2 * i + 1) !== HEX_CODE[v & 15]) return false;
  }
  return true;
}

/** The zero-length buffer behind every empty array made here (see emptyBytes). */
const EMPTY_BUFFER = new ArrayBuffer(0);

/**
 * A fresh empty Uint8Array. V8 builds `new Uint8Array(0)` and empty slices on its slow
 * path (about 10x a small array's cost); a view of one shared zero-length buffer is a
 * new array all the same, and it has no byte anyone could write.
 */
export const emptyBytes = (): Uint8Array => new Uint8Array(EMPTY_BUFFER);

/**
 * One shared empty array, for code that only reads it (a placeholder, an empty argument). An
 * array handed out to callers is a fresh one (emptyBytes): the caller may keep or compare it.
 */
export const NO_BYTES: Uint8Array = new Uint8Array(0);
