import { describe, expect, it } from 'vitest';
import { createClock } from '../../simulator/clock.ts';
import { createLineHost, createSerialPair } from '../../simulator/hardware/serial.ts';
import { createSeededRng } from '../../simulator/lorawan/rng.ts';
import { createNetworkServer } from '../../simulator/network/server.ts';
import { createDirectAir } from '../../simulator/network/direct-air.ts';
import { createRn2483, RN2483_VERSION } from '../../simulator/modems/rn2483.ts';
import { drTimeOnAir } from '../../firmware/lorawan/region.ts';
import { EU868 } from '../../firmware/lorawan/regions/eu868.ts';
import type { FaultRates } from '../../simulator/modems/types.ts';

const DEV = { devEui: '0004A30B001C0530', joinEui: '70B3D57ED0000001', appKey: '000102030405060708090A0B0C0D0E0F' };
const HWEUI = '0004A30B00FFEE01';

function rig(opts: { baud?: number; faults?: FaultRates; seed?: number } = {}) {
  const clock = createClock();
  const decoded: unknown[] = [];
  const ns = createNetworkServer({
    rng: createSeededRng(1),
    devices: [DEV],
    decode: (port, b) => {
      const d = { port, hex: Buffer.from(b).toString('hex') };
      decoded.push(d);
      return d;
    },
  });
  const air = createDirectAir(clock, ns);
  const { device, peer } = createSerialPair(clock);
  const host = createLineHost(clock, device, opts.baud ?? 57600);
  const modem = createRn2483(clock, peer, { seed: opts.seed ?? 7, air, hwEui: HWEUI, ...(opts.faults ? { faults: opts.faults } : {}) });
  /** Sends a command and runs the clock `ms`; returns the lines received meanwhile. */
  const cmd = (line: string, ms = 50): string[] => {
    host.send(line);
    clock.runUntil(clock.now() + ms);
    return host.take();
  };
  const run = (ms: number): string[] => {
    clock.runUntil(clock.now() + ms);
    return host.take();
  };
  run(10);
  return { clock, ns, air, device, peer, host, modem, cmd, run, decoded };
}

function joinOtaa(r: ReturnType<typeof rig>): void {
  expect(r.cmd('mac reset 868')).toEqual(['ok']);
  expect(r.cmd(`mac set deveui ${DEV.devEui}`)).toEqual(['ok']);
  expect(r.cmd(`mac set appeui ${DEV.joinEui}`)).toEqual(['ok']);
  expect(r.cmd(`mac set appkey ${DEV.appKey}`)).toEqual(['ok']);
  expect(r.cmd('mac join otaa', 10_000)).toEqual(['ok', 'accepted']);
}

