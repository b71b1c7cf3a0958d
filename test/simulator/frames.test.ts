import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import loraPacket from 'lora-packet';
import {
  buildDataFrame,
  buildJoinAccept,
  buildJoinRequest,
  bytesToHex,
  decryptJoinAccept,
  deriveSessionKeys,
  hexToBytes,
  openDataFrame,
  parseDataHeader,
  parseJoinRequest,
  reconstructFCnt,
  verifyDataMic,
  verifyJoinRequest,
} from '../../simulator/lorawan/frames.ts';
import { encodeMacCommands, linkCheckAns, parseMacCommands } from '../../simulator/lorawan/mac.ts';

const h = (s: string): Uint8Array => hexToBytes(s)!;

// Published vector: lora-packet issue #10 (join request/accept captured on a live EU868
// network) with the session keys derived there by an independent implementation.
const V = {
  appKey: h('B6B53F4A168A7A88BDF7EA135CE9CFCA'),
  joinRequest: '00DC0000D07ED5B3701E6FEDF57CEEAF0085CC587FE913',
  joinEui: '70B3D57ED00000DC',
  devEui: '00AFEE7CF5ED6F1E',
  devNonce: 0xcc85,
  joinAccept: '204DD85AE608B87FC4889970B7D2042C9E72959B0057AED6094B16003DF12DE145',
  cfList: '184F84E85684B85E84886684586E8400',
  nwkSKey: '2C96F7028184BB0BE8AA49275290D4FC',
  appSKey: 'F3A5C8F0232A38C144029C165865802C',
};

// Published vector: lora-packet README (data uplink "test", DevAddr 49BE7DF1, FCnt 2).
const D = {
  phy: '40F17DBE4900020001954378762B11FF0D',
  nwkSKey: h('44024241ed4ce9a68c6a8bc055233fd3'),
  appSKey: h('ec925802ae430ca77fd3dd73cb2cc588'),
};

const key16 = fc.uint8Array({ minLength: 16, maxLength: 16 });
const eui = fc.uint8Array({ minLength: 8, maxLength: 8 });

describe('join request', () => {
  it('matches the published join request byte for byte', () => {
    const phy = buildJoinRequest({ joinEui: h(V.joinEui), devEui: h(V.devEui), devNonce: V.devNonce }, V.appKey);
    expect(bytesToHex(phy)).toBe(V.joinRequest);
    expect(verifyJoinRequest(phy, V.appKey)).toBe(true);
    const p = parseJoinRequest(phy);
    expect(p.ok && bytesToHex(p.value.devEui)).toBe(V.devEui);
    expect(p.ok && p.value.devNonce).toBe(V.devNonce);
  });

  it('round-trips and is read identically by lora-packet', () => {
    fc.assert(
      fc.property(eui, eui, fc.integer({ min: 0, max: 0xffff }), key16, (j, d, n, k) => {
        const phy = buildJoinRequest({ joinEui: j, devEui: d, devNonce: n }, k);
        const lp = loraPacket.fromWire(Buffer.from(phy));
        expect(bytesToHex(lp.DevEUI!)).toBe(bytesToHex(d));
        expect(bytesToHex(lp.AppEUI!)).toBe(bytesToHex(j));
        expect(lp.DevNonce!.readUInt16BE(0)).toBe(n);
        expect(loraPacket.verifyMIC(lp, undefined, Buffer.from(k))).toBe(true);
        expect(verifyJoinRequest(phy, k)).toBe(true);
        const bad = phy.slice();
        bad[10] = bad[10]! ^ 1;
        expect(verifyJoinRequest(bad, k)).toBe(false);
      }),
      { numRuns: 50 },
    );
  });

  it('rejects malformed input without throwing', () => {
    expect(parseJoinRequest(new Uint8Array(5)).ok).toBe(false);
    expect(parseJoinRequest(h('40' + '00'.repeat(22))).ok).toBe(false);
    expect(verifyJoinRequest(new Uint8Array(0), V.appKey)).toBe(false);
  });
});

