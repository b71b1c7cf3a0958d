import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mqtt from 'mqtt';
import { startMosquitto, type Mosquitto } from '../../scripts/decode-stream/mosquitto.ts';

const CLI = join(import.meta.dirname, '../../scripts/lorakit.mjs');
const FLEET = join(import.meta.dirname, '../fixtures/small-fleet.yaml');

describe('simulate --mqtt', () => {
  let broker: Mosquitto;
  beforeAll(async () => {
    broker = await startMosquitto();
  }, 30_000);
  afterAll(async () => {
    await broker?.dispose();
  });

  it('publishes every decoded uplink to a real broker (QoS 1), the same ones the log holds', async () => {
    const got: Array<{ topic: string; body: { devEui: string; fCnt: number } }> = [];
    const sub = await mqtt.connectAsync(broker.url, { clientId: 'lk-sim-sub', clean: false });
    await sub.subscribeAsync('city/#', { qos: 1 });
    sub.on('message', (topic, payload) => got.push({ topic, body: JSON.parse(payload.toString()) }));
    const out = mkdtempSync(join(tmpdir(), 'lk-simq-'));
    const r = await promisify(execFile)(process.execPath, [CLI, 'simulate', FLEET, '--duration', '2h', '--out', out, '--json', '--mqtt', broker.url, '--mqtt-prefix', 'city'], { timeout: 240_000 });
    expect(r.stderr).toBe('');
    const lines = readFileSync(join(out, 'uplinks.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    for (let i = 0; i < 100 && got.length < lines.length; i++) await new Promise((res) => setTimeout(res, 50));
    await sub.endAsync();
    expect(lines.length).toBeGreaterThan(50);
    expect(got.length).toBe(lines.length);
    const key = (x: { devEui: string; fCnt: number }) => `${x.devEui}:${x.fCnt}`;
    expect(new Set(got.map((g) => key(g.body)))).toEqual(new Set(lines.map(key)));
    expect(got[0].topic).toMatch(/^city\/[a-z-]+\/[0-9A-F]{16}\/up$/);
  }, 300_000);

  it('an unreachable broker is one readable error line and exit 1', async () => {
    const out = mkdtempSync(join(tmpdir(), 'lk-simq-'));
    try {
      await promisify(execFile)(process.execPath, [CLI, 'simulate', FLEET, '--duration', '1h', '--out', out, '--mqtt', 'mqtt://127.0.0.1:1'], { timeout: 60_000 });
      expect.unreachable();
    } catch (e) {
      const err = e as { code: number; stderr: string };
      expect(err.code).toBe(1);
      expect(err.stderr.trim().split('\n')).toEqual(['lorakit: cannot connect to the MQTT broker at mqtt://127.0.0.1:1']);
    }
  }, 60_000);
});
