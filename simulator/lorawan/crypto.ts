// The simulator's fast LoRaWAN 1.0.x crypto path: AES-128 (aes.ts: a table-driven
// pure-JS cipher, or Node's ECB cipher for comparison), AES-CMAC (RFC 4493) and the
// LoRaWAN functions built on them (TS001 1.0.4 §4.3.3 FRMPayload encryption with
// the A_i blocks, §4.4 data MIC with the B0 block, §6.2 join MICs, join-accept
// encryption and session keys). Every key gets a context (key schedule, CMAC
// subkeys) kept in a bounded LRU cache, so a fleet's thousands of session keys are
// expanded once. lora-packet stays the reference: test/simulator/crypto*.test.ts
// proves these bytes identical to its output. Uint8Array in and out; no key is
// ever printed. Counters are full 32-bit values, written little-endian.
import { aes128DecryptBlocks, be32, encryptBlock, jsAes128, nodeAes128, put32, type AesBackend, type BlockCipher } from './aes.ts';

export { aes128DecryptBlocks, encryptBlock, jsAes128, nodeAes128, type AesBackend, type BlockCipher } from './aes.ts';

// ---------- per-key contexts ----------

/** A key's expanded cipher, CMAC subkeys (RFC 4493 §2.3, as words) and 4 words of scratch. */
export interface KeyContext {
  aes: BlockCipher;
  k1: Int32Array;
  k2: Int32Array;
  tmp: Int32Array;
  /** The last data MIC computed with this key (see `dataMic32`), or null. */
  mic: MicMemo | null;
  /** The last FRMPayload keystream computed with this key (see `cryptFrmPayload`), or null. */
  ks: KeystreamMemo | null;
}

// Memos. In the simulator every frame is computed twice with the same key: the sender
// builds it (keystream + MIC) and the receiver checks it (the same MIC, the same
// keystream) moments later. Each key context remembers its last MIC with the complete
// input (B0 words and message bytes) and its last keystream with its A_i words, so the
// receiver's work becomes a comparison. A memo answers only when every input matches,
// so results are exactly those of the computation.

/** B0 words 1..3 (Dir, DevAddr, FCnt32, length), a copy of the message bytes, and the tag's first word. */
interface MicMemo {
  w1: number;
  w2: number;
  w3: number;
  len: number;
  msg: Uint8Array;
  tag: number;
}

/** A_i words 1..3 (Dir, DevAddr, FCnt32; i = 0) and the keystream bytes of the first `blocks` blocks. */
interface KeystreamMemo {
  w1: number;
  w2: number;
  w3: number;
  blocks: number;
  bytes: Uint8Array;
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
  return { aes, k1, k2, tmp: new Int32Array(4), mic: null, ks: null };
}

/** The 16 key bytes as a 16-character string: a cheap, exact Map key (never printed). */
function keyId(key: Uint8Array): string {
  return String.fromCharCode(
    key[0]!, key[1]!, key[2]!, key[3]!, key[4]!, key[5]!, key[6]!, key[7]!,
    key[8]!, key[9]!, key[10]!, key[11]!, key[12]!, key[13]!, key[14]!, key[15]!,
  );
}

/**
 * A key array's context with the key bytes it was found for, as four big-endian words
 * kept in the entry itself: checking them reads only the caller's array (a copy of the
 * bytes in a second array cost a second cache miss, which made the check 3-4x slower).
 */
interface ArrayEntry {
  w0: number;
  w1: number;
  w2: number;
  w3: number;
  ctx: KeyContext;
}

/** The key array still holds the bytes the entry was made for. */
const sameKey = (e: ArrayEntry, key: Uint8Array): boolean =>
  key.length === 16 && e.w0 === be32(key, 0) && e.w1 === be32(key, 4) && e.w2 === be32(key, 8) && e.w3 === be32(key, 12);

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
  const byArray = new WeakMap<Uint8Array, ArrayEntry>();
  return {
    get(key) {
      const hit = byArray.get(key);
      if (hit !== undefined && sameKey(hit, key)) return hit.ctx;
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
      byArray.set(key, { w0: be32(key, 0), w1: be32(key, 4), w2: be32(key, 8), w3: be32(key, 12), ctx });
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

/** The first `len` bytes of `a` and `b` are equal. */
function samePrefix(a: Uint8Array, b: Uint8Array, len: number): boolean {
  for (let i = 0; i < len; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The keystream bytes AES(key, A_i), i = 1..blocks, for A_i words 1..3 (w3 with i = 0),
 * from the context's memo when it holds these words (extended when it holds fewer blocks).
 */
function keystream(ctx: KeyContext, w1: number, w2: number, w3: number, blocks: number): Uint8Array {
  let m = ctx.ks;
  if (m === null || m.w1 !== w1 || m.w2 !== w2 || m.w3 !== w3) {
    if (m === null) m = ctx.ks = { w1, w2, w3, blocks: 0, bytes: new Uint8Array(16 * Math.max(2, blocks)) };
    m.w1 = w1;
    m.w2 = w2;
    m.w3 = w3;
    m.blocks = 0;
  }
  if (m.blocks < blocks) {
    if (m.bytes.length < 16 * blocks) {
      const grown = new Uint8Array(16 * blocks);
      grown.set(m.bytes.subarray(0, 16 * m.blocks));
      m.bytes = grown;
    }
    const t = ctx.tmp;
    for (let i = m.blocks + 1; i <= blocks; i++) {
      ctx.aes.encrypt4(0x01000000, w1, w2, w3 | i, t);
      const o = 16 * (i - 1);
      for (let k = 0; k < 4; k++) put32(m.bytes, o + 4 * k, t[k]!);
    }
    m.blocks = blocks;
  }
  return m.bytes;
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
    const w1 = blockW1(dir, devAddr);
    const w2 = blockW2(devAddr, fCnt32);
    const w3 = blockW3(fCnt32, len);
    let m = ctx.mic;
    if (m !== null && m.w1 === w1 && m.w2 === w2 && m.w3 === w3 && m.len === len && samePrefix(m.msg, msg, len)) return m.tag;
    cmacInto(ctx, true, 0x49000000, w1, w2, w3, msg, 0, len);
    const tag = ctx.tmp[0]! >>> 0;
    if (m === null || m.msg.length < len) m = ctx.mic = { w1, w2, w3, len, msg: new Uint8Array(Math.max(32, len)), tag };
    m.w1 = w1;
    m.w2 = w2;
    m.w3 = w3;
    m.len = len;
    m.tag = tag;
    for (let i = 0; i < len; i++) m.msg[i] = msg[i]!;
    return tag;
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
      const n = data.length;
      const out = dst ?? new Uint8Array(n);
      const base = dst ? dstOff : 0;
      if (base + n > out.length) throw new RangeError('destination too small');
      const ks = keystream(ctx, blockW1(dir, devAddr), blockW2(devAddr, fCnt32), blockW3(fCnt32, 0), (n + 15) >> 4);
      for (let j = 0; j < n; j++) out[base + j] = data[j]! ^ ks[j]!;
      return out;
    },
    cryptFrmPayloadFrom(key, dir, devAddr, fCnt32, src, srcOff, len) {
      if (srcOff < 0 || len < 0 || srcOff + len > src.length) throw new RangeError('source range outside the array');
      const ks = keystream(keys.get(key), blockW1(dir, devAddr), blockW2(devAddr, fCnt32), blockW3(fCnt32, 0), (len + 15) >> 4);
      const out = new Uint8Array(len);
      for (let j = 0; j < len; j++) out[j] = src[srcOff + j]! ^ ks[j]!;
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
