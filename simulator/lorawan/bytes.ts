// Byte helpers shared by the LoRaWAN code and the modem emulators: hex text in
// both directions and cheap empty arrays.

/** Value of each hex digit's char code (0-9, a-f, A-F), -1 for anything else. */
const HEX_VALUE = new Int8Array(128).fill(-1);
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
  for (let i = 0; i < out.length; i++) {
    const a = hex.charCodeAt(2 * i);
    const b = hex.charCodeAt(2 * i + 1);
    const hi = a < 128 ? HEX_VALUE[a]! : -1;
    const lo = b < 128 ? HEX_VALUE[b]! : -1;
    if (hi < 0 || lo < 0) return null;
    out[i] = (hi << 4) | lo;
  }
  return out;
}

/** Upper-case hex text of the bytes (lower-case with `lower`, as Buffer's toString('hex')). */
export function bytesToHex(b: Uint8Array, lower = false): string {
  const pairs = lower ? HEX_PAIR_LOWER : HEX_PAIR;
  let s = '';
  for (let i = 0; i < b.length; i++) s += pairs[b[i]!]!;
  return s;
}

/** The zero-length buffer behind every empty array made here (see emptyBytes). */
const NO_BYTES = new ArrayBuffer(0);

/**
 * A fresh empty Uint8Array. V8 builds `new Uint8Array(0)` and empty slices on its slow
 * path (about 10x a small array's cost); a view of one shared zero-length buffer is a
 * new array all the same, and it has no byte anyone could write.
 */
export const emptyBytes = (): Uint8Array => new Uint8Array(NO_BYTES);
