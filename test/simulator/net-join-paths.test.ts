// The join-side and context fast paths against the plain code they stand for: the
// `...With` frame functions on key contexts, the session keys, the in-place join-request reading (EUI hex), normEui's shortcut, the DevNonce
// record, the SNR rings and decodeUplink's by-name table lookup and per-position stores.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { appNames, compiledApp, decodeUplink, describeApp, encodeReadings, encodeSamples, getApp, type Readings } from '../../codecs/index.ts';
import { createLoRaCrypto, loraCrypto } from '../../simulator/lorawan/crypto.ts';
import {
  buildDataFrame,
  buildJoinAccept,
  buildJoinAcceptWith,
  buildJoinRequest,
  bytesToHex,
  decryptJoinAccept,
  decryptJoinAcceptWith,
  deriveSessionKeys,
  deriveSessionKeysWith,
  euiHexLe,
  hexEqualsLe,
  openDataFrame,
  openDataFrameWith,
  verifyJoinRequest,
  verifyJoinRequestWith,
} from '../../simulator/lorawan/frames.ts';
import { createNetworkServer } from '../../simulator/network/server.ts';
import { SnrHistories, clearSnr } from '../../simulator/network/snr.ts';
import { normEui, type DeviceState } from '../../simulator/network/state.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const key16 = fc.uint8Array({ minLength: 16, maxLength: 16 });
const ctxOf = (k: Uint8Array) => loraCrypto.keys.get(k);

/** Same values and the same key order (outer result and its value). */
function expectSameShape(a: unknown, b: unknown): void {
  expect(a).toStrictEqual(b);
  const keys = (x: unknown): string => (x && typeof x === 'object' ? JSON.stringify(Object.keys(x)) : '');
  expect(keys(a)).toBe(keys(b));
  if (a && typeof a === 'object' && 'value' in a) expect(keys(a.value)).toBe(keys((b as { value: unknown }).value));
}

