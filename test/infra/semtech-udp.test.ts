// The Semtech UDP path end to end on loopback: an RN2483 emulator joins and sends a
// confirmed uplink through the virtual packet forwarder to a GWMP server written
// here from the protocol's byte layout (PROTOCOL.TXT v2), whose network logic is the
// simulator's network server. The join accept and the ACK come back as PULL_RESP and
// must reach the device in its receive window.
import { afterEach, describe, expect, it } from 'vitest';
import { createClock } from '../../simulator/clock.ts';
import { createLineHost, createSerialPair } from '../../simulator/hardware/serial.ts';
import { createRn2483 } from '../../simulator/modems/rn2483.ts';
import { EU868 } from '../../firmware/lorawan/regions/eu868.ts';
import { createSemtechUdpGateway, type SemtechUdpGateway } from '../../simulator/gateway/semtech-udp.ts';
import { createGatewayAir } from '../../simulator/gateway/gateway-air.ts';
import { startRealtimePacer, type RealtimePacer } from '../../simulator/gateway/realtime.ts';
import { gwmpServer, TWO32 } from './gwmp-server.ts';

const DEV = { devEui: '0004A30B001C0530', joinEui: '70B3D57ED0000001', appKey: '000102030405060708090A0B0C0D0E0F' };
const GW_EUI = 'AA555A0000000101';

const until = async (cond: () => boolean, ms: number, what: string): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function rig(server: Awaited<ReturnType<typeof gwmpServer>>, tmstOffsetUs: number) {
  const clock = createClock();
  const gw: SemtechUdpGateway = createSemtechUdpGateway({
    clock,
    port: server.port,
    gatewayEui: GW_EUI,
    epochMs: Date.UTC(2024, 4, 1),
    tmstOffsetUs,
    pushTimeoutMs: 50,
  });
  cleanups.push(() => gw.close());
  await gw.ready;
  const air = createGatewayAir(clock, [gw], { region: EU868, rssi: -71, snr: 9.5 });
  const { device, peer } = createSerialPair(clock);
  const host = createLineHost(clock, device, 57600);
  createRn2483(clock, peer, { seed: 11, air, hwEui: '0004A30B00FFEE01' });
  const pacer: RealtimePacer = startRealtimePacer(clock, { speed: 5 });
  cleanups.push(() => pacer.stop());
  const cmd = async (line: string, replies: number, ms = 3000): Promise<string[]> => {
    const start = host.lines.length;
    host.send(line);
    await until(() => host.lines.length >= start + replies, ms, `${replies} replies to "${line}"`);
    return host.take();
  };
  await new Promise((r) => setTimeout(r, 20));
  host.take(); // boot banner
  return { clock, gw, air, host, cmd };
}

