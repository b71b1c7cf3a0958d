// The network server's compact per-device state and the crypto paths behind it, against
// straightforward references: the table-driven AES decryption (join accepts) against
// node:crypto, keystreams and MICs longer than the per-key memos, the de-duplication
// window (recycled frame buffers) against the Map it replaced, and devices sharing a DevAddr.
import { createDecipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { aes128DecryptBlocks, cmac, createKeyCache, createLoRaCrypto, nodeAes128 } from '../../simulator/lorawan/crypto.ts';
import { buildDataFrame, hexToBytes } from '../../simulator/lorawan/frames.ts';
import { createSeededRng } from '../../simulator/lorawan/rng.ts';
import { createNetworkServer } from '../../simulator/network/server.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const key16 = fc.uint8Array({ minLength: 16, maxLength: 16 });

describe('AES-128 decryption', () => {
  it('equals node:crypto on random keys and whole blocks', () => {
    fc.assert(
      fc.property(key16, fc.integer({ min: 1, max: 4 }), fc.uint8Array({ minLength: 64, maxLength: 64 }), (k, blocks, bytes) => {
        const data = bytes.slice(0, 16 * blocks);
        const d = createDecipheriv('aes-128-ecb', k, null);
        d.setAutoPadding(false);
        expect(hex(aes128DecryptBlocks(k, data))).toBe(Buffer.concat([d.update(data), d.final()]).toString('hex'));
      }),
      { numRuns: 300 },
    );
  });

  it('rejects a bad key or a partial block', () => {
    expect(() => aes128DecryptBlocks(new Uint8Array(15), new Uint8Array(16))).toThrow(RangeError);
    expect(() => aes128DecryptBlocks(new Uint8Array(16), new Uint8Array(17))).toThrow(RangeError);
  });
});

describe('frames longer than the memos', () => {
  it('keystream and MIC of up to 255 bytes equal AES(key, A_i) and CMAC(key, B0 | msg)', () => {
    fc.assert(
      fc.property(key16, fc.constantFrom(0 as const, 1 as const), fc.integer({ min: 0, max: 0xffffffff }), fc.uint8Array({ minLength: 1, maxLength: 255 }), (k, dir, fCnt, msg) => {
        const c = createLoRaCrypto();
        const addr = 0x26012345;
        // keystream: A_i = 01 | 00x4 | Dir | DevAddr LE | FCnt LE | 00 | i, through node's ECB cipher
        const aes = nodeAes128(k);
        const ks = new Uint8Array(16 * Math.ceil(msg.length / 16));
        const t = new Int32Array(4);
        for (let i = 1; i <= ks.length / 16; i++) {
          const a = Uint8Array.of(1, 0, 0, 0, 0, dir, addr, addr >>> 8, addr >>> 16, addr >>> 24, fCnt, fCnt >>> 8, fCnt >>> 16, fCnt >>> 24, 0, i);
          const dv = new DataView(a.buffer);
          aes.encrypt4(dv.getInt32(0), dv.getInt32(4), dv.getInt32(8), dv.getInt32(12), t);
          const o = new DataView(ks.buffer, 16 * (i - 1), 16);
          for (let j = 0; j < 4; j++) o.setInt32(4 * j, t[j]!);
        }
        const want = msg.map((b, j) => b ^ ks[j]!);
        expect(hex(c.cryptFrmPayload(k, dir, addr, fCnt, msg))).toBe(hex(want));
        expect(hex(c.cryptFrmPayload(k, dir, addr, fCnt, msg))).toBe(hex(want)); // again, from the memo when it fits
        // MIC: the first 4 bytes of the plain CMAC over B0 | msg
        const b0 = Uint8Array.of(0x49, 0, 0, 0, 0, dir, addr, addr >>> 8, addr >>> 16, addr >>> 24, fCnt, fCnt >>> 8, fCnt >>> 16, fCnt >>> 24, 0, msg.length);
        const whole = new Uint8Array(16 + msg.length);
        whole.set(b0);
        whole.set(msg, 16);
        const tag = cmac(createKeyCache().get(k), whole);
        const mic = ((tag[0]! << 24) | (tag[1]! << 16) | (tag[2]! << 8) | tag[3]!) >>> 0;
        expect(c.dataMic32(k, dir, addr, fCnt, msg)).toBe(mic);
        expect(c.dataMic32(k, dir, addr, fCnt, msg)).toBe(mic);
      }),
      { numRuns: 150 },
    );
  });
});

describe('network de-duplication window', () => {
  /** The de-duplication as it was: a Map by frame content, oldest first. */
  function refDedup(window: number) {
    const seen = new Map<string, number>();
    return (key: string, t: number): boolean => {
      for (const [k, at] of seen) {
        if (t - at <= window) break;
        seen.delete(k);
      }
      const prev = seen.get(key);
      if (prev !== undefined && !(t - prev > window)) return true;
      seen.delete(key);
      seen.set(key, t);
      return false;
    };
  }

  it('flags exactly the frames the Map flagged, through expiry, reuse and time going back', () => {
    const frames = [Uint8Array.of(0xe0, 1), Uint8Array.of(0xe0, 2), Uint8Array.of(0xe0, 1, 0), Uint8Array.of(0xe0), Uint8Array.of(0xe0, 2, 9, 9, 9)];
    const step = fc.record({ f: fc.integer({ min: 0, max: frames.length - 1 }), dt: fc.integer({ min: -50, max: 300 }) });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 300 }), fc.constantFrom(0, 100, 200), (steps, window) => {
        const ns = createNetworkServer({ rng: createSeededRng(1), dedupWindowMs: window });
        const ref = refDedup(window);
        let t = 0;
        for (const s of steps) {
          t += s.dt;
          const f = frames[s.f]!;
          const r = ns.receive(f.slice(), { timeMs: t, freqHz: 868100000, dr: 5, gateways: [{ id: 'gw', rssi: -90, snr: 5 }] });
          expect(r.reason === 'duplicate').toBe(ref(hex(f), t));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('keeps its own copy of a frame: a caller reusing its buffer changes nothing', () => {
    const ns = createNetworkServer({ rng: createSeededRng(1) });
    const meta = { timeMs: 0, freqHz: 868100000, dr: 5, gateways: [{ id: 'gw', rssi: -90, snr: 5 }] };
    const buf = Uint8Array.of(0xe0, 1, 2);
    ns.receive(buf, meta);
    buf[2] = 3;
    expect(ns.receive(buf, meta).reason).not.toBe('duplicate');
    expect(ns.receive(Uint8Array.of(0xe0, 1, 2), meta).reason).toBe('duplicate');
  });
});

describe('devices sharing a DevAddr', () => {
  const dev = (n: number) => ({ mode: 'abp' as const, devEui: `00000000000000${n}0`, devAddr: '260B0001', nwkSKey: `${n}${n}`.repeat(16), appSKey: `${n}7`.repeat(16) });
  const keysOf = (d: ReturnType<typeof dev>) => ({ nwkSKey: hexToBytes(d.nwkSKey)!, appSKey: hexToBytes(d.appSKey)! });
  const meta = (timeMs: number) => ({ timeMs, freqHz: 868100000, dr: 5, gateways: [{ id: 'gw', rssi: -90, snr: 5 }] });
  const up = (d: ReturnType<typeof dev>, fCnt: number) => buildDataFrame({ mType: 2, devAddr: 0x260b0001, fCnt, fPort: 1, payload: Uint8Array.of(fCnt) }, keysOf(d));

  it('each frame goes to the device whose keys sign it; a re-registered device leaves the chain', () => {
    const [a, b, c] = [dev(1), dev(2), dev(3)];
    const ns = createNetworkServer({ rng: createSeededRng(1), devices: [a, b, c] });
    let t = 0;
    for (let f = 0; f < 5; f++) {
      for (const d of [c, a, b]) {
        const r = ns.receive(up(d, f), meta((t += 1000)));
        expect(r.accepted).toBe(true);
        expect(r.devEui).toBe(d.devEui);
        expect(r.fCnt).toBe(f);
      }
    }
    // b registered again with other keys: its old session is gone, its counters restart
    const b2 = { ...b, nwkSKey: '99'.repeat(16) };
    ns.register(b2);
    expect(ns.receive(up(b, 9), meta((t += 1000))).reason).toBe('mic');
    const r = ns.receive(up(b2, 0), meta((t += 1000)));
    expect([r.accepted, r.devEui, r.fCnt]).toEqual([true, b.devEui, 0]);
    expect(ns.receive(up(a, 5), meta((t += 1000))).devEui).toBe(a.devEui);
    expect(ns.receive(up(c, 5), meta((t += 1000))).devEui).toBe(c.devEui);
    expect(ns.device(b.devEui)).toMatchObject({ joined: true, devAddr: 0x260b0001, lastFCntUp: 0, fCntDown: 0 });
  });
});
