// Per-key contexts of the simulator's crypto path (crypto.ts) and the bounded cache
// that finds a key's context by its bytes. Everything a key needs - AES round keys,
// CMAC subkeys and the two memos (last data MIC, last FRMPayload keystream) - lives in
// ONE Int32Array per key, and the context IS that array (a subclass). Why: at thousands
// of nodes a key's state is cold in the CPU caches when its node wakes, and each
// distinct heap object is a likely cache + TLB miss; the former layout (context, cipher
// closure and its scope, round keys, subkeys, scratch, two memo objects and their byte
// arrays) touched about a dozen per key, and a wrapper object around the array one more.
// No key is ever printed.
import { aesEncryptRk, be32, expandKeyInto, nodeAes128, type AesBackend, type BlockCipher } from './aes.ts';

// ---------- layout of a KeyContext's words (int32; bytes packed big-endian, 4 per word) ----------
// [0..43]: the AES round keys; w[0..3] are the key itself (the cache checks a key array against them).
/** CMAC subkey K1 (RFC 4493 §2.3), 4 words. */
export const K1 = 44;
/** CMAC subkey K2, 4 words. */
export const K2 = 48;
/** MIC memo: B0 words 1..3, the message length (-1: empty memo), the tag's first word, the message. */
export const MIC_W1 = 52;
export const MIC_W2 = 53;
export const MIC_W3 = 54;
export const MIC_LEN = 55;
export const MIC_TAG = 56;
export const MIC_MSG = 57;
/** Memos hold messages and keystreams of at most this many bytes (simulator frames are ~20-40); longer ones are just computed. */
export const MEMO_BYTES = 64;
export const MEMO_BLOCKS = MEMO_BYTES / 16;
/** Keystream memo: A_i words 1..3 (i = 0), the blocks held (i = 1..n), the keystream words. */
export const KS_W1 = MIC_MSG + MEMO_BYTES / 4;
export const KS_W2 = KS_W1 + 1;
export const KS_W3 = KS_W1 + 2;
export const KS_BLOCKS = KS_W1 + 3;
export const KS_WORDS = KS_W1 + 4;
const WORDS = KS_WORDS + MEMO_BYTES / 4;

/** Four words of scratch: every block encryption (encryptWords) leaves its result here. Never held across calls. */
export const T = new Int32Array(4);

/**
 * A key's expanded cipher, CMAC subkeys and memos: its words in the layout above. Arrays
 * derived from it (slice, subarray, map...) are plain Int32Arrays.
 */
export class KeyContext extends Int32Array {
  /** Backend 'node': a node:crypto ECB cipher; null: the table-driven AES on the round keys. */
  readonly node: BlockCipher | null;

  static get [Symbol.species](): Int32ArrayConstructor {
    return Int32Array;
  }

  constructor(key: Uint8Array, backend: AesBackend) {
    super(WORDS);
    expandKeyInto(key, this); // the 'node' backend uses only words 0..3 (the key check)
    this[MIC_LEN] = -1;
    this.node = backend === 'node' ? nodeAes128(key) : null;
    encryptWords(this, 0, 0, 0, 0);
    dbl(T, 0, this, K1);
    dbl(this, K1, this, K2);
  }

  /** K1 as 4 words (a copy). */
  get k1(): Int32Array {
    return this.slice(K1, K1 + 4);
  }

  /** K2 as 4 words (a copy). */
  get k2(): Int32Array {
    return this.slice(K2, K2 + 4);
  }
}

/** AES-128 of the block (a, b, c, d) (big-endian words) with the context's key, into T. */
export function encryptWords(ctx: KeyContext, a: number, b: number, c: number, d: number): void {
  const node = ctx.node;
  if (node === null) aesEncryptRk(ctx, a, b, c, d, T);
  else node.encrypt4(a, b, c, d, T);
}

/** RFC 4493 doubling in GF(2^128) of src[s..s+3] into dst[d..d+3]: shift left one bit, XOR 0x87 when the top bit fell off. */
function dbl(src: Int32Array, s: number, dst: Int32Array, d: number): void {
  const carry = src[s]! >>> 31;
  dst[d] = (src[s]! << 1) | (src[s + 1]! >>> 31);
  dst[d + 1] = (src[s + 1]! << 1) | (src[s + 2]! >>> 31);
  dst[d + 2] = (src[s + 2]! << 1) | (src[s + 3]! >>> 31);
  dst[d + 3] = (src[s + 3]! << 1) ^ (carry ? 0x87 : 0);
}

// ---------- the cache ----------

/** The 16 key bytes as a 16-character string: a cheap, exact Map key (never printed). */
function keyId(key: Uint8Array): string {
  return String.fromCharCode(
    key[0]!, key[1]!, key[2]!, key[3]!, key[4]!, key[5]!, key[6]!, key[7]!,
    key[8]!, key[9]!, key[10]!, key[11]!, key[12]!, key[13]!, key[14]!, key[15]!,
  );
}

/** The key array still holds the bytes of the context's key (its first four round-key words). */
const sameKey = (w: Int32Array, key: Uint8Array): boolean =>
  key.length === 16 && w[0] === be32(key, 0) && w[1] === be32(key, 4) && w[2] === be32(key, 8) && w[3] === be32(key, 12);

export interface KeyCache {
  /** The context for a 16-byte key (expanded on first use, then reused). Throws RangeError on a bad length. */
  get(key: Uint8Array): KeyContext;
  /**
   * `get` without remembering the key array (no WeakMap entry that would live as long as
   * the array): for arrays kept long but used rarely, as the join server's AppKeys (one
   * use per join, while the registration lives on).
   */
  find(key: Uint8Array): KeyContext;
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
 * that keep their key arrays find the context without hashing the bytes, and the
 * context's own key words catch an array changed in place. Callers that can keep the
 * context itself (the network's sessions) skip even the WeakMap.
 */
export function createKeyCache(opts: CryptoOptions = {}): KeyCache {
  const backend = opts.backend ?? 'js';
  const max = Math.max(1, opts.maxKeys ?? 4096);
  const lru = new Map<string, KeyContext>();
  const byArray = new WeakMap<Uint8Array, KeyContext>();
  /** The context of a 16-byte key by its bytes (the LRU; a new one on a miss). */
  const byBytes = (key: Uint8Array): KeyContext => {
    if (!(key instanceof Uint8Array) || key.length !== 16) throw new RangeError('AES-128 key must be 16 bytes');
    const id = keyId(key);
    let ctx = lru.get(id);
    if (ctx !== undefined) {
      lru.delete(id);
      lru.set(id, ctx);
    } else {
      ctx = new KeyContext(key, backend);
      lru.set(id, ctx);
      if (lru.size > max) lru.delete(lru.keys().next().value as string);
    }
    return ctx;
  };
  return {
    get(key) {
      const hit = byArray.get(key);
      if (hit !== undefined && sameKey(hit, key)) return hit;
      const ctx = byBytes(key);
      byArray.set(key, ctx);
      return ctx;
    },
    find(key) {
      const hit = byArray.get(key);
      return hit !== undefined && sameKey(hit, key) ? hit : byBytes(key);
    },
    get size() {
      return lru.size;
    },
  };
}
