// The MQTT sink loses no decoded uplink across a broker restart: N uplinks are
// published while the test's own mosquitto is stopped and started in the middle; a
// subscriber with a persistent session (clean: false, QoS 1) receives all N.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { createMqttSink } from '../../simulator/sinks/mqtt.ts';
import { startMosquitto, type Mosquitto } from '../../scripts/decode-stream/mosquitto.ts';
import type { DecodedUplink } from '../../simulator/types.ts';

let broker: Mosquitto;
beforeAll(async () => {
  broker = await startMosquitto();
});
afterAll(async () => {
  await broker?.dispose();
});

const uplink = (i: number): DecodedUplink => ({
  timeMs: i * 1000,
  nodeId: `node-${i % 7}`,
  devEui: `00000000000000${(i % 7).toString(16).padStart(2, '0')}`,
  app: 'env-monitor',
  fCnt: i,
  fPort: 2,
  payload: i.toString(16).padStart(4, '0'),
  data: { seq: i },
  warnings: [],
  errors: [],
  gateways: [{ gatewayId: 'gw-1', rssi: -90, snr: 5 }],
  dr: 5,
});

describe('MQTT sink', () => {
  it('delivers every uplink at least once across a broker restart (QoS 1, persistent subscriber)', async () => {
    const N = 600;
    const seen = new Map<number, number>();
    const sub = await mqtt.connectAsync(broker.url, { clientId: 'sink-test-sub', clean: false, reconnectPeriod: 100 });
    sub.on('error', () => undefined);
    sub.on('message', (topic, payload) => {
      const m = JSON.parse(payload.toString()) as { fCnt: number; devEui: string; app: string; data: { seq: number } };
      expect(topic).toBe(`fleet/env-monitor/${m.devEui}/up`);
      expect(m.data.seq).toBe(m.fCnt);
      seen.set(m.fCnt, (seen.get(m.fCnt) ?? 0) + 1);
    });
    await sub.subscribeAsync('fleet/#', { qos: 1 });

    const sink = createMqttSink(broker.url, { topicPrefix: 'fleet', clientId: 'sink-test-pub' });
    await sink.ready;
    for (let i = 0; i < N / 2; i++) sink.publish(uplink(i));
    // restart the broker while the first half may still be in flight
    await broker.stop();
    for (let i = N / 2; i < N; i++) sink.publish(uplink(i)); // queued offline
    await new Promise((r) => setTimeout(r, 300));
    await broker.start();
    const stats = await sink.close(15_000);
    expect(stats.published).toBe(N);
    expect(stats.acknowledged).toBe(N);
    expect(stats.failed).toBe(0);
    expect(stats.reconnects).toBeGreaterThan(0);

    const end = Date.now() + 10_000;
    while (seen.size < N && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    await sub.endAsync();
    const missing = Array.from({ length: N }, (_, i) => i).filter((i) => !seen.has(i));
    expect(missing).toEqual([]);
  }, 40_000);

  it('close() reports what the broker never acknowledged when it stays down', async () => {
    const other = await startMosquitto();
    const sink = createMqttSink(other.url, { topicPrefix: 'x' });
    await sink.ready;
    await other.stop();
    sink.publish(uplink(1));
    sink.publish(uplink(2));
    const stats = await sink.close(300);
    await other.dispose();
    expect(stats).toMatchObject({ published: 2, acknowledged: 0, failed: 2 });
    expect(() => sink.publish(uplink(3))).toThrow('MQTT sink is closed');
  }, 10_000);
});
