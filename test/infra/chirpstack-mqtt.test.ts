// ChirpStack Gateway Bridge MQTT through a real mosquitto: a test "network server"
// subscribes to the gateway's events and answers with command/down; the device's
// join accept and ACK come back through the broker. JSON and protobuf.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { createClock } from '../../simulator/clock.ts';
import { createLineHost, createSerialPair } from '../../simulator/hardware/serial.ts';
import { createSeededRng } from '../../simulator/lorawan/rng.ts';
import { createNetworkServer } from '../../simulator/network/server.ts';
import { createRak3172 } from '../../simulator/modems/rak3172.ts';
import { EU868 } from '../../firmware/lorawan/regions/eu868.ts';
import { createChirpstackGateway } from '../../simulator/gateway/chirpstack-mqtt.ts';
import { decodeEventProto, downlinkCommand, type Encoding } from '../../simulator/gateway/chirpstack-codec.ts';
import { createGatewayAir } from '../../simulator/gateway/gateway-air.ts';
import { startRealtimePacer } from '../../simulator/gateway/realtime.ts';
import { startMosquitto, type Mosquitto } from '../../scripts/decode-stream/mosquitto.ts';

const DEV = { devEui: 'AC1F09FFFE000001', joinEui: '70B3D57ED0000002', appKey: '2B7E151628AED2A6ABF7158809CF4F3C' };
const GW = '0016c001f153a14c';
const until = async (cond: () => boolean, ms: number, what: string): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

let broker: Mosquitto;
beforeAll(async () => {
  broker = await startMosquitto();
});
afterAll(async () => {
  await broker?.dispose();
});

interface UpJson {
  phyPayload: string;
  txInfo: { frequency: number; modulation: { lora: { bandwidth: number; spreadingFactor: number; codeRate: string } } };
  rxInfo: { gatewayId: string; uplinkId: number; gwTime: string; rssi: number; snr: number; context: string; crcStatus: string; channel: number; rfChain: number };
}

/** Normalises an `event/up` in either encoding to the protojson shape. */
function upEvent(payload: Buffer, enc: Encoding): UpJson {
  if (enc === 'json') return JSON.parse(payload.toString());
  const o = decodeEventProto('up', new Uint8Array(payload)) as {
    phyPayload: string;
    txInfo: { frequency: number; modulation: { lora: { bandwidth: number; spreadingFactor: number; codeRate: number } } };
    rxInfo: { gatewayId: string; uplinkId: number; gwTime: { seconds: number; nanos: number }; rssi: number; snr: number; context: string; crcStatus: number; channel: number; rfChain: number };
  };
  return {
    phyPayload: o.phyPayload,
    txInfo: { frequency: o.txInfo.frequency, modulation: { lora: { ...o.txInfo.modulation.lora, codeRate: o.txInfo.modulation.lora.codeRate === 1 ? 'CR_4_5' : '?' } } },
    rxInfo: { ...o.rxInfo, snr: Math.round(o.rxInfo.snr * 10) / 10, gwTime: new Date(o.rxInfo.gwTime.seconds * 1000 + o.rxInfo.gwTime.nanos / 1e6).toISOString(), crcStatus: o.rxInfo.crcStatus === 2 ? 'CRC_OK' : '?' /* gw.proto CRCStatus: NO_CRC 0, BAD_CRC 1, CRC_OK 2 */ },
  };
}

