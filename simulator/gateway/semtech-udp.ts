// A virtual gateway speaking the Semtech UDP packet-forwarder protocol (GWMP v2)
// to a real network server (ChirpStack Gateway Bridge, The Things Stack, any GWMP
// server) at host:port. Like lora_pkt_fwd it uses two sockets: upstream (PUSH_DATA
// with `rxpk` and `stat`, answered by PUSH_ACK) and downstream (PULL_DATA keep-alive
// answered by PULL_ACK; PULL_RESP `txpk` answered by TX_ACK). Network timing (ACK
// timeouts, keep-alive) runs on the wall clock; radio timing (`tmst`, `stat` every
// 30 s, downlink start) runs on the simulator's virtual clock, which must be paced to
// the wall (realtime.ts) for a real server's RX windows to line up.
import { createSocket, type Socket } from 'node:dgram';
import { randomInt } from 'node:crypto';
import type { Clock } from '../clock.ts';
import { buildRxpk, buildStat, decodeGwmp, encodeGwmp, GWMP_VERSION, parseTxpk, txAckJson, type GwmpPacket } from './gwmp.ts';
import { createTmstCounter, createTxScheduler, EU868_TX_LIMITS, type TxLimits } from './radio.ts';
import type { GatewayDownlink, GatewayUplink, TxAckError, VirtualGateway } from './types.ts';

export interface SemtechUdpOptions {
  clock: Clock;
  /** Network server address (default 127.0.0.1) and ports (lora_pkt_fwd serv_port_up / serv_port_down, default 1700). */
  host?: string;
  port?: number;
  portDown?: number;
  /** Gateway EUI, 16 hex digits. */
  gatewayEui: string;
  /** Wall-clock epoch (ms) of virtual time 0, for `time` fields (default: now - clock.now()). */
  epochMs?: number;
  /** Concentrator counter value at virtual time 0, in µs (default random). */
  tmstOffsetUs?: number;
  /** `stat` period on the virtual clock (default 30 s; 0 disables). */
  statIntervalMs?: number;
  /** PULL_DATA period on the wall clock (lora_pkt_fwd keepalive_interval, default 10 s). */
  keepaliveMs?: number;
  /** Wait for a PUSH_ACK before retrying (lora_pkt_fwd push_timeout_ms, default 100 ms). */
  pushTimeoutMs?: number;
  /** Retries of an unacknowledged PUSH_DATA (default 2, so 3 attempts). */
  pushRetries?: number;
  limits?: TxLimits;
  location?: { lat: number; lon: number; alt: number };
  /** Source of 16-bit tokens (default crypto). */
  token?: () => number;
}

export interface SemtechUdpStats {
  pushSent: number;
  pushAcked: number;
  /** Attempts whose PUSH_ACK did not come within the timeout. */
  pushAckMissed: number;
  pushRetries: number;
  /** PUSH_DATA given up after all retries. */
  pushDropped: number;
  pullSent: number;
  pullAcked: number;
  /** ACKs whose token matched nothing outstanding. */
  tokenMismatch: number;
  pullResp: number;
  /** PULL_RESP that could not be parsed (no TX_ACK sent, like lora_pkt_fwd). */
  badTxpk: number;
  badDatagrams: number;
  txAck: Record<TxAckError, number>;
  rxnb: number;
  rxfw: number;
  dwnb: number;
  txnb: number;
}

export interface SemtechUdpGateway extends VirtualGateway {
  /** Resolves when both sockets are bound and the first PULL_DATA went out. */
  readonly ready: Promise<void>;
  stats(): SemtechUdpStats;
  /** The concentrator counter at virtual time `ms`. */
  tmst(ms: number): number;
  /** Sends a `stat` report now. */
  sendStat(): void;
  /** Resolves when no PUSH_DATA awaits an ACK (bounded by the retries). */
  flush(): Promise<void>;
}

interface Pending {
  bytes: Uint8Array;
  attempt: number;
  timer: NodeJS.Timeout | null;
}