describe('RN2483 emulator', () => {
  it('boots with its banner and answers sys commands; keys are write-only', () => {
    const r = rig();
    expect(r.host.lines.map((l) => l.line)).toEqual([RN2483_VERSION]);
    expect(r.cmd('sys get ver')).toEqual([RN2483_VERSION]);
    expect(r.cmd('sys get hweui')).toEqual([HWEUI]);
    expect(r.cmd(`mac set appkey ${DEV.appKey}`)).toEqual(['ok']);
    expect(r.cmd('mac get appkey')).toEqual(['invalid_param']);
    expect(r.cmd('mac set appkey 0011')).toEqual(['invalid_param']);
    expect(r.cmd('mac set dr 9')).toEqual(['invalid_param']);
    expect(r.cmd('bogus')).toEqual(['invalid_param']);
  });

  it('joins by OTAA and sends uplinks the network server decodes', () => {
    const r = rig();
    expect(r.cmd('mac tx uncnf 1 AA')).toEqual(['not_joined']);
    joinOtaa(r);
    const dev = r.ns.device(DEV.devEui)!;
    expect(r.cmd('mac get devaddr')).toEqual([dev.devAddr!.toString(16).toUpperCase().padStart(8, '0')]);
    expect(r.cmd('mac get status')[0]!.endsWith('1')).toBe(true);

    expect(r.cmd('mac tx uncnf 1 AABB', 5000)).toEqual(['ok', 'mac_tx_ok']);
    expect(r.decoded).toEqual([{ port: 1, hex: 'aabb' }]);

    r.ns.enqueue(DEV.devEui, { fPort: 7, payload: Uint8Array.of(0xc0, 0xfe) });
    const lines = r.cmd('mac tx cnf 2 01', 5000);
    expect(lines).toEqual(['ok', 'mac_rx 7 C0FE']);
    const last = r.air.results.at(-1)!;
    expect(last).toMatchObject({ accepted: true, confirmed: true, fCnt: 1, fPort: 2 });
    expect(last.downlink).toMatchObject({ ack: true, fPort: 7 });
    expect(r.cmd('mac get upctr')).toEqual(['2']);
    expect(r.cmd('mac get dnctr')).toEqual(['1']);

    // the transmission log: one join and two uplinks, on default channels, airtime from firmware/lorawan
    const log = r.modem.txLog;
    expect(log.map((e) => e.type)).toEqual(['join', 'unconfirmed', 'confirmed']);
    expect(log.map((e) => e.fCnt)).toEqual([undefined, 0, 1]);
    for (const e of log) {
      expect([868100000, 868300000, 868500000]).toContain(e.freqHz);
      expect(e.airtimeMs).toBe(drTimeOnAir(EU868, e.dr, e.bytes, true));
    }
    expect(r.air.transmissions.map((t) => t.startMs)).toEqual(log.map((e) => e.timeMs));
  });

  it('reports mac_err when a confirmed uplink is never acknowledged, after its retransmissions', () => {
    const r = rig();
    joinOtaa(r);
    expect(r.cmd('mac set retx 2')).toEqual(['ok']);
    // the network never hears the data frames
    (r.air as { transmit: typeof r.air.transmit }).transmit = () => undefined;
    expect(r.cmd('mac tx cnf 1 01', 30_000)).toEqual(['ok', 'mac_err']);
    const tries = r.modem.txLog.filter((e) => e.type === 'confirmed');
    expect(tries.map((e) => [e.fCnt, e.retry])).toEqual([[0, 0], [0, 1], [0, 2]]);
  });

  it('refuses with no_free_ch when every channel has spent its duty-cycle budget', () => {
    const r = rig();
    joinOtaa(r);
    expect(r.cmd('mac set dr 0')).toEqual(['ok']);
    const payload = 'AB'.repeat(51);
    let refused = 0;
    const used = new Set<number>();
    for (let i = 0; i < 6 && refused === 0; i++) {
      const lines = r.cmd(`mac tx uncnf 1 ${payload}`, 8000);
      if (lines[0] === 'no_free_ch') refused = i;
      else {
        expect(lines).toEqual(['ok', 'mac_tx_ok']);
        used.add(r.modem.txLog.at(-1)!.freqHz);
      }
    }
    // the join used one channel already; each channel may be used 1/303 of the time
    expect(refused).toBeGreaterThan(0);
    expect(refused).toBeLessThanOrEqual(3);
    // every channel is busy: the earliest free one opens airtime * 303 after its last use
    const airtime = drTimeOnAir(EU868, 0, 13 + 51, true);
    r.run(airtime * 303);
    expect(r.cmd(`mac tx uncnf 1 ${payload}`, 8000)).toEqual(['ok', 'mac_tx_ok']);
  });

  it('keeps saved counters and keys across sys reset, and resumes with mac join abp', () => {
    const r = rig();
    joinOtaa(r);
    expect(r.cmd('mac tx uncnf 1 01', 5000)).toEqual(['ok', 'mac_tx_ok']);
    expect(r.cmd('mac save', 200)).toEqual(['ok']);
    expect(r.cmd('mac tx uncnf 1 02', 5000)).toEqual(['ok', 'mac_tx_ok']); // after the save: not persisted
    expect(r.cmd('sys reset', 100)).toEqual([RN2483_VERSION]);
    expect(r.cmd('mac get upctr')).toEqual(['1']);
    expect(r.cmd('mac get status')).toEqual(['00000000']);
    expect(r.cmd('mac tx uncnf 1 03')).toEqual(['not_joined']);
    expect(r.cmd('mac join abp')).toEqual(['ok', 'accepted']);
    // FCnt 1 was already used: the network rejects the reused counter
    expect(r.cmd('mac tx uncnf 1 04', 5000)).toEqual(['ok', 'mac_tx_ok']);
    expect(r.air.results.at(-1)).toMatchObject({ accepted: false, reason: 'retransmission' });
    expect(r.cmd('mac set upctr 10')).toEqual(['ok']);
    expect(r.cmd('mac tx uncnf 1 05', 5000)).toEqual(['ok', 'mac_tx_ok']);
    expect(r.air.results.at(-1)).toMatchObject({ accepted: true, fCnt: 10 });
    expect(r.decoded.map((d) => (d as { hex: string }).hex)).toEqual(['01', '02', '05']);
  });

  it('sleeps, answering ok on the timer or early on break + 0x55', () => {
    const r = rig();
    const t0 = r.clock.now();
    r.host.send('sys sleep 1000');
    expect(r.run(500)).toEqual([]);
    expect(r.cmd('sys get ver', 100)).toEqual([]); // the UART is off while asleep
    expect(r.run(1000)).toEqual(['ok']);
    expect(r.host.lines.at(-1)!.atMs).toBeGreaterThan(t0 + 1000);
    r.host.send('sys sleep 600000');
    r.run(2000);
    r.device.sendBreak(20);
    r.device.write('\x55');
    expect(r.run(50)).toEqual(['ok']);
    expect(r.cmd('sys get ver')).toEqual([RN2483_VERSION]);
    expect(r.cmd('sys sleep 50')).toEqual(['invalid_param']); // 100 ms minimum
  });

  it('a host at the wrong baud gets no answer; break + 0x55 auto-bauds to the host', () => {
    const r = rig({ baud: 19200 });
    expect(r.host.take()).toEqual([]);
    expect(r.cmd('sys get ver', 200)).toEqual([]);
    r.device.sendBreak(20);
    r.device.write('\x55');
    r.run(20);
    expect(r.modem.state().baud).toBe(19200);
    r.host.clear(); // junk from the banner sent at 57600
    expect(r.cmd('sys get ver', 200)).toEqual([RN2483_VERSION]);
  });

  describe('faults', () => {
    it('drop-reply and garbage', () => {
      const r = rig();
      r.modem.inject('drop-reply');
      expect(r.cmd('sys get ver')).toEqual([]);
      r.modem.inject('garbage');
      const lines = r.cmd('sys get ver');
      expect(lines).toHaveLength(2);
      expect(lines[0]).not.toBe(RN2483_VERSION);
      expect(lines[1]).toBe(RN2483_VERSION);
    });

    it('busy, no_free_ch and denied joins', () => {
      const r = rig();
      joinOtaa(r);
      r.modem.inject('busy');
      expect(r.cmd('mac tx uncnf 1 01')).toEqual(['busy']);
      r.modem.inject('no-free-ch');
      expect(r.cmd('mac tx uncnf 1 01')).toEqual(['no_free_ch']);
      r.modem.inject('deny-join');
      expect(r.cmd('mac join otaa', 10_000)).toEqual(['ok', 'denied']);
      // the network did accept that join request: the modem ignored the answer
      expect(r.air.results.at(-1)).toMatchObject({ kind: 'join', accepted: true });
      expect(r.modem.state().joined).toBe(false);
    });

    it('spontaneous reset prints the banner and forgets the session', () => {
      const r = rig();
      joinOtaa(r);
      r.modem.inject('reset');
      expect(r.cmd('mac get status')).toEqual([RN2483_VERSION]);
      expect(r.cmd('mac get status')).toEqual(['00000000']);
    });

    it('hang until break or hardware reset', () => {
      const r = rig();
      r.modem.inject('hang');
      expect(r.cmd('sys get ver', 1000)).toEqual([]);
      expect(r.cmd('sys get ver', 1000)).toEqual([]);
      r.device.sendBreak(20);
      r.device.write('\x55');
      r.run(20);
      expect(r.cmd('sys get ver')).toEqual([RN2483_VERSION]);
      r.modem.inject('hang');
      expect(r.cmd('sys get hweui')).toEqual([]);
      r.modem.hardwareReset();
      expect(r.run(20)).toEqual([RN2483_VERSION]);
      expect(r.cmd('sys get hweui')).toEqual([HWEUI]);
    });

    it('random fault rates are deterministic for a seed', () => {
      const trace = (seed: number) => {
        const r = rig({ seed, faults: { 'drop-reply': 0.3, garbage: 0.3 } });
        const out: string[] = [];
        for (let i = 0; i < 20; i++) out.push(...r.cmd('sys get hweui'));
        return out;
      };
      expect(trace(5)).toEqual(trace(5));
      expect(trace(5)).not.toEqual(trace(6));
      expect(trace(5).filter((l) => l === HWEUI).length).toBeLessThan(20);
    });
  });
});
