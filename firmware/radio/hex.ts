// Hex and number helpers for the modem drivers, without RegExp (device profile).

/** Upper-case hex of `bytes` (what both modems accept). */
export function toHex(bytes: Uint8Array): string {
  // two digits per byte picked from a table (no number-to-string conversion, no upper-casing
  // pass: about twice as fast as toString(16) per byte; the modem hears this on every uplink)
  const H = '0123456789ABCDEF';
  let s = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    s += H.charAt(b >> 4) + H.charAt(b & 15);
  }
  return s;
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