export function createSemtechUdpGateway(o: SemtechUdpOptions): SemtechUdpGateway {
  const { clock } = o;
  const host = o.host ?? '127.0.0.1';
  const portUp = o.port ?? 1700;
  const portDown = o.portDown ?? portUp;
  const eui = o.gatewayEui.toUpperCase();
  if (!/^[0-9A-F]{16}$/.test(eui)) throw new Error(`gateway EUI must be 16 hex digits, got "${o.gatewayEui}"`);
  const epochMs = o.epochMs ?? Date.now() - clock.now();
  const counter = createTmstCounter(o.tmstOffsetUs ?? randomInt(0, 2 ** 32));
  const scheduler = createTxScheduler(clock, counter, eui, o.limits ?? EU868_TX_LIMITS);
  const pushTimeoutMs = o.pushTimeoutMs ?? 100;
  const pushRetries = Math.max(0, Math.min(10, o.pushRetries ?? 2));
  const token = o.token ?? (() => randomInt(0, 65536));
  const listeners: ((dl: GatewayDownlink) => void)[] = [];
  const pending = new Map<number, Pending>();
  const drained: (() => void)[] = [];
  const txAck = Object.fromEntries(['NONE', 'TOO_LATE', 'TOO_EARLY', 'COLLISION_PACKET', 'COLLISION_BEACON', 'TX_FREQ', 'TX_POWER', 'GPS_UNLOCKED'].map((k) => [k, 0])) as Record<TxAckError, number>;
  const s: Omit<SemtechUdpStats, 'txAck'> = {
    pushSent: 0, pushAcked: 0, pushAckMissed: 0, pushRetries: 0, pushDropped: 0, pullSent: 0, pullAcked: 0,
    tokenMismatch: 0, pullResp: 0, badTxpk: 0, badDatagrams: 0, rxnb: 0, rxfw: 0, dwnb: 0, txnb: 0,
  };
  // ACK ratio since the last stat report
  let window = { sent: 0, acked: 0 };
  let pullToken = -1;
  let closed = false;
  let statId: number | null = null;

  const up: Socket = createSocket('udp4');
  const down: Socket = createSocket('udp4');
  const send = (sock: Socket, port: number, p: GwmpPacket): void => {
    if (!closed) sock.send(encodeGwmp(p), port, host);
  };

  const settle = (tok: number): void => {
    pending.delete(tok);
    if (pending.size === 0) for (const f of drained.splice(0)) f();
  };

  const attempt = (tok: number): void => {
    const p = pending.get(tok);
    if (!p || closed) return;
    p.attempt++;
    s.pushSent++;
    window.sent++;
    if (p.attempt > 1) s.pushRetries++;
    up.send(p.bytes, portUp, host);
    p.timer = setTimeout(() => {
      s.pushAckMissed++;
      if (p.attempt <= pushRetries) attempt(tok);
      else {
        s.pushDropped++;
        settle(tok);
      }
    }, pushTimeoutMs);
  };

  const newToken = (): number => {
    let t = token() & 0xffff;
    for (let i = 0; i < 8 && (pending.has(t) || t === pullToken); i++) t = token() & 0xffff;
    return t;
  };

  const push = (json: unknown): void => {
    if (closed) return;
    const tok = newToken();
    pending.set(tok, { bytes: encodeGwmp({ type: 'PUSH_DATA', version: GWMP_VERSION, token: tok, gatewayEui: eui, json }), attempt: 0, timer: null });
    attempt(tok);
  };

  const pull = (): void => {
    pullToken = newToken();
    s.pullSent++;
    send(down, portDown, { type: 'PULL_DATA', version: GWMP_VERSION, token: pullToken, gatewayEui: eui });
  };

  up.on('message', (msg) => {
    const r = decodeGwmp(msg);
    if (!r.ok || r.value.type !== 'PUSH_ACK') return void s.badDatagrams++;
    const p = pending.get(r.value.token);
    if (!p) return void s.tokenMismatch++;
    if (p.timer) clearTimeout(p.timer);
    s.pushAcked++;
    window.acked++;
    settle(r.value.token);
  });

  down.on('message', (msg, rinfo) => {
    const r = decodeGwmp(msg);
    if (!r.ok) return void s.badDatagrams++;
    const p = r.value;
    if (p.type === 'PULL_ACK') {
      if (p.token === pullToken) {
        s.pullAcked++;
        pullToken = -1;
      } else s.tokenMismatch++;
      return;
    }
    if (p.type !== 'PULL_RESP') return void s.badDatagrams++;
    s.pullResp++;
    const t = parseTxpk(p.json);
    if (!t.ok) return void s.badTxpk++;
    s.dwnb++;
    const err = scheduler.schedule(t.value, (dl) => {
      s.txnb++;
      for (const l of listeners) l(dl);
    });
    txAck[err]++;
    // TX_ACK echoes the PULL_RESP token, to the address the PULL_RESP came from
    if (!closed) down.send(encodeGwmp({ type: 'TX_ACK', version: GWMP_VERSION, token: p.token, gatewayEui: eui, json: txAckJson(err) }), rinfo.port, rinfo.address);
  });

  const sendStat = (): void => {
    const ackr = window.sent === 0 ? 100 : (100 * window.acked) / window.sent;
    window = { sent: 0, acked: 0 };
    push({ stat: buildStat(epochMs + clock.now(), { rxnb: s.rxnb, rxok: s.rxnb, rxfw: s.rxfw, ackr, dwnb: s.dwnb, txnb: s.txnb }, o.location) });
  };
  const statEvery = o.statIntervalMs ?? 30_000;
  const armStat = (): void => {
    if (statEvery > 0 && !closed) {
      statId = clock.after(statEvery, () => {
        sendStat();
        armStat();
      });
    }
  };

  let keepalive: NodeJS.Timeout | null = null;
  const bind = (sock: Socket): Promise<void> =>
    new Promise((resolve, reject) => {
      sock.once('error', reject);
      sock.bind(0, '0.0.0.0', () => {
        sock.off('error', reject);
        sock.on('error', () => s.badDatagrams++);
        resolve();
      });
    });
  const ready = Promise.all([bind(up), bind(down)]).then(() => {
    pull();
    keepalive = setInterval(pull, o.keepaliveMs ?? 10_000);
    keepalive.unref();
    armStat();
  });

  return {
    id: eui,
    ready,
    uplink(u: GatewayUplink) {
      s.rxnb++;
      s.rxfw++;
      push({ rxpk: [buildRxpk(u, counter.at(u.timeMs), epochMs)] });
    },
    onDownlink(cb) {
      listeners.push(cb);
    },
    stats: () => ({ ...s, txAck: { ...txAck } }),
    tmst: (ms) => counter.at(ms),
    sendStat,
    flush: () => (pending.size === 0 ? Promise.resolve() : new Promise((r) => drained.push(r))),
    async close() {
      await ready.catch(() => undefined);
      await (pending.size === 0 ? Promise.resolve() : new Promise<void>((r) => drained.push(r)));
      closed = true;
      if (keepalive) clearInterval(keepalive);
      if (statId !== null) clock.cancel(statId);
      scheduler.cancelAll();
      await Promise.all([new Promise<void>((r) => up.close(() => r())), new Promise<void>((r) => down.close(() => r()))]);
    },
  };
}
