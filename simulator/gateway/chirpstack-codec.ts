// ChirpStack v4 Gateway Bridge messages (chirpstack/api gw.proto): UplinkFrame
// (`event/up`), GatewayStats (`event/stats`), DownlinkTxAck (`event/ack`) going out,
// DownlinkFrame (`command/down`) coming in. Two encodings, as the bridge offers:
// JSON with protojson field names (lowerCamelCase, enums by name, bytes base64,
// Duration "1.5s", Timestamp RFC 3339) and protobuf via @chirpstack/chirpstack-api.
// The gateway `context` is the concentrator counter (tmst) as 4 big-endian bytes, as
// the bridge's Semtech backend sets it; a delay-timed downlink goes out at
// context + delay.
import { createRequire } from 'node:module';
import type * as GwPb from '@chirpstack/chirpstack-api/gw/gw_pb.js';
import type { Parsed } from './gwmp.ts';
import type { DownlinkRequest, GatewayUplink, Modulation, TxAckError } from './types.ts';

const require = createRequire(import.meta.url);
const GW_PB = '@chirpstack/chirpstack-api/gw/gw_pb.js';
const gw = require(GW_PB) as typeof GwPb;
// google-protobuf's well-known types, resolved from the package that depends on it
const fromApi = createRequire(require.resolve(GW_PB));
interface SecondsNanos {
  setSeconds(s: number): void;
  setNanos(n: number): void;
}
type Ctor = new () => SecondsNanos;
const { Timestamp } = fromApi('google-protobuf/google/protobuf/timestamp_pb.js') as { Timestamp: Ctor };
const { Duration } = fromApi('google-protobuf/google/protobuf/duration_pb.js') as { Duration: Ctor };

export type Encoding = 'json' | 'protobuf';

const codeRateByValue = (v: number): string => Object.keys(gw.CodeRate).find((k) => gw.CodeRate[k as keyof typeof gw.CodeRate] === v) ?? 'CR_4_5';
const codeRateName = (cr: string): string => `CR_${cr.replace('/', '_')}`;
const codeRateText = (name: string): string => (/^CR_\d_\d$/.test(name) ? name.slice(3).replace('_', '/') : '4/5');
const b64 = (u: Uint8Array): string => Buffer.from(u).toString('base64');

export function contextOf(tmst: number): Uint8Array {
  const c = new Uint8Array(4);
  new DataView(c.buffer).setUint32(0, tmst >>> 0);
  return c;
}

/** Fields of an uplink event, in protojson form. */
export function uplinkJson(gatewayId: string, up: GatewayUplink, tmst: number, uplinkId: number, epochMs: number): Record<string, unknown> {
  const m = up.modulation;
  return {
    phyPayload: b64(up.phy),
    txInfo: {
      frequency: up.freqHz,
      modulation:
        m.kind === 'lora'
          ? { lora: { bandwidth: m.bwKhz * 1000, spreadingFactor: m.sf, codeRate: codeRateName(m.codeRate) } }
          : { fsk: { datarate: m.bitrate } },
    },
    rxInfo: {
      gatewayId,
      uplinkId,
      gwTime: new Date(epochMs + up.timeMs).toISOString(),
      rssi: Math.round(up.rssi),
      snr: Math.round(up.snr * 10) / 10,
      channel: up.channel ?? 0,
      rfChain: up.rfChain ?? 0,
      context: b64(contextOf(tmst)),
      crcStatus: 'CRC_OK',
    },
  };
}

const timestamp = (iso: string) => {
  const ms = Date.parse(iso);
  const t = new Timestamp();
  t.setSeconds(Math.floor(ms / 1000));
  t.setNanos((ms % 1000) * 1e6);
  return t;
};

