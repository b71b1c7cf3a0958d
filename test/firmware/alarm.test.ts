import { describe, expect, it } from 'vitest';
import { addNode, createBench, firmware } from './harness.ts';

const H = 3_600_000;

describe('alarms', () => {
  it.each(['PICO', 'MDBT42Q'] as const)('%s: a water-level crossing goes out at once, confirmed and acknowledged, once per crossing', async (board) => {
    const b = createBench('water-level', 41);
    // the river rises at 6 h to 400 mm below the sensor (alarm level 500 mm), falls back at 9 h
    const distance = (t: number) => (t >= 6 * H && t < 9 * H ? 400 : 1400);
    const node = addNode(b, await firmware('water-level', board), 51, { signals: { distance } });
    node.start();
    b.clock.runUntil(12 * H);
    const t = node.totals();
    expect(t.alarms).toBe(1);
    const confirmed = node.modem.txLog.filter((e) => e.type === 'confirmed');
    expect(confirmed.length).toBeGreaterThanOrEqual(1);
    // the first confirmed frame follows the first sample after the rise within seconds
    const firstSampleAfterRise = Math.ceil((6 * H) / 600_000) * 600_000;
    expect(confirmed[0].timeMs).toBeGreaterThanOrEqual(6 * H);
    expect(confirmed[0].timeMs - 6 * H).toBeLessThan(firstSampleAfterRise - 6 * H + 700_000);
    const alarmUp = b.uplinks.find((u) => u.confirmed && u.kind === 'data');
    expect(alarmUp).toBeDefined();
    const data = (alarmUp!.decoded as { data: { levelAlarm: boolean; distance: number } }).data;
    expect(data.levelAlarm).toBe(true);
    expect(Math.abs(data.distance - 400)).toBeLessThanOrEqual(2);
    // the network acknowledged it: the modem logged no retransmission of that frame
    expect(node.modem.txLog.filter((e) => e.type === 'confirmed' && e.retry > 0)).toEqual([]);
  }, 120_000);
});
