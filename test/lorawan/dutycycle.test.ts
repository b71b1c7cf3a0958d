import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createDutyCycleLedger, DUTY_CYCLE_WINDOW_MS, offTimeMs } from '../../firmware/lorawan/dutycycle.ts';
import { createAirtimeWindow } from '../../firmware/lorawan/window.ts';
import { subBandIndex } from '../../firmware/lorawan/region.ts';
import { EU868 } from '../../firmware/lorawan/regions/eu868.ts';
import { maxWindowAirtime, referenceEarliest, type Tx } from './windowscan.ts';

const W = DUTY_CYCLE_WINDOW_MS;
// one frequency in each EU868 sub-band K, L, M (three), N, P, Q
const FREQS = [863500000, 866100000, 868100000, 868300000, 868500000, 868900000, 869525000, 869850000];

const txArb = fc.record({
  gap: fc.oneof(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 0, max: 900000 })),
  f: fc.constantFrom(...FREQS),
  a: fc.double({ min: 10, max: 3000, noNaN: true }),
});

describe('duty-cycle ledger (EU868)', () => {
  it('transmissions at earliest() never exceed any sub-band limit in any one-hour window, nor the aggregate', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 8 }),
        fc.integer({ min: 0, max: 6 }),
        fc.array(txArb, { minLength: 20, maxLength: 160 }),
        (capacity, maxDCycle, seq) => {
          const ledger = createDutyCycleLedger(EU868, capacity);
          expect(ledger.setAggregatedDutyCycle(maxDCycle)).toBe(true);
          const sent: Array<Tx & { band: number }> = [];
          let now = 0;
          for (const x of seq) {
            const t = ledger.earliest(now + x.gap, x.f, x.a);
            expect(t).toBeGreaterThanOrEqual(now + x.gap);
            if (t < 0) continue;
            ledger.record(t, x.f, x.a);
            sent.push({ t, a: x.a, band: subBandIndex(EU868, x.f) });
            now = t + x.a;
          }
          EU868.subBands.forEach((b, i) => {
            const txs = sent.filter((s) => s.band === i);
            expect(maxWindowAirtime(txs, W)).toBeLessThanOrEqual(b.dutyCycle * W + 1e-6);
          });
          if (maxDCycle > 0) expect(maxWindowAirtime(sent, W)).toBeLessThanOrEqual(W / 2 ** maxDCycle + 1e-6);
          for (let i = 1; i < sent.length; i++) expect(sent[i].t).toBeGreaterThanOrEqual(sent[i - 1].t + sent[i - 1].a);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a bounded ring is never earlier than the exact unbounded answer, and a large ring equals it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 6 }),
        // airtime in eighths of a ms: exact in binary, so ties are decided the same way by both sides
        fc.array(fc.record({ gap: fc.integer({ min: 0, max: 400000 }), a8: fc.integer({ min: 400, max: 72000 }) }), { minLength: 5, maxLength: 40 }),
        fc.integer({ min: 800, max: 160000 }),
        (capacity, seq8, qa8) => {
          const seq = seq8.map((x) => ({ gap: x.gap, a: x.a8 / 8 }));
          const qa = qa8 / 8;
          const budget = 36000;
          const small = createAirtimeWindow(capacity, W);
          const large = createAirtimeWindow(1000, W);
          const txs: Tx[] = [];
          let now = 0;
          for (const x of seq) {
            const t = small.earliest(now + x.gap, x.a, budget);
            small.record(t, x.a);
            large.record(t, x.a);
            txs.push({ t, a: x.a });
            now = t + x.a;
            // after every record, both rings answer a query of a different size
            const ref = referenceEarliest(txs, now, qa, W, budget);
            expect(small.earliest(now, qa, budget)).toBeGreaterThanOrEqual(ref - 1e-3);
            expect(Math.abs(large.earliest(now, qa, budget) - ref)).toBeLessThanOrEqual(1 + 1e-3);
          }
          expect(small.size()).toBeLessThanOrEqual(capacity);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('usedInWindow never under-counts the real airtime of the last hour', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 5 }), fc.array(txArb, { minLength: 5, maxLength: 60 }), (capacity, seq) => {
        const ledger = createDutyCycleLedger(EU868, capacity);
        const sent: Tx[] = [];
        let now = 0;
        for (const x of seq) {
          const t = ledger.earliest(now + x.gap, 868100000, x.a);
          ledger.record(t, 868100000, x.a);
          sent.push({ t, a: x.a });
          now = t + x.a;
          const real = sent.reduce((s, y) => s + Math.max(0, y.t + y.a - Math.max(y.t, now - W)), 0);
          expect(ledger.usedInWindow(now, 868100000)).toBeGreaterThanOrEqual(real - 1e-6);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('rejects what can never be sent and bad MaxDCycle values', () => {
    const l = createDutyCycleLedger(EU868, 4);
    expect(l.earliest(0, 868650000, 100)).toBe(-1);
    expect(l.earliest(0, 863500000, 3601)).toBe(-1);
    expect(l.earliest(0, 863500000, 3600)).toBe(0);
    expect(l.setAggregatedDutyCycle(16)).toBe(false);
    expect(l.setAggregatedDutyCycle(-1)).toBe(false);
    expect(l.setAggregatedDutyCycle(2.5)).toBe(false);
    expect(l.aggregatedDutyCycle()).toBe(0);
  });

  it('keeps sub-bands apart; one never used reports nothing used and allows at once', () => {
    const l = createDutyCycleLedger(EU868, 8);
    for (let i = 0; i < 12; i++) l.record(i * 3000, 868100000, 3000); // band M full: 36 s
    expect(l.usedInWindow(40000, 868100000)).toBe(36000);
    expect(l.usedInWindow(40000, 867100000)).toBe(0); // band L: never used
    expect(l.usedInWindow(40000, 869525000)).toBe(0); // band P: never used
    // M must wait for the first frame to leave the hour; L only for the radio to be free
    expect(l.earliest(36000, 868100000, 3000)).toBe(W);
    expect(l.earliest(36000, 867100000, 3000)).toBe(36000);
    l.record(36000, 867100000, 3000);
    expect(l.usedInWindow(40000, 867100000)).toBe(3000);
  });

  it('does not let a burst straddle two credit periods (the LoRaMac-node failure)', () => {
    // spend the whole 36 s of band M at the end of one hour: a credit model refilled at the
    // hour boundary would allow 36 s more immediately; a sliding window must wait.
    const l = createDutyCycleLedger(EU868, 8);
    for (let i = 0; i < 12; i++) l.record(W - 36000 + i * 3000, 868100000, 3000);
    // the first 3000 ms leave the window one hour after they started
    expect(l.earliest(W, 868100000, 3000)).toBe(2 * W - 36000);
  });

  it('classic off-time is T_air / dc - T_air', () => {
    expect(offTimeMs(0.01, 100)).toBeCloseTo(9900, 9);
    expect(offTimeMs(0.001, 61.696)).toBeCloseTo(61634.304, 6);
    expect(offTimeMs(0, 100)).toBe(0);
  });
});
