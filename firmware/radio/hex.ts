// Hex and number helpers for the modem drivers, without RegExp (device profile).

/** The character code of hex digit `x` (0..15): '0'..'9', 'A'..'F'. */
function hd(x: number): number {
  return x < 10 ? 48 + x : 55 + x;
}

/** Upper-case hex of `bytes` from byte `from` on (default 0), what both modems accept. */
export function toHex(bytes: Uint8Array, from?: number): string {
  // eight digits per String.fromCharCode: in V8 every `+=` onto a long string makes a new string
  // piece, so fewer, longer pieces are less garbage per uplink; no number-to-string conversion,
  // no upper-casing. The last group may read past the end (as 0): its extra digits are cut off.
  let i = from || 0;
  const len = 2 * (bytes.length - i);
  let s = '';
  for (; i < bytes.length; i += 4) {
    s += String.fromCharCode(hd(bytes[i]! >> 4), hd(bytes[i]! & 15), hd(bytes[i + 1]! >> 4), hd(bytes[i + 1]! & 15), hd(bytes[i + 2]! >> 4), hd(bytes[i + 2]! & 15), hd(bytes[i + 3]! >> 4), hd(bytes[i + 3]! & 15));
  }
  return s.substring(0, len);
}

/**
 * Bytes of an even-length hex string (either case), or null when it is not hex,
 * not a string, or (when `bytes` is given) not exactly that many bytes long.
 */
export function fromHex(x: unknown, bytes?: number): Uint8Array | null {
  if (typeof x !== 'string' || x.length & 1 || (bytes && x.length !== 2 * bytes)) return null;
  const s = x.toLowerCase();
  const out = new Uint8Array(s.length >> 1);
  for (let i = 0; i < s.length; i++) {
    const c = '0123456789abcdef'.indexOf(s.charAt(i));
    if (c < 0) return null;
    out[i >> 1] |= i & 1 ? c : c << 4;
  }
  return out;
}

/** A decimal integer in its plain form ('-42', not '+42', '042' or '4e1'), or null: no NaN ever leaves here. */
export function parseDec(s: string): number | null {
  const n = parseInt(s, 10);
  // isFinite: 'NaN' prints as itself
  return isFinite(n) && String(n) === s ? n : null;
}

/** True for an integer in [lo, hi] (no Number.isInteger on Espruino; floor(x) === x is false for non-numbers and NaN). */
export function isInt(n: unknown, lo: number, hi: number): boolean {
  return Math.floor(n as number) === n && (n as number) >= lo && (n as number) <= hi;
}
