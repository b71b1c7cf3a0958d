// `lorakit decode-stream` through a real mosquitto: ChirpStack and The Things Stack
// uplink events in, TS013 results out; malformed messages counted; a broker restart
// survived; SIGTERM drains and exits 0.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { spawn } from 'node:child_process';
import mqtt from 'mqtt';
import { decodeUplink, encodeReadings } from '../../codecs/index.ts';
import { parseUplinkEvent } from '../../scripts/decode-stream/parse.ts';
import { startDecodeStream } from '../../scripts/decode-stream/service.ts';
import { startMosquitto, type Mosquitto } from '../../scripts/decode-stream/mosquitto.ts';

let broker: Mosquitto;
beforeAll(async () => {
  broker = await startMosquitto();
});
afterAll(async () => {
  await broker?.dispose();
});

const reading = (i: number) => ({ temperature: 20 + (i % 10) / 2, humidity: 40 + (i % 20), battery: 3000 + i, counter: i });
const frame = (i: number) => encodeReadings('env-monitor', 2, reading(i)).bytes;
const chirpstack = (i: number, devEui = '0004A30B001C0530') => ({
  deduplicationId: `d-${i}`,
  time: '2025-01-01T00:00:00Z',
  deviceInfo: { tenantId: 't', applicationId: 'app-1', deviceName: 'air-1', devEui: devEui.toLowerCase() },
  devAddr: '01020304',
  dr: 5,
  fCnt: i,
  fPort: 2,
  data: Buffer.from(frame(i)).toString('base64'),
});
const ttn = (i: number) => ({
  end_device_ids: { device_id: 'air-2', application_ids: { application_id: 'town' }, dev_eui: '70B3D57ED0000AAA' },
  received_at: '2025-01-01T00:00:01Z',
  uplink_message: { f_port: 2, f_cnt: i, frm_payload: Buffer.from(frame(i)).toString('base64'), rx_metadata: [] },
});
const until = async (cond: () => boolean, ms: number, what: string): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('parsing integration events', () => {
  it('reads ChirpStack v4 and TTS uplinks and names what is wrong with the rest', () => {
    const c = parseUplinkEvent('application/app-1/device/0004a30b001c0530/event/up', JSON.stringify(chirpstack(7)));
    expect(c.ok && c.value).toMatchObject({ format: 'chirpstack', devEui: '0004A30B001C0530', deviceId: 'air-1', applicationId: 'app-1', fPort: 2, fCnt: 7 });
    expect(c.ok && Array.from(c.value.bytes)).toEqual(Array.from(frame(7)));
    const t = parseUplinkEvent('v3/town@ttn/devices/air-2/up', JSON.stringify(ttn(3)));
    expect(t.ok && t.value).toMatchObject({ format: 'ttn', devEui: '70B3D57ED0000AAA', deviceId: 'air-2', applicationId: 'town', fPort: 2, fCnt: 3 });
    const bad = (topic: string, body: string) => {
      const r = parseUplinkEvent(topic, body);
      return r.ok ? 'ok' : r.reason;
    };
    expect(bad('application/x/device/y/event/up', '{nope')).toBe('not-json');
    expect(bad('application/x/device/y/event/up', '[1]')).toBe('not-an-object');
    expect(bad('application/x/device/y/event/up', JSON.stringify({ ...chirpstack(1), fPort: undefined }))).toBe('no-fport');
    expect(bad('application/x/device/y/event/up', JSON.stringify({ ...chirpstack(1), fPort: 0 }))).toBe('bad-fport');
    expect(bad('application/x/device/y/event/up', JSON.stringify({ ...chirpstack(1), data: '!!' }))).toBe('bad-base64');
    expect(bad('v3/a/devices/b/up', JSON.stringify({ end_device_ids: {}, uplink_message: { f_port: 2 } }))).toBe('no-payload');
    expect(bad('other/topic', JSON.stringify({ hello: 1 }))).toBe('unknown-format');
    fc.assert(fc.property(fc.string(), fc.jsonValue(), (topic, j) => typeof parseUplinkEvent(topic, JSON.stringify(j)).ok === 'boolean'));
    fc.assert(fc.property(fc.uint8Array(), (b) => typeof parseUplinkEvent('application/a/device/b/event/up', b).ok === 'boolean'));
  });
});

