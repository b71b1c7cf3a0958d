import { describe, expect, it } from 'vitest';
import { createClock } from '../../simulator/clock.ts';
import { byteTimeMs, createLineHost, createSerialPair } from '../../simulator/hardware/serial.ts';
import { createSeededRng } from '../../simulator/lorawan/rng.ts';
import { createNetworkServer } from '../../simulator/network/server.ts';
import { createDirectAir } from '../../simulator/network/direct-air.ts';
import { createRak3172, RAK3172_BANNER, RAK3172_VERSION } from '../../simulator/modems/rak3172.ts';
import { offTimeMs } from '../../firmware/lorawan/dutycycle.ts';
import type { AirTx } from '../../simulator/modems/types.ts';

const DEV = { devEui: 'AC1F09FFFE000001', joinEui: '70B3D57ED0000002', appKey: '2B7E151628AED2A6ABF7158809CF4F3C' };
const ABP = { mode: 'abp' as const, devEui: 'AC1F09FFFE000002', devAddr: '260B0001', nwkSKey: '33'.repeat(16), appSKey: '44'.repeat(16) };
const HWEUI = 'AC1F09FFFE0000AA';

function rig(opts: { baud?: number; drop?: (tx: AirTx) => boolean } = {}) {
  const clock = createClock();
  const decoded: string[] = [];
  const ns = createNetworkServer({
    rng: createSeededRng(3),
    devices: [DEV, ABP],
    decode: (_p, b) => decoded.push(Buffer.from(b).toString('hex')),
  });
  const air = createDirectAir(clock, ns, opts.drop ? { drop: opts.drop } : {});
  const { device, peer } = createSerialPair(clock);
  const host = createLineHost(clock, device, opts.baud ?? 115200);
  const modem = createRak3172(clock, peer, { seed: 11, air, hwEui: HWEUI });
  const cmd = (line: string, ms = 50): string[] => {
    host.send(line);
    clock.runUntil(clock.now() + ms);
    return host.take();
  };
  const run = (ms: number): string[] => {
    clock.runUntil(clock.now() + ms);
    return host.take();
  };
  run(30);
  return { clock, ns, air, device, host, modem, cmd, run, decoded };
}

function setupOtaa(r: ReturnType<typeof rig>): void {
  for (const c of ['AT+NJM=1', 'AT+BAND=4', `AT+DEVEUI=${DEV.devEui}`, `AT+APPEUI=${DEV.joinEui}`, `AT+APPKEY=${DEV.appKey}`, 'AT+DR=5']) {
    expect(r.cmd(c)).toEqual(['OK']);
  }
}