describe('data frames on key contexts', () => {
  it('openDataFrameWith gives what openDataFrame gives: built frames, flipped bits, wrong counters', () => {
    fc.assert(
      fc.property(
        key16,
        key16,
        fc.constantFrom(2, 3, 4, 5),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.option(fc.integer({ min: 0, max: 255 }), { nil: undefined }),
        fc.uint8Array({ maxLength: 40 }),
        fc.uint8Array({ maxLength: 15 }),
        fc.integer({ min: -1, max: 60 }),
        fc.constantFrom(0, 1, 0x10000),
        (nwkSKey, appSKey, mType, devAddr, fCnt, fPort, body, opts, flip, skew) => {
          const keys = { nwkSKey, appSKey };
          const fOpts = fPort === 0 ? undefined : opts;
          const payload = fPort === undefined ? undefined : body;
          const phy = buildDataFrame({ mType: mType as 2, devAddr, fCnt, fPort, payload, fOpts, ack: (fCnt & 1) === 1, adr: (fCnt & 2) === 2 }, keys);
          if (flip >= 0 && flip < phy.length) phy[flip]! ^= 1 << (fCnt & 7);
          const at = (fCnt + skew) % 0x100000000;
          expectSameShape(openDataFrameWith(phy, ctxOf(nwkSKey), ctxOf(appSKey), at), openDataFrame(phy, keys, at));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('openDataFrameWith fails as openDataFrame on arbitrary bytes', () => {
    const nwkSKey = new Uint8Array(16).fill(1);
    const appSKey = new Uint8Array(16).fill(2);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 0, max: 0xffffffff }), (phy, f) => {
        expectSameShape(openDataFrameWith(phy, ctxOf(nwkSKey), ctxOf(appSKey), f), openDataFrame(phy, { nwkSKey, appSKey }, f));
      }),
      { numRuns: 300 },
    );
  });
});

describe('join frames on key contexts', () => {
  const eui = fc.uint8Array({ minLength: 8, maxLength: 8 });
  it('verify, accept, decrypt and session keys equal the functions on key arrays', () => {
    fc.assert(
      fc.property(
        key16,
        eui,
        eui,
        fc.integer({ min: 0, max: 0xffff }),
        fc.integer({ min: -1, max: 22 }),
        fc.record({
          joinNonce: fc.integer({ min: 0, max: 0xffffff }),
          netId: fc.integer({ min: 0, max: 0xffffff }),
          devAddr: fc.integer({ min: 0, max: 0xffffffff }),
          rx1DrOffset: fc.integer({ min: 0, max: 7 }),
          rx2Dr: fc.integer({ min: 0, max: 15 }),
          rxDelaySec: fc.integer({ min: 0, max: 15 }),
        }),
        fc.option(fc.uint8Array({ minLength: 16, maxLength: 16 }), { nil: undefined }),
        (appKey, joinEui, devEui, devNonce, flip, f, cfList) => {
          const ctx = ctxOf(appKey);
          const req = buildJoinRequest({ joinEui, devEui, devNonce }, appKey);
          if (flip >= 0) req[flip]! ^= 0x40;
          expect(verifyJoinRequestWith(req, ctx)).toBe(verifyJoinRequest(req, appKey));
          expect(euiHexLe(req, 9)).toBe(bytesToHex(req.slice(9, 17).reverse()));
          const accept = { ...f, ...(cfList ? { cfList } : {}) };
          const phy = buildJoinAcceptWith(accept, ctx);
          expect(hex(phy)).toBe(hex(buildJoinAccept(accept, appKey)));
          if (flip >= 0 && flip < phy.length) phy[flip]! ^= 0x40;
          expectSameShape(decryptJoinAcceptWith(phy, ctx), decryptJoinAccept(phy, appKey));
          const a = deriveSessionKeysWith(ctx, f.joinNonce, f.netId, devNonce);
          const b = deriveSessionKeys(appKey, f.joinNonce, f.netId, devNonce);
          expect([hex(a.nwkSKey), hex(a.appSKey)]).toEqual([hex(b.nwkSKey), hex(b.appSKey)]);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('session keys keep the low 8 bits of every field, as Uint8Array.of did', () => {
    const c = createLoRaCrypto();
    const num = fc.oneof(fc.integer(), fc.double({ noNaN: false }), fc.integer({ min: -(2 ** 40), max: 2 ** 40 }));
    fc.assert(
      fc.property(key16, num, num, num, (appKey, jn, nid, dn) => {
        const block = (type: number) =>
          c.aesEncrypt(appKey, Uint8Array.of(type, jn, jn >>> 8, jn >>> 16, nid, nid >>> 8, nid >>> 16, dn, dn >>> 8, 0, 0, 0, 0, 0, 0, 0));
        const k = c.sessionKeys(appKey, jn, nid, dn);
        expect([hex(k.nwkSKey), hex(k.appSKey)]).toEqual([hex(block(1)), hex(block(2))]);
      }),
      { numRuns: 200 },
    );
  });

  it('a key cache finds by bytes the context get made, without needing the same array', () => {
    const c = createLoRaCrypto();
    const k = new Uint8Array(16).fill(9);
    const got = c.keys.get(k);
    expect(c.keys.find(k.slice())).toBe(got);
    expect(c.keys.find(k)).toBe(got);
    expect(() => c.keys.find(new Uint8Array(15))).toThrow(RangeError);
  });
});

describe('hex helpers of the join server', () => {
  it('hexEqualsLe is the comparison with the reversed bytes in hex', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 8, maxLength: 8 }), fc.uint8Array({ minLength: 8, maxLength: 8 }), fc.boolean(), (a, b, same) => {
        const s = bytesToHex((same ? a : b).slice().reverse());
        expect(hexEqualsLe(s, a, 0, 8)).toBe(s === bytesToHex(a.slice().reverse()));
        expect(hexEqualsLe(s.toLowerCase(), a, 0, 8)).toBe(s.toLowerCase() === bytesToHex(a.slice().reverse()));
        expect(hexEqualsLe(s + '0', a, 0, 8)).toBe(false);
      }),
    );
  });

  it('normEui equals the regex normalisation on any text', () => {
    const ref = (s: string) => s.replace(/[^0-9a-fA-F]/g, '').toUpperCase();
    const chars = fc.constantFrom(...'0123456789abcdefABCDEFgG:-_ xZ\u00e9'.split(''));
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 40 }), (cs) => {
        const s = cs.join('');
        expect(normEui(s)).toBe(ref(s));
      }),
    );
  });
});