/** The uplink event as protobuf bytes (same content as uplinkJson). */
export function uplinkProto(j: ReturnType<typeof uplinkJson>): Uint8Array {
  const tx = j.txInfo as { frequency: number; modulation: { lora?: { bandwidth: number; spreadingFactor: number; codeRate: string }; fsk?: { datarate: number } } };
  const rx = j.rxInfo as { gatewayId: string; uplinkId: number; gwTime: string; rssi: number; snr: number; channel: number; rfChain: number; context: string };
  const f = new gw.UplinkFrame();
  f.setPhyPayload(Buffer.from(j.phyPayload as string, 'base64'));
  const ti = new gw.UplinkTxInfo();
  ti.setFrequency(tx.frequency);
  const mod = new gw.Modulation();
  if (tx.modulation.lora) {
    const l = new gw.LoraModulationInfo();
    l.setBandwidth(tx.modulation.lora.bandwidth);
    l.setSpreadingFactor(tx.modulation.lora.spreadingFactor);
    l.setCodeRate(gw.CodeRate[tx.modulation.lora.codeRate as keyof typeof gw.CodeRate] ?? gw.CodeRate.CR_4_5);
    mod.setLora(l);
  } else {
    const fsk = new gw.FskModulationInfo();
    fsk.setDatarate(tx.modulation.fsk!.datarate);
    mod.setFsk(fsk);
  }
  ti.setModulation(mod);
  f.setTxInfo(ti);
  const ri = new gw.UplinkRxInfo();
  ri.setGatewayId(rx.gatewayId);
  ri.setUplinkId(rx.uplinkId);
  ri.setGwTime(timestamp(rx.gwTime));
  ri.setRssi(rx.rssi);
  ri.setSnr(rx.snr);
  ri.setChannel(rx.channel);
  ri.setRfChain(rx.rfChain);
  ri.setContext(Buffer.from(rx.context, 'base64'));
  ri.setCrcStatus(gw.CRCStatus.CRC_OK);
  f.setRxInfo(ri);
  return f.serializeBinary();
}

export interface StatsCounters {
  rxPacketsReceived: number;
  rxPacketsReceivedOk: number;
  txPacketsReceived: number;
  txPacketsEmitted: number;
  txPacketsPerStatus: Partial<Record<string, number>>;
}

export function statsJson(gatewayId: string, timeIso: string, c: StatsCounters): Record<string, unknown> {
  return { gatewayId, time: timeIso, ...c, txPacketsPerStatus: { ...c.txPacketsPerStatus } };
}

export function statsProto(j: ReturnType<typeof statsJson>): Uint8Array {
  const s = new gw.GatewayStats();
  s.setGatewayId(j.gatewayId as string);
  s.setTime(timestamp(j.time as string));
  s.setRxPacketsReceived(j.rxPacketsReceived as number);
  s.setRxPacketsReceivedOk(j.rxPacketsReceivedOk as number);
  s.setTxPacketsReceived(j.txPacketsReceived as number);
  s.setTxPacketsEmitted(j.txPacketsEmitted as number);
  const m = s.getTxPacketsPerStatusMap();
  for (const [k, v] of Object.entries(j.txPacketsPerStatus as Record<string, number>)) m.set(k, v);
  return s.serializeBinary();
}

/** ChirpStack's TxAckStatus name for a Semtech TX_ACK error. */
export const ackStatus = (e: TxAckError): string => (e === 'NONE' ? 'OK' : e);

export function ackJson(gatewayId: string, downlinkId: number, statuses: string[]): Record<string, unknown> {
  return { gatewayId, downlinkId, items: statuses.map((status) => ({ status })) };
}

export function ackProto(j: ReturnType<typeof ackJson>): Uint8Array {
  const a = new gw.DownlinkTxAck();
  a.setGatewayId(j.gatewayId as string);
  a.setDownlinkId(j.downlinkId as number);
  a.setItemsList(
    (j.items as { status: string }[]).map((i) => {
      const it = new gw.DownlinkTxAckItem();
      it.setStatus(gw.TxAckStatus[i.status as keyof typeof gw.TxAckStatus] ?? gw.TxAckStatus.INTERNAL_ERROR);
      return it;
    }),
  );
  return a.serializeBinary();
}

/** One alternative of a downlink command (RX1, RX2, ...), with the context it refers to. */
export interface DownlinkItem extends DownlinkRequest {
  contextTmst?: number;
}

export interface DownlinkCommand {
  downlinkId: number;
  gatewayId: string;
  items: DownlinkItem[];
}

/** "1s", "1.000500s", "-0.5s" -> µs, or null. */
export function durationUs(s: unknown): number | null {
  if (typeof s !== 'string' || !/^-?\d+(\.\d{1,9})?s$/.test(s)) return null;
  return Math.round(parseFloat(s) * 1e6);
}

