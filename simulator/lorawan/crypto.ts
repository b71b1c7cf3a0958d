// The simulator's fast LoRaWAN 1.0.x crypto path: AES-128 (aes.ts: a table-driven
// pure-JS cipher, or Node's ECB cipher for comparison), AES-CMAC (RFC 4493) and the
// LoRaWAN functions built on them (TS001 1.0.4 §4.3.3 FRMPayload encryption with
// the A_i blocks, §4.4 data MIC with the B0 block, §6.2 join MICs, join-accept
// encryption and session keys). Every key gets a context (keyctx.ts: key schedule,
// CMAC subkeys, memos in one array) kept in a bounded LRU cache, so a fleet's thousands
// of session keys are expanded once. lora-packet stays the reference: test/simulator/crypto*.test.ts
// proves these bytes identical to its output. Uint8Array in and out; no key is
// ever printed. Counters are full 32-bit values, written little-endian.
import { aes128DecryptInto, be32, put32 } from './aes.ts';
import {
  createKeyCache,
  encryptWords,
  K1,
  K2,
  KS_BLOCKS,
  KS_W1,
  KS_W2,
  KS_W3,
  KS_WORDS,
  MEMO_BLOCKS,
  MEMO_BYTES,
  MIC_LEN,
  MIC_MSG,
  MIC_TAG,
  MIC_W1,
  MIC_W2,
  MIC_W3,
  T,
  type CryptoOptions,
  type KeyCache,
  type KeyContext,
} from './keyctx.ts';

export { aes128DecryptBlocks, aes128DecryptInto, encryptBlock, jsAes128, nodeAes128, type AesBackend, type BlockCipher } from './aes.ts';
export { createKeyCache, KeyContext, type CryptoOptions, type KeyCache } from './keyctx.ts';

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
 * followed by `msg[off, off+len)`. The 16-byte tag is left in T (keyctx.ts) as words.
 */
function cmacInto(ctx: KeyContext, prefixed: boolean, p0: number, p1: number, p2: number, p3: number, msg: Uint8Array, off: number, len: number): void {
  let x0 = 0;
  let x1 = 0;
  let x2 = 0;
  let x3 = 0;
  if (prefixed) {
    if (len === 0) throw new RangeError('CMAC prefix needs a non-empty message');
    encryptWords(ctx, p0, p1, p2, p3);
    x0 = T[0]!;
    x1 = T[1]!;
    x2 = T[2]!;
    x3 = T[3]!;
  }
  const n = len === 0 ? 1 : Math.ceil(len / 16);
  let o = off;
  for (let b = 0; b < n - 1; b++, o += 16) {
    encryptWords(ctx, x0 ^ be32(msg, o), x1 ^ be32(msg, o + 4), x2 ^ be32(msg, o + 8), x3 ^ be32(msg, o + 12));
    x0 = T[0]!;
    x1 = T[1]!;
    x2 = T[2]!;
    x3 = T[3]!;
  }
  const lastLen = len - 16 * (n - 1);
  const w = ctx; // (the context is its words)
  if (lastLen === 16) {
    encryptWords(ctx, x0 ^ be32(msg, o) ^ w[K1]!, x1 ^ be32(msg, o + 4) ^ w[K1 + 1]!, x2 ^ be32(msg, o + 8) ^ w[K1 + 2]!, x3 ^ be32(msg, o + 12) ^ w[K1 + 3]!);
  } else {
    encryptWords(
      ctx,
      x0 ^ padWord(msg, o, 0, lastLen) ^ w[K2]!,
      x1 ^ padWord(msg, o, 1, lastLen) ^ w[K2 + 1]!,
      x2 ^ padWord(msg, o, 2, lastLen) ^ w[K2 + 2]!,
      x3 ^ padWord(msg, o, 3, lastLen) ^ w[K2 + 3]!,
    );
  }
}

