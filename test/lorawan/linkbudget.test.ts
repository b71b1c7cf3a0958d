import { describe, expect, it } from 'vitest';
import { canDemodulate, demodFloorSnr, sensitivityDbm, snrMarginDb, DEFAULT_NOISE_FIGURE_DB } from '../../firmware/lorawan/linkbudget.ts';

describe('link budget', () => {
  it('demodulator floor: -7.5 dB at SF7 to -20 dB at SF12 in 2.5 dB steps', () => {
    expect([7, 8, 9, 10, 11, 12].map(demodFloorSnr)).toEqual([-7.5, -10, -12.5, -15, -17.5, -20]);
    expect(demodFloorSnr(6)).toBe(-5);
    expect(demodFloorSnr(13)).toBe(0);
    expect(demodFloorSnr(7.5)).toBe(0);
  });

  it('sensitivity = -174 + 10 log10(BW) + NF + SNR floor (hand-computed values)', () => {
    // 10*log10(125000) = 50.969, 10*log10(500000) = 56.990
    expect(sensitivityDbm(7, 125, DEFAULT_NOISE_FIGURE_DB)).toBeCloseTo(-124.53, 2);
    expect(sensitivityDbm(12, 125, 6)).toBeCloseTo(-137.03, 2);
    expect(sensitivityDbm(7, 500, 6)).toBeCloseTo(-118.51, 2);
    expect(sensitivityDbm(12, 125, 6) - sensitivityDbm(12, 250, 6)).toBeCloseTo(-3.01, 2);
    expect(sensitivityDbm(14, 125, 6)).toBe(0);
    expect(sensitivityDbm(7, 0, 6)).toBe(0);
  });

  it('margins and demodulation decisions', () => {
    expect(snrMarginDb(-5, 7)).toBe(2.5);
    expect(canDemodulate(-19.9, 12)).toBe(true);
    expect(canDemodulate(-20.1, 12)).toBe(false);
    expect(canDemodulate(-8, 7)).toBe(false);
  });
});
