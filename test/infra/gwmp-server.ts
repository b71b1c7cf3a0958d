// A GWMP v2 server written from the protocol's byte layout (PROTOCOL.TXT v2: version,
// token (2 bytes), identifier, EUI, JSON) whose network logic is the simulator's
// network server: PUSH_DATA rxpk → ns.receive → PULL_RESP txpk at the right tmst.
import { expect } from 'vitest';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { createSeededRng } from '../../simulator/lorawan/rng.ts';
import { createNetworkServer } from '../../simulator/network/server.ts';
import type { DeviceRegistration } from '../../simulator/network/types.ts';

export const TWO32 = 2 ** 32;
export const DRS = ['SF12BW125', 'SF11BW125', 'SF10BW125', 'SF9BW125', 'SF8BW125', 'SF7BW125', 'SF7BW250'];

export interface Datagram {
  bytes: Buffer;
  from: RemoteInfo;
}

/** A GWMP v2 server from the byte layout: version, token (2 bytes), identifier, EUI, JSON. */
export async function gwmpServer(opts: { dropFirstPush?: boolean; wrongTokenFirst?: boolean; devices: DeviceRegistration[] }) {
  const sock: Socket = createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  const port = sock.address().port;
  const pushes: { token: number; eui: string; json: { rxpk?: Record<string, unknown>[]; stat?: Record<string, unknown> } }[] = [];
  const pulls: { token: number; eui: string }[] = [];
  const txAcks: { token: number; eui: string; json: unknown }[] = [];
  const all: Datagram[] = [];
  let downAddr: RemoteInfo | null = null;
  let dropped = false;
  const ns = createNetworkServer({ rng: createSeededRng(3), devices: opts.devices });
  const t0 = performance.now();
  const reply = (to: RemoteInfo, bytes: number[] | Buffer) => sock.send(Buffer.from(bytes), to.port, to.address);
  let respToken = 0x4000;
  const pullResp = (txpk: object): number => {
    const token = respToken++;
    reply(downAddr!, Buffer.concat([Buffer.from([2, token >> 8, token & 0xff, 3]), Buffer.from(JSON.stringify({ txpk }))]));
    return token;
  };
  sock.on('message', (bytes, from) => {
    all.push({ bytes, from });
    expect(bytes[0]).toBe(2); // protocol version
    const token = bytes.readUInt16BE(1);
    const id = bytes[3];
    const eui = bytes.subarray(4, 12).toString('hex').toUpperCase();
    if (id === 0x00) {
      const json = JSON.parse(bytes.subarray(12).toString('utf8'));
      pushes.push({ token, eui, json });
      if (opts.wrongTokenFirst && pushes.length === 1) reply(from, [2, ((token + 1) >> 8) & 0xff, (token + 1) & 0xff, 1]);
      if (opts.dropFirstPush && !dropped && json.rxpk) {
        dropped = true; // no PUSH_ACK: the forwarder must retry with the same datagram
        return;
      }
      reply(from, [2, bytes[1]!, bytes[2]!, 0x01]); // PUSH_ACK
      for (const rx of json.rxpk ?? []) {
        const phy = new Uint8Array(Buffer.from(rx.data as string, 'base64'));
        const timeMs = performance.now() - t0;
        const r = ns.receive(phy, { timeMs, freqHz: Math.round((rx.freq as number) * 1e6), dr: DRS.indexOf(rx.datr as string), gateways: [{ id: eui, rssi: rx.rssi as number, snr: rx.lsnr as number }] });
        const dl = r.downlink;
        if (!dl) continue;
        pullResp({
          imme: false,
          tmst: ((rx.tmst as number) + Math.round((dl.atMs - timeMs) * 1000)) % TWO32,
          freq: dl.freqHz / 1e6,
          rfch: 0,
          powe: 14,
          modu: 'LORA',
          datr: DRS[dl.dr],
          codr: '4/5',
          ipol: true,
          size: dl.phy.length,
          data: Buffer.from(dl.phy).toString('base64'),
        });
      }
    } else if (id === 0x02) {
      pulls.push({ token, eui });
      downAddr = from;
      reply(from, [2, bytes[1]!, bytes[2]!, 0x04]); // PULL_ACK
    } else if (id === 0x05) {
      txAcks.push({ token, eui, json: bytes.length > 12 ? JSON.parse(bytes.subarray(12).toString('utf8')) : undefined });
    }
  });
  return { port, pushes, pulls, txAcks, all, ns, pullResp, close: () => new Promise<void>((r) => sock.close(() => r())) };
}