describe('join server records', () => {
  const appKeyHex = '2B7E151628AED2A6ABF7158809CF4F3C';
  const appKey = Buffer.from(appKeyHex, 'hex');
  const devEui = '70B3D57ED0000001';
  const joinEui = '0000000000000001';
  const req = (devNonce: number) =>
    buildJoinRequest({ joinEui: Buffer.from(joinEui, 'hex'), devEui: Buffer.from(devEui, 'hex'), devNonce }, new Uint8Array(appKey));
  const meta = (timeMs: number, snrs: number[]) => ({ timeMs, freqHz: 868_100_000, dr: 5, gateways: snrs.map((snr, i) => ({ id: `gw${i}`, rssi: -90, snr })) });

  it('refuses every DevNonce accepted before, the first and the later ones', () => {
    let s = 1;
    const ns = createNetworkServer({ rng: () => (s = (s * 69069 + 1) >>> 0), devices: [{ devEui: ' 70-b3-d5-7e-d0-00-00-01 ', joinEui, appKey: appKeyHex.toLowerCase() }] });
    const nonces = [5, 9, 0, 65535, 1234];
    nonces.forEach((n, i) => expect(ns.receive(req(n), meta(1000 * i, [1])).accepted).toBe(true));
    nonces.forEach((n, i) => expect(ns.receive(req(n), meta(100_000 + 1000 * i, [1])).reason).toBe('devnonce-replay'));
    expect(ns.stats()).toMatchObject({ joins: 5, devNonceReplays: 5 });
  });

  it('answers a join with the result keys in the order the spreads gave, in both windows, with and without gateways', () => {
    for (const rxWindow of [1, 2] as const) {
      for (const snrs of [[3, 7, -2], []]) {
        let s = 7;
        const ns = createNetworkServer({ rng: () => (s = (s * 69069 + 1) >>> 0), rxWindow, devices: [{ devEui, joinEui, appKey: appKeyHex }] });
        const r = ns.receive(req(rxWindow * 10 + snrs.length), meta(1000.5, snrs));
        expect(Object.keys(r)).toEqual(['accepted', 'kind', 'devEui', 'devAddr', 'gateways', ...(snrs.length ? ['bestGateway'] : []), 'downlink']);
        expect(Object.keys(r.downlink!)).toEqual(['phy', 'atMs', 'freqHz', 'dr', 'window', ...(snrs.length ? ['gatewayId'] : []), 'kind']);
        expect(r.downlink).toMatchObject(rxWindow === 1 ? { atMs: 6000.5, freqHz: 868_100_000, dr: 5, window: 1 } : { atMs: 7000.5, freqHz: 869_525_000, dr: 0, window: 2 });
        if (snrs.length) expect([r.bestGateway!.id, r.downlink!.gatewayId]).toEqual(['gw1', 'gw1']);
        expect(r.gateways).toEqual(meta(0, snrs).gateways);
      }
    }
  });
});