async function roundTrip(enc: Encoding) {
  const prefix = `eu868-${enc}`;
  const clock = createClock();
  const gw = createChirpstackGateway({ clock, url: broker.url, gatewayId: GW.toUpperCase(), topicPrefix: prefix, encoding: enc, qos: 1, epochMs: Date.UTC(2025, 0, 1), tmstOffsetUs: 7_000_000 });
  await gw.ready;
  // the "network server": the simulator's, behind the broker
  const ns = createNetworkServer({ rng: createSeededRng(5), devices: [DEV] });
  const nsClient = await mqtt.connectAsync(broker.url);
  const ups: UpJson[] = [];
  const acks: unknown[] = [];
  const stats: unknown[] = [];
  let downlinkId = 100;
  nsClient.on('message', (topic, payload) => {
    if (topic.endsWith('/event/ack')) return void acks.push(enc === 'json' ? JSON.parse(payload.toString()) : decodeEventProto('ack', new Uint8Array(payload)));
    if (topic.endsWith('/event/stats')) return void stats.push(enc === 'json' ? JSON.parse(payload.toString()) : decodeEventProto('stats', new Uint8Array(payload)));
    const up = upEvent(payload, enc);
    ups.push(up);
    const phy = new Uint8Array(Buffer.from(up.phyPayload, 'base64'));
    const dr = EU868.dataRates.findIndex((d) => d?.sf === up.txInfo.modulation.lora.spreadingFactor && d.bwKhz === 125);
    const r = ns.receive(phy, { timeMs: 0, freqHz: up.txInfo.frequency, dr, gateways: [{ id: GW, rssi: up.rxInfo.rssi, snr: up.rxInfo.snr }] });
    const dl = r.downlink;
    if (!dl) return;
    const d = EU868.dataRates[dl.dr]!;
    const rx2 = EU868.dataRates[EU868.rx2.dr]!;
    const context = new Uint8Array(Buffer.from(up.rxInfo.context, 'base64'));
    // RX1 first, RX2 as the fall-back item (as ChirpStack sends them)
    nsClient.publish(
      `${prefix}/gateway/${GW}/command/down`,
      Buffer.from(
        downlinkCommand(
          {
            downlinkId: downlinkId++,
            gatewayId: GW,
            items: [
              { phy: dl.phy, freqHz: dl.freqHz, powerDbm: 14, sf: d.sf, bwKhz: d.bwKhz, delayUs: Math.round(dl.atMs * 1000), context },
              { phy: dl.phy, freqHz: EU868.rx2.hz, powerDbm: 27, sf: rx2.sf, bwKhz: rx2.bwKhz, delayUs: Math.round(dl.atMs * 1000) + 1_000_000, context },
            ],
          },
          enc,
        ),
      ),
      { qos: 1 },
    );
  });
  await nsClient.subscribeAsync(`${prefix}/gateway/+/event/+`, { qos: 1 });

  const air = createGatewayAir(clock, [gw], { region: EU868, rssi: -64, snr: 7.25 });
  const { device, peer } = createSerialPair(clock, { peerBaud: 115200 });
  const host = createLineHost(clock, device, 115200);
  createRak3172(clock, peer, { seed: 2, air, hwEui: DEV.devEui });
  const pacer = startRealtimePacer(clock, { speed: 5 });
  const cmd = async (line: string, want: (l: string[]) => boolean, ms = 4000): Promise<string[]> => {
    const start = host.lines.length;
    host.send(line);
    await until(() => want(host.lines.slice(start).map((l) => l.line)), ms, `reply to ${line}: ${host.lines.slice(start).map((l) => l.line).join(' | ')}`);
    return host.lines.slice(start).map((l) => l.line);
  };
  try {
    await new Promise((r) => setTimeout(r, 20));
    for (const c of ['AT+NJM=1', 'AT+DR=5', 'AT+DCS=0', `AT+DEVEUI=${DEV.devEui}`, `AT+APPEUI=${DEV.joinEui}`, `AT+APPKEY=${DEV.appKey}`]) {
      expect(await cmd(c, (l) => l.includes('OK'))).toEqual(['OK']);
    }
    expect(await cmd('AT+JOIN=1:0:8:1', (l) => l.some((x) => x.startsWith('+EVT:JOIN')), 10_000)).toEqual(['OK', '+EVT:JOINED']);
    expect(await cmd('AT+CFM=1', (l) => l.includes('OK'))).toEqual(['OK']);
    const sent = await cmd('AT+SEND=9:A1B2', (l) => l.some((x) => x.startsWith('+EVT:SEND')), 6000);
    expect(sent).toContain('+EVT:SEND_CONFIRMED_OK');
    await until(() => acks.length >= 2, 2000, 'acks');
    gw.sendStats();
    await until(() => stats.length >= 1, 2000, 'stats');

    const join = ups[0]!;
    const tx = air.transmissions[0]!;
    expect(join.txInfo).toEqual({ frequency: tx.freqHz, modulation: { lora: expect.objectContaining({ bandwidth: 125000, spreadingFactor: tx.sf, codeRate: 'CR_4_5' }) } });
    expect(join.rxInfo).toMatchObject({ gatewayId: GW, rssi: -64, snr: 7.3, crcStatus: 'CRC_OK', channel: 0, rfChain: 0 });
    expect(Buffer.from(join.phyPayload, 'base64')).toEqual(Buffer.from(tx.phy));
    expect(Buffer.from(join.rxInfo.context, 'base64').readUInt32BE(0)).toBe(gw.tmst(tx.startMs + tx.airtimeMs));
    expect(join.rxInfo.gwTime).toBe(new Date(Date.UTC(2025, 0, 1) + tx.startMs + tx.airtimeMs).toISOString());
    expect(ups[1]!.rxInfo.uplinkId).toBe(join.rxInfo.uplinkId + 1);
    // both downlinks went out in RX1; their RX2 alternatives were IGNORED
    const ackItems = (a: unknown) => ((a as { items?: unknown[]; itemsList?: unknown[] }).items ?? (a as { itemsList: unknown[] }).itemsList);
    const st = (x: unknown) => (x as { status: string | number }).status;
    expect(acks.map((a) => ackItems(a)!.map(st))).toEqual(enc === 'json' ? [['OK', 'IGNORED'], ['OK', 'IGNORED']] : [[1, 0], [1, 0]]);
    expect(air.downlinks.map((d) => Math.round(d.atMs - (air.transmissions[air.downlinks.indexOf(d)]!.startMs + air.transmissions[air.downlinks.indexOf(d)]!.airtimeMs)))).toEqual([5000, 1000]);
    expect(stats[0]).toMatchObject({ rxPacketsReceived: 2, rxPacketsReceivedOk: 2, txPacketsReceived: 2, txPacketsEmitted: 2 });
    expect(gw.stats().badCommands).toBe(0);
  } finally {
    pacer.stop();
    await gw.close();
    await nsClient.endAsync();
  }
}

describe('ChirpStack Gateway Bridge MQTT on a real broker', () => {
  it('JSON (protojson names): event/up, command/down in RX1, event/ack, event/stats', () => roundTrip('json'), 20_000);
  it('protobuf (@chirpstack/chirpstack-api): the same round trip', () => roundTrip('protobuf'), 20_000);

  it('counts a malformed command/down and keeps working', async () => {
    const clock = createClock();
    const gw = createChirpstackGateway({ clock, url: broker.url, gatewayId: GW, topicPrefix: 'bad', statIntervalMs: 0 });
    await gw.ready;
    const c = await mqtt.connectAsync(broker.url);
    await c.publishAsync(gw.topics.down, 'not json', { qos: 1 });
    await c.publishAsync(gw.topics.down, JSON.stringify({ downlinkId: 1, items: [{ phyPayload: 'AQID', txInfo: { frequency: 868100000 } }] }), { qos: 1 });
    await until(() => gw.stats().downCommands >= 2, 2000, 'commands');
    expect(gw.stats()).toMatchObject({ downCommands: 2, badCommands: 2, emitted: 0 });
    await c.endAsync();
    await gw.close();
  });
});
