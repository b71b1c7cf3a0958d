// A virtual gateway speaking ChirpStack v4 Gateway Bridge MQTT on a real broker:
// publishes `<prefix>/gateway/<id>/event/up` and `.../event/stats` (every 30 s of
// the virtual clock), answers `.../command/down` with `.../event/ack`. JSON
// (protojson names) or protobuf, as the bridge's `marshaler` setting. Downlink items
// are tried in order (RX1, then RX2) like the bridge: the first one the scheduler
// accepts goes out, later ones are IGNORED.
import { randomInt } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import type { Clock } from '../clock.ts';
import { ackJson, ackProto, ackStatus, parseDownlinkCommand, statsJson, statsProto, uplinkJson, uplinkProto, type Encoding } from './chirpstack-codec.ts';
import { createTmstCounter, createTxScheduler, EU868_TX_LIMITS, type TxLimits } from './radio.ts';
import type { GatewayDownlink, GatewayUplink, VirtualGateway } from './types.ts';

export interface ChirpstackGatewayOptions {
  clock: Clock;
  /** Broker URL, e.g. mqtt://127.0.0.1:1883. */
  url: string;
  /** Gateway ID, 16 hex digits (written lower-case, as ChirpStack does). */
  gatewayId: string;
  /** Topic prefix: ChirpStack v4 uses the region id (default "eu868"). */
  topicPrefix?: string;
  encoding?: Encoding;
  /** QoS of published events (the bridge's default is 0). */
  qos?: 0 | 1;
  epochMs?: number;
  tmstOffsetUs?: number;
  /** Stats period on the virtual clock (default 30 s; 0 disables). */
  statIntervalMs?: number;
  limits?: TxLimits;
}

export interface ChirpstackGatewayStats {
  up: number;
  stats: number;
  downCommands: number;
  badCommands: number;
  emitted: number;
  acks: Record<string, number>;
}

export interface ChirpstackGateway extends VirtualGateway {
  /** Resolves when connected and subscribed to command/down. */
  readonly ready: Promise<void>;
  readonly topics: { up: string; stats: string; ack: string; down: string };
  stats(): ChirpstackGatewayStats;
  tmst(ms: number): number;
  sendStats(): void;
}

export function createChirpstackGateway(o: ChirpstackGatewayOptions): ChirpstackGateway {
  const { clock } = o;
  const id = o.gatewayId.toLowerCase();
  if (!/^[0-9a-f]{16}$/.test(id)) throw new Error(`gateway ID must be 16 hex digits, got "${o.gatewayId}"`);
  const enc: Encoding = o.encoding ?? 'json';
  const qos = o.qos ?? 0;
  const base = `${o.topicPrefix ?? 'eu868'}/gateway/${id}`;
  const topics = { up: `${base}/event/up`, stats: `${base}/event/stats`, ack: `${base}/event/ack`, down: `${base}/command/down` };
  const epochMs = o.epochMs ?? Date.now() - clock.now();
  const counter = createTmstCounter(o.tmstOffsetUs ?? randomInt(0, 2 ** 32));
  const scheduler = createTxScheduler(clock, counter, id, o.limits ?? EU868_TX_LIMITS);
  const listeners: ((dl: GatewayDownlink) => void)[] = [];
  const st: ChirpstackGatewayStats = { up: 0, stats: 0, downCommands: 0, badCommands: 0, emitted: 0, acks: {} };
  let rxOk = 0;
  let uplinkId = randomInt(1, 2 ** 31);
  let statId: number | null = null;
  let closed = false;

  const client: MqttClient = mqtt.connect(o.url, { clientId: `lorakit-gw-${id}-${randomInt(0, 2 ** 31).toString(36)}`, reconnectPeriod: 500, connectTimeout: 5000 });
  const publish = (topic: string, payload: Uint8Array | string): void => {
    if (!closed) client.publish(topic, typeof payload === 'string' ? payload : Buffer.from(payload), { qos });
  };

  client.on('message', (topic, payload) => {
    if (topic !== topics.down) return;
    st.downCommands++;
    const r = parseDownlinkCommand(new Uint8Array(payload), enc);
    if (!r.ok) {
      st.badCommands++;
      return;
    }
    const statuses: string[] = [];
    let sent = false;
    for (const item of r.value.items) {
      if (sent) {
        statuses.push('IGNORED');
        continue;
      }
      const err = scheduler.schedule(item, (dl) => {
        st.emitted++;
        for (const l of listeners) l(dl);
      });
      statuses.push(ackStatus(err));
      sent = err === 'NONE';
    }
    for (const s of statuses) st.acks[s] = (st.acks[s] ?? 0) + 1;
    const j = ackJson(id, r.value.downlinkId, statuses);
    publish(topics.ack, enc === 'json' ? JSON.stringify(j) : ackProto(j));
  });

  const ready = new Promise<void>((resolve, reject) => {
    const fail = (e: Error): void => reject(new Error(`MQTT ${o.url}: ${e.message}`));
    client.once('error', fail);
    client.once('connect', () => {
      client.off('error', fail);
      client.on('error', () => undefined); // reconnects on its own
      client.subscribe(topics.down, { qos: 1 }, (err) => (err ? reject(err) : resolve()));
    });
  });

  const sendStats = (): void => {
    st.stats++;
    const perStatus: Record<string, number> = {};
    for (const [k, v] of Object.entries(st.acks)) if (k !== 'IGNORED') perStatus[k] = v;
    const j = statsJson(id, new Date(epochMs + clock.now()).toISOString(), {
      rxPacketsReceived: st.up,
      rxPacketsReceivedOk: rxOk,
      txPacketsReceived: st.downCommands,
      txPacketsEmitted: st.emitted,
      txPacketsPerStatus: perStatus,
    });
    publish(topics.stats, enc === 'json' ? JSON.stringify(j) : statsProto(j));
  };
  const every = o.statIntervalMs ?? 30_000;
  const arm = (): void => {
    if (every > 0 && !closed) statId = clock.after(every, () => (sendStats(), arm()));
  };
  arm();

  return {
    id,
    ready,
    topics,
    uplink(up: GatewayUplink) {
      st.up++;
      rxOk++;
      uplinkId = (uplinkId + 1) >>> 0 || 1;
      const j = uplinkJson(id, up, counter.at(up.timeMs), uplinkId, epochMs);
      publish(topics.up, enc === 'json' ? JSON.stringify(j) : uplinkProto(j));
    },
    onDownlink(cb) {
      listeners.push(cb);
    },
    stats: () => ({ ...st, acks: { ...st.acks } }),
    tmst: (ms) => counter.at(ms),
    sendStats,
    async close() {
      closed = true;
      if (statId !== null) clock.cancel(statId);
      scheduler.cancelAll();
      await client.endAsync();
    },
  };
}
