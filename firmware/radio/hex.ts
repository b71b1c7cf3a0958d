// Hex and number helpers for the modem drivers, without RegExp (device profile).

const HEX = '0123456789ABCDEF';

/** Upper-case hex of `bytes` (what both modems accept). */
export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += HEX.charAt(bytes[i]! >> 4) + HEX.charAt(bytes[i]! & 15);
  return s;
}

/** Value of one hex digit (char code), or -1. */
function nibble(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  c |= 32;
  return c >= 97 && c <= 102 ? c - 87 : -1;
}

/** Bytes of an even-length hex string (either case), or null when it is not hex. */
export function fromHex(s: string): Uint8Array | null {
  if (s.length & 1) return null;
  const out = new Uint8Array(s.length >> 1);
  for (let i = 0; i < out.length; i++) {
    const h = nibble(s.charCodeAt(2 * i));
    const l = nibble(s.charCodeAt(2 * i + 1));
    if (h < 0 || l < 0) return null;
    out[i] = (h << 4) | l;
  }
  return out;
}

/** True when `s` is exactly `bytes` bytes of hex. */
export function isHex(s: unknown, bytes: number): boolean {
  return typeof s === 'string' && s.length === 2 * bytes && fromHex(s) !== null;
}

/** A decimal integer (optional leading '-'), or null: no NaN ever leaves here. */
export function parseDec(s: string): number | null {
  let i = 0;
  let neg = false;
  if (s.charAt(0) === '-') {
    neg = true;
    i = 1;
  }
  if (i >= s.length || s.length - i > 10) return null;
  let n = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return null;
    n = n * 10 + (c - 48);
  }
  return neg ? -n : n;
}

/** True for an integer in [lo, hi] (no Number.isInteger on Espruino). */
export function isInt(n: unknown, lo: number, hi: number): boolean {
  return typeof n === 'number' && n >= lo && n <= hi && Math.floor(n) === n;
}
