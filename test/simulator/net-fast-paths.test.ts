// The LoRaWAN and network-server fast paths against the straightforward code they
// replaced: the crypto memos (last MIC and keystream per key), the in-place frame
// scan and decryption, empty arrays, MAC command encoding and the de-duplication key.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createLoRaCrypto, type Dir } from '../../simulator/lorawan/crypto.ts';
import {
  buildDataFrame,
  bytesToHex,
  decryptDataFrame,
  decryptScanned,
  emptyBytes,
  hexToBytes,
  parseDataHeader,
  scanDataHeader,
  type DataHeader,
  type Result,
} from '../../simulator/lorawan/frames.ts';
import { encodeMacCommands } from '../../simulator/lorawan/mac.ts';
import { createSeededRng } from '../../simulator/lorawan/rng.ts';
import { createNetworkServer } from '../../simulator/network/server.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const key16 = fc.uint8Array({ minLength: 16, maxLength: 16 });

/** parseDataHeader as it was written before the in-place scan (the reference). */
function refParseDataHeader(phy: Uint8Array): Result<DataHeader> {
  const fail = (error: string): Result<DataHeader> => ({ ok: false, error });
  if (phy.length < 12) return fail(`data frame too short (${phy.length} bytes)`);
  const mType = phy[0]! >> 5;
  if (mType < 2 || mType > 5) return fail(`not a data frame (MType ${mType})`);
  if ((phy[0]! & 0x03) !== 0) return fail('unsupported LoRaWAN major version');
  const fCtrl = phy[5]!;
  const fOptsLen = fCtrl & 0x0f;
  const macEnd = phy.length - 4;
  if (8 + fOptsLen > macEnd) return fail('FOpts length exceeds frame');
  const hasPort = 8 + fOptsLen < macEnd;
  const fPort = hasPort ? phy[8 + fOptsLen]! : undefined;
  if (fPort === 0 && fOptsLen > 0) return fail('FOpts present with FPort 0');
  const down = mType === 3 || mType === 5;
  return {
    ok: true,
    value: {
      mType: mType as 2 | 3 | 4 | 5,
      devAddr: ((phy[4]! << 24) | (phy[3]! << 16) | (phy[2]! << 8) | phy[1]!) >>> 0,
      fCnt16: phy[6]! | (phy[7]! << 8),
      adr: (fCtrl & 0x80) !== 0,
      adrAckReq: !down && (fCtrl & 0x40) !== 0,
      ack: (fCtrl & 0x20) !== 0,
      fPending: down && (fCtrl & 0x10) !== 0,
      fOpts: phy.slice(8, 8 + fOptsLen),
      ...(fPort !== undefined ? { fPort } : {}),
      frmPayload: hasPort ? phy.slice(9 + fOptsLen, macEnd) : new Uint8Array(0),
      mic: phy.slice(macEnd),
    },
  };
}

/** Same values, same key order, fresh arrays of the same bytes. */
function expectSameShape(a: unknown, b: unknown): void {
  expect(a).toStrictEqual(b);
  const keys = (x: unknown): string => (x && typeof x === 'object' ? JSON.stringify(Object.keys(x)) : '');
  expect(keys(a)).toBe(keys(b));
  if (a && typeof a === 'object' && 'value' in a) expect(keys(a.value)).toBe(keys((b as { value: unknown }).value));
}

// Frames that are mostly well formed: a data MHDR, a few FOpts, random body.
const frameArb = fc
  .tuple(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 255 }), fc.uint8Array({ minLength: 0, maxLength: 40 }), fc.boolean())
  .map(([mType, fCtrl, body, majorOk]) => {
    const phy = new Uint8Array(8 + body.length);
    phy[0] = (mType << 5) | (majorOk ? 0 : 1);
    phy.set([0x34, 0x12, 0x0b, 0x26], 1);
    phy[5] = fCtrl;
    phy.set([7, 0], 6);
    phy.set(body, 8);
    return phy;
  });

