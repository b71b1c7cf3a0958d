// The Semtech gateway messaging protocol (GWMP, "Semtech UDP packet forwarder"),
// protocol version 2 (lora_pkt_fwd PROTOCOL.TXT): datagram layout, `rxpk` and
// `stat` objects going up, `txpk` coming down, `txpk_ack` errors. Pure functions;
// the parsers never throw and return a readable error instead.
//
//   PUSH_DATA  ver(1)=2 | token(2) | 0x00 | gateway EUI(8) | JSON {"rxpk":[...],"stat":{...}}
//   PUSH_ACK   ver | token | 0x01
//   PULL_DATA  ver | token | 0x02 | gateway EUI
//   PULL_RESP  ver | token | 0x03 | JSON {"txpk":{...}}
//   PULL_ACK   ver | token | 0x04
//   TX_ACK     ver | token | 0x05 | gateway EUI | [JSON {"txpk_ack":{"error":"..."}}]
import { datrOf, isoMicro, parseDatr } from './radio.ts';
import { TX_ACK_ERRORS, type DownlinkRequest, type GatewayUplink, type TxAckError } from './types.ts';

export const GWMP_VERSION = 2;
export const PKT = { PUSH_DATA: 0, PUSH_ACK: 1, PULL_DATA: 2, PULL_RESP: 3, PULL_ACK: 4, TX_ACK: 5 } as const;
export type PacketType = keyof typeof PKT;
const NAMES: PacketType[] = ['PUSH_DATA', 'PUSH_ACK', 'PULL_DATA', 'PULL_RESP', 'PULL_ACK', 'TX_ACK'];

export interface GwmpPacket {
  type: PacketType;
  version: number;
  /** 16-bit token (bytes 1-2, as sent: byte 1 is the high byte). */
  token: number;
  /** Gateway EUI, 16 upper-case hex digits (PUSH_DATA, PULL_DATA, TX_ACK). */
  gatewayEui?: string;
  /** The JSON body (PUSH_DATA, PULL_RESP, TX_ACK when present). */
  json?: unknown;
}

const HAS_EUI: Record<PacketType, boolean> = { PUSH_DATA: true, PUSH_ACK: false, PULL_DATA: true, PULL_RESP: false, PULL_ACK: false, TX_ACK: true };

export function encodeGwmp(p: GwmpPacket): Uint8Array {
  const head = [p.version & 0xff, (p.token >> 8) & 0xff, p.token & 0xff, PKT[p.type]];
  const eui = HAS_EUI[p.type] ? euiBytes(p.gatewayEui ?? '') : [];
  const body = p.json === undefined ? new Uint8Array(0) : new TextEncoder().encode(JSON.stringify(p.json));
  const out = new Uint8Array(head.length + eui.length + body.length);
  out.set(head, 0);
  out.set(eui, head.length);
  out.set(body, head.length + eui.length);
  return out;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

export function decodeGwmp(buf: Uint8Array): Parsed<GwmpPacket> {
  if (buf.length < 4) return { ok: false, error: `datagram too short (${buf.length} bytes)` };
  const type = NAMES[buf[3]!];
  if (!type) return { ok: false, error: `unknown packet identifier 0x${buf[3]!.toString(16)}` };
  const p: GwmpPacket = { type, version: buf[0]!, token: (buf[1]! << 8) | buf[2]! };
  let at = 4;
  if (HAS_EUI[type]) {
    if (buf.length < 12) return { ok: false, error: `${type} without gateway EUI` };
    p.gatewayEui = Array.from(buf.subarray(4, 12), (b) => b.toString(16).padStart(2, '0')).join('').toUpperCase();
    at = 12;
  }
  if (buf.length > at) {
    try {
      p.json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(at)));
    } catch (e) {
      return { ok: false, error: `${type} JSON: ${(e as Error).message}` };
    }
  }
  return { ok: true, value: p };
}

function euiBytes(hex: string): number[] {
  const h = hex.replace(/[^0-9a-fA-F]/g, '').padStart(16, '0').slice(-16);
  const out: number[] = [];
  for (let i = 0; i < 16; i += 2) out.push(parseInt(h.substring(i, i + 2), 16));
  return out;
}

/** An `rxpk` object (PROTOCOL.TXT §4). */
export interface Rxpk {
  time: string;
  tmst: number;
  freq: number;
  chan: number;
  rfch: number;
  stat: 1 | -1 | 0;
  modu: 'LORA' | 'FSK';
  datr: string | number;
  codr?: string;
  rssi: number;
  lsnr?: number;
  size: number;
  data: string;
}

export function buildRxpk(up: GatewayUplink, tmst: number, epochMs: number): Rxpk {
  const m = up.modulation;
  const rx: Rxpk = {
    time: isoMicro(epochMs, up.timeMs),
    tmst: tmst >>> 0,
    freq: Number((up.freqHz / 1e6).toFixed(6)),
    chan: up.channel ?? 0,
    rfch: up.rfChain ?? 0,
    stat: 1,
    modu: m.kind === 'lora' ? 'LORA' : 'FSK',
    datr: datrOf(m),
    rssi: Math.round(up.rssi),
    size: up.phy.length,
    data: Buffer.from(up.phy).toString('base64'),
  };
  if (m.kind === 'lora') {
    rx.codr = m.codeRate;
    rx.lsnr = Math.round(up.snr * 10) / 10;
  }
  return rx;
}

