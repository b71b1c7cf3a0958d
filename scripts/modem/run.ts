// `lorakit modem`: a modem emulator (simulator/modems/) on a real byte stream — a
// pseudo-terminal (--pty) or a serial device (--port) — on a virtual clock paced to
// the wall. Its frames go to the simulator's network server (decoded with --app and
// printed as JSON lines), or out through a Semtech UDP packet forwarder (--udp) to a
// real network server. Hardware in the loop without a radio or a gateway.
import { randomInt } from 'node:crypto';
import { createClock } from '../../simulator/clock.ts';
import { createSeededRng } from '../../simulator/lorawan/rng.ts';
import { bytesToHex } from '../../simulator/lorawan/frames.ts';
import { createNetworkServer } from '../../simulator/network/server.ts';
import { createDirectAir } from '../../simulator/network/direct-air.ts';
import type { ReceiveResult } from '../../simulator/network/types.ts';
import { createRn2483 } from '../../simulator/modems/rn2483.ts';
import { createRak3172 } from '../../simulator/modems/rak3172.ts';
import type { Air } from '../../simulator/modems/types.ts';
import { EU868 } from '../../firmware/lorawan/regions/eu868.ts';
import { createSemtechUdpGateway, type SemtechUdpGateway } from '../../simulator/gateway/semtech-udp.ts';
import { createGatewayAir } from '../../simulator/gateway/gateway-air.ts';
import { startRealtimePacer } from '../../simulator/gateway/realtime.ts';
import { decodeUplink, type CApp } from '../../codecs/index.ts';
import { createKeyLearner, createStreamPeer, lineSplitter, type ModemType } from './bridge.ts';
import { createPty, openSerialDevice, type ByteLink } from './serial-io.ts';

export interface ModemRunOptions {
  type: ModemType;
  /** One of pty / port. */
  pty?: boolean;
  ptyLink?: string;
  port?: string;
  baud?: number;
  /** Module EUI (hweui); default a fixed one per type. */
  hwEui?: string;
  /** Decode application payloads with this app (already validated). */
  app?: CApp;
  /** Semtech UDP network server instead of the built-in one. */
  udp?: { host: string; port: number; gatewayEui: string };
  speed?: number;
  seed?: number;
  out(line: string): void;
  log(line: string): void;
}

export interface ModemSession {
  path: string;
  stop(): Promise<void>;
}

const DEFAULT_HWEUI: Record<ModemType, string> = { rn2483: '0004A30B00FFEE01', rak3172: 'AC1F09FFFE0A0B0C' };

/** The JSON line printed for what the network did with a frame (never keys). */
function event(r: ReceiveResult, app: CApp | undefined, atMs: number): Record<string, unknown> | null {
  if (!r.accepted) return r.reason === 'duplicate' ? null : { event: 'rejected', atMs, reason: r.reason, detail: r.detail ?? null, devEui: r.devEui ?? null };
  if (r.kind === 'join') return { event: 'join', atMs, devEui: r.devEui, devAddr: (r.devAddr ?? 0).toString(16).toUpperCase().padStart(8, '0') };
  const base = { event: 'uplink', atMs, devEui: r.devEui, fCnt: r.fCnt, fPort: r.fPort ?? null, confirmed: !!r.confirmed, payload: r.payload ? bytesToHex(r.payload) : '' };
  if (!app || !r.payload || !r.fPort) return base;
  const d = decodeUplink(app, { bytes: r.payload, fPort: r.fPort });
  return { ...base, data: d.data ?? null, warnings: d.warnings, errors: d.errors };
}

export async function startModem(o: ModemRunOptions): Promise<ModemSession> {
  const clock = createClock();
  const baud = o.baud ?? (o.type === 'rn2483' ? 57600 : 115200);
  const link: ByteLink = o.port ? openSerialDevice(o.port, baud) : await createPty(o.ptyLink ? { link: o.ptyLink } : {});
  const seed = o.seed ?? randomInt(0, 2 ** 31);
  const ns = createNetworkServer({ rng: createSeededRng(seed ^ 0x5eed) });
  let gateway: SemtechUdpGateway | null = null;
  let air: Air;
  if (o.udp) {
    gateway = createSemtechUdpGateway({ clock, host: o.udp.host, port: o.udp.port, gatewayEui: o.udp.gatewayEui });
    await gateway.ready;
    air = createGatewayAir(clock, [gateway], { region: EU868 });
  } else {
    const direct = createDirectAir(clock, ns);
    air = {
      transmit(tx, rx) {
        direct.transmit(tx, rx);
        const end = tx.startMs + tx.airtimeMs;
        // the direct air hands the frame to the network server when it ends: report right after
        clock.schedule(end, () => {
          const r = direct.results[direct.results.length - 1];
          const e = r ? event(r, o.app, Math.round(end)) : null;
          if (e) o.out(JSON.stringify(e));
        });
      },
    };
  }
  const peer = createStreamPeer((d) => link.write(d), baud);
  const hwEui = (o.hwEui ?? DEFAULT_HWEUI[o.type]).toUpperCase();
  const learner = createKeyLearner(o.type, o.type === 'rak3172' ? hwEui : '0000000000000000', (reg) => {
    if (gateway) return; // a real network server has its own device registry
    ns.register(reg);
    o.log(`modem: device ${reg.devEui} registered on the built-in network (${reg.mode === 'abp' ? 'ABP' : 'OTAA'})`);
  });
  const watch = lineSplitter((l) => learner.line(l));
  const modemOpts = { seed, air, hwEui };
  if (o.type === 'rn2483') createRn2483(clock, peer, modemOpts);
  else createRak3172(clock, peer, modemOpts);
  link.onData((chunk) => {
    watch(chunk);
    peer.feed(chunk);
  });
  const pacer = startRealtimePacer(clock, { speed: o.speed ?? 1 });
  return {
    path: link.path,
    async stop() {
      pacer.stop();
      await gateway?.close();
      await link.close();
    },
  };
}

/** Parses "host:port". */
export function parseHostPort(s: string): { host: string; port: number } | null {
  const m = /^([^:\s]+):(\d{1,5})$/.exec(s);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) return null;
  return { host: m[1]!, port: Number(m[2]) };
}