function itemFrom(o: {
  phy: Uint8Array;
  frequency: number;
  power: number;
  lora?: { bandwidth: number; spreadingFactor: number; codeRate: string; polarizationInversion: boolean };
  fsk?: { datarate: number };
  timing: 'immediately' | { delayUs: number } | { gpsUs: number } | null;
  context: Uint8Array;
}): Parsed<DownlinkItem> {
  if (!(o.frequency > 0)) return { ok: false, error: 'txInfo.frequency missing' };
  let modulation: Modulation;
  if (o.lora) {
    if (!(o.lora.spreadingFactor >= 5 && o.lora.spreadingFactor <= 12) || !(o.lora.bandwidth > 0)) return { ok: false, error: 'txInfo.modulation.lora is incomplete' };
    modulation = { kind: 'lora', sf: o.lora.spreadingFactor, bwKhz: o.lora.bandwidth / 1000, codeRate: codeRateText(o.lora.codeRate) };
  } else if (o.fsk && o.fsk.datarate > 0) modulation = { kind: 'fsk', bitrate: o.fsk.datarate };
  else return { ok: false, error: 'txInfo.modulation must be lora or fsk' };
  const contextTmst = o.context.length === 4 ? new DataView(o.context.buffer, o.context.byteOffset, 4).getUint32(0) : undefined;
  let timing: DownlinkRequest['timing'];
  if (o.timing === 'immediately') timing = { kind: 'immediate' };
  else if (o.timing && 'delayUs' in o.timing) {
    if (contextTmst === undefined) return { ok: false, error: 'delay timing needs the 4-byte context of the uplink' };
    timing = { kind: 'tmst', tmst: (contextTmst + o.timing.delayUs) % 4294967296 };
  } else if (o.timing && 'gpsUs' in o.timing) timing = { kind: 'gps', gpsMs: o.timing.gpsUs / 1000 };
  else return { ok: false, error: 'txInfo.timing must be immediately, delay or gpsEpoch' };
  return {
    ok: true,
    value: { phy: o.phy, freqHz: o.frequency, powerDbm: o.power, modulation, invertIq: !!o.lora?.polarizationInversion, timing, ...(contextTmst !== undefined ? { contextTmst } : {}) },
  };
}

type J = Record<string, unknown>;
const obj = (x: unknown): J => (x && typeof x === 'object' && !Array.isArray(x) ? (x as J) : {});
const n = (x: unknown): number => (typeof x === 'number' ? x : typeof x === 'string' && /^-?\d+$/.test(x) ? Number(x) : NaN);
const bytesB64 = (x: unknown): Uint8Array | null => (typeof x === 'string' && /^[A-Za-z0-9+/]*={0,2}$/.test(x) ? new Uint8Array(Buffer.from(x, 'base64')) : x === undefined ? new Uint8Array(0) : null);

/** Parses a `command/down` payload in either encoding; never throws. */
export function parseDownlinkCommand(payload: Uint8Array, encoding: Encoding): Parsed<DownlinkCommand> {
  try {
    return encoding === 'json' ? parseDownJson(JSON.parse(Buffer.from(payload).toString('utf8'))) : parseDownProto(payload);
  } catch (e) {
    return { ok: false, error: `command/down is not ${encoding === 'json' ? 'JSON' : 'a DownlinkFrame'}: ${(e as Error).message.split('\n')[0]}` };
  }
}

function parseDownJson(j: unknown): Parsed<DownlinkCommand> {
  const o = obj(j);
  const downlinkId = n(o.downlinkId ?? 0);
  if (!Array.isArray(o.items) || o.items.length === 0) return { ok: false, error: 'command/down has no items' };
  const items: DownlinkItem[] = [];
  for (const it of o.items) {
    const i = obj(it);
    const tx = obj(i.txInfo);
    const mod = obj(tx.modulation);
    const timing = obj(tx.timing);
    const phy = bytesB64(i.phyPayload);
    const context = bytesB64(tx.context);
    if (!phy || phy.length === 0 || !context) return { ok: false, error: 'items[].phyPayload / txInfo.context must be base64' };
    const lora = mod.lora ? obj(mod.lora) : undefined;
    const r = itemFrom({
      phy,
      context,
      frequency: n(tx.frequency),
      power: Number.isFinite(n(tx.power)) ? n(tx.power) : 14,
      ...(lora
        ? { lora: { bandwidth: n(lora.bandwidth), spreadingFactor: n(lora.spreadingFactor), codeRate: String(lora.codeRate ?? 'CR_4_5'), polarizationInversion: lora.polarizationInversion === true } }
        : {}),
      ...(mod.fsk ? { fsk: { datarate: n(obj(mod.fsk).datarate) } } : {}),
      timing:
        'immediately' in timing
          ? 'immediately'
          : timing.delay
            ? ((d) => (d === null ? null : { delayUs: d }))(durationUs(obj(timing.delay).delay ?? '0s'))
            : timing.gpsEpoch
              ? ((d) => (d === null ? null : { gpsUs: d }))(durationUs(obj(timing.gpsEpoch).timeSinceGpsEpoch))
              : null,
    });
    if (!r.ok) return r;
    items.push(r.value);
  }
  return { ok: true, value: { downlinkId: Number.isFinite(downlinkId) ? downlinkId : 0, gatewayId: String(o.gatewayId ?? ''), items } };
}