/** The gateway's status counters for `stat` (PROTOCOL.TXT §4). */
export interface GatewayCounters {
  rxnb: number;
  rxok: number;
  rxfw: number;
  /** Percentage of upstream datagrams acknowledged. */
  ackr: number;
  dwnb: number;
  txnb: number;
}

/** "2014-01-12 08:59:28 GMT" */
export function statTime(epochMs: number): string {
  return new Date(Math.floor(epochMs)).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, ' GMT');
}

export function buildStat(epochMs: number, c: GatewayCounters, location?: { lat: number; lon: number; alt: number }): Record<string, unknown> {
  return {
    time: statTime(epochMs),
    ...(location ? { lati: location.lat, long: location.lon, alti: Math.round(location.alt) } : {}),
    rxnb: c.rxnb,
    rxok: c.rxok,
    rxfw: c.rxfw,
    ackr: Math.round(c.ackr * 10) / 10,
    dwnb: c.dwnb,
    txnb: c.txnb,
  };
}

/** A parsed `txpk` (PROTOCOL.TXT §6), with the raw fields the network server set. */
export interface Txpk extends DownlinkRequest {
  imme: boolean;
  tmst?: number;
  tmms?: number;
  rfch: number;
  ncrc: boolean;
  size: number;
}

const num = (o: Record<string, unknown>, k: string): number | undefined => (typeof o[k] === 'number' && Number.isFinite(o[k]) ? (o[k] as number) : undefined);

/** Parses the JSON body of a PULL_RESP; errors name the offending field. */
export function parseTxpk(json: unknown): Parsed<Txpk> {
  if (!json || typeof json !== 'object' || !('txpk' in json)) return { ok: false, error: 'PULL_RESP without a "txpk" object' };
  const t = (json as { txpk: unknown }).txpk;
  if (!t || typeof t !== 'object') return { ok: false, error: '"txpk" is not an object' };
  const o = t as Record<string, unknown>;
  const imme = o.imme === true;
  const tmst = num(o, 'tmst');
  const tmms = num(o, 'tmms');
  if (!imme && tmst === undefined && tmms === undefined) return { ok: false, error: 'txpk needs "imme", "tmst" or "tmms"' };
  if (tmst !== undefined && (tmst < 0 || tmst > 0xffffffff || Math.floor(tmst) !== tmst)) return { ok: false, error: 'txpk "tmst" is not a 32-bit counter value' };
  const freq = num(o, 'freq');
  if (freq === undefined || freq <= 0) return { ok: false, error: 'txpk "freq" (MHz) missing or not a number' };
  const powe = num(o, 'powe') ?? 14;
  const modu = o.modu ?? 'LORA';
  if (modu !== 'LORA' && modu !== 'FSK') return { ok: false, error: `txpk "modu" must be LORA or FSK, got ${JSON.stringify(modu)}` };
  const codr = typeof o.codr === 'string' ? o.codr : '4/5';
  const modulation = parseDatr(o.datr, codr);
  if (!modulation || (modulation.kind === 'lora') !== (modu === 'LORA')) return { ok: false, error: `txpk "datr" ${JSON.stringify(o.datr)} does not fit modu ${modu}` };
  if (typeof o.data !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(o.data)) return { ok: false, error: 'txpk "data" is not base64' };
  const phy = new Uint8Array(Buffer.from(o.data, 'base64'));
  const size = num(o, 'size') ?? phy.length;
  if (size !== phy.length) return { ok: false, error: `txpk "size" ${size} does not match ${phy.length} data bytes` };
  const timing: Txpk['timing'] = imme
    ? { kind: 'immediate' }
    : tmst !== undefined
      ? { kind: 'tmst', tmst }
      : { kind: 'gps', gpsMs: tmms! };
  return {
    ok: true,
    value: {
      phy,
      freqHz: Math.round(freq * 1e6),
      modulation,
      powerDbm: powe,
      invertIq: o.ipol === true,
      timing,
      imme,
      ...(tmst !== undefined ? { tmst } : {}),
      ...(tmms !== undefined ? { tmms } : {}),
      rfch: num(o, 'rfch') ?? 0,
      ncrc: o.ncrc === true,
      size,
    },
  };
}

/** The TX_ACK body; `error` is one of the protocol's names. */
export function txAckJson(error: TxAckError): { txpk_ack: { error: TxAckError } } {
  return { txpk_ack: { error } };
}

/** Reads the error of a TX_ACK body ("NONE" when the body is absent, as lora_pkt_fwd sends on success). */
export function txAckError(json: unknown): TxAckError | null {
  if (json === undefined) return 'NONE';
  const e = (json as { txpk_ack?: { error?: unknown } } | null)?.txpk_ack?.error;
  if (e === undefined) return 'NONE';
  return TX_ACK_ERRORS.includes(e as TxAckError) ? (e as TxAckError) : null;
}