describe('join accept', () => {
  const fields = {
    joinNonce: 0xe5063a,
    netId: 0x13,
    devAddr: 0x26012e43,
    rx1DrOffset: 0,
    rx2Dr: 3,
    rxDelaySec: 1,
    cfList: h(V.cfList),
  };

  it('builds the published join accept byte for byte', () => {
    expect(bytesToHex(buildJoinAccept(fields, V.appKey))).toBe(V.joinAccept);
  });

  it('decrypts the published join accept and derives the published session keys', () => {
    const r = decryptJoinAccept(h(V.joinAccept), V.appKey);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.devAddr).toBe(0x26012e43);
    expect(r.value.netId).toBe(0x13);
    expect(r.value.joinNonce).toBe(0xe5063a);
    expect(r.value.rx2Dr).toBe(3);
    expect(bytesToHex(r.value.cfList!)).toBe(V.cfList);
    const k = deriveSessionKeys(V.appKey, r.value.joinNonce, r.value.netId, V.devNonce);
    expect(bytesToHex(k.nwkSKey)).toBe(V.nwkSKey);
    expect(bytesToHex(k.appSKey)).toBe(V.appSKey);
  });

  it('fails cleanly with the wrong key or a damaged frame', () => {
    const wrong = decryptJoinAccept(h(V.joinAccept), D.appSKey);
    expect(wrong).toEqual({ ok: false, error: 'join accept MIC mismatch' });
    expect(decryptJoinAccept(h(V.joinAccept).slice(0, 20), V.appKey).ok).toBe(false);
    expect(decryptJoinAccept(h(V.joinAccept), new Uint8Array(3)).ok).toBe(false);
  });

  it('round-trips arbitrary fields', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffffff }),
        fc.integer({ min: 0, max: 0xffffff }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 0, max: 7 }),
        fc.integer({ min: 0, max: 15 }),
        fc.integer({ min: 0, max: 15 }),
        key16,
        (jn, net, addr, off, rx2, dly, k) => {
          const f = { joinNonce: jn, netId: net, devAddr: addr, rx1DrOffset: off, rx2Dr: rx2, rxDelaySec: dly };
          const r = decryptJoinAccept(buildJoinAccept(f, k), k);
          expect(r).toEqual({ ok: true, value: f });
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe('data frames', () => {
  it('opens the published uplink', () => {
    const phy = h(D.phy);
    const r = openDataFrame(phy, { nwkSKey: D.nwkSKey, appSKey: D.appSKey }, 2);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.devAddr).toBe(0x49be7df1);
    expect(Buffer.from(r.value.payload!).toString()).toBe('test');
    // and rebuilding it gives the same bytes
    const again = buildDataFrame({ mType: 2, devAddr: 0x49be7df1, fCnt: 2, fPort: 1, payload: r.value.payload! }, {
      nwkSKey: D.nwkSKey,
      appSKey: D.appSKey,
    });
    expect(bytesToHex(again)).toBe(D.phy);
  });

  const frameArb = fc.record({
    mType: fc.constantFrom(2 as const, 3 as const, 4 as const, 5 as const),
    devAddr: fc.integer({ min: 0, max: 0xffffffff }),
    fCnt: fc.integer({ min: 0, max: 0xffffffff }),
    adr: fc.boolean(),
    ack: fc.boolean(),
    fPort: fc.integer({ min: 1, max: 223 }),
    payload: fc.uint8Array({ maxLength: 60 }),
    fOpts: fc.uint8Array({ maxLength: 15 }),
  });

  it('round-trips with 32-bit counters and matches lora-packet (MIC, decryption)', () => {
    fc.assert(
      fc.property(frameArb, key16, key16, (f, nwk, app) => {
        const keys = { nwkSKey: nwk, appSKey: app };
        const phy = buildDataFrame(f, keys);
        const r = openDataFrame(phy, keys, f.fCnt);
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        expect(bytesToHex(r.value.payload!)).toBe(bytesToHex(f.payload));
        expect(r.value.fCnt).toBe(f.fCnt);
        expect(r.value.fPort).toBe(f.fPort);
        expect(bytesToHex(r.value.fOpts!)).toBe(bytesToHex(f.fOpts));
        expect(r.value.ack).toBe(f.ack);
        // cross-check with lora-packet's own parser
        const lp = loraPacket.fromWire(Buffer.from(phy));
        const msb = Buffer.from([(f.fCnt >>> 16) & 0xff, f.fCnt >>> 24]);
        expect(lp.getFCnt()).toBe(f.fCnt & 0xffff);
        expect(lp.getFCtrlACK()).toBe(f.ack);
        expect(loraPacket.verifyMIC(lp, Buffer.from(nwk), undefined, msb)).toBe(true);
        if (f.payload.length > 0) {
          expect(bytesToHex(loraPacket.decrypt(lp, Buffer.from(app), Buffer.from(nwk), msb))).toBe(bytesToHex(f.payload));
        }
        // the upper counter bytes matter: a wrong upper half fails the MIC when it differs
        const wrongHi = (f.fCnt + 0x10000) >>> 0;
        expect(verifyDataMic(phy, nwk, wrongHi)).toBe(false);
      }),
      { numRuns: 60 },
    );
  });

  it('signs an empty ACK (no FPort) and encrypts port-0 MAC payloads with NwkSKey', () => {
    const keys = { nwkSKey: D.nwkSKey, appSKey: D.appSKey };
    const ackOnly = buildDataFrame({ mType: 3, devAddr: 0x01020304, fCnt: 70000, ack: true }, keys);
    expect(ackOnly.length).toBe(12);
    expect(verifyDataMic(ackOnly, D.nwkSKey, 70000)).toBe(true);
    const mac = encodeMacCommands([linkCheckAns(12, 2)]);
    const p0 = buildDataFrame({ mType: 3, devAddr: 0x01020304, fCnt: 5, fPort: 0, payload: mac }, keys);
    const lp = loraPacket.fromWire(Buffer.from(p0));
    expect(bytesToHex(loraPacket.decrypt(lp, undefined, Buffer.from(D.nwkSKey)))).toBe(bytesToHex(mac));
    const opened = openDataFrame(p0, keys, 5);
    expect(opened.ok && parseMacCommands(opened.value.payload!, 'down').commands[0]!.payload).toEqual(Uint8Array.of(12, 2));
  });

  it('parses headers and rejects garbage without throwing', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (b) => {
        const r = parseDataHeader(b);
        if (r.ok) expect(r.value.fOpts.length).toBeLessThanOrEqual(15);
        expect(verifyDataMic(b, D.nwkSKey, 0)).toBeTypeOf('boolean');
        expect(decryptJoinAccept(b, D.nwkSKey).ok === false || b.length === 17 || b.length === 33).toBe(true);
      }),
    );
  });
});