describe('Semtech UDP packet forwarder (GWMP v2) on loopback', () => {
  it('round-trips an OTAA join and a confirmed uplink; rxpk fields, tokens, retries and the tmst wrap', async () => {
    const server = await gwmpServer({ devices: [DEV], dropFirstPush: true, wrongTokenFirst: true });
    cleanups.push(server.close);
    // the counter wraps about 1 s into the run: the join accept (5 s after the uplink) is timed after the wrap
    const r = await rig(server, TWO32 - 1_000_000);
    await until(() => server.pulls.length >= 1, 2000, 'PULL_DATA');
    expect(server.pulls[0]!.eui).toBe(GW_EUI);

    for (const c of ['mac reset 868', `mac set deveui ${DEV.devEui}`, `mac set appeui ${DEV.joinEui}`, `mac set appkey ${DEV.appKey}`]) {
      expect(await r.cmd(c, 1)).toEqual(['ok']);
    }
    expect(await r.cmd('mac join otaa', 2, 8000)).toEqual(['ok', 'accepted']);

    const up = server.pushes.filter((p) => p.json.rxpk);
    // the first PUSH_DATA got no ACK: the same datagram (same token) was sent again
    expect(up[0]!.token).toBe(up[1]!.token);
    expect(up[0]!.json).toEqual(up[1]!.json);
    const join = up[0]!.json.rxpk![0]!;
    const tx = r.air.transmissions[0]!;
    expect(Object.keys(join).sort()).toEqual(['chan', 'codr', 'data', 'datr', 'freq', 'lsnr', 'modu', 'rfch', 'rssi', 'size', 'stat', 'time', 'tmst'].sort());
    expect(join).toMatchObject({ freq: tx.freqHz / 1e6, stat: 1, modu: 'LORA', datr: 'SF7BW125', codr: '4/5', rssi: -71, lsnr: 9.5, size: 23, chan: 0, rfch: 0 });
    expect(Buffer.from(join.data as string, 'base64')).toEqual(Buffer.from(tx.phy));
    const endMs = tx.startMs + tx.airtimeMs;
    expect(join.tmst).toBe(r.gw.tmst(endMs));
    expect(join.tmst).toBe((TWO32 - 1_000_000 + Math.round(endMs * 1000)) % TWO32);
    // the end of the frame in microseconds since the epoch, rounded once
    const us = Math.round(endMs * 1000);
    expect(join.time).toBe(new Date(Date.UTC(2024, 4, 1) + Math.floor(us / 1000)).toISOString().slice(0, 20) + String(us % 1_000_000).padStart(6, '0') + 'Z');

    const stats1 = r.gw.stats();
    expect(stats1.pushAckMissed).toBe(1);
    expect(stats1.pushRetries).toBe(1);
    expect(stats1.pushDropped).toBe(0);
    expect(stats1.pullAcked).toBeGreaterThanOrEqual(1);
    // the join accept's TX_ACK echoes the PULL_RESP token, carries the gateway EUI and no error
    expect(server.txAcks[0]).toEqual({ token: 0x4000, eui: GW_EUI, json: { txpk_ack: { error: 'NONE' } } });
    const accept = r.air.downlinks[0]!;
    expect(accept.freqHz).toBe(tx.freqHz);
    expect(r.gw.tmst(accept.atMs)).toBeLessThan(join.tmst as number); // timed after the wrap
    expect(accept.atMs - endMs).toBeCloseTo(5000, 2); // tmst has µs resolution

    // confirmed uplink: the network's ACK in RX1 one second after the uplink
    const before = server.pushes.length;
    expect(await r.cmd('mac tx cnf 5 C0FFEE', 2, 5000)).toEqual(['ok', 'mac_tx_ok']);
    const data = server.pushes.slice(before).find((p) => p.json.rxpk)!.json.rxpk![0]!;
    const dtx = r.air.transmissions[1]!;
    expect(data.tmst).toBe(r.gw.tmst(dtx.startMs + dtx.airtimeMs));
    expect(server.ns.device(DEV.devEui)!.lastFCntUp).toBe(0);
    const ack = r.air.downlinks[1]!;
    expect(ack.atMs - (dtx.startMs + dtx.airtimeMs)).toBeCloseTo(1000, 2);
    expect(server.txAcks[1]).toEqual({ token: 0x4001, eui: GW_EUI, json: { txpk_ack: { error: 'NONE' } } });
    expect(r.gw.stats().tokenMismatch).toBe(1); // the deliberately wrong PUSH_ACK token was ignored
  }, 20_000);

  it('answers PULL_RESP with TX_ACK error codes and reports stat', async () => {
    const server = await gwmpServer({ devices: [DEV] });
    cleanups.push(server.close);
    const r = await rig(server, 12345);
    await until(() => server.pulls.length >= 1, 2000, 'PULL_DATA');
    const base = { rfch: 0, powe: 14, modu: 'LORA', datr: 'SF9BW125', codr: '4/5', ipol: true, size: 3, data: 'AQID' };
    const at = (ms: number) => r.gw.tmst(r.clock.now() + ms);
    const cases: [object, string][] = [
      [{ ...base, tmst: at(-100), freq: 869.525 }, 'TOO_LATE'],
      [{ ...base, tmst: at(600_000), freq: 869.525 }, 'TOO_EARLY'],
      [{ ...base, tmst: at(3000), freq: 915.2 }, 'TX_FREQ'],
      [{ ...base, tmst: at(3000), freq: 869.525, powe: 40 }, 'TX_POWER'],
      [{ ...base, tmms: 1_300_000_000_000, freq: 869.525 }, 'GPS_UNLOCKED'],
      [{ ...base, tmst: at(3000), freq: 869.525 }, 'NONE'],
      [{ ...base, tmst: at(3050), freq: 869.525 }, 'COLLISION_PACKET'],
      [{ ...base, imme: true, freq: 869.525 }, 'NONE'],
    ];
    const tokens = cases.map(([txpk]) => server.pullResp(txpk));
    await until(() => server.txAcks.length >= cases.length, 3000, 'TX_ACKs');
    for (let i = 0; i < cases.length; i++) {
      const ack = server.txAcks.find((a) => a.token === tokens[i])!;
      expect(ack.json).toEqual({ txpk_ack: { error: cases[i]![1] } });
    }
    r.gw.sendStat();
    await until(() => server.pushes.some((p) => p.json.stat), 2000, 'stat');
    const stat = server.pushes.find((p) => p.json.stat)!.json.stat!;
    expect(stat).toMatchObject({ rxnb: 0, rxok: 0, rxfw: 0, ackr: 100, dwnb: cases.length });
    expect(stat.time).toMatch(/^2024-05-01 00:00:\d\d GMT$/);
    expect(r.gw.stats().txAck).toMatchObject({ NONE: 2, TOO_LATE: 1, TOO_EARLY: 1, TX_FREQ: 1, TX_POWER: 1, GPS_UNLOCKED: 1, COLLISION_PACKET: 1 });
  }, 10_000);
});