/** AES-CMAC (RFC 4493) of `msg[off, off+len)`; the full 16-byte tag. */
export function cmac(ctx: KeyContext, msg: Uint8Array, off = 0, len = msg.length - off): Uint8Array {
  cmacInto(ctx, false, 0, 0, 0, 0, msg, off, len);
  const out = new Uint8Array(16);
  for (let i = 0; i < 4; i++) put32(out, 4 * i, T[i]!);
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

// Memos. In the simulator every frame is computed twice with the same key: the sender
// builds it (keystream + MIC) and the receiver checks it (the same MIC, the same
// keystream) moments later. Each key context remembers its last MIC with the complete
// input (B0 words and message bytes) and its last keystream with its A_i words, so the
// receiver's work becomes a comparison. A memo answers only when every input matches,
// so results are exactly those of the computation. Both live in the context's word
// array (keyctx.ts), for messages and keystreams up to MEMO_BYTES.

/** The big-endian word of msg[i..i+3], bytes at or past `len` read as 0 (how the MIC memo packs a message). */
function wordAt(msg: Uint8Array, i: number, len: number): number {
  if (i + 4 <= len) return be32(msg, i);
  let v = 0;
  for (let k = 0; i + k < len; k++) v |= msg[i + k]! << (24 - 8 * k);
  return v;
}

/**
 * Data-frame MIC as a big-endian number for a key context (LoRaCrypto.dataMic32 without
 * the key lookup: for callers that keep their contexts, as the network's sessions do).
 */
export function dataMic32Of(ctx: KeyContext, dir: Dir, devAddr: number, fCnt32: number, msg: Uint8Array, len = msg.length): number {
  if (len > 255 || len > msg.length) throw new RangeError('data-frame message must be at most 255 bytes (and within msg)');
  const w1 = blockW1(dir, devAddr);
  const w2 = blockW2(devAddr, fCnt32);
  const w3 = blockW3(fCnt32, len);
  const w = ctx; // (the context is its words)
  const memo = len <= MEMO_BYTES;
  if (memo && w[MIC_LEN] === len && w[MIC_W1] === w1 && w[MIC_W2] === w2 && w[MIC_W3] === w3) {
    let i = 0;
    while (i < len && w[MIC_MSG + (i >> 2)] === wordAt(msg, i, len)) i += 4;
    if (i >= len) return w[MIC_TAG]! >>> 0;
  }
  cmacInto(ctx, true, 0x49000000, w1, w2, w3, msg, 0, len);
  const tag = T[0]!;
  if (memo) {
    w[MIC_W1] = w1;
    w[MIC_W2] = w2;
    w[MIC_W3] = w3;
    w[MIC_LEN] = len;
    w[MIC_TAG] = tag;
    for (let i = 0; i < len; i += 4) w[MIC_MSG + (i >> 2)] = wordAt(msg, i, len);
  }
  return tag >>> 0;
}

/**
 * FRMPayload encryption = decryption for a key context: `dst[dstOff + j] = src[srcOff + j] ^ AES(key, A_i)`,
 * j < len, through the context's keystream memo (filled or extended as needed) when the
 * keystream fits it, else computed block by block. Ranges are the caller's to check.
 */
export function cryptInto(ctx: KeyContext, dir: Dir, devAddr: number, fCnt32: number, src: Uint8Array, srcOff: number, len: number, dst: Uint8Array, dstOff: number): void {
  const w1 = blockW1(dir, devAddr);
  const w2 = blockW2(devAddr, fCnt32);
  const w3 = blockW3(fCnt32, 0);
  const blocks = (len + 15) >> 4;
  // a stored byte keeps the low 8 bits: src ^ (word >>> shift) writes src ^ that keystream byte
  if (blocks <= MEMO_BLOCKS) {
    const w = ctx; // (the context is its words)
    if (w[KS_W1] !== w1 || w[KS_W2] !== w2 || w[KS_W3] !== w3) {
      w[KS_W1] = w1;
      w[KS_W2] = w2;
      w[KS_W3] = w3;
      w[KS_BLOCKS] = 0;
    }
    const held = w[KS_BLOCKS]!;
    if (held < blocks) {
      for (let i = held + 1; i <= blocks; i++) {
        encryptWords(ctx, 0x01000000, w1, w2, w3 | i);
        const o = KS_WORDS + 4 * (i - 1);
        w[o] = T[0]!;
        w[o + 1] = T[1]!;
        w[o + 2] = T[2]!;
        w[o + 3] = T[3]!;
      }
      w[KS_BLOCKS] = blocks;
    }
    for (let j = 0; j < len; j++) dst[dstOff + j] = src[srcOff + j]! ^ (w[KS_WORDS + (j >> 2)]! >>> (24 - ((j & 3) << 3)));
    return;
  }
  for (let b = 0; b < blocks; b++) {
    encryptWords(ctx, 0x01000000, w1, w2, w3 | (b + 1));
    const end = Math.min(len, 16 * b + 16);
    for (let j = 16 * b; j < end; j++) dst[dstOff + j] = src[srcOff + j]! ^ (T[(j >> 2) & 3]! >>> (24 - ((j & 3) << 3)));
  }
}

/** Encrypts the 16 bytes at `src[so]` into `dst[dO]` (they may overlap). */
function encryptBytes(ctx: KeyContext, src: Uint8Array, so: number, dst: Uint8Array, dO: number): void {
  encryptWords(ctx, be32(src, so), be32(src, so + 4), be32(src, so + 8), be32(src, so + 12));
  for (let i = 0; i < 4; i++) put32(dst, dO + 4 * i, T[i]!);
}

// ---------- joins, on a key context (AppKey's) ----------

/** Join-request / join-accept MIC (CMAC(AppKey, msg[0, len))[0..3]) as a big-endian number. */
export function joinMic32Of(ctx: KeyContext, msg: Uint8Array, len: number): number {
  cmacInto(ctx, false, 0, 0, 0, 0, msg, 0, len);
  return T[0]! >>> 0;
}

/**
 * Network side: MHDR | aes128_decrypt(AppKey, MACPayload | MIC) of the plaintext accept
 * (17 or 33 bytes; the caller checks) into a new array, with the context's round keys.
 */
export function encryptJoinAcceptOf(ctx: KeyContext, plain: Uint8Array): Uint8Array {
  const out = new Uint8Array(plain.length);
  out[0] = plain[0]!;
  aes128DecryptInto(ctx, plain, 1, plain.length - 1, out, 1);
  return out;
}

/** Device side: MHDR | aes128_encrypt(AppKey, rest) recovers the plaintext accept (17 or 33 bytes; the caller checks). */
export function decryptJoinAcceptOf(ctx: KeyContext, phy: Uint8Array): Uint8Array {
  const out = new Uint8Array(phy.length);
  out[0] = phy[0]!;
  for (let o = 1; o < phy.length; o += 16) encryptBytes(ctx, phy, o, out, o);
  return out;
}

/** One 1.0 session key: aes128_encrypt(AppKey, type | JoinNonce LE3 | NetID LE3 | DevNonce LE2 | pad16). */
function sessionKey(ctx: KeyContext, type: number, joinNonce: number, netId: number, devNonce: number): Uint8Array {
  // the block as big-endian words; each field byte keeps the low 8 bits of its value
  encryptWords(
    ctx,
    (type << 24) | ((joinNonce & 0xff) << 16) | (((joinNonce >>> 8) & 0xff) << 8) | ((joinNonce >>> 16) & 0xff),
    ((netId & 0xff) << 24) | (((netId >>> 8) & 0xff) << 16) | (((netId >>> 16) & 0xff) << 8) | (devNonce & 0xff),
    ((devNonce >>> 8) & 0xff) << 24,
    0,
  );
  const k = new Uint8Array(16);
  for (let i = 0; i < 4; i++) put32(k, 4 * i, T[i]!);
  return k;
}

/** The 1.0 session keys (NwkSKey type 0x01, AppSKey 0x02) from AppKey's context. */
export function sessionKeysOf(ctx: KeyContext, joinNonce: number, netId: number, devNonce: number): { nwkSKey: Uint8Array; appSKey: Uint8Array } {
  return { nwkSKey: sessionKey(ctx, 0x01, joinNonce, netId, devNonce), appSKey: sessionKey(ctx, 0x02, joinNonce, netId, devNonce) };
}

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
  /** The same for the `len` bytes at `src[srcOff]` (e.g. inside a PHYPayload, without a copy first), into a new array. */
  cryptFrmPayloadFrom(key: Uint8Array, dir: Dir, devAddr: number, fCnt32: number, src: Uint8Array, srcOff: number, len: number): Uint8Array;
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
    for (let o = 0; o < data.length; o += 16) encryptBytes(ctx, data, o, out, o);
    return out;
  };
  const checkAccept = (b: Uint8Array): void => {
    if (b.length !== 17 && b.length !== 33) throw new RangeError(`join accept must be 17 or 33 bytes, got ${b.length}`);
  };
  // (dataMic32Of checks the length)
  const dataMic32 = (nwkSKey: Uint8Array, dir: Dir, devAddr: number, fCnt32: number, msg: Uint8Array, len = msg.length): number =>
    dataMic32Of(keys.get(nwkSKey), dir, devAddr, fCnt32, msg, len);
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
      const n = data.length;
      const out = dst ?? new Uint8Array(n);
      const base = dst ? dstOff : 0;
      if (base + n > out.length) throw new RangeError('destination too small');
      cryptInto(ctx, dir, devAddr, fCnt32, data, 0, n, out, base);
      return out;
    },
    cryptFrmPayloadFrom(key, dir, devAddr, fCnt32, src, srcOff, len) {
      if (srcOff < 0 || len < 0 || srcOff + len > src.length) throw new RangeError('source range outside the array');
      const ctx = keys.get(key);
      const out = new Uint8Array(len);
      cryptInto(ctx, dir, devAddr, fCnt32, src, srcOff, len, out, 0);
      return out;
    },
    dataMic(nwkSKey, dir, devAddr, fCnt32, msg, len) {
      return mic4(dataMic32(nwkSKey, dir, devAddr, fCnt32, msg, len));
    },
    dataMic32,
    joinMic(appKey, msg, len = msg.length) {
      return mic4(joinMic32Of(keys.get(appKey), msg, len));
    },
    encryptJoinAccept(appKey, plain) {
      checkAccept(plain);
      return encryptJoinAcceptOf(keys.get(appKey), plain);
    },
    decryptJoinAccept(appKey, phy) {
      checkAccept(phy);
      return decryptJoinAcceptOf(keys.get(appKey), phy);
    },
    sessionKeys(appKey, joinNonce, netId, devNonce) {
      return sessionKeysOf(keys.get(appKey), joinNonce, netId, devNonce);
    },
  };
}

/** The simulator's shared instance (pure-JS AES, 4096 keys). A cache only: no observable state. */
export const loraCrypto: LoRaCrypto = createLoRaCrypto();