describe('RAK3172 (RUI3) emulator', () => {
  it('boots with its banner, answers queries, keeps keys write-only', () => {
    const r = rig();
    expect(r.host.take()).toEqual([]);
    expect(r.host.lines.map((l) => l.line)).toEqual(RAK3172_BANNER);
    expect(r.cmd('AT')).toEqual(['OK']);
    expect(r.cmd('AT+VER=?')).toEqual([`AT+VER=${RAK3172_VERSION}`, 'OK']);
    expect(r.cmd('AT+DEVEUI=?')).toEqual([`AT+DEVEUI=${HWEUI}`, 'OK']);
    expect(r.cmd(`AT+APPKEY=${DEV.appKey}`)).toEqual(['OK']);
    expect(r.cmd('AT+APPKEY=?')).toEqual(['AT_ERROR']);
    expect(r.cmd('AT+APPKEY=12')).toEqual(['AT_PARAM_ERROR']);
    expect(r.cmd('AT+DR=99')).toEqual(['AT_PARAM_ERROR']);
    expect(r.cmd('AT+BAND=0')).toEqual(['AT_PARAM_ERROR']); // EU433: no regional table
    expect(r.cmd('AT+FOO=1')).toEqual(['AT_ERROR']);
    expect(r.cmd('hello')).toEqual(['AT_ERROR']);
  });

  it('joins by OTAA and sends unconfirmed and confirmed uplinks, with downlinks and link check', () => {
    const r = rig();
    setupOtaa(r);
    expect(r.cmd('AT+NJS=?')).toEqual(['AT+NJS=0', 'OK']);
    expect(r.cmd('AT+SEND=1:AA')).toEqual(['AT_NO_NETWORK_JOINED']);
    expect(r.cmd('AT+JOIN=1:0:10:8', 8000)).toEqual(['OK', '+EVT:JOINED']);
    expect(r.cmd('AT+NJS=?')).toEqual(['AT+NJS=1', 'OK']);
    expect(r.cmd('AT+DEVADDR=?')).toEqual([`AT+DEVADDR=${r.ns.device(DEV.devEui)!.devAddr!.toString(16).toUpperCase().padStart(8, '0')}`, 'OK']);

    expect(r.cmd('AT+SEND=1:AABB', 6000)).toEqual(['OK', '+EVT:TX_DONE']);
    expect(r.decoded).toEqual(['aabb']);

    expect(r.cmd('AT+CFM=1')).toEqual(['OK']);
    r.ns.enqueue(DEV.devEui, { fPort: 7, payload: Uint8Array.of(0xc0, 0xfe) });
    expect(r.cmd('AT+SEND=2:01', 6000)).toEqual(['OK', '+EVT:RX_1:-90:7:UNICAST:7:C0FE', '+EVT:SEND_CONFIRMED_OK']);
    expect(r.air.results.at(-1)).toMatchObject({ accepted: true, confirmed: true, fCnt: 1 });

    // link check: SNR 7 dB at DR5 (SF7 floor -7.5 dB) -> margin 14, one gateway
    expect(r.cmd('AT+LINKCHECK=1')).toEqual(['OK']);
    expect(r.cmd('AT+SEND=3:02', 4000)).toEqual(['OK', '+EVT:LINKCHECK:0,14,1,-90,7', '+EVT:SEND_CONFIRMED_OK']);
    expect(r.air.results.at(-1)!.macCommands).toEqual(['LinkCheck']);
    expect(r.cmd('AT+LINKCHECK=?')).toEqual(['AT+LINKCHECK=0', 'OK']); // "once" is spent
    expect(r.decoded).toEqual(['aabb', '01', '02']);
    expect(r.modem.txLog.map((e) => [e.type, e.fCnt ?? e.devNonce])).toEqual([
      ['join', 0],
      ['unconfirmed', 0],
      ['confirmed', 1],
      ['confirmed', 2],
    ]);
  });

  it('retries a join at the given interval with a fresh DevNonce, then reports failure', () => {
    let joins = 0;
    const r = rig({ drop: (tx) => tx.phy[0] === 0x00 && ++joins <= 2 });
    setupOtaa(r);
    expect(r.cmd('AT+JOIN=1:0:10:8', 40_000)).toEqual(['OK', '+EVT:JOINED']);
    const j = r.modem.txLog.filter((e) => e.type === 'join');
    expect(j.map((e) => e.devNonce)).toEqual([0, 1, 2]);
    // each failed attempt waits RX2 (6 s + window) then the 10 s interval
    expect(j[1]!.timeMs - j[0]!.timeMs).toBeGreaterThan(16_000);

    const r2 = rig({ drop: () => true });
    setupOtaa(r2);
    expect(r2.cmd('AT+JOIN=1:0:7:2', 60_000)).toEqual(['OK', '+EVT:JOIN_FAILED_TX_TIMEOUT']);
    expect(r2.modem.txLog).toHaveLength(2);
  });

  it('keeps the DevNonce counter across ATZ, but not the OTAA session', () => {
    const r = rig();
    setupOtaa(r);
    expect(r.cmd('AT+JOIN=1:0:10:1', 8000)).toEqual(['OK', '+EVT:JOINED']);
    expect(r.cmd('ATZ', 100)).toEqual(RAK3172_BANNER);
    expect(r.cmd('AT+NJS=?')).toEqual(['AT+NJS=0', 'OK']);
    expect(r.cmd('AT+JOIN=1:0:10:1', 8000)).toEqual(['OK', '+EVT:JOINED']);
    expect(r.ns.stats()).toMatchObject({ joins: 2, devNonceReplays: 0 });
  });

  it('refuses with Restricted_Wait and AT_BUSY_ERROR while the sub-band is in its off-time', () => {
    const r = rig();
    setupOtaa(r);
    expect(r.cmd('AT+JOIN=1:0:10:1', 8000)).toEqual(['OK', '+EVT:JOINED']);
    expect(r.cmd('AT+DR=0')).toEqual(['OK']);
    expect(r.cmd(`AT+SEND=1:${'AB'.repeat(51)}`, 20)).toEqual(['OK']);
    const tx = r.modem.txLog.at(-1)!;
    const freeAt = tx.timeMs + tx.airtimeMs + offTimeMs(0.01, tx.airtimeMs);
    r.run(8000);
    const heardAt = r.clock.now() + byteTimeMs('AT+SEND=1:01\r\n'.length, 115200); // when the modem reads the line
    expect(r.cmd('AT+SEND=1:01')).toEqual([`Restricted_Wait_${Math.ceil(freeAt - heardAt)}_ms`, 'AT_BUSY_ERROR']);
    r.run(freeAt - r.clock.now());
    expect(r.cmd('AT+SEND=1:01', 8000)).toEqual(['OK', '+EVT:TX_DONE']);
    // with AT+DCS=0 the module ignores the duty cycle
    expect(r.cmd('AT+DCS=0')).toEqual(['OK']);
    expect(r.cmd('AT+SEND=1:02', 8000)).toEqual(['OK', '+EVT:TX_DONE']);
  });

  it('activates ABP and its uplinks are accepted', () => {
    const r = rig();
    for (const c of ['AT+NJM=0', `AT+DEVADDR=${ABP.devAddr}`, `AT+NWKSKEY=${ABP.nwkSKey}`, `AT+APPSKEY=${ABP.appSKey}`, 'AT+DR=5']) {
      expect(r.cmd(c)).toEqual(['OK']);
    }
    expect(r.cmd('AT+JOIN')).toEqual(['OK', '+EVT:JOINED']);
    expect(r.cmd('AT+SEND=9:0102', 4000)).toEqual(['OK', '+EVT:TX_DONE']);
    expect(r.air.results.at(-1)).toMatchObject({ accepted: true, devEui: ABP.devEui, fPort: 9, fCnt: 0 });
    expect(r.cmd('ATZ', 100)).toEqual(RAK3172_BANNER);
    expect(r.cmd('AT+NJS=?')).toEqual(['AT+NJS=1', 'OK']);
  });

  it('sleeps; UART activity wakes it and is lost', () => {
    const r = rig();
    expect(r.cmd('AT+SLEEP=5000')).toEqual(['OK']);
    expect(r.modem.state().asleep).toBe(true);
    expect(r.cmd('AT', 100)).toEqual([]);
    expect(r.modem.state().asleep).toBe(false);
    expect(r.cmd('AT')).toEqual(['OK']);
    expect(r.cmd('AT+SLEEP=200', 300)).toEqual(['OK']);
    expect(r.modem.state().asleep).toBe(false);
  });

  it('a host at the wrong baud gets junk', () => {
    const r = rig({ baud: 57600 });
    expect(r.cmd('AT', 100)).toEqual([]);
  });

  describe('faults', () => {
    it('drop-reply, garbage, busy, no-free-ch', () => {
      const r = rig();
      setupOtaa(r);
      expect(r.cmd('AT+JOIN=1:0:10:1', 8000)).toEqual(['OK', '+EVT:JOINED']);
      r.modem.inject('drop-reply');
      expect(r.cmd('AT')).toEqual([]);
      r.modem.inject('garbage');
      const g = r.cmd('AT');
      expect(g).toHaveLength(2);
      expect(g[1]).toBe('OK');
      r.modem.inject('busy');
      expect(r.cmd('AT+SEND=1:01')).toEqual(['AT_BUSY_ERROR']);
      r.modem.inject('no-free-ch');
      expect(r.cmd('AT+SEND=1:01')).toEqual(['Restricted_Wait_1000_ms', 'AT_BUSY_ERROR']);
      expect(r.cmd('AT+SEND=1:01', 4000)).toEqual(['OK', '+EVT:TX_DONE']);
    });

    it('deny-join, reset, hang', () => {
      const r = rig();
      setupOtaa(r);
      r.modem.inject('deny-join');
      expect(r.cmd('AT+JOIN=1:0:10:1', 8000)).toEqual(['OK', '+EVT:JOIN_FAILED_TX_TIMEOUT']);
      r.modem.inject('reset');
      expect(r.cmd('AT', 100)).toEqual(RAK3172_BANNER);
      r.modem.inject('hang');
      expect(r.cmd('AT', 500)).toEqual([]);
      expect(r.cmd('AT', 500)).toEqual([]);
      r.device.sendBreak(10);
      r.run(20);
      expect(r.cmd('AT')).toEqual(['OK']);
      r.modem.inject('hang');
      expect(r.cmd('AT')).toEqual([]);
      r.modem.hardwareReset();
      expect(r.run(50)).toEqual(RAK3172_BANNER);
      expect(r.cmd('AT')).toEqual(['OK']);
    });
  });
});
