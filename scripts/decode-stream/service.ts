// The live decoder service behind `lorakit decode-stream`: subscribes to a network
// server's uplink events on an MQTT broker, decodes each with the app's codec and
// publishes the TS013 result (or writes JSON lines). Bad messages are counted by
// reason and never stop it; mqtt.js reconnects and resubscribes after a broker
// restart; `stop()` unsubscribes, waits for outstanding PUBACKs and disconnects.
import mqtt, { type MqttClient } from 'mqtt';
import { compiledApp, decodeUplink, type AppRef } from '../../codecs/index.ts';
import { outTopic, parseUplinkEvent, type MalformedReason, type StreamFormat } from './parse.ts';

export interface DecodeStreamOptions {
  url: string;
  topics: string[];
  app: AppRef;
  /** Where results go (`{devEui}`, `{deviceId}`, `{app}` are filled in); none: `write` gets JSON lines. */
  outTopic?: string;
  format?: StreamFormat;
  qos?: 0 | 1;
  /** With a client id the broker keeps the session (clean: false): events during a reconnect are not lost. */
  clientId?: string;
  write?: (line: string) => void;
  /** Status lines (stats, connection changes). */
  log?: (line: string) => void;
  /** Period of the stats line (default 60 s; 0: only at stop). */
  statsIntervalMs?: number;
  reconnectMs?: number;
}

export interface DecodeStreamStats {
  received: number;
  decoded: number;
  /** Decoded with TS013 errors (still published: the errors are part of the result). */
  decodeErrors: number;
  published: number;
  malformed: number;
  malformedBy: Partial<Record<MalformedReason, number>>;
  reconnects: number;
}

export interface DecodeStream {
  readonly ready: Promise<void>;
  stats(): DecodeStreamStats;
  /** Drains (stop receiving, wait for PUBACKs up to `timeoutMs`) and disconnects. */
  stop(timeoutMs?: number): Promise<DecodeStreamStats>;
}

export function statsLine(s: DecodeStreamStats): string {
  const by = Object.entries(s.malformedBy)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return `decode-stream: received ${s.received}, decoded ${s.decoded} (${s.decodeErrors} with errors), published ${s.published}, malformed ${s.malformed}${by ? ` (${by})` : ''}, reconnects ${s.reconnects}`;
}

export function startDecodeStream(o: DecodeStreamOptions): DecodeStream {
  const app = compiledApp(o.app);
  const qos = o.qos ?? 1;
  const log = o.log ?? (() => undefined);
  const write = o.write ?? ((l: string) => process.stdout.write(l + '\n'));
  const s: DecodeStreamStats = { received: 0, decoded: 0, decodeErrors: 0, published: 0, malformed: 0, malformedBy: {}, reconnects: 0 };
  let outstanding = 0;
  let stopping = false;
  const idle: (() => void)[] = [];
  const client: MqttClient = mqtt.connect(o.url, {
    ...(o.clientId ? { clientId: o.clientId, clean: false } : {}),
    reconnectPeriod: o.reconnectMs ?? 1000,
    connectTimeout: 5000,
    resubscribe: true,
  });
  let connectedOnce = false;
  client.on('reconnect', () => s.reconnects++);
  client.on('offline', () => connectedOnce && !stopping && log(`decode-stream: broker ${o.url} unreachable, reconnecting`));
  client.on('error', (e) => log(`decode-stream: ${e.message}`));

  const ready = new Promise<void>((resolve, reject) => {
    const fail = (e: Error): void => {
      if (!connectedOnce) reject(new Error(`cannot connect to ${o.url}: ${e.message}`));
    };
    client.once('error', fail);
    client.on('connect', (ack) => {
      if (connectedOnce) return log('decode-stream: reconnected');
      connectedOnce = true;
      client.off('error', fail);
      if (ack.sessionPresent) log('decode-stream: resumed the broker session (events queued meanwhile follow)');
      client.subscribe(o.topics, { qos }, (err) => (err ? reject(err) : resolve()));
    });
  });

  // Messages keep being handled while stopping: once mqtt.js has acknowledged one, it must not be dropped.
  client.on('message', (topic, payload) => {
    s.received++;
    const p = parseUplinkEvent(topic, payload, o.format ?? 'auto');
    if (!p.ok) {
      s.malformed++;
      s.malformedBy[p.reason] = (s.malformedBy[p.reason] ?? 0) + 1;
      return;
    }
    const u = p.value;
    const r = decodeUplink(app, { bytes: u.bytes, fPort: u.fPort, ...(u.receivedAt ? { recvTime: u.receivedAt } : {}) });
    s.decoded++;
    if (r.errors.length) s.decodeErrors++;
    const out = {
      devEui: u.devEui ?? null,
      deviceId: u.deviceId ?? null,
      applicationId: u.applicationId ?? null,
      fPort: u.fPort,
      fCnt: u.fCnt ?? null,
      receivedAt: u.receivedAt ?? null,
      topic,
      data: r.data ?? null,
      warnings: r.warnings,
      errors: r.errors,
    };
    if (!o.outTopic) {
      write(JSON.stringify(out));
      s.published++;
      return;
    }
    outstanding++;
    client.publish(outTopic(o.outTopic, u), JSON.stringify(out), { qos }, (err) => {
      outstanding--;
      if (!err) s.published++;
      if (outstanding === 0) for (const f of idle.splice(0)) f();
    });
  });

  const every = o.statsIntervalMs ?? 60_000;
  const timer = every > 0 ? setInterval(() => log(statsLine(s)), every) : null;
  timer?.unref();

  return {
    ready,
    stats: () => ({ ...s, malformedBy: { ...s.malformedBy } }),
    async stop(timeoutMs = 10_000) {
      stopping = true;
      if (timer) clearInterval(timer);
      // a persistent session keeps its subscriptions, so the broker queues events until the next start
      if (client.connected && !o.clientId) await client.unsubscribeAsync(o.topics).catch(() => undefined);
      if (outstanding > 0) {
        let t: NodeJS.Timeout | undefined;
        await Promise.race([new Promise<void>((r) => idle.push(r)), new Promise<void>((r) => (t = setTimeout(r, timeoutMs)))]);
        clearTimeout(t);
      }
      await client.endAsync(outstanding > 0);
      return { ...s, malformedBy: { ...s.malformedBy } };
    },
  };
}
