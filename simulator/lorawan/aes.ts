// AES-128 for the simulator's crypto path (crypto.ts): a table-driven pure-JS cipher
// (FIPS-197, four T-tables, key schedule expanded once) or Node's ECB cipher for
// comparison, both behind one interface, plus block helpers. No key is ever printed.
import { createCipheriv, type Cipher } from 'node:crypto';

// ---------- AES-128 tables (FIPS-197), computed once at load ----------

// One T-table and its byte rotations instead of four rotated copies: 1 KB + the S-box
// stay within ~20 cache lines. The simulator encrypts a few blocks per uplink between
// long stretches of other work, so the tables are usually cold; four tables (68 lines)
// cost more in cache misses than the three extra operations per lookup.
const SBOX = new Uint8Array(256);
const TE0 = new Int32Array(256); // int32: no heap numbers in the round loop

const xtime = (b: number): number => ((b << 1) ^ (b & 0x80 ? 0x1b : 0)) & 0xff;

(function fillTables(): void {
  // Walk the multiplicative group with generator 3 (p) and its inverse (q).
  let p = 1;
  let q = 1;
  do {
    p = p ^ xtime(p);
    q ^= q << 1;
    q ^= q << 2;
    q ^= q << 4;
    q &= 0xff;
    if (q & 0x80) q ^= 0x09;
    const r = (n: number): number => ((q << n) | (q >> (8 - n))) & 0xff;
    SBOX[p] = q ^ r(1) ^ r(2) ^ r(3) ^ r(4) ^ 0x63;
  } while (p !== 1);
  SBOX[0] = 0x63;
  for (let x = 0; x < 256; x++) {
    const s = SBOX[x]!;
    const s2 = xtime(s);
    TE0[x] = (s2 << 24) | (s << 16) | (s << 8) | (s2 ^ s);
  }
})();

/**
 * Encrypts one 16-byte block with a fixed key. The block is four big-endian 32-bit
 * words (signed int32, as JS bitwise operators give them); the result goes to `out`.
 */
export interface BlockCipher {
  encrypt4(w0: number, w1: number, w2: number, w3: number, out: Int32Array): void;
}

export type AesBackend = 'js' | 'node';

