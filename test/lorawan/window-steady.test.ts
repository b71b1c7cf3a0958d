import { describe, expect, it } from 'vitest';
import { createFairUseBudget, TTN_FAIR_USE } from '../../firmware/lorawan/fairuse.ts';
import { createAirtimeWindow } from '../../firmware/lorawan/window.ts';

describe('bounded airtime window under steady traffic', () => {
  it('keeps allowing a node well inside its fair-use budget for days (ring full the whole time)', () => {
    // 96 uplinks a day of 56.6 ms is 5.4 s of the 30 s budget; the 48-record ring is
    // always full, so it merges every time: the merges must not pile up old airtime
    const fair = createFairUseBudget(TTN_FAIR_USE);
    for (let i = 0; i < 96 * 10; i++) {
      const t = i * 900_000;
      expect(fair.earliestUplink(t, 56.6), `uplink ${i}`).toBe(t);
      fair.recordUplink(t, 56.6);
    }
  });

  it('never holds more airtime than was sent in the window plus one merged block', () => {
    const w = createAirtimeWindow(8, 3_600_000);
    for (let i = 0; i < 1000; i++) w.record(i * 60_000, 100);
    // 60 transmissions in the last hour: 6 s; merges may add at most the blocks straddling the window start
    const used = w.usedSince(1000 * 60_000 - 3_600_000);
    expect(used).toBeGreaterThanOrEqual(6000);
    expect(used).toBeLessThan(6000 + 3_600_000 / 8);
  });
});