describe('decode-stream service', () => {
  it('decodes ChirpStack and TTS events to TS013 results, counts malformed ones, survives a broker restart', async () => {
    const svc = startDecodeStream({ url: broker.url, topics: ['application/+/device/+/event/up', 'v3/+/devices/+/up'], app: 'env-monitor', outTopic: 'decoded/{devEui}', reconnectMs: 100, statsIntervalMs: 0, clientId: 'ds-test' });
    await svc.ready;
    const out: { topic: string; msg: { devEui: string; fCnt: number; data: unknown; errors: string[]; warnings: string[] } }[] = [];
    const sub = await mqtt.connectAsync(broker.url, { clientId: 'ds-test-sub', clean: false, reconnectPeriod: 100 });
    sub.on('error', () => undefined);
    sub.on('message', (topic, p) => out.push({ topic, msg: JSON.parse(p.toString()) }));
    await sub.subscribeAsync('decoded/#', { qos: 1 });
    const pub = await mqtt.connectAsync(broker.url, { reconnectPeriod: 100 });
    pub.on('error', () => undefined);

    await pub.publishAsync('application/app-1/device/0004a30b001c0530/event/up', JSON.stringify(chirpstack(1)), { qos: 1 });
    await pub.publishAsync('v3/town@ttn/devices/air-2/up', JSON.stringify(ttn(2)), { qos: 1 });
    await pub.publishAsync('application/app-1/device/0004a30b001c0530/event/up', 'garbage{', { qos: 1 });
    await pub.publishAsync('application/app-1/device/0004a30b001c0530/event/up', JSON.stringify({ ...chirpstack(3), fPort: undefined }), { qos: 1 });
    await pub.publishAsync('application/app-1/device/0004a30b001c0530/event/up', JSON.stringify({ ...chirpstack(4), fPort: 9 }), { qos: 1 });
    await until(() => out.length >= 3, 3000, 'first results');

    await broker.stop();
    await new Promise((r) => setTimeout(r, 200));
    await broker.start();
    // events published after the restart are decoded once the service has reconnected
    for (let i = 10; i < 20; i++) await pub.publishAsync('application/app-1/device/0004a30b001c0530/event/up', JSON.stringify(chirpstack(i)), { qos: 1 });
    await until(() => out.length >= 13, 8000, `results after the restart: ${out.length} ${JSON.stringify(svc.stats())}`);
    const stats = await svc.stop();
    await pub.endAsync();
    await sub.endAsync();

    const first = out.find((o) => o.msg.fCnt === 1)!;
    expect(first.topic).toBe('decoded/0004A30B001C0530');
    expect(first.msg).toMatchObject({ devEui: '0004A30B001C0530', deviceId: 'air-1', applicationId: 'app-1', fPort: 2, errors: [] });
    expect(first.msg.data).toEqual(decodeUplink('env-monitor', { bytes: frame(1), fPort: 2, recvTime: '2025-01-01T00:00:00Z' }).data);
    const viaTtn = out.find((o) => o.msg.devEui === '70B3D57ED0000AAA')!;
    expect(viaTtn.topic).toBe('decoded/70B3D57ED0000AAA');
    expect(viaTtn.msg.data).toEqual(decodeUplink('env-monitor', { bytes: frame(2), fPort: 2 }).data);
    const wrongPort = out.find((o) => o.msg.fCnt === 4)!;
    expect(wrongPort.msg.errors.length).toBeGreaterThan(0); // fPort 9 is not an env-monitor port: a TS013 error, still published
    expect(new Set(out.filter((o) => o.msg.fCnt >= 10).map((o) => o.msg.fCnt)).size).toBe(10);
    expect(stats).toMatchObject({ malformed: 2, malformedBy: { 'not-json': 1, 'no-fport': 1 }, decodeErrors: 1 });
    expect(stats.decoded).toBeGreaterThanOrEqual(13);
    expect(stats.reconnects).toBeGreaterThan(0);
  }, 30_000);

  it('the CLI prints JSON lines, and on SIGTERM drains, prints its stats and exits 0', async () => {
    const child = spawn(process.execPath, ['scripts/lorakit.mjs', 'decode-stream', '--mqtt', broker.url, '--topic', 'cli/+/up', '--app', 'env-monitor', '--format', 'ttn', '--stats-interval', '0'], {
      cwd: new URL('../../', import.meta.url).pathname,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    await until(() => stderr.includes('subscribed to'), 15_000, `the CLI to subscribe (stderr: ${stderr})`);
    const pub = await mqtt.connectAsync(broker.url);
    await pub.publishAsync('cli/a/up', JSON.stringify(ttn(5)), { qos: 1 });
    await pub.publishAsync('cli/a/up', '\u0000\u0001', { qos: 1 });
    await until(() => stdout.includes('\n'), 5000, 'a JSON line');
    await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    await pub.endAsync();
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ devEui: '70B3D57ED0000AAA', fCnt: 5, fPort: 2, errors: [] });
    expect(stderr).toMatch(/received 2, decoded 1 \(0 with errors\), published 1, malformed 1 \(not-json=1\)/);
  }, 30_000);

  it('the CLI refuses an unknown app with one line and exit 1', async () => {
    const child = spawn(process.execPath, ['scripts/lorakit.mjs', 'decode-stream', '--mqtt', broker.url, '--app', 'nope'], { cwd: new URL('../../', import.meta.url).pathname });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    expect(code).toBe(1);
    expect(stderr.trim()).toMatch(/^lorakit: unknown app "nope" \(apps: .*env-monitor.*\)$/);
  }, 20_000);
});