export const be32 = (b: Uint8Array, o: number): number => (b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!;

export function put32(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 24;
  b[o + 1] = v >>> 16;
  b[o + 2] = v >>> 8;
  b[o + 3] = v;
}

/** AES-128 key expansion: the 44 round-key words into `rk[0..43]` (a larger array keeps the rest). */
export function expandKeyInto(key: Uint8Array, rk: Int32Array): void {
  for (let i = 0; i < 4; i++) rk[i] = be32(key, 4 * i);
  let rcon = 1;
  for (let i = 4; i < 44; i++) {
    let t = rk[i - 1]!;
    if (i % 4 === 0) {
      t =
        ((SBOX[(t >>> 16) & 0xff]! << 24) | (SBOX[(t >>> 8) & 0xff]! << 16) | (SBOX[t & 0xff]! << 8) | SBOX[t >>> 24]!) ^
        (rcon << 24);
      rcon = xtime(rcon);
    }
    rk[i] = rk[i - 4]! ^ t;
  }
}

/** The final round (SubBytes, ShiftRows, AddRoundKey; no MixColumns) for one output word. */
const lastRound = (a: number, b: number, c: number, d: number, w: number): number =>
  ((SBOX[a >>> 24]! << 24) | (SBOX[(b >>> 16) & 0xff]! << 16) | (SBOX[(c >>> 8) & 0xff]! << 8) | SBOX[d & 0xff]!) ^ w;

/** The T-table entry for byte x rotated right by 8, 16 and 24 bits (the classic TE1..TE3). */
const te1 = (x: number): number => {
  const t = TE0[x]!;
  return (t >>> 8) | (t << 24);
};
const te2 = (x: number): number => {
  const t = TE0[x]!;
  return (t >>> 16) | (t << 16);
};
const te3 = (x: number): number => {
  const t = TE0[x]!;
  return (t >>> 24) | (t << 8);
};

/**
 * Table-driven AES-128 encryption of one block with the round keys `rk[0..43]` (from
 * expandKeyInto). A plain function of the words, so a caller can keep the round keys
 * in an array of its own (crypto.ts keeps everything of a key in one array).
 */
export function aesEncryptRk(rk: Int32Array, w0: number, w1: number, w2: number, w3: number, out: Int32Array): void {
  let s0 = w0 ^ rk[0]!;
  let s1 = w1 ^ rk[1]!;
  let s2 = w2 ^ rk[2]!;
  let s3 = w3 ^ rk[3]!;
  for (let k = 4; k < 40; k += 4) {
    const t0 = TE0[s0 >>> 24]! ^ te1((s1 >>> 16) & 0xff) ^ te2((s2 >>> 8) & 0xff) ^ te3(s3 & 0xff) ^ rk[k]!;
    const t1 = TE0[s1 >>> 24]! ^ te1((s2 >>> 16) & 0xff) ^ te2((s3 >>> 8) & 0xff) ^ te3(s0 & 0xff) ^ rk[k + 1]!;
    const t2 = TE0[s2 >>> 24]! ^ te1((s3 >>> 16) & 0xff) ^ te2((s0 >>> 8) & 0xff) ^ te3(s1 & 0xff) ^ rk[k + 2]!;
    const t3 = TE0[s3 >>> 24]! ^ te1((s0 >>> 16) & 0xff) ^ te2((s1 >>> 8) & 0xff) ^ te3(s2 & 0xff) ^ rk[k + 3]!;
    s0 = t0;
    s1 = t1;
    s2 = t2;
    s3 = t3;
  }
  out[0] = lastRound(s0, s1, s2, s3, rk[40]!);
  out[1] = lastRound(s1, s2, s3, s0, rk[41]!);
  out[2] = lastRound(s2, s3, s0, s1, rk[42]!);
  out[3] = lastRound(s3, s0, s1, s2, rk[43]!);
}

/** Table-driven AES-128 encryption (one T-table, key schedule expanded once). */
export function jsAes128(key: Uint8Array): BlockCipher {
  const rk = new Int32Array(44);
  expandKeyInto(key, rk);
  return {
    encrypt4(w0, w1, w2, w3, out) {
      aesEncryptRk(rk, w0, w1, w2, w3, out);
    },
  };
}

/** AES-128 through one reusable Node ECB cipher: update() returns each block at once. */
export function nodeAes128(key: Uint8Array): BlockCipher {
  const c: Cipher = createCipheriv('aes-128-ecb', key, null);
  c.setAutoPadding(false);
  const block = Buffer.alloc(16);
  return {
    encrypt4(w0, w1, w2, w3, out) {
      block.writeInt32BE(w0, 0);
      block.writeInt32BE(w1, 4);
      block.writeInt32BE(w2, 8);
      block.writeInt32BE(w3, 12);
      const r = c.update(block);
      for (let i = 0; i < 4; i++) out[i] = r.readInt32BE(4 * i);
    },
  };
}

/** Encrypts the 16 bytes at `src[so]` into `dst[dO]` (they may overlap). `tmp` is 4 words of scratch. */
export function encryptBlock(aes: BlockCipher, src: Uint8Array, so: number, dst: Uint8Array, dO: number, tmp: Int32Array = new Int32Array(4)): void {
  aes.encrypt4(be32(src, so), be32(src, so + 4), be32(src, so + 8), be32(src, so + 12), tmp);
  for (let i = 0; i < 4; i++) put32(dst, dO + 4 * i, tmp[i]!);
}

// ---------- decryption (the network's join-accept "encryption" only) ----------

/** Product of two bytes in GF(2^8). */
function gmul(a: number, b: number): number {
  let p = 0;
  for (; b !== 0; b >>= 1, a = xtime(a)) if (b & 1) p ^= a;
  return p;
}

// The equivalent inverse cipher (FIPS-197 §5.3.5): the inverse S-box and one inverse T-table.
const INV_SBOX = new Uint8Array(256);
const TD0 = new Int32Array(256);
for (let x = 0; x < 256; x++) INV_SBOX[SBOX[x]!] = x;
for (let x = 0; x < 256; x++) {
  const v = INV_SBOX[x]!;
  TD0[x] = (gmul(v, 0x0e) << 24) | (gmul(v, 0x09) << 16) | (gmul(v, 0x0d) << 8) | gmul(v, 0x0b);
}

/** The inverse round's column: TD0 of `a`, and of b, c, d rotated right by 8, 16, 24 bits. */
const td4 = (a: number, b: number, c: number, d: number): number => {
  const tb = TD0[b]!;
  const tc = TD0[c]!;
  const td = TD0[d]!;
  return TD0[a]! ^ ((tb >>> 8) | (tb << 24)) ^ ((tc >>> 16) | (tc << 16)) ^ ((td >>> 24) | (td << 8));
};

/** The final inverse round (InvSubBytes, InvShiftRows, AddRoundKey) for one output word. */
const invLast = (a: number, b: number, c: number, d: number, k: number): number =>
  ((INV_SBOX[a >>> 24]! << 24) | (INV_SBOX[(b >>> 16) & 0xff]! << 16) | (INV_SBOX[(c >>> 8) & 0xff]! << 8) | INV_SBOX[d & 0xff]!) ^ k;

// Scratch round keys (a call never re-enters): no arrays allocated per call.
const RK = new Int32Array(44);
const DK = new Int32Array(44);

/** AES-128 decryption of whole blocks (only the network's join-accept "encryption" needs it): table-driven, no cipher object per call. */
export function aes128DecryptBlocks(key: Uint8Array, data: Uint8Array): Uint8Array {
  if (!(key instanceof Uint8Array) || key.length !== 16) throw new RangeError('AES-128 key must be 16 bytes');
  if (data.length % 16 !== 0) throw new RangeError('AES-ECB input must be whole 16-byte blocks');
  expandKeyInto(key, RK);
  const out = new Uint8Array(data.length);
  aes128DecryptInto(RK, data, 0, data.length, out, 0);
  return out;
}

/**
 * AES-128 decryption of the `len` bytes (whole blocks) at `src[srcOff]` into `dst[dstOff]`
 * with the encryption round keys `rk[0..43]` (expandKeyInto's, e.g. a key context's): no
 * key expansion when the caller has them. Ranges are the caller's to check.
 */
export function aes128DecryptInto(rk: Int32Array, src: Uint8Array, srcOff: number, len: number, dst: Uint8Array, dstOff: number): void {
  // decryption round keys: the encryption ones in reverse order, InvMixColumns on the inner
  // rounds (td4 of the S-box bytes is InvMixColumns: the table's inverse S-box cancels the S-box)
  const dk = DK;
  for (let r = 0; r <= 10; r++) {
    for (let j = 0; j < 4; j++) {
      const w = rk[4 * (10 - r) + j]!;
      dk[4 * r + j] = r === 0 || r === 10 ? w : td4(SBOX[w >>> 24]!, SBOX[(w >>> 16) & 0xff]!, SBOX[(w >>> 8) & 0xff]!, SBOX[w & 0xff]!);
    }
  }
  for (let b = 0; b < len; b += 16) {
    const o = srcOff + b;
    let s0 = be32(src, o) ^ dk[0]!;
    let s1 = be32(src, o + 4) ^ dk[1]!;
    let s2 = be32(src, o + 8) ^ dk[2]!;
    let s3 = be32(src, o + 12) ^ dk[3]!;
    for (let k = 4; k < 40; k += 4) {
      const t0 = td4(s0 >>> 24, (s3 >>> 16) & 0xff, (s2 >>> 8) & 0xff, s1 & 0xff) ^ dk[k]!;
      const t1 = td4(s1 >>> 24, (s0 >>> 16) & 0xff, (s3 >>> 8) & 0xff, s2 & 0xff) ^ dk[k + 1]!;
      const t2 = td4(s2 >>> 24, (s1 >>> 16) & 0xff, (s0 >>> 8) & 0xff, s3 & 0xff) ^ dk[k + 2]!;
      const t3 = td4(s3 >>> 24, (s2 >>> 16) & 0xff, (s1 >>> 8) & 0xff, s0 & 0xff) ^ dk[k + 3]!;
      s0 = t0;
      s1 = t1;
      s2 = t2;
      s3 = t3;
    }
    const d = dstOff + b;
    put32(dst, d, invLast(s0, s3, s2, s1, dk[40]!));
    put32(dst, d + 4, invLast(s1, s0, s3, s2, dk[41]!));
    put32(dst, d + 8, invLast(s2, s1, s0, s3, dk[42]!));
    put32(dst, d + 12, invLast(s3, s2, s1, s0, dk[43]!));
  }
}
