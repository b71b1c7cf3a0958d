// The MAC engine's per-session shortcuts against the code they replaced: downlinks opened
// with the session's key contexts (scan in place, no key lookups) give what openDataFrame
// with the key arrays gave, and the RN2483's boot configuration, written as literals, has
// the values and key order of the former spread copies.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildDataFrame, openDataFrame, parseDataHeader, reconstructFCnt, type DataFrame, type SessionKeys } from '../../simulator/lorawan/frames.ts';
import { loraCrypto } from '../../simulator/lorawan/crypto.ts';
import { parseMacCommands } from '../../simulator/lorawan/mac.ts';
import { openDownlink, type OpenedDownlink } from '../../simulator/modems/downlink.ts';
import { defaultChannels, type MacConfig } from '../../simulator/modems/mac-engine.ts';
import { createClock } from '../../simulator/clock.ts';
import { createRn2483 } from '../../simulator/modems/rn2483.ts';
import { EU868 } from '../../firmware/lorawan/regions/eu868.ts';
import { fakePeer } from './fake-peer.ts';
import { decIn, isHex } from '../../simulator/modems/line.ts';
import { freshConfig, param, type RakParamHost } from '../../simulator/modems/rak3172-params.ts';
import { regionByName } from '../../firmware/lorawan/regions.ts';
import { dataRate } from '../../firmware/lorawan/region.ts';
import { hexToBytes } from '../../simulator/lorawan/frames.ts';

/** openDownlink as it was: openDataFrame with the key arrays. */
function refOpenDownlink(phy: Uint8Array, cfg: MacConfig, keys: SessionKeys): OpenedDownlink | null {
  const h = parseDataHeader(phy);
  if (!h.ok || (h.value.mType !== 3 && h.value.mType !== 5) || h.value.devAddr !== cfg.devAddr) return null;
  const last = cfg.fCntDown > 0 ? cfg.fCntDown - 1 : undefined;
  const f = reconstructFCnt(h.value.fCnt16, last);
  if (f === null || (last !== undefined && f <= last)) return null;
  const r = openDataFrame(phy, keys, f);
  if (!r.ok) return null;
  const d = r.value;
  const macBytes = d.fPort === 0 ? d.payload! : d.fOpts!;
  return {
    mType: d.mType,
    fCnt: f,
    ack: !!d.ack,
    ...(d.fPort !== undefined ? { port: d.fPort } : {}),
    payload: d.fPort === 0 ? new Uint8Array(0) : d.payload!,
    mac: parseMacCommands(macBytes, 'down').commands,
  };
}

const key = fc.uint8Array({ minLength: 16, maxLength: 16 });
const bytes = (max: number) => fc.uint8Array({ minLength: 0, maxLength: max });

/** The RAK3172 settings as they were: a closure per setting applied by setNum / setHex. */
function refSet(m: RakParamHost, name: string, v: string): boolean {
  const cfg = m.cfg;
  const flash = m.flash;
  const setNum = (min: number, max: number, apply: (n: number) => boolean | void): void => {
    const n = decIn(v, min, max);
    if (n === null || apply(n) === false) return m.reply('AT_PARAM_ERROR');
    m.ok();
  };
  const setHex = (n: number, apply: (h: string) => void): void => {
    if (!/^[0-9a-fA-F]*$/.test(v) || v.length !== n) return m.reply('AT_PARAM_ERROR');
    apply(v.toUpperCase());
    m.ok();
  };
  const BANDS: Record<number, string> = { 3: 'IN865', 4: 'EU868', 5: 'US915', 6: 'AU915', 7: 'KR920', 8: 'AS923-1', 9: 'AS923-2', 10: 'AS923-3', 11: 'AS923-4' };
  switch (name) {
    case 'VER': case 'NJS': case 'RX2DL': case 'RSSI': case 'SNR': m.reply('AT_PARAM_ERROR'); return true;
    case 'DEVEUI': setHex(16, (h) => (cfg.devEui = h)); return true;
    case 'APPEUI': setHex(16, (h) => (cfg.joinEui = h)); return true;
    case 'DEVADDR': setHex(8, (h) => (cfg.devAddr = parseInt(h, 16) >>> 0)); return true;
    case 'APPKEY': case 'NWKSKEY': case 'APPSKEY':
      setHex(32, (h) => {
        const k = hexToBytes(h);
        if (name === 'APPKEY') cfg.appKey = k;
        else if (name === 'NWKSKEY') cfg.nwkSKey = k;
        else cfg.appSKey = k;
      });
      return true;
    case 'NJM': setNum(0, 1, (n) => void ((flash.njm = n as 0 | 1), (cfg.joined = false))); return true;
    case 'CFM': setNum(0, 1, (n) => void (flash.cfm = n === 1)); return true;
    case 'ADR': setNum(0, 1, (n) => void (cfg.adr = n === 1)); return true;
    case 'DCS': setNum(0, 1, (n) => void (cfg.dutyCycle = n === 1)); return true;
    case 'DR': setNum(0, 15, (n) => (dataRate(m.region, n) ? void (cfg.dr = n) : false)); return true;
    case 'TXP': setNum(0, m.region.maxTxPowerIndex, (n) => void (cfg.txPowerIdx = n)); return true;
    case 'RETY': setNum(0, 7, (n) => void (cfg.retx = n)); return true;
    case 'LINKCHECK': setNum(0, 2, (n) => void (flash.linkCheck = n as 0 | 1 | 2)); return true;
    case 'RX1DL': setNum(1000, 15000, (n) => void (cfg.rx1DelayMs = n)); return true;
    case 'RX2DR': setNum(0, 15, (n) => void (cfg.rx2Dr = n)); return true;
    case 'RX2FQ': setNum(100000000, 1000000000, (n) => void (cfg.rx2FreqHz = n)); return true;
    case 'BAND':
      setNum(0, 12, (n) => {
        const r = BANDS[n] ? regionByName(BANDS[n]!) : null;
        if (!r || m.engine.busy() || m.joining) return false;
        flash.band = n;
        m.region = r;
        const keep = cfg;
        m.cfg = { ...freshConfig(r, keep.devEui), devEui: keep.devEui, joinEui: keep.joinEui, appKey: keep.appKey };
        m.newEngine();
      });
      return true;
    default:
      return false;
  }
}

