// The modem emulators and the MAC engine are classes (shared methods, module-level event
// functions) rather than closures per node: these tests guard that shape and the behaviour
// the conversion touched (timers and callbacks that now go through the clock's and the
// engine's `fn(arg)` calls, shared module state between instances).
import { describe, expect, it } from 'vitest';
import { createClock, type Clock } from '../../simulator/clock.ts';
import { createLineHost, createSerialPair } from '../../simulator/hardware/serial.ts';
import { createSeededRng } from '../../simulator/lorawan/rng.ts';
import { createNetworkServer } from '../../simulator/network/server.ts';
import { createDirectAir } from '../../simulator/network/direct-air.ts';
import { createRn2483 } from '../../simulator/modems/rn2483.ts';
import { createRak3172 } from '../../simulator/modems/rak3172.ts';
import { createMacEngine, defaultChannels } from '../../simulator/modems/mac-engine.ts';
import { TxLog, type MacConfig } from '../../simulator/modems/types.ts';
import { EU868 } from '../../firmware/lorawan/regions/eu868.ts';

const RN = { devEui: '0004A30B001C0530', joinEui: '70B3D57ED0000001', appKey: '000102030405060708090A0B0C0D0E0F' };
const RAK = { devEui: 'AC1F09FFFE000001', joinEui: '70B3D57ED0000002', appKey: '2B7E151628AED2A6ABF7158809CF4F3C' };

type Kind = 'rn2483' | 'rak3172';

/** One emulator with its own network server and air, on `clock`. */
function rig(clock: Clock, kind: Kind, seed: number) {
  const dev = kind === 'rn2483' ? RN : RAK;
  const ns = createNetworkServer({ rng: createSeededRng(seed + 100), devices: [dev], decode: () => undefined });
  const air = createDirectAir(clock, ns);
  const { device, peer } = createSerialPair(clock);
  const host = createLineHost(clock, device, kind === 'rn2483' ? 57600 : 115200);
  const opts = { seed, air, hwEui: '0004A30B00FFEE01' };
  const modem = kind === 'rn2483' ? createRn2483(clock, peer, opts) : createRak3172(clock, peer, opts);
  return { host, modem };
}

/** The same command script for both kinds: set-up, join, unconfirmed and confirmed uplinks, a reset. */
function script(kind: Kind): [string, number][] {
  if (kind === 'rn2483') {
    return [
      ['mac reset 868', 50],
      [`mac set deveui ${RN.devEui}`, 50],
      [`mac set appeui ${RN.joinEui}`, 50],
      [`mac set appkey ${RN.appKey}`, 50],
      ['mac set linkchk 30', 50],
      ['mac join otaa', 10_000],
      ['mac tx uncnf 1 0102', 5000],
      ['mac tx cnf 2 03', 60_000],
      ['mac get status', 50],
      ['mac tx uncnf 3 04', 40_000],
      ['sys reset', 50],
      ['mac get status', 50],
    ];
  }
  return [
    ['AT+NJM=1', 50],
    [`AT+DEVEUI=${RAK.devEui}`, 50],
    [`AT+APPEUI=${RAK.joinEui}`, 50],
    [`AT+APPKEY=${RAK.appKey}`, 50],
    ['AT+DR=5', 50],
    ['AT+JOIN=1:0:8:2', 20_000],
    ['AT+LINKCHECK=1', 50],
    ['AT+SEND=1:0102', 5000],
    ['AT+CFM=1', 1000], // past the sub-band's off-time
    ['AT+SEND=2:03', 60_000],
    ['AT+SLEEP=1000', 2000],
    ['ATZ', 50],
  ];
}

