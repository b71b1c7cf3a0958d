// Benchmark suite `decode-stream`: sustained decoded messages per second through a
// local mosquitto (a private one on loopback): a publisher sends N ChirpStack uplink
// events, the service decodes them with env-monitor and publishes the TS013 results,
// a subscriber counts them. Time runs from the first publish to the last result.
// Bounded in count and time. For reference: parse + decode alone, without a broker.
import mqtt from 'mqtt';
import { encodeReadings } from '../../codecs/index.ts';
import { measure, table, type Cell } from '../bench/harness.ts';
import type { BenchContext, BenchSuite } from '../bench/index.ts';
import { startMosquitto } from './mosquitto.ts';
import { parseUplinkEvent } from './parse.ts';
import { startDecodeStream } from './service.ts';
import { compiledApp, decodeUplink } from '../../codecs/index.ts';

const TOPIC = 'application/bench/device/0004a30b001c0530/event/up';

function events(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const bytes = encodeReadings('env-monitor', 2, { temperature: 15 + (i % 100) / 10, humidity: 30 + (i % 50), battery: 2900 + (i % 300), counter: i % 65535 }).bytes;
    out.push(JSON.stringify({ deduplicationId: `b-${i}`, time: '2025-01-01T00:00:00Z', deviceInfo: { applicationId: 'bench', deviceName: 'air', devEui: '0004a30b001c0530' }, fCnt: i, fPort: 2, data: Buffer.from(bytes).toString('base64') }));
  }
  return out;
}

async function throughput(url: string, msgs: string[], qos: 0 | 1, limitMs: number): Promise<{ rate: number; received: number; ms: number }> {
  const svc = startDecodeStream({ url, topics: [TOPIC], app: 'env-monitor', outTopic: `bench-out/${qos}/{devEui}`, qos, statsIntervalMs: 0 });
  await svc.ready;
  const sub = await mqtt.connectAsync(url);
  let received = 0;
  let last = 0;
  sub.on('message', () => {
    received++;
    last = performance.now();
  });
  await sub.subscribeAsync(`bench-out/${qos}/#`, { qos });
  const pub = await mqtt.connectAsync(url);
  const t0 = performance.now();
  for (const m of msgs) pub.publish(TOPIC, m, { qos });
  const end = Date.now() + limitMs;
  while (received < msgs.length && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
  const ms = (received ? last : performance.now()) - t0;
  await pub.endAsync();
  await sub.endAsync();
  await svc.stop(2000);
  return { rate: received / (ms / 1000), received, ms };
}

export const suite: BenchSuite = {
  name: 'decode-stream',
  description: 'live decoder throughput: decoded messages per second through a local mosquitto (QoS 0 and 1)',
  async run(ctx: BenchContext) {
    const quick = ctx.timing.rounds < 5;
    const n = quick ? 2000 : 20000;
    const msgs = events(n);
    const broker = await startMosquitto();
    const rows: Cell[][] = [];
    try {
      for (const qos of [0, 1] as const) {
        const r = await throughput(broker.url, msgs, qos, quick ? 20_000 : 60_000);
        rows.push([`through mosquitto, QoS ${qos}`, n, r.received, Math.round(r.ms), r.rate]);
      }
    } finally {
      await broker.dispose();
    }
    const app = compiledApp('env-monitor');
    let i = 0;
    const m = measure(() => {
      const p = parseUplinkEvent(TOPIC, msgs[i++ % msgs.length]!);
      return p.ok ? decodeUplink(app, { bytes: p.value.bytes, fPort: p.value.fPort }) : null;
    }, ctx.timing);
    rows.push(['parse + decode only (no broker)', '', '', '', m.opsPerSec]);
    ctx.print(`decode-stream through a private mosquitto on 127.0.0.1 (env-monitor codec, ${n} events per row)\n\n${table(['path', 'sent', 'decoded', 'ms', 'msg/s'], rows)}`);
  },
};