describe('frame counter reconstruction', () => {
  it('follows the 16-bit counter across 65535', () => {
    expect(reconstructFCnt(0xfffe, 0xfffd)).toBe(0xfffe);
    expect(reconstructFCnt(0x0000, 0xffff)).toBe(0x10000);
    expect(reconstructFCnt(0x0003, 0x1fffe)).toBe(0x20003);
    expect(reconstructFCnt(0x0005, undefined)).toBe(5);
    expect(reconstructFCnt(0x1234, 0x1234)).toBe(0x1234); // retransmission
    expect(reconstructFCnt(0x0001, 0x0005)).toBeNull(); // would be a jump of ~65531
  });

  it('recovers any counter within the allowed gap', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xfff00000 }), fc.integer({ min: 1, max: 16383 }), (last, gap) => {
        expect(reconstructFCnt((last + gap) & 0xffff, last)).toBe(last + gap);
      }),
    );
  });
});

describe('MAC commands', () => {
  it('stops at an unknown CID with a clear error', () => {
    const r = parseMacCommands(Uint8Array.of(0x02, 0x7f, 0x02), 'up');
    expect(r.commands.map((c) => c.name)).toEqual(['LinkCheck']);
    expect(r.error).toMatch(/unknown MAC command 0x7f/);
    expect(parseMacCommands(Uint8Array.of(0x03, 1), 'down').error).toMatch(/truncated LinkADR/);
  });
});
