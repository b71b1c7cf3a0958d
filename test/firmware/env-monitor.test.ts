import { describe, expect, it } from 'vitest';
import { addNode, createBench, firmware, hexKey } from './harness.ts';
import { createVirtualNode } from '../../simulator/node/virtual-node.ts';

const DAY = 86_400_000;

describe.each([
  ['PICO', 'RN2483'],
  ['MDBT42Q', 'RAK3172'],
] as const)('env-monitor bundle on a virtual %s with an emulated %s', (board, _modem) => {
  it('joins, and for 7 simulated days every sample is sent and decodes to what the virtual sensors gave', async () => {
    const fw = await firmware('env-monitor', board);
    const b = createBench('env-monitor');
    const temperature = (t: number) => 15 + 8 * Math.sin((2 * Math.PI * t) / DAY);
    const node = addNode(b, fw, 1, { signals: { temperature, humidity: () => 55.5, pressure: () => 1002.3, battery: () => 3012 } });
    node.start();
    b.clock.runUntil(7 * DAY);
    const stats = node.firmware().stats();
    expect(stats.joins).toBe(1);
    // 15-minute interval: 672 samples in 7 days
    expect(stats.samples).toBeGreaterThanOrEqual(670);
    expect(stats.samplesSent).toBe(stats.samples);
    expect(stats.drops).toBe(0);
    const ups = b.uplinks.filter((u) => u.kind === 'data' && u.fPort !== undefined && u.fPort > 0);
    expect(ups.length).toBe(stats.uplinks);
    let checked = 0;
    for (const u of ups) {
      const d = u.decoded as { data?: Record<string, unknown>; errors: string[] };
      expect(d.errors).toEqual([]);
      if (u.fPort !== 2) continue; // single readings; batches are checked elsewhere
      const data = d.data as { temperature: number; humidity: number; pressure: number; battery: number };
      // the reading was taken within seconds of the uplink
      expect(Math.abs(data.temperature - temperature(u.timeMs))).toBeLessThan(0.2);
      expect(data.humidity).toBe(55.5);
      expect(Math.abs(data.pressure - 1002.3)).toBeLessThanOrEqual(0.15);
      expect(data.battery).toBe(3012);
      checked++;
    }
    expect(checked).toBeGreaterThan(600);
  }, 120_000);
});

describe('env-monitor queue overflow', () => {
  it('a node that never joins keeps sampling; the oldest samples drop and the node counts each drop once', async () => {
    const fw = await firmware('env-monitor', 'PICO');
    const b = createBench('env-monitor');
    // OTAA keys the network does not know: every join is refused, nothing is ever sent
    const node = createVirtualNode({
      id: 'lonely', firmware: fw, clock: b.clock, air: b.air, seed: 7, hwEui: hexKey(77, 8),
      override: { intervalS: 900, activation: { mode: 'otaa', devEui: hexKey(77, 8), joinEui: hexKey(78, 8), appKey: hexKey(79, 16) } },
    });
    node.start();
    b.clock.runUntil(12 * 3_600_000);
    const stats = node.firmware().stats();
    const p = node.firmware().persist.stats();
    expect(stats.joins).toBe(0);
    expect(stats.samples).toBeGreaterThanOrEqual(47);
    expect(p.queued).toBe(24);
    expect(stats.drops).toBe(stats.samples - 24);
    expect(stats.drops).toBe(p.drops);
  }, 60_000);
});

describe('env-monitor saturation flag on air', () => {
  const warned = (u: { decoded?: unknown }) => ((u.decoded as { warnings?: string[] }).warnings ?? []).some((w) => w.includes('battery at max'));
  it('a reading above the codec range arrives flagged, single and batched', async () => {
    const fw = await firmware('env-monitor', 'PICO');
    const b = createBench('env-monitor');
    // 4.2 V is above the battery field's 2000..4000 mV; SF12 with a 20 s interval makes the
    // duty cycle hold samples back, so some frames carry batches
    const node = addNode(b, fw, 1, { signals: { battery: () => 4200 }, override: { intervalS: 20, dataRate: 0, adr: false } });
    node.start();
    b.clock.runUntil(2 * 3_600_000);
    const ups = b.uplinks.filter((u) => u.kind === 'data' && u.fPort !== undefined && u.fPort > 0);
    const singles = ups.filter((u) => u.fPort === 2);
    const batches = ups.filter((u) => u.fPort !== 2);
    expect(singles.length).toBeGreaterThan(0);
    expect(batches.length).toBeGreaterThan(0);
    for (const u of ups) expect(warned(u)).toBe(true);
  }, 60_000);
});