function rakHost(busy: boolean): RakParamHost & { out: string[] } {
  const region = regionByName('EU868')!;
  const out: string[] = [];
  return {
    cfg: freshConfig(region, 'AC1F09FFFE000001'),
    flash: { band: 4, njm: 1, cfm: false, linkCheck: 0 },
    region,
    engine: { busy: () => busy } as never,
    joining: null,
    out,
    reply: (s) => void out.push(s),
    ok: () => void out.push('OK'),
    newEngine: () => void out.push('(new engine)'),
  };
}

describe('modem session paths', () => {
  it('isHex() matches the regex version', () => {
    const hexish = fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEFgG: \u00e9\u0130xX'.split('')), maxLength: 40 });
    fc.assert(
      fc.property(fc.oneof(hexish, fc.string({ maxLength: 40 })), fc.constantFrom(0, 2, 8, 16, 32), (s, n) => {
        const ref = /^[0-9a-fA-F]*$/.test(s) && (n > 0 ? s.length === n : s.length > 0 && s.length % 2 === 0);
        expect(isHex(s, n)).toBe(ref);
      }),
      { numRuns: 3000 },
    );
  });

  it('RAK3172 settings without closures reply and apply exactly as the closure version', () => {
    const names = ['VER', 'NJS', 'RX2DL', 'RSSI', 'SNR', 'DEVEUI', 'APPEUI', 'DEVADDR', 'APPKEY', 'NWKSKEY', 'APPSKEY', 'NJM', 'CFM', 'ADR', 'DCS', 'DR',
      'TXP', 'RETY', 'LINKCHECK', 'RX1DL', 'RX2DR', 'RX2FQ', 'BAND', 'NOPE', 'JOIN'];
    const value = fc.oneof(
      fc.integer({ min: -2, max: 20 }).map(String),
      fc.constantFrom('1000', '15000', '15001', '999', '869525000', '100000000', '1000000001', '', '01', '1a', ' 1', '99999999999'),
      fc.constantFrom('AC1F09FFFE000001', 'ac1f09fffe00000g', '260B0001', '260b000', '2B7E151628AED2A6ABF7158809CF4F3C', '2b7e151628aed2a6abf7158809cf4f3c', '2B7E151628AED2A6ABF7158809CF4F3'),
    );
    fc.assert(
      fc.property(fc.constantFrom(...names), value, fc.boolean(), (name, v, busy) => {
        const a = rakHost(busy);
        const b = rakHost(busy);
        const known = param(a, name, v);
        expect(known).toBe(refSet(b, name, v));
        expect(a.out).toEqual(b.out);
        expect(a.cfg).toEqual(b.cfg);
        expect(Object.keys(a.cfg)).toEqual(Object.keys(b.cfg));
        expect(a.flash).toEqual(b.flash);
        expect(a.region).toBe(b.region);
      }),
      { numRuns: 4000 },
    );
  });

  it('openDownlink with key contexts opens exactly what openDataFrame with the keys did', () => {
    let opened = 0;
    let withMac = 0;
    let withPort0 = 0;
    fc.assert(
      fc.property(
        key,
        key,
        fc.record({
          mType: fc.constantFrom(3, 5, 3, 5, 2, 4),
          devAddr: fc.constantFrom(0x26011234, 0x26011234, 0x26011234, 0x26011235),
          // the frame's counter: near the expected one (fCntDown), or anywhere
          fCntAhead: fc.oneof(fc.integer({ min: -3, max: 5 }), fc.integer({ min: -20000, max: 20000 })),
          fCntAny: fc.oneof({ arbitrary: fc.constant(null), weight: 5 }, { arbitrary: fc.integer({ min: 0, max: 0xffffffff }), weight: 1 }),
          ack: fc.boolean(),
          fPending: fc.boolean(),
          // FOpts with known commands (03 LinkADRReq, 06 DevStatusReq, 02 LinkCheckAns) or junk
          fOpts: fc.oneof(fc.constantFrom(new Uint8Array(0), Uint8Array.of(6), Uint8Array.of(3, 0x51, 7, 0, 0x01), Uint8Array.of(2, 10, 1, 6)), bytes(15)),
          port: fc.oneof(fc.constant(undefined), fc.constant(0), fc.integer({ min: 0, max: 255 })),
          payload: bytes(40),
        }),
        fc.integer({ min: 0, max: 70000 }),
        fc.constantFrom('none', 'none', 'none', 'none', 'mic', 'byte', 'short'),
        (nwkSKey, appSKey, g, fCntDown, damage) => {
          const fCnt = g.fCntAny ?? Math.max(0, fCntDown + g.fCntAhead);
          const f: DataFrame = { mType: g.mType as DataFrame['mType'], devAddr: g.devAddr, fCnt, ack: g.ack, fPending: g.fPending };
          if (g.port !== undefined) {
            f.fPort = g.port;
            f.payload = g.port === 0 && g.payload.length === 0 ? Uint8Array.of(6) : g.payload;
            if (g.port !== 0) f.fOpts = g.fOpts;
          } else f.fOpts = g.fOpts;
          let phy = buildDataFrame(f, { nwkSKey, appSKey });
          if (damage === 'mic') phy[phy.length - 1]! ^= 1;
          if (damage === 'byte') phy[Math.min(6, phy.length - 1)]! ^= 0x10;
          if (damage === 'short') phy = phy.slice(0, 11);
          const cfg = { devAddr: 0x26011234, fCntDown } as MacConfig;
          const want = refOpenDownlink(phy, cfg, { nwkSKey, appSKey });
          const got = openDownlink(phy, cfg, loraCrypto.keys.get(nwkSKey), loraCrypto.keys.get(appSKey));
          expect(got).toEqual(want);
          if (want) {
            expect(Object.keys(got!)).toEqual(Object.keys(want));
            opened++;
            if (want.mac.length > 0) withMac++;
            if (want.port === 0) withPort0++;
          }
        },
      ),
      { numRuns: 1500 },
    );
    // the comparison is not vacuous
    expect(opened).toBeGreaterThan(100);
    expect(withMac).toBeGreaterThan(20);
    expect(withPort0).toBeGreaterThan(5);
  });

  it('the RN2483 boot configuration equals the former spread copies, keys in the same order', () => {
    const clock = createClock();
    const { peer, feed } = fakePeer(57600);
    const m = createRn2483(clock, peer, { seed: 1, air: { transmit: () => undefined }, hwEui: '0004A30B00FFEE01' }) as unknown as { cfg: MacConfig };
    const send = (line: string) => feed(line + '\r\n');
    // the former boot: `{ ...base, dr: 5, ... }` over the factory settings, or over a copy of the saved configuration
    const rest = { dr: 5, adr: false, txPowerIdx: 1, retx: 7, rx1DelayMs: 1000, rx1DrOffset: 0, devNonce: 0, joined: false, maxDCycle: 0, dutyCycle: true, linkCheck: false };
    const factory = {
      devEui: '0000000000000000', joinEui: '0000000000000000', appKey: null, devAddr: 0, nwkSKey: null, appSKey: null,
      fCntUp: 0, fCntDown: 0, rx2Dr: EU868.rx2.dr, rx2FreqHz: EU868.rx2.hz, channels: defaultChannels(EU868, 302),
    };
    const want0 = { ...factory, ...rest };
    expect(m.cfg).toEqual(want0);
    expect(Object.keys(m.cfg)).toEqual(Object.keys(want0));
    for (const l of ['mac set deveui 0004A30B001C0530', 'mac set appkey 000102030405060708090A0B0C0D0E0F', 'mac set nwkskey 000102030405060708090A0B0C0D0E0F',
      'mac set devaddr 26011234', 'mac set upctr 77', 'mac set dr 3', 'mac set adr on', 'mac set ch freq 3 867100000', 'mac set ch drrange 3 0 5',
      'mac set ch status 3 on', 'mac set rx2 3 869525000']) send(l);
    m.cfg.channels[0]!.freeAt = 1234;
    const before = m.cfg;
    send('mac save');
    const saved = { ...before, channels: before.channels.map((c) => ({ ...c, freeAt: 0 })) };
    send('sys reset');
    const want1 = { ...saved, channels: saved.channels.map((c) => ({ ...c, freeAt: 0 })), ...rest };
    expect(m.cfg).not.toBe(before);
    expect(m.cfg).toEqual(want1);
    expect(Object.keys(m.cfg)).toEqual(Object.keys(want1));
    expect(m.cfg.appKey).toBe(before.appKey);
    expect(m.cfg.channels[0]).not.toBe(before.channels[0]);
    m.cfg.channels.forEach((c, i) => expect(Object.keys(c)).toEqual(Object.keys(before.channels[i]!)));
  });
});
