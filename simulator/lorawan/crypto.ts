// The simulator's fast LoRaWAN 1.0.x crypto path: AES-128 (a table-driven pure-JS
// cipher, or Node's ECB cipher for comparison), AES-CMAC (RFC 4493) and the
// LoRaWAN functions built on them (TS001 1.0.4 §4.3.3 FRMPayload encryption with
// the A_i blocks, §4.4 data MIC with the B0 block, §6.2 join MICs, join-accept
// encryption and session keys). Every key gets a context (key schedule, CMAC
// subkeys) kept in a bounded LRU cache, so a fleet's thousands of session keys are
// expanded once. lora-packet stays the reference: test/simulator/crypto*.test.ts
// proves these bytes identical to its output. Uint8Array in and out; no key is
// ever printed. Counters are full 32-bit values, written little-endian.
import { createCipheriv, createDecipheriv, type Cipher } from 'node:crypto';

// ---------- AES-128 tables (FIPS-197), computed once at load ----------

const SBOX = new Uint8Array(256);
const TE0 = new Int32Array(256); // int32: no heap numbers in the round loop
const TE1 = new Int32Array(256);
const TE2 = new Int32Array(256);
const TE3 = new Int32Array(256);

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
    const t = (s2 << 24) | (s << 16) | (s << 8) | (s2 ^ s);
    TE0[x] = t;
    TE1[x] = (t >>> 8) | (t << 24);
    TE2[x] = (t >>> 16) | (t << 16);
    TE3[x] = (t >>> 24) | (t << 8);
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