describe('frame scan', () => {
  it('parseDataHeader gives what the reference gave (values, key order, errors)', () => {
    fc.assert(
      fc.property(fc.oneof(frameArb, fc.uint8Array({ maxLength: 30 })), (phy) => {
        expectSameShape(parseDataHeader(phy), refParseDataHeader(phy));
      }),
      { numRuns: 2000 },
    );
  });

  it('the scanned layout locates exactly the parsed parts', () => {
    fc.assert(
      fc.property(frameArb, (phy) => {
        const l = scanDataHeader(phy);
        const h = refParseDataHeader(phy);
        if (typeof l === 'string') return void expect(h).toEqual({ ok: false, error: l });
        if (!h.ok) throw new Error('scan accepted what the parser rejects');
        expect(hex(phy.subarray(8, 8 + l.fOptsLen))).toBe(hex(h.value.fOpts));
        expect(hex(phy.subarray(l.payloadAt, l.micAt))).toBe(hex(h.value.frmPayload));
        expect(hex(phy.subarray(l.micAt))).toBe(hex(h.value.mic));
        expect(l.fPort).toBe(h.value.fPort ?? -1);
      }),
      { numRuns: 1000 },
    );
  });

  it('decryptScanned equals decryptDataFrame on built frames, every port', () => {
    fc.assert(
      fc.property(
        key16,
        key16,
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.option(fc.integer({ min: 0, max: 255 }), { nil: undefined }),
        fc.uint8Array({ maxLength: 40 }),
        (nwkSKey, appSKey, devAddr, fCnt, fPort, body) => {
          const keys = { nwkSKey, appSKey };
          const payload = fPort === undefined ? undefined : body;
          const phy = buildDataFrame({ mType: 2, devAddr, fCnt, fPort, payload }, keys);
          const h = parseDataHeader(phy);
          const l = scanDataHeader(phy);
          if (!h.ok || typeof l === 'string') throw new Error('built frame did not parse');
          const d = decryptDataFrame(h.value, keys, fCnt);
          const s = decryptScanned(phy, l, keys, fCnt);
          if (!d.ok || typeof s === 'string') throw new Error('decryption failed');
          expect(hex(s)).toBe(hex(d.value.payload!));
          expect(hex(s)).toBe(hex(payload ?? new Uint8Array(0)));
          // a wrong 32-bit counter is refused with the same message
          const bad = decryptScanned(phy, l, keys, fCnt + 1);
          expect(bad).toBe((decryptDataFrame(h.value, keys, fCnt + 1) as { error: string }).error);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('crypto memos', () => {
  // A small pool of keys, addresses and counters so that calls repeat and collide.
  const op = fc.record({
    kind: fc.constantFrom('mic', 'crypt', 'cryptFrom'),
    key: fc.integer({ min: 0, max: 2 }),
    dir: fc.constantFrom(0 as Dir, 1 as Dir),
    addr: fc.constantFrom(0x26011234, 0x26011235),
    fCnt: fc.constantFrom(0, 1, 0x10000),
    len: fc.integer({ min: 0, max: 70 }),
    flip: fc.option(fc.integer({ min: 0, max: 69 }), { nil: undefined }),
  });

  it('answer exactly as a crypto without memos, through in-place changes of the message', () => {
    fc.assert(
      fc.property(fc.array(key16, { minLength: 3, maxLength: 3 }), fc.array(op, { minLength: 1, maxLength: 40 }), (keys, ops) => {
        const memo = createLoRaCrypto();
        const msg = new Uint8Array(80).map((_, i) => i * 7);
        for (const o of ops) {
          // change one byte of the shared buffer in place between calls
          if (o.flip !== undefined) msg[o.flip] = msg[o.flip]! ^ 0x5a;
          const fresh = createLoRaCrypto(); // a new cache: nothing remembered
          const k = keys[o.key]!;
          if (o.kind === 'mic') {
            if (o.len === 0) continue;
            expect(memo.dataMic32(k, o.dir, o.addr, o.fCnt, msg, o.len)).toBe(fresh.dataMic32(k, o.dir, o.addr, o.fCnt, msg, o.len));
          } else if (o.kind === 'crypt') {
            const data = msg.slice(0, o.len);
            expect(hex(memo.cryptFrmPayload(k, o.dir, o.addr, o.fCnt, data))).toBe(hex(fresh.cryptFrmPayload(k, o.dir, o.addr, o.fCnt, data)));
          } else {
            const out = memo.cryptFrmPayloadFrom(k, o.dir, o.addr, o.fCnt, msg, 3, o.len);
            expect(hex(out)).toBe(hex(fresh.cryptFrmPayload(k, o.dir, o.addr, o.fCnt, msg.slice(3, 3 + o.len))));
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('a key array changed in place never answers from the old key', () => {
    const c = createLoRaCrypto();
    const key = new Uint8Array(16).fill(1);
    const msg = Uint8Array.of(1, 2, 3, 4, 5);
    const before = c.dataMic32(key, 0, 1, 2, msg);
    const ks = hex(c.cryptFrmPayload(key, 0, 1, 2, msg));
    key[15] = 2;
    expect(c.dataMic32(key, 0, 1, 2, msg)).toBe(createLoRaCrypto().dataMic32(key.slice(), 0, 1, 2, msg));
    expect(c.dataMic32(key, 0, 1, 2, msg)).not.toBe(before);
    expect(hex(c.cryptFrmPayload(key, 0, 1, 2, msg))).not.toBe(ks);
  });

  it('cryptFrmPayloadFrom rejects a range outside the source', () => {
    const c = createLoRaCrypto();
    expect(() => c.cryptFrmPayloadFrom(new Uint8Array(16), 0, 1, 1, new Uint8Array(10), 5, 6)).toThrow(RangeError);
  });
});

describe('byte helpers', () => {
  it('empty arrays are fresh, empty and typed like new Uint8Array(0)', () => {
    const a = emptyBytes();
    expect(a).not.toBe(emptyBytes());
    expect(a).toStrictEqual(new Uint8Array(0));
    expect(hexToBytes('')).toStrictEqual(new Uint8Array(0));
    expect(encodeMacCommands([])).toStrictEqual(new Uint8Array(0));
  });

  it('encodeMacCommands equals the flat Uint8Array.from encoding', () => {
    const cmd = fc.record({
      cid: fc.integer({ min: -300, max: 600 }),
      payload: fc.option(fc.oneof(fc.uint8Array({ maxLength: 6 }), fc.array(fc.integer({ min: -1000, max: 1000 }), { maxLength: 6 })), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(cmd, { maxLength: 6 }), (cmds) => {
        const flat: number[] = [];
        for (const c of cmds) {
          flat.push(c.cid & 0xff);
          if (c.payload) for (const b of c.payload) flat.push(b & 0xff);
        }
        expect(encodeMacCommands(cmds)).toStrictEqual(Uint8Array.from(flat));
      }),
      { numRuns: 500 },
    );
  });
});

describe('network de-duplication key', () => {
  const meta = (timeMs: number) => ({ timeMs, freqHz: 868100000, dr: 5, gateways: [{ id: 'gw', rssi: -90, snr: 5 }] });

  it('merges only byte-identical frames, whatever their length', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 12 }), (frames) => {
        const ns = createNetworkServer({ rng: createSeededRng(1) });
        const seen = new Set<string>();
        for (const f of frames) {
          const r = ns.receive(f, meta(1000));
          expect(r.reason === 'duplicate').toBe(seen.has(bytesToHex(f)));
          seen.add(bytesToHex(f));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keys frames too long for the short key exactly as well', () => {
    const ns = createNetworkServer({ rng: createSeededRng(1) });
    const big = new Uint8Array(3000).fill(0xe0);
    expect(ns.receive(big, meta(0)).reason).toBe('malformed');
    expect(ns.receive(big.slice(), meta(10)).reason).toBe('duplicate');
    const other = big.slice();
    other[2999] = 1;
    expect(ns.receive(other, meta(20)).reason).toBe('malformed');
  });

  it('an accepted uplink keeps its result keys in order', () => {
    const abp = { mode: 'abp' as const, devEui: '0004A30B001C0999', devAddr: '260B1234', nwkSKey: '11'.repeat(16), appSKey: '22'.repeat(16) };
    const ns = createNetworkServer({ rng: createSeededRng(1), devices: [abp], decode: (p) => ({ p }) });
    const keys = { nwkSKey: hexToBytes(abp.nwkSKey)!, appSKey: hexToBytes(abp.appSKey)! };
    const r = ns.receive(buildDataFrame({ mType: 4, devAddr: 0x260b1234, fCnt: 0, adr: true, fPort: 3, payload: Uint8Array.of(9) }, keys), meta(0));
    expect(Object.keys(r)).toEqual(['accepted', 'kind', 'devEui', 'devAddr', 'fCnt', 'confirmed', 'gateways', 'bestGateway', 'macCommands', 'fPort', 'payload', 'decoded', 'downlink']);
  });
});
