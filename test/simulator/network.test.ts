import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  buildDataFrame,
  buildJoinRequest,
  decryptJoinAccept,
  deriveSessionKeys,
  hexToBytes,
  openDataFrame,
  type SessionKeys,
} from '../../simulator/lorawan/frames.ts';
import { CID, encodeMacCommands, parseMacCommands, simpleCommand, devStatusAns, linkAdrAns, decodeLinkAdrReq } from '../../simulator/lorawan/mac.ts';
import { createSeededRng } from '../../simulator/lorawan/rng.ts';
import { createNetworkServer, type RxMeta, type NetworkServerOptions } from '../../simulator/network/server.ts';

const h = (s: string): Uint8Array => hexToBytes(s)!;
const OTAA = { devEui: '0004A30B001C0530', joinEui: '70B3D57ED0000001', appKey: '000102030405060708090A0B0C0D0E0F' };
const ABP = {
  mode: 'abp' as const,
  devEui: '0004A30B001C0999',
  devAddr: '260B1234',
  nwkSKey: '11111111111111111111111111111111',
  appSKey: '22222222222222222222222222222222',
};
const abpKeys: SessionKeys = { nwkSKey: h(ABP.nwkSKey), appSKey: h(ABP.appSKey) };

const meta = (timeMs: number, snrs: number[] = [5], dr = 5): RxMeta => ({
  timeMs,
  freqHz: 868100000,
  dr,
  gateways: snrs.map((snr, i) => ({ id: `gw${i}`, rssi: -80 - i, snr })),
});

const server = (o: Partial<NetworkServerOptions> = {}) =>
  createNetworkServer({ rng: createSeededRng(42), devices: [OTAA, ABP], ...o });

const joinReq = (devNonce: number, appKey = OTAA.appKey) =>
  buildJoinRequest({ joinEui: h(OTAA.joinEui), devEui: h(OTAA.devEui), devNonce }, h(appKey));

const abpUp = (fCnt: number, extra: Partial<Parameters<typeof buildDataFrame>[0]> = {}) =>
  buildDataFrame({ mType: 2, devAddr: 0x260b1234, fCnt, fPort: 1, payload: Uint8Array.of(fCnt & 0xff), ...extra }, abpKeys);

describe('join server', () => {
  it('accepts an OTAA join; the device derives a working session from the join accept', () => {
    const ns = server({ decode: (port, b) => ({ port, first: b[0] }) });
    const r = ns.receive(joinReq(7), meta(10_000));
    expect(r.accepted).toBe(true);
    expect(r.downlink).toMatchObject({ atMs: 15_000, freqHz: 868100000, dr: 5, window: 1, kind: 'join-accept', gatewayId: 'gw0' });
    const ja = decryptJoinAccept(r.downlink!.phy, h(OTAA.appKey));
    expect(ja.ok).toBe(true);
    if (!ja.ok) return;
    expect(ja.value.devAddr >>> 25).toBe(0x13); // NwkID of NetID 0x000013
    expect(ja.value.devAddr).toBe(r.devAddr);
    const keys = deriveSessionKeys(h(OTAA.appKey), ja.value.joinNonce, ja.value.netId, 7);
    const up = buildDataFrame({ mType: 2, devAddr: ja.value.devAddr, fCnt: 0, fPort: 5, payload: Uint8Array.of(42) }, keys);
    const d = ns.receive(up, meta(20_000));
    expect(d).toMatchObject({ accepted: true, devEui: OTAA.devEui, fCnt: 0, fPort: 5, decoded: { port: 5, first: 42 } });
    expect(ns.device(OTAA.devEui)).toMatchObject({ joined: true, lastFCntUp: 0 });
  });

  it('sends the join accept in RX2 (6 s, 869.525 MHz, DR0) when configured', () => {
    const r = server({ rxWindow: 2 }).receive(joinReq(1), meta(0, [3], 4));
    expect(r.downlink).toMatchObject({ atMs: 6000, freqHz: 869525000, dr: 0, window: 2 });
  });

  it('rejects a replayed DevNonce and a bad MIC, and counts both', () => {
    const ns = server();
    expect(ns.receive(joinReq(100), meta(0)).accepted).toBe(true);
    const again = ns.receive(joinReq(100), meta(60_000));
    expect(again).toMatchObject({ accepted: false, reason: 'devnonce-replay' });
    const wrongKey = ns.receive(joinReq(101, 'FF0102030405060708090A0B0C0D0E0F'), meta(120_000));
    expect(wrongKey).toMatchObject({ accepted: false, reason: 'mic' });
    expect(wrongKey.detail).not.toMatch(/0102030405/);
    expect(ns.receive(joinReq(101), meta(180_000)).accepted).toBe(true);
    expect(ns.stats()).toMatchObject({ joins: 2, devNonceReplays: 1, micFailures: 1, joinRejects: 2 });
  });

  it('is deterministic for a given seed', () => {
    const a = server().receive(joinReq(9), meta(0)).downlink!.phy;
    const b = server().receive(joinReq(9), meta(0)).downlink!.phy;
    const c = server({ rng: createSeededRng(43) }).receive(joinReq(9), meta(0)).downlink!.phy;
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });
});