function parseDownProto(payload: Uint8Array): Parsed<DownlinkCommand> {
  const f = gw.DownlinkFrame.deserializeBinary(payload);
  const items: DownlinkItem[] = [];
  for (const it of f.getItemsList()) {
    const tx = it.getTxInfo();
    if (!tx) return { ok: false, error: 'items[].txInfo missing' };
    const mod = tx.getModulation();
    const lora = mod?.getLora();
    const fsk = mod?.getFsk();
    const t = tx.getTiming();
    const us = (d: { getSeconds(): number; getNanos(): number } | undefined): number => (d ? d.getSeconds() * 1e6 + Math.round(d.getNanos() / 1000) : 0);
    const r = itemFrom({
      phy: it.getPhyPayload_asU8(),
      context: tx.getContext_asU8(),
      frequency: tx.getFrequency(),
      power: tx.getPower(),
      ...(lora
        ? { lora: { bandwidth: lora.getBandwidth(), spreadingFactor: lora.getSpreadingFactor(), codeRate: codeRateByValue(lora.getCodeRate()), polarizationInversion: lora.getPolarizationInversion() } }
        : {}),
      ...(fsk ? { fsk: { datarate: fsk.getDatarate() } } : {}),
      timing: !t ? null : t.hasImmediately() ? 'immediately' : t.hasDelay() ? { delayUs: us(t.getDelay()!.getDelay()) } : t.hasGpsEpoch() ? { gpsUs: us(t.getGpsEpoch()!.getTimeSinceGpsEpoch()) } : null,
    });
    if (!r.ok) return r;
    items.push(r.value);
  }
  if (items.length === 0) return { ok: false, error: 'command/down has no items' };
  return { ok: true, value: { downlinkId: f.getDownlinkId(), gatewayId: f.getGatewayId(), items } };
}

/** Builds a command/down payload (for tests and tools that play the network server). */
export function downlinkCommand(cmd: { downlinkId: number; gatewayId: string; items: { phy: Uint8Array; freqHz: number; powerDbm: number; sf: number; bwKhz: number; delayUs?: number; context?: Uint8Array }[] }, encoding: Encoding): Uint8Array {
  if (encoding === 'json') {
    return Buffer.from(
      JSON.stringify({
        downlinkId: cmd.downlinkId,
        gatewayId: cmd.gatewayId,
        items: cmd.items.map((i) => ({
          phyPayload: b64(i.phy),
          txInfo: {
            frequency: i.freqHz,
            power: i.powerDbm,
            modulation: { lora: { bandwidth: i.bwKhz * 1000, spreadingFactor: i.sf, codeRate: 'CR_4_5', polarizationInversion: true } },
            timing: i.delayUs === undefined ? { immediately: {} } : { delay: { delay: `${i.delayUs / 1e6}s` } },
            ...(i.context ? { context: b64(i.context) } : {}),
          },
        })),
      }),
    );
  }
  const f = new gw.DownlinkFrame();
  f.setDownlinkId(cmd.downlinkId);
  f.setGatewayId(cmd.gatewayId);
  f.setItemsList(
    cmd.items.map((i) => {
      const it = new gw.DownlinkFrameItem();
      it.setPhyPayload(i.phy);
      const tx = new gw.DownlinkTxInfo();
      tx.setFrequency(i.freqHz);
      tx.setPower(i.powerDbm);
      const mod = new gw.Modulation();
      const l = new gw.LoraModulationInfo();
      l.setBandwidth(i.bwKhz * 1000);
      l.setSpreadingFactor(i.sf);
      l.setCodeRate(gw.CodeRate.CR_4_5);
      l.setPolarizationInversion(true);
      mod.setLora(l);
      tx.setModulation(mod);
      const t = new gw.Timing();
      if (i.delayUs === undefined) t.setImmediately(new gw.ImmediatelyTimingInfo());
      else {
        const d = new Duration();
        d.setSeconds(Math.floor(i.delayUs / 1e6));
        d.setNanos((i.delayUs % 1e6) * 1000);
        const di = new gw.DelayTimingInfo();
        di.setDelay(d);
        t.setDelay(di);
      }
      tx.setTiming(t);
      if (i.context) tx.setContext(i.context);
      it.setTxInfo(tx);
      return it;
    }),
  );
  return f.serializeBinary();
}

/** Decodes protobuf event payloads to plain objects (for tests and debugging). */
export function decodeEventProto(kind: 'up' | 'stats' | 'ack', bytes: Uint8Array): unknown {
  const cls = kind === 'up' ? gw.UplinkFrame : kind === 'stats' ? gw.GatewayStats : gw.DownlinkTxAck;
  return cls.deserializeBinary(bytes).toObject();
}
