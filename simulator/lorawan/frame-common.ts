// What the join and data frame modules (join-frames.ts, data-frames.ts) share: the
// result type of parsers, the MTypes and little-endian field helpers. Parsers never throw.

export type Result<T> = { ok: true; value: T } | { ok: false; error: string };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T>(error: string): Result<T> => ({ ok: false, error });

export const MType = {
  JoinRequest: 0,
  JoinAccept: 1,
  UnconfirmedUp: 2,
  UnconfirmedDown: 3,
  ConfirmedUp: 4,
  ConfirmedDown: 5,
} as const;

export const isKey = (k: Uint8Array): boolean => k instanceof Uint8Array && k.length === 16;
export const checkKey = (k: Uint8Array, name: string): string | null => (isKey(k) ? null : `${name} must be 16 bytes`);

/** Writes the low `n` bytes of `v` little-endian at `dst[off]`. */
export function putLe(dst: Uint8Array, off: number, v: number, n: number): void {
  for (let i = 0; i < n; i++) dst[off + i] = (v >>> (8 * i)) & 0xff;
}

/** The `n`-byte little-endian number at `b[off]` (n <= 6). */
export function readLe(b: Uint8Array, off: number, n: number): number {
  let v = 0;
  for (let i = n - 1; i >= 0; i--) v = v * 256 + b[off + i]!;
  return v;
}

/** putMic(dst, off, mic) writes a MIC (a big-endian number, as the crypto functions give it) at `dst[off]`. */
export { put32 as putMic } from './aes.ts';

/** The 4 MIC bytes at `b[off]` equal the big-endian number `mic`. */
export const micIs = (b: Uint8Array, off: number, mic: number): boolean =>
  ((b[off]! << 24) | (b[off + 1]! << 16) | (b[off + 2]! << 8) | b[off + 3]!) >>> 0 === mic >>> 0;
