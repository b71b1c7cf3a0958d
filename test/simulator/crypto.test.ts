// The fast crypto primitives against published vectors (FIPS-197, RFC 4493) and
// node:crypto as an independent AES reference; the key cache's LRU behaviour.
import { createCipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cmac, createKeyCache, createLoRaCrypto, encryptBlock, jsAes128, nodeAes128 } from '../../simulator/lorawan/crypto.ts';
import { bytesToHex, hexToBytes } from '../../simulator/lorawan/frames.ts';

const h = (s: string): Uint8Array => hexToBytes(s.replace(/\s+/g, ''))!;
const hex = (b: Uint8Array): string => bytesToHex(b).toLowerCase();
const key16 = fc.uint8Array({ minLength: 16, maxLength: 16 });
const words = (w: Int32Array): string => Array.from(w, (x) => (x >>> 0).toString(16).padStart(8, '0')).join('');

function nodeEcb(key: Uint8Array, data: Uint8Array): string {
  const c = createCipheriv('aes-128-ecb', key, null);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(data), c.final()]).toString('hex');
}

describe('AES-128 block cipher', () => {
  // FIPS-197 Appendix B and Appendix C.1.
  const vectors = [
    { key: '2b7e151628aed2a6abf7158809cf4f3c', pt: '3243f6a8885a308d313198a2e0370734', ct: '3925841d02dc09fbdc118597196a0b32' },
    { key: '000102030405060708090a0b0c0d0e0f', pt: '00112233445566778899aabbccddeeff', ct: '69c4e0d86a7b0430d8cdb78070b4c55a' },
  ];

  for (const make of [jsAes128, nodeAes128]) {
    it(`${make.name} matches the FIPS-197 vectors`, () => {
      for (const v of vectors) {
        const out = new Uint8Array(16);
        encryptBlock(make(h(v.key)), h(v.pt), 0, out, 0);
        expect(hex(out)).toBe(v.ct);
      }
    });
  }

  it('the table-driven cipher equals node:crypto on random keys and blocks, in place and at offsets', () => {
    fc.assert(
      fc.property(key16, fc.uint8Array({ minLength: 48, maxLength: 48 }), fc.integer({ min: 0, max: 32 }), (k, buf, off) => {
        const expected = nodeEcb(k, buf.subarray(off, off + 16));
        const out = new Uint8Array(40);
        encryptBlock(jsAes128(k), buf, off, out, 20);
        expect(hex(out.subarray(20, 36))).toBe(expected);
        const inPlace = buf.slice();
        encryptBlock(jsAes128(k), inPlace, off, inPlace, off);
        expect(hex(inPlace.subarray(off, off + 16))).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });
});

describe('AES-CMAC (RFC 4493 §4 vectors)', () => {
  const key = h('2b7e1516 28aed2a6 abf71588 09cf4f3c');
  const m = h(`6bc1bee2 2e409f96 e93d7e11 7393172a ae2d8a57 1e03ac9c 9eb76fac 45af8e51
               30c81c46 a35ce411 e5fbc119 1a0a52ef f69f2445 df4f9b17 ad2b417b e66c3710`);
  const examples: [number, string][] = [
    [0, 'bb1d6929e95937287fa37d129b756746'],
    [16, '070a16b46b4d4144f79bdd9dd04a287c'],
    [40, 'dfa66747de9ae63030ca32611497c827'],
    [64, '51f0bebf7e3b9d92fc49741779363cfe'],
  ];

  for (const backend of ['js', 'node'] as const) {
    it(`subkeys and tags (${backend} backend)`, () => {
      const ctx = createKeyCache({ backend }).get(key);
      expect(words(ctx.k1)).toBe('fbeed618357133667c85e08f7236a8de');
      expect(words(ctx.k2)).toBe('f7ddac306ae266ccf90bc11ee46d513b');
      for (const [len, tag] of examples) expect(hex(cmac(ctx, m.subarray(0, len)))).toBe(tag);
      // an offset window gives the same tag as a copy of that window
      const padded = new Uint8Array(70);
      padded.set(m.subarray(0, 40), 5);
      expect(hex(cmac(ctx, padded, 5, 40))).toBe(examples[2]![1]);
    });
  }

  it('both backends agree on random keys and messages', () => {
    const js = createLoRaCrypto({ backend: 'js' });
    const nd = createLoRaCrypto({ backend: 'node' });
    fc.assert(
      fc.property(key16, fc.uint8Array({ maxLength: 100 }), (k, msg) => {
        expect(hex(js.cmac(k, msg))).toBe(hex(nd.cmac(k, msg)));
        expect(hex(js.cryptFrmPayload(k, 1, 0x01020304, 0x12345, msg))).toBe(hex(nd.cryptFrmPayload(k, 1, 0x01020304, 0x12345, msg)));
      }),
      { numRuns: 300 },
    );
  });
});

describe('LoRaWAN block layouts', () => {
  const c = createLoRaCrypto();

  it('FRMPayload keystream is AES(key, A_i) with A_i = 01 | 0000 0000 | Dir | DevAddr LE | FCnt32 LE | 00 | i', () => {
    fc.assert(
      fc.property(key16, fc.constantFrom(0 as const, 1 as const), fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff }), fc.uint8Array({ maxLength: 60 }), (k, dir, addr, fcnt, data) => {
        const out = c.cryptFrmPayload(k, dir, addr, fcnt, data);
        expect(out.length).toBe(data.length);
        for (let i = 0; i * 16 < data.length; i++) {
          const a = Buffer.alloc(16);
          a[0] = 1;
          a[5] = dir;
          a.writeUInt32LE(addr, 6);
          a.writeUInt32LE(fcnt, 10);
          a[15] = i + 1;
          const s = Buffer.from(nodeEcb(k, a), 'hex');
          for (let j = 0; j < 16 && 16 * i + j < data.length; j++) expect(out[16 * i + j]! ^ data[16 * i + j]!).toBe(s[j]);
        }
        // the same operation decrypts
        expect(hex(c.cryptFrmPayload(k, dir, addr, fcnt, out))).toBe(hex(data));
        // writing into a destination at an offset touches only that window
        const dst = new Uint8Array(data.length + 7).fill(0xaa);
        expect(c.cryptFrmPayload(k, dir, addr, fcnt, data, dst, 3)).toBe(dst);
        expect(hex(dst)).toBe('aaaaaa' + hex(out) + 'aaaaaaaa');
      }),
      { numRuns: 200 },
    );
  });

  it('data MIC is CMAC(key, B0 | msg)[0..3], B0 = 49 | 0000 0000 | Dir | DevAddr LE | FCnt32 LE | 00 | len', () => {
    fc.assert(
      fc.property(key16, fc.constantFrom(0 as const, 1 as const), fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff }), fc.uint8Array({ minLength: 1, maxLength: 80 }), (k, dir, addr, fcnt, msg) => {
        const b0 = Buffer.alloc(16);
        b0[0] = 0x49;
        b0[5] = dir;
        b0.writeUInt32LE(addr, 6);
        b0.writeUInt32LE(fcnt, 10);
        b0[15] = msg.length;
        const tag = c.cmac(k, new Uint8Array(Buffer.concat([b0, msg])));
        const mic = c.dataMic(k, dir, addr, fcnt, msg);
        expect(hex(mic)).toBe(hex(tag.subarray(0, 4)));
        expect(c.dataMic32(k, dir, addr, fcnt, msg)).toBe(Buffer.from(mic).readUInt32BE(0));
        // `len` signs a prefix of a longer buffer (the frame before its MIC)
        const framed = new Uint8Array(msg.length + 4);
        framed.set(msg);
        expect(hex(c.dataMic(k, dir, addr, fcnt, framed, msg.length))).toBe(hex(mic));
      }),
      { numRuns: 300 },
    );
  });

  it('join accept: encrypt (AES decrypt) and decrypt (AES encrypt) are inverse and keep MHDR', () => {
    fc.assert(
      fc.property(key16, fc.constantFrom(17, 33), fc.uint8Array({ minLength: 33, maxLength: 33 }), (k, len, bytes) => {
        const plain = bytes.subarray(0, len);
        const enc = c.encryptJoinAccept(k, plain);
        expect(enc[0]).toBe(plain[0]);
        expect(nodeEcb(k, enc.subarray(1))).toBe(hex(plain.subarray(1)));
        expect(hex(c.decryptJoinAccept(k, enc))).toBe(hex(plain));
      }),
      { numRuns: 100 },
    );
  });

  it('rejects wrong sizes with RangeError', () => {
    expect(() => c.aesEncrypt(new Uint8Array(15), new Uint8Array(16))).toThrow(RangeError);
    expect(() => c.aesEncrypt(new Uint8Array(16), new Uint8Array(15))).toThrow(RangeError);
    expect(() => c.decryptJoinAccept(new Uint8Array(16), new Uint8Array(20))).toThrow(/17 or 33/);
    expect(() => c.dataMic(new Uint8Array(16), 0, 1, 1, new Uint8Array(256))).toThrow(RangeError);
  });
});

