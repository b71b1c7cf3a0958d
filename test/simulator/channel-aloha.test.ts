import { describe, expect, it } from 'vitest';
import { runAloha } from '../../simulator/channel/aloha.ts';

describe('pure ALOHA through the channel (one channel, one SF, capture off, Poisson arrivals)', () => {
  it('delivery at G = 0.5 is e^(-2G) = e^(-1) = 0.3679', () => {
    // 40 000 frames. The delivered fraction's standard deviation, measured over 100 seeds at
    // 20 000 frames, was 0.0041 (a binomial would give 0.0034: neighbouring frames' fates are
    // correlated), so about 0.0029 at 40 000; the 0.012 tolerance is ~4 of those. The seed is fixed,
    // so the test is deterministic; edge effects (first/last frame) are O(1/40 000).
    const r = runAloha({ g: 0.5, packets: 40000, seed: 'aloha-test' });
    expect(r.offered).toBe(40000);
    expect(r.delivered + r.collisions + r.noDemodulator).toBe(r.offered);
    expect(Math.abs(r.delivered / r.offered - Math.exp(-1))).toBeLessThan(0.012);
  });

  it('light load delivers nearly everything; heavy load nearly nothing (monotone in G)', () => {
    const light = runAloha({ g: 0.01, packets: 5000, seed: 3 });
    const heavy = runAloha({ g: 3, packets: 5000, seed: 3 });
    // e^(-0.02) = 0.980, e^(-6) = 0.0025
    expect(light.delivered / light.offered).toBeGreaterThan(0.96);
    expect(heavy.delivered / heavy.offered).toBeLessThan(0.01);
  });
});