const be32 = (b: Uint8Array, o: number): number => (b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!;

function put32(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 24;
  b[o + 1] = v >>> 16;
  b[o + 2] = v >>> 8;
  b[o + 3] = v;
}

/** AES-128 key expansion: 44 round-key words. */
function expandKey(key: Uint8Array): Int32Array {
  const rk = new Int32Array(44);
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
  return rk;
}

/** The final round (SubBytes, ShiftRows, AddRoundKey; no MixColumns) for one output word. */
const lastRound = (a: number, b: number, c: number, d: number, w: number): number =>
  ((SBOX[a >>> 24]! << 24) | (SBOX[(b >>> 16) & 0xff]! << 16) | (SBOX[(c >>> 8) & 0xff]! << 8) | SBOX[d & 0xff]!) ^ w;

/** Table-driven AES-128 encryption (four T-tables, key schedule expanded once). */
export function jsAes128(key: Uint8Array): BlockCipher {
  const rk = expandKey(key);
  return {
    encrypt4(w0, w1, w2, w3, out) {
      let s0 = w0 ^ rk[0]!;
      let s1 = w1 ^ rk[1]!;
      let s2 = w2 ^ rk[2]!;
      let s3 = w3 ^ rk[3]!;
      for (let k = 4; k < 40; k += 4) {
        const t0 = TE0[s0 >>> 24]! ^ TE1[(s1 >>> 16) & 0xff]! ^ TE2[(s2 >>> 8) & 0xff]! ^ TE3[s3 & 0xff]! ^ rk[k]!;
        const t1 = TE0[s1 >>> 24]! ^ TE1[(s2 >>> 16) & 0xff]! ^ TE2[(s3 >>> 8) & 0xff]! ^ TE3[s0 & 0xff]! ^ rk[k + 1]!;
        const t2 = TE0[s2 >>> 24]! ^ TE1[(s3 >>> 16) & 0xff]! ^ TE2[(s0 >>> 8) & 0xff]! ^ TE3[s1 & 0xff]! ^ rk[k + 2]!;
        const t3 = TE0[s3 >>> 24]! ^ TE1[(s0 >>> 16) & 0xff]! ^ TE2[(s1 >>> 8) & 0xff]! ^ TE3[s2 & 0xff]! ^ rk[k + 3]!;
        s0 = t0;
        s1 = t1;
        s2 = t2;
        s3 = t3;
      }
      out[0] = lastRound(s0, s1, s2, s3, rk[40]!);
      out[1] = lastRound(s1, s2, s3, s0, rk[41]!);
      out[2] = lastRound(s2, s3, s0, s1, rk[42]!);
      out[3] = lastRound(s3, s0, s1, s2, rk[43]!);
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

/** AES-128 decryption of whole blocks (only the network's join-accept "encryption" needs it; rare). */
export function aes128DecryptBlocks(key: Uint8Array, data: Uint8Array): Uint8Array {
  const d = createDecipheriv('aes-128-ecb', key, null);
  d.setAutoPadding(false);
  const out = new Uint8Array(data.length);
  out.set(d.update(data), 0);
  d.final();
  return out;
}

// ---------- per-key contexts ----------

/** A key's expanded cipher, CMAC subkeys (RFC 4493 §2.3, as words) and 4 words of scratch. */
export interface KeyContext {
  aes: BlockCipher;
  k1: Int32Array;
  k2: Int32Array;
  tmp: Int32Array;
}

/** RFC 4493 doubling in GF(2^128): shift left one bit, XOR 0x87 when the top bit fell off. */
function dbl(src: Int32Array, dst: Int32Array): void {
  const carry = src[0]! >>> 31;
  dst[0] = (src[0]! << 1) | (src[1]! >>> 31);
  dst[1] = (src[1]! << 1) | (src[2]! >>> 31);
  dst[2] = (src[2]! << 1) | (src[3]! >>> 31);
  dst[3] = (src[3]! << 1) ^ (carry ? 0x87 : 0);
}

function makeContext(key: Uint8Array, backend: AesBackend): KeyContext {
  const aes = backend === 'node' ? nodeAes128(key) : jsAes128(key);
  const l = new Int32Array(4);
  aes.encrypt4(0, 0, 0, 0, l);
  const k1 = new Int32Array(4);
  const k2 = new Int32Array(4);
  dbl(l, k1);
  dbl(k1, k2);
  return { aes, k1, k2, tmp: new Int32Array(4) };
}

/** The 16 key bytes as a 16-character string: a cheap, exact Map key (never printed). */
function keyId(key: Uint8Array): string {
  return String.fromCharCode(
    key[0]!, key[1]!, key[2]!, key[3]!, key[4]!, key[5]!, key[6]!, key[7]!,
    key[8]!, key[9]!, key[10]!, key[11]!, key[12]!, key[13]!, key[14]!, key[15]!,
  );
}

function sameKey(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < 16; i++) if (a[i] !== b[i]) return false;
  return true;
}

export interface KeyCache {
  /** The context for a 16-byte key (expanded on first use, then reused). Throws RangeError on a bad length. */
  get(key: Uint8Array): KeyContext;
  /** Keys held in the bounded LRU now. */
  readonly size: number;
}

export interface CryptoOptions {
  /** 'js' (default): table-driven AES; 'node': node:crypto ECB cipher objects. */
  backend?: AesBackend;
  /** Most keys kept; the least recently used is dropped beyond it. Default 4096. */
  maxKeys?: number;
}

/**
 * Key contexts in a bounded LRU by key bytes (a Map keeps insertion order; a hit
 * moves the key to the end), fronted by a WeakMap on the key array itself: callers
 * that keep their key arrays (sessions do) find the context without hashing, and
 * the stored copy of the bytes catches an array changed in place.
 */
export function createKeyCache(opts: CryptoOptions = {}): KeyCache {
  const backend = opts.backend ?? 'js';
  const max = Math.max(1, opts.maxKeys ?? 4096);
  const lru = new Map<string, KeyContext>();
  const byArray = new WeakMap<Uint8Array, { bytes: Uint8Array; ctx: KeyContext }>();
  return {
    get(key) {
      const hit = byArray.get(key);
      if (hit !== undefined && sameKey(hit.bytes, key)) return hit.ctx;
      if (!(key instanceof Uint8Array) || key.length !== 16) throw new RangeError('AES-128 key must be 16 bytes');
      const id = keyId(key);
      let ctx = lru.get(id);
      if (ctx !== undefined) {
        lru.delete(id);
        lru.set(id, ctx);
      } else {
        ctx = makeContext(key, backend);
        lru.set(id, ctx);
        if (lru.size > max) lru.delete(lru.keys().next().value as string);
      }
      byArray.set(key, { bytes: key.slice(), ctx });
      return ctx;
    },
    get size() {
      return lru.size;
    },
  };
}

// ---------- AES-CMAC ----------

/** Word `j` of the final partial block padded with 10*: bytes `i < lastLen` from msg, 0x80 at lastLen, then zeros. */
function padWord(msg: Uint8Array, o: number, j: number, lastLen: number): number {
  let w = 0;
  for (let k = 0; k < 4; k++) {
    const i = 4 * j + k;
    w |= (i < lastLen ? msg[o + i]! : i === lastLen ? 0x80 : 0) << (24 - 8 * k);
  }
  return w;
}

/**
 * AES-CMAC (RFC 4493) of an optional leading block (p0..p3, e.g. B0; `prefixed`)
 * followed by `msg[off, off+len)`. The 16-byte tag is left in `ctx.tmp` as words.
 */
function cmacInto(ctx: KeyContext, prefixed: boolean, p0: number, p1: number, p2: number, p3: number, msg: Uint8Array, off: number, len: number): void {
  const aes = ctx.aes;
  const t = ctx.tmp;
  let x0 = 0;
  let x1 = 0;
  let x2 = 0;
  let x3 = 0;
  if (prefixed) {
    if (len === 0) throw new RangeError('CMAC prefix needs a non-empty message');
    aes.encrypt4(p0, p1, p2, p3, t);
    x0 = t[0]!;
    x1 = t[1]!;
    x2 = t[2]!;
    x3 = t[3]!;
  }
  const n = len === 0 ? 1 : Math.ceil(len / 16);
  let o = off;
  for (let b = 0; b < n - 1; b++, o += 16) {
    aes.encrypt4(x0 ^ be32(msg, o), x1 ^ be32(msg, o + 4), x2 ^ be32(msg, o + 8), x3 ^ be32(msg, o + 12), t);
    x0 = t[0]!;
    x1 = t[1]!;
    x2 = t[2]!;
    x3 = t[3]!;
  }
  const lastLen = len - 16 * (n - 1);
  if (lastLen === 16) {
    const k = ctx.k1;
    aes.encrypt4(x0 ^ be32(msg, o) ^ k[0]!, x1 ^ be32(msg, o + 4) ^ k[1]!, x2 ^ be32(msg, o + 8) ^ k[2]!, x3 ^ be32(msg, o + 12) ^ k[3]!, t);
  } else {
    const k = ctx.k2;
    aes.encrypt4(
      x0 ^ padWord(msg, o, 0, lastLen) ^ k[0]!,
      x1 ^ padWord(msg, o, 1, lastLen) ^ k[1]!,
      x2 ^ padWord(msg, o, 2, lastLen) ^ k[2]!,
      x3 ^ padWord(msg, o, 3, lastLen) ^ k[3]!,
      t,
    );
  }
}

/** AES-CMAC (RFC 4493) of `msg[off, off+len)`; the full 16-byte tag. */
export function cmac(ctx: KeyContext, msg: Uint8Array, off = 0, len = msg.length - off): Uint8Array {
  cmacInto(ctx, false, 0, 0, 0, 0, msg, off, len);
  const out = new Uint8Array(16);
  for (let i = 0; i < 4; i++) put32(out, 4 * i, ctx.tmp[i]!);
  return out;
}

// ---------- LoRaWAN 1.0.x ----------

/** Direction in the A_i and B0 blocks: 0 uplink, 1 downlink. */
export type Dir = 0 | 1;

// The A_i and B0 blocks share one layout: tag | 00 00 00 00 | Dir | DevAddr LE | FCnt32 LE | 00 | last.
// As big-endian words: w0 = tag << 24, and these three.
const blockW1 = (dir: Dir, devAddr: number): number => (dir << 16) | ((devAddr & 0xff) << 8) | ((devAddr >>> 8) & 0xff);
const blockW2 = (devAddr: number, fCnt: number): number =>
  (((devAddr >>> 16) & 0xff) << 24) | ((devAddr >>> 24) << 16) | ((fCnt & 0xff) << 8) | ((fCnt >>> 8) & 0xff);
const blockW3 = (fCnt: number, last: number): number => (((fCnt >>> 16) & 0xff) << 24) | ((fCnt >>> 24) << 16) | last;

export interface LoRaCrypto {
  readonly keys: KeyCache;
  /** One AES-128 block (16 bytes in, 16 out). */
  aesEncrypt(key: Uint8Array, block: Uint8Array): Uint8Array;
  /** The full RFC 4493 CMAC tag. */
  cmac(key: Uint8Array, msg: Uint8Array): Uint8Array;
  /**
   * FRMPayload encryption = decryption (TS001 §4.3.3.1): XOR with AES(key, A_i),
   * A_i = 01 | 00×4 | Dir | DevAddr LE | FCnt32 LE | 00 | i. Key: AppSKey, or NwkSKey on port 0.
   * Writes into `dst` at `dstOff` when given (else a new array) and returns it.
   */
  cryptFrmPayload(key: Uint8Array, dir: Dir, devAddr: number, fCnt32: number, data: Uint8Array, dst?: Uint8Array, dstOff?: number): Uint8Array;
  /** Data-frame MIC (§4.4): CMAC(NwkSKey, B0 | msg)[0..3], msg = MHDR..FRMPayload (`len` bytes), B0 = 49 | 00×4 | Dir | DevAddr LE | FCnt32 LE | 00 | len. */
  dataMic(nwkSKey: Uint8Array, dir: Dir, devAddr: number, fCnt32: number, msg: Uint8Array, len?: number): Uint8Array;
  /** The same MIC as one big-endian 32-bit number (no allocation; compare with the wire bytes read big-endian). */
  dataMic32(nwkSKey: Uint8Array, dir: Dir, devAddr: number, fCnt32: number, msg: Uint8Array, len?: number): number;
  /** Join-request / join-accept MIC: CMAC(AppKey, msg)[0..3] over MHDR | fields (the accept's plaintext). */
  joinMic(appKey: Uint8Array, msg: Uint8Array, len?: number): Uint8Array;
  /** Network side: MHDR | aes128_decrypt(AppKey, MACPayload | MIC) (TS001 §6.2.3). `plain` is 17 or 33 bytes. */
  encryptJoinAccept(appKey: Uint8Array, plain: Uint8Array): Uint8Array;
  /** Device side: MHDR | aes128_encrypt(AppKey, rest) recovers the plaintext accept. */
  decryptJoinAccept(appKey: Uint8Array, phy: Uint8Array): Uint8Array;
  /** 1.0 session keys: aes128_encrypt(AppKey, 0x01|0x02 | JoinNonce LE3 | NetID LE3 | DevNonce LE2 | pad16). */
  sessionKeys(appKey: Uint8Array, joinNonce: number, netId: number, devNonce: number): { nwkSKey: Uint8Array; appSKey: Uint8Array };
}

export function createLoRaCrypto(opts: CryptoOptions = {}): LoRaCrypto {
  const keys = createKeyCache(opts);
  const encryptBlocks = (key: Uint8Array, data: Uint8Array): Uint8Array => {
    if (data.length % 16 !== 0) throw new RangeError('AES-ECB input must be whole 16-byte blocks');
    const ctx = keys.get(key);
    const out = new Uint8Array(data.length);
    for (let o = 0; o < data.length; o += 16) encryptBlock(ctx.aes, data, o, out, o, ctx.tmp);
    return out;
  };
  const withMhdr = (phy: Uint8Array, body: Uint8Array): Uint8Array => {
    const out = new Uint8Array(phy.length);
    out[0] = phy[0]!;
    out.set(body, 1);
    return out;
  };
  const checkAccept = (b: Uint8Array): void => {
    if (b.length !== 17 && b.length !== 33) throw new RangeError(`join accept must be 17 or 33 bytes, got ${b.length}`);
  };
  const dataMic32 = (nwkSKey: Uint8Array, dir: Dir, devAddr: number, fCnt32: number, msg: Uint8Array, len = msg.length): number => {
    if (len > 255 || len > msg.length) throw new RangeError('data-frame message must be at most 255 bytes (and within msg)');
    const ctx = keys.get(nwkSKey);
    cmacInto(ctx, true, 0x49000000, blockW1(dir, devAddr), blockW2(devAddr, fCnt32), blockW3(fCnt32, len), msg, 0, len);
    return ctx.tmp[0]! >>> 0;
  };
  const mic4 = (w: number): Uint8Array => Uint8Array.of(w >>> 24, (w >>> 16) & 0xff, (w >>> 8) & 0xff, w & 0xff);
  return {
    keys,
    aesEncrypt(key, block) {
      if (block.length !== 16) throw new RangeError('AES block must be 16 bytes');
      return encryptBlocks(key, block);
    },
    cmac(key, msg) {
      return cmac(keys.get(key), msg);
    },
    cryptFrmPayload(key, dir, devAddr, fCnt32, data, dst, dstOff = 0) {
      const ctx = keys.get(key);
      const t = ctx.tmp;
      const out = dst ?? new Uint8Array(data.length);
      const base = dst ? dstOff : 0;
      if (base + data.length > out.length) throw new RangeError('destination too small');
      const w1 = blockW1(dir, devAddr);
      const w2 = blockW2(devAddr, fCnt32);
      const w3 = blockW3(fCnt32, 0);
      for (let o = 0, i = 1; o < data.length; o += 16, i++) {
        ctx.aes.encrypt4(0x01000000, w1, w2, w3 | i, t);
        const end = Math.min(16, data.length - o);
        for (let j = 0; j < end; j++) out[base + o + j] = data[o + j]! ^ ((t[j >> 2]! >>> (24 - 8 * (j & 3))) & 0xff);
      }
      return out;
    },
    dataMic(nwkSKey, dir, devAddr, fCnt32, msg, len) {
      return mic4(dataMic32(nwkSKey, dir, devAddr, fCnt32, msg, len));
    },
    dataMic32,
    joinMic(appKey, msg, len = msg.length) {
      const ctx = keys.get(appKey);
      cmacInto(ctx, false, 0, 0, 0, 0, msg, 0, len);
      return mic4(ctx.tmp[0]!);
    },
    encryptJoinAccept(appKey, plain) {
      checkAccept(plain);
      if (!(appKey instanceof Uint8Array) || appKey.length !== 16) throw new RangeError('AES-128 key must be 16 bytes');
      return withMhdr(plain, aes128DecryptBlocks(appKey, plain.subarray(1)));
    },
    decryptJoinAccept(appKey, phy) {
      checkAccept(phy);
      return withMhdr(phy, encryptBlocks(appKey, phy.subarray(1)));
    },
    sessionKeys(appKey, joinNonce, netId, devNonce) {
      const ctx = keys.get(appKey);
      const make = (type: number): Uint8Array => {
        // Uint8Array.of keeps the low 8 bits of each value: the little-endian bytes
        const b = Uint8Array.of(type, joinNonce, joinNonce >>> 8, joinNonce >>> 16, netId, netId >>> 8, netId >>> 16, devNonce, devNonce >>> 8, 0, 0, 0, 0, 0, 0, 0);
        encryptBlock(ctx.aes, b, 0, b, 0, ctx.tmp);
        return b;
      };
      return { nwkSKey: make(0x01), appSKey: make(0x02) };
    },
  };
}

/** The simulator's shared instance (pure-JS AES, 4096 keys). A cache only: no observable state. */
export const loraCrypto: LoRaCrypto = createLoRaCrypto();