describe('key cache', () => {
  const k = (n: number): Uint8Array => new Uint8Array(16).fill(n);

  it('reuses a context for equal key bytes, even in a different array', () => {
    const cache = createKeyCache();
    expect(cache.get(k(1))).toBe(cache.get(k(1)));
    expect(cache.get(k(1))).not.toBe(cache.get(k(2)));
    expect(cache.size).toBe(2);
  });

  it('is bounded and evicts the least recently used key', () => {
    const cache = createKeyCache({ maxKeys: 2 });
    const a = cache.get(k(1));
    const b = cache.get(k(2));
    expect(cache.get(k(1))).toBe(a); // touch a: b is now the oldest
    cache.get(k(3));
    expect(cache.size).toBe(2);
    expect(cache.get(k(1))).toBe(a);
    expect(cache.get(k(2))).not.toBe(b); // b was evicted and rebuilt
    expect(cache.size).toBe(2);
  });

  it('notices a key array changed in place', () => {
    const cache = createKeyCache();
    const key = k(1);
    const before = cache.get(key);
    key[5] = 99;
    const after = cache.get(key);
    expect(after).not.toBe(before);
    expect(words(after.k1)).toBe(words(createKeyCache().get(key.slice()).k1));
  });

  it('a context built after eviction computes the same results', () => {
    const small = createLoRaCrypto({ maxKeys: 1 });
    fc.assert(
      fc.property(key16, key16, fc.uint8Array({ maxLength: 40 }), (k1, k2, msg) => {
        const first = hex(small.cmac(k1, msg));
        small.cmac(k2, msg); // evicts k1
        expect(hex(small.cmac(k1, msg))).toBe(first);
      }),
      { numRuns: 100 },
    );
  });
});
