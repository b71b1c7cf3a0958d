// Hex and number helpers for the modem drivers, without RegExp (device profile).

/** The character code of hex digit `x` (0..15): '0'..'9', 'A'..'F'. */
function hd(x: number): number {
  return x < 10 ? 48 + x : 55 + x;
}

/** Upper-case hex of `bytes` (what both modems accept). */
export function toHex(bytes: Uint8Array): string {
  // eight digits per String.fromCharCode while four bytes are left, then two: in V8 every `+=`
  // onto a long string makes a new string piece, so fewer, longer pieces are less garbage per
  // uplink (about half of a digit pair per `+=`); no number-to-string conversion, no upper-casing
  const n = bytes.length;
  let s = '';
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const a = bytes[i]!;
    const b = bytes[i + 1]!;
    const c = bytes[i + 2]!;
    const d = bytes[i + 3]!;
    s += String.fromCharCode(hd(a >> 4), hd(a & 15), hd(b >> 4), hd(b & 15), hd(c >> 4), hd(c & 15), hd(d >> 4), hd(d & 15));
  }
  for (; i < n; i++) s += String.fromCharCode(hd(bytes[i]! >> 4), hd(bytes[i]! & 15));
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