describe('modem emulators and MAC engine as classes', () => {
  it('keep no functions of their own per instance (only the seeded rng)', () => {
    const clock = createClock();
    for (const kind of ['rn2483', 'rak3172'] as const) {
      const a = rig(clock, kind, 1).modem;
      const b = rig(clock, kind, 2).modem;
      expect(Object.getPrototypeOf(a)).toBe(Object.getPrototypeOf(b));
      const own = (o: object) => Object.entries(o).filter(([, v]) => typeof v === 'function').map(([k]) => k);
      expect(own(a)).toEqual(['rng']);
      expect(typeof a.state).toBe('function');
      expect(a.txLog).toEqual([]);
    }
    const cfg: MacConfig = {
      devEui: '0000000000000000', joinEui: '0000000000000000', appKey: null, devAddr: 0, nwkSKey: null, appSKey: null,
      dr: 5, adr: false, txPowerIdx: 1, retx: 7, rx1DelayMs: 1000, rx1DrOffset: 0, rx2Dr: 0, rx2FreqHz: 869525000,
      fCntUp: 0, fCntDown: 0, devNonce: 0, joined: false, channels: defaultChannels(EU868, 0), maxDCycle: 0, dutyCycle: true, linkCheck: false,
    };
    const opts = { clock, air: { transmit: () => undefined }, region: EU868, rng: createSeededRng(1), dutyCycleMode: 'subband' as const, defaultDcycle: 0, txLog: new TxLog() };
    const e1 = createMacEngine(opts, cfg);
    const e2 = createMacEngine(opts, { ...cfg });
    expect(Object.getPrototypeOf(e1)).toBe(Object.getPrototypeOf(e2));
    expect(Object.entries(e1).filter(([, v]) => typeof v === 'function').map(([k]) => k)).toEqual(['rng']);
    expect(e1.busy()).toBe(false);
    expect(e1.join(() => undefined, null, false, 1)).toEqual({ ok: false, error: 'keys_not_init' });
  });

  for (const kind of ['rn2483', 'rak3172'] as const) {
    it(`${kind}: instances sharing a clock behave exactly as each one alone`, () => {
      const seeds = [3, 4, 5];
      const steps = script(kind);
      // each alone
      const alone = seeds.map((seed) => {
        const clock = createClock();
        const r = rig(clock, kind, seed);
        const lines: string[][] = [];
        clock.runUntil(30);
        for (const [line, ms] of steps) {
          r.host.send(line);
          clock.runUntil(clock.now() + ms);
          lines.push(r.host.take());
        }
        return { lines, log: r.modem.txLog.slice(), state: r.modem.state() };
      });
      // all on one clock, commands interleaved
      const clock = createClock();
      const rigs = seeds.map((seed) => rig(clock, kind, seed));
      const lines: string[][][] = seeds.map(() => []);
      clock.runUntil(30);
      for (const [line, ms] of steps) {
        for (const r of rigs) r.host.send(line);
        clock.runUntil(clock.now() + ms);
        rigs.forEach((r, i) => lines[i]!.push(r.host.take()));
      }
      rigs.forEach((r, i) => {
        expect(lines[i]).toEqual(alone[i]!.lines);
        expect(r.modem.txLog).toEqual(alone[i]!.log);
        expect(r.modem.state()).toEqual(alone[i]!.state);
      });
      // the script did join and send (the comparison is not vacuous)
      expect(alone[0]!.log.some((e) => e.type === 'join')).toBe(true);
      expect(alone[0]!.log.some((e) => e.type === 'confirmed')).toBe(true);
      expect(alone[0]!.log.some((e) => e.type === 'unconfirmed')).toBe(true);
    });
  }

  it('rn2483: mac set linkchk asks for a LinkCheck periodically until a reset', () => {
    const clock = createClock();
    const r = rig(clock, 'rn2483', 7);
    const cmd = (line: string, ms = 50): string[] => {
      r.host.send(line);
      clock.runUntil(clock.now() + ms);
      return r.host.take();
    };
    clock.runUntil(10);
    r.host.take();
    for (const [line, ms] of script('rn2483').slice(0, 4)) expect(cmd(line, ms)).toEqual(['ok']);
    expect(cmd('mac join otaa', 10_000)).toEqual(['ok', 'accepted']);
    const status = () => parseInt(cmd('mac get status')[0]!, 16);
    expect(status() & (1 << 9)).toBe(0);
    expect(cmd('mac set linkchk 100')).toEqual(['ok']);
    expect(status() & (1 << 9)).not.toBe(0);
    const bytes = () => r.modem.txLog[r.modem.txLog.length - 1]!.bytes;
    expect(cmd('mac tx uncnf 1 01', 5000)).toEqual(['ok', 'mac_tx_ok']);
    const withLinkCheck = bytes();
    clock.runUntil(clock.now() + 30_000);
    expect(cmd('mac tx uncnf 1 01', 5000)).toEqual(['ok', 'mac_tx_ok']);
    expect(bytes()).toBe(withLinkCheck - 1); // no LinkCheckReq (1 byte) until the interval has passed
    clock.runUntil(clock.now() + 70_000);
    expect(cmd('mac tx uncnf 1 01', 5000)).toEqual(['ok', 'mac_tx_ok']);
    expect(bytes()).toBe(withLinkCheck); // the timer re-armed itself
    expect(cmd('sys reset')).toHaveLength(1);
    expect(status() & (1 << 9)).toBe(0);
  });
});