describe('decodeUplink by app name', () => {
  it('uses the table compiledApp makes for the schema, and still refuses unknown names', () => {
    expect(compiledApp('env-monitor')).toBe(compiledApp(getApp('env-monitor')));
    expect(compiledApp('env-monitor')).toBe(compiledApp('env-monitor'));
    expect(() => compiledApp('no-such-app')).toThrow(/unknown app/);
    expect(() => compiledApp('no-such-app')).toThrow(/unknown app/);
  });

  it('decoded objects hold the fields present, in schema order (one store site per field position)', () => {
    const cases = appNames().flatMap((app) => describeApp(app).uplinks.map((u) => [app, u] as const));
    fc.assert(
      fc.property(fc.constantFrom(...cases), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 64, maxLength: 64 }), fc.integer({ min: 1, max: 4 }), ([app, u], r, n) => {
        let at = 0;
        const next = () => r[at++ % r.length]!;
        const reading = () => {
          const out: Readings = {};
          for (const f of u.fields) {
            if (next() < 0.25) continue;
            const x = next();
            if (f.type === 'enum') out[f.name] = f.values![Math.floor(x * f.values!.length) % f.values!.length];
            else if (f.type === 'boolean') out[f.name] = x < 0.5;
            else if (f.type === 'bytes') out[f.name] = Array.from({ length: f.length! }, (_, i) => (i * 37 + Math.floor(x * 256)) & 255);
            else out[f.name] = f.min! + x * (f.max! - f.min!);
          }
          return out;
        };
        const order = (o: object) => u.fields.map((f) => f.name).filter((k) => k in o);
        const one = reading();
        const e = encodeReadings(app, u.fPort, one);
        const d = decodeUplink(app, { bytes: e.bytes, fPort: e.fPort });
        expect(d.errors).toEqual([]);
        expect(Object.keys(d.data)).toEqual(order(one));
        if (u.batchFPort) {
          const samples = Array.from({ length: n }, reading);
          const b = encodeSamples(app, u.batchFPort, samples, samples.map((_, i) => (n - i) * 60));
          const bd = decodeUplink(app, { bytes: b.bytes, fPort: b.fPort });
          expect(bd.errors).toEqual([]);
          bd.data.samples.forEach((s: object, i: number) => expect(Object.keys(s)).toEqual(['ageSeconds', ...order(samples[i]!)]));
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('SNR histories in one array', () => {
  /** The per-device array the rings replaced: push until historyLength, then slide. */
  const refPush = (h: number[], H: number, v: number) => {
    if (h.length < H) h.push(v);
    else if (h.length > 0) {
      for (let i = 1; i < h.length; i++) h[i - 1] = h[i]!;
      h[h.length - 1] = v;
    }
  };
  const refMax = (h: number[]) => h.reduce((m, s) => (s > m ? s : m), -Infinity);

  it('keep, list and reduce exactly what the per-device arrays kept, through resets, for several devices', () => {
    const H = fc.constantFrom(0, 1, 2, 2.5, 3, 20, NaN, -1);
    const op = fc.oneof(
      fc.record({ dev: fc.integer({ min: 0, max: 4 }), snr: fc.oneof(fc.double({ min: -30, max: 20 }), fc.constantFrom(0, -0, 7.25)) }),
      fc.record({ dev: fc.integer({ min: 0, max: 4 }), clear: fc.constant(true) }),
    );
    fc.assert(
      fc.property(H, fc.array(op, { maxLength: 120 }), (historyLength, ops) => {
        const store = new SnrHistories(historyLength);
        const devs = Array.from({ length: 5 }, () => ({ snrAt: store.alloc(), snrCount: 0, snrNext: 0 }) as DeviceState);
        const refs: number[][] = devs.map(() => []);
        for (const o of ops) {
          if ('clear' in o) {
            clearSnr(devs[o.dev]!);
            refs[o.dev] = [];
          } else {
            store.push(devs[o.dev]!, o.snr);
            refPush(refs[o.dev]!, historyLength, o.snr);
          }
          const d = devs[o.dev]!;
          expect(store.list(d)).toEqual(refs[o.dev]);
          expect(Object.is(store.max(d), refMax(refs[o.dev]!))).toBe(true);
          expect(d.snrCount < historyLength).toBe(refs[o.dev]!.length < historyLength);
        }
      }),
      { numRuns: 300 },
    );
  });
});