describe('network server data path', () => {
  it('reconstructs 32-bit frame counters across 65535', () => {
    const ns = server();
    const counts = [65535, 65536, 131071, 131072];
    for (let n = 0; n < 140_000; n += 15_000) counts.push(n);
    counts.sort((a, b) => a - b);
    for (const [i, n] of counts.entries()) {
      const r = ns.receive(abpUp(n), meta(i * 60_000));
      expect(r).toMatchObject({ accepted: true, fCnt: n });
      expect(r.payload).toEqual(Uint8Array.of(n & 0xff));
    }
    expect(ns.device(ABP.devEui)!.lastFCntUp).toBe(135_000);
  });

  it('rejects MIC failures, replays and too-large counter jumps, counted', () => {
    const ns = server();
    const f5 = abpUp(5);
    expect(ns.receive(f5, meta(0)).accepted).toBe(true);
    const bad = f5.slice();
    bad[bad.length - 1] = bad[bad.length - 1]! ^ 0xff;
    expect(ns.receive(abpUp(6).map((b, i, a) => (i === a.length - 2 ? b ^ 1 : b)), meta(1000))).toMatchObject({ reason: 'mic' });
    expect(ns.receive(abpUp(3), meta(2000))).toMatchObject({ accepted: false, reason: 'replay' });
    expect(ns.receive(abpUp(5 + 20000), meta(3000))).toMatchObject({ accepted: false, reason: 'fcnt-gap' });
    expect(ns.receive(f5, meta(4000))).toMatchObject({ accepted: false, reason: 'retransmission' });
    expect(ns.stats()).toMatchObject({ micFailures: 1, replays: 1, fCntGaps: 1, retransmissions: 1, uplinks: 1 });
  });

  it('de-duplicates the same frame from several gateways within 200 ms, keeping the best SNR', () => {
    const seen: unknown[] = [];
    const ns = server({ onUplink: (r) => seen.push(r) });
    const f = abpUp(1);
    const first = ns.receive(f, { ...meta(1000), gateways: [{ id: 'a', rssi: -100, snr: -3 }] });
    expect(first.accepted).toBe(true);
    const dup = ns.receive(f, { ...meta(1150), gateways: [{ id: 'b', rssi: -90, snr: 6 }] });
    expect(dup).toMatchObject({ accepted: false, reason: 'duplicate', fCnt: 1 });
    expect(first.gateways!.map((g) => g.id)).toEqual(['a', 'b']);
    expect(first.bestGateway!.id).toBe('b');
    expect(seen).toHaveLength(1);
    expect(ns.stats()).toMatchObject({ uplinks: 1, duplicates: 1 });
    // outside the window the same bytes are a repeated frame, not a duplicate
    expect(ns.receive(f, meta(1300))).toMatchObject({ reason: 'retransmission' });
  });

  it('keeps a frozen gateways list without copying it (a mutable one is copied), and merges a duplicate into a copy', () => {
    const ns = server();
    const mutable = [{ id: 'a', rssi: -100, snr: -3 }];
    const r0 = ns.receive(abpUp(1), { ...meta(0), gateways: mutable });
    expect(r0.gateways).not.toBe(mutable);
    expect(r0.gateways).toEqual(mutable);
    const frozen = Object.freeze([Object.freeze({ id: 'a', rssi: -100, snr: -3 })]) as unknown as RxMeta['gateways'];
    const f = abpUp(2);
    const first = ns.receive(f, { ...meta(1000), gateways: frozen });
    expect(first.accepted).toBe(true);
    expect(first.gateways).toBe(frozen);
    const dup = ns.receive(f, { ...meta(1100), gateways: [{ id: 'b', rssi: -90, snr: 6 }] });
    expect(dup).toMatchObject({ accepted: false, reason: 'duplicate' });
    expect(first.gateways!.map((g) => g.id)).toEqual(['a', 'b']);
    expect(frozen.map((g) => g.id)).toEqual(['a']);
    expect(first.bestGateway!.id).toBe('b');
  });

  it('ACKs confirmed uplinks in RX1, and ACKs a retransmission again without redelivering', () => {
    const ns = server();
    const f = abpUp(10, { mType: 4 });
    const r = ns.receive(f, meta(5000));
    expect(r).toMatchObject({ accepted: true, confirmed: true });
    expect(r.downlink).toMatchObject({ atMs: 6000, window: 1, ack: true, fCnt: 0 });
    const dn = openDataFrame(r.downlink!.phy, abpKeys, 0);
    expect(dn.ok && dn.value.ack).toBe(true);
    expect(dn.ok && dn.value.fPort).toBeUndefined();
    const again = ns.receive(f, meta(9000));
    expect(again).toMatchObject({ accepted: true, retransmission: true });
    expect(again.payload).toBeUndefined();
    expect(again.downlink).toMatchObject({ ack: true, fCnt: 1 });
    expect(ns.stats().uplinks).toBe(1);
  });

  it('delivers queued downlinks in RX1 or RX2 with FPending while more wait', () => {
    for (const rxWindow of [1, 2] as const) {
      const ns = server({ rxWindow });
      ns.enqueue(ABP.devEui, { fPort: 10, payload: Uint8Array.of(1, 2, 3) });
      ns.enqueue(ABP.devEui, { fPort: 11, payload: Uint8Array.of(4) });
      const r = ns.receive(abpUp(0), meta(1000, [5], 3));
      const expected = rxWindow === 1 ? { atMs: 2000, freqHz: 868100000, dr: 3 } : { atMs: 3000, freqHz: 869525000, dr: 0 };
      expect(r.downlink).toMatchObject({ ...expected, window: rxWindow, fPort: 10, ack: false });
      const dn = openDataFrame(r.downlink!.phy, abpKeys, 0);
      expect(dn.ok && dn.value).toMatchObject({ fPort: 10, payload: Uint8Array.of(1, 2, 3), fPending: true });
      const r2 = ns.receive(abpUp(1), meta(10_000));
      const dn2 = openDataFrame(r2.downlink!.phy, abpKeys, 1);
      expect(dn2.ok && dn2.value).toMatchObject({ fPort: 11, fPending: false, fCnt: 1 });
      expect(ns.receive(abpUp(2), meta(20_000)).downlink).toBeUndefined();
    }
  });

  it('answers LinkCheckReq with the margin over the demodulation floor and the gateway count', () => {
    const ns = server();
    // DR5 = SF7, floor -7.5 dB; best SNR 4.5 dB -> margin 12 dB; three gateways
    const r = ns.receive(abpUp(0, { fOpts: Uint8Array.of(CID.LinkCheck) }), meta(0, [1, 4.5, -2], 5));
    expect(r.macCommands).toEqual(['LinkCheck']);
    const dn = openDataFrame(r.downlink!.phy, abpKeys, 0);
    expect(dn.ok).toBe(true);
    if (!dn.ok) return;
    const cmds = parseMacCommands(dn.value.payload!, 'down').commands; // port 0: MAC only
    expect(dn.value.fPort).toBe(0);
    expect(cmds).toEqual([{ cid: 2, name: 'LinkCheck', payload: Uint8Array.of(12, 3) }]);
  });

  it('requests a faster DR and lower power by ADR after 20 uplinks with margin', () => {
    const ns = server();
    let adrCmd: Uint8Array | undefined;
    for (let i = 0; i < 20; i++) {
      const r = ns.receive(abpUp(i, { adr: true }), meta(i * 1000, [10], 0));
      if (r.downlink) {
        const dn = openDataFrame(r.downlink.phy, abpKeys, r.downlink.fCnt!);
        adrCmd = dn.ok ? parseMacCommands(dn.value.payload!, 'down').commands.find((c) => c.cid === CID.LinkADR)?.payload : undefined;
        expect(i).toBe(19);
      }
    }
    // SNR 10 at SF12 (floor -20), margin 10: 20 - 10 = 10 dB... steps = floor((10+20-10)/3) = 6
    expect(adrCmd).toBeDefined();
    expect(decodeLinkAdrReq(adrCmd!)).toEqual({ dr: 5, txPowerIdx: 1, chMask: 0, chMaskCntl: 6, nbTrans: 1 });
    // the device acknowledges: power index adopted, and the history starts afresh, so the
    // next request waits for 20 uplinks at the new settings (ADR stays within TTN's 10 downlinks a day)
    const r = ns.receive(abpUp(20, { adr: true, fOpts: encodeMacCommands([linkAdrAns(true, true, true)]) }), meta(30_000, [10], 5));
    expect(ns.device(ABP.devEui)!.txPowerIdx).toBe(1);
    expect(r.downlink).toBeUndefined();
    let next: Uint8Array | undefined;
    for (let i = 21; i < 41; i++) {
      const rr = ns.receive(abpUp(i, { adr: true }), meta(40_000 + i * 1000, [10], 5));
      if (!rr.downlink) continue;
      expect(i).toBe(39); // uplinks 20..39 at the new settings
      const dn = openDataFrame(rr.downlink.phy, abpKeys, rr.downlink.fCnt!);
      next = dn.ok ? parseMacCommands(dn.value.payload!, 'down').commands[0]!.payload : undefined;
    }
    // at DR5 (floor -7.5 dB) the margin 10 + 7.5 - 10 = 7.5 dB allows 2 steps: power index 1 -> 3
    expect(decodeLinkAdrReq(next!)).toMatchObject({ dr: 5, txPowerIdx: 3 });
    expect(ns.stats().adrRequests).toBe(2);
  });

  it('sends queued DevStatusReq / DutyCycleReq and records the answers', () => {
    const ns = server();
    ns.requestMac(ABP.devEui, simpleCommand(CID.DevStatus));
    ns.requestMac(ABP.devEui, simpleCommand(CID.DutyCycle, [7]));
    const r = ns.receive(abpUp(0), meta(0));
    const dn = openDataFrame(r.downlink!.phy, abpKeys, 0);
    expect(dn.ok && parseMacCommands(dn.value.payload!, 'down').commands.map((c) => c.name)).toEqual(['DevStatus', 'DutyCycle']);
    const answer = encodeMacCommands([devStatusAns(200, -3), simpleCommand(CID.DutyCycle)]);
    ns.receive(abpUp(1, { fOpts: answer }), meta(5000));
    expect(ns.device(ABP.devEui)).toMatchObject({ lastDevStatus: { battery: 200, marginDb: -3 }, maxDutyCycle: 7 });
  });

  it('reports a throwing decoder without failing the uplink', () => {
    const ns = server({
      decode: () => {
        throw new Error('bad schema');
      },
    });
    expect(ns.receive(abpUp(0), meta(0))).toMatchObject({ accepted: true, decodeError: 'bad schema' });
  });

  it('never throws on arbitrary bytes', () => {
    const ns = server();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.nat(), (b, t) => {
        const r = ns.receive(b, meta(t));
        expect(typeof r.accepted).toBe('boolean');
        if (!r.accepted) expect(r.reason).toBeTypeOf('string');
      }),
    );
  });
});
