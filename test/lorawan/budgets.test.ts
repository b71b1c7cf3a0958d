import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createFairUseBudget, TTN_FAIR_USE, type FairUseConfig } from '../../firmware/lorawan/fairuse.ts';
import {
  createJoinBackoff, JOIN_DAY_BUDGET_MS, JOIN_DAY_MS, JOIN_PHASE1_END_MS, JOIN_PHASE2_END_MS, JOIN_PHASE_BUDGET_MS,
} from '../../firmware/lorawan/joinbackoff.ts';
import { drTimeOnAir } from '../../firmware/lorawan/region.ts';
import { EU868 } from '../../firmware/lorawan/regions/eu868.ts';
import { maxWindowAirtime, type Tx } from './windowscan.ts';

const DAY = 86400000;
const cfg = (capacity: number): FairUseConfig => ({ ...TTN_FAIR_USE, capacity });

function overlap(txs: Tx[], lo: number, hi: number): number {
  return txs.reduce((s, x) => s + Math.max(0, Math.min(x.t + x.a, hi) - Math.max(x.t, lo)), 0);
}

describe('fair-use budget', () => {
  it('uplinks at earliestUplink() never exceed 30 s in any 24 hours', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 10 }),
        fc.array(fc.record({ gap: fc.integer({ min: 0, max: 3600000 }), a: fc.double({ min: 40, max: 2800, noNaN: true }) }), { minLength: 30, maxLength: 200 }),
        (capacity, seq) => {
          const fu = createFairUseBudget(cfg(capacity));
          const sent: Tx[] = [];
          let now = 0;
          for (const x of seq) {
            const t = fu.earliestUplink(now + x.gap, x.a);
            fu.recordUplink(t, x.a);
            sent.push({ t, a: x.a });
            now = t + x.a;
          }
          expect(maxWindowAirtime(sent, DAY)).toBeLessThanOrEqual(30000 + 1e-6);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('uplinksLeft() uplinks really fit now, back to back', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ gap: fc.integer({ min: 0, max: 7200000 }), a: fc.integer({ min: 50, max: 2000 }) }), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 50, max: 3000 }),
        (seq, size) => {
          const fu = createFairUseBudget(cfg(64));
          let now = 0;
          for (const x of seq) {
            const t = fu.earliestUplink(now + x.gap, x.a);
            fu.recordUplink(t, x.a);
            now = t + x.a;
          }
          const k = fu.uplinksLeft(now, size);
          expect(k).toBe(Math.floor(fu.remainingUplinkMs(now) / size));
          let t = now;
          for (let i = 0; i < k; i++) {
            expect(fu.earliestUplink(t, size)).toBe(t);
            fu.recordUplink(t, size);
            t += size;
          }
          expect(fu.earliestUplink(t, size)).toBeGreaterThan(t);
        },
      ),
      { numRuns: 80 },
    );
  });

  it('downlinks at earliestDownlink() never exceed 10 in any 24 hours', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10800000 }), { minLength: 5, maxLength: 80 }), (gaps) => {
        const fu = createFairUseBudget(cfg(4));
        const times: number[] = [];
        let now = 0;
        for (const g of gaps) {
          const t = fu.earliestDownlink(now + g);
          expect(fu.downlinksLeft(t)).toBeGreaterThan(0);
          fu.recordDownlink(t);
          times.push(t);
          now = t;
        }
        for (const s of times) expect(times.filter((d) => d >= s && d < s + DAY).length).toBeLessThanOrEqual(10);
      }),
      { numRuns: 60 },
    );
  });

  it('can be switched off', () => {
    const fu = createFairUseBudget({ ...TTN_FAIR_USE, enabled: false });
    fu.recordUplink(0, 29000);
    expect(fu.earliestUplink(29000, 5000)).toBe(29000);
    expect(fu.uplinksLeft(29000, 1000)).toBe(Infinity);
    for (let i = 0; i < 20; i++) fu.recordDownlink(i);
    expect(fu.earliestDownlink(20)).toBe(20);
  });
});

describe('join back-off (LoRaWAN 1.0.4 §7)', () => {
  // join-request: 23-byte PHY payload on EU868 DR0..DR5
  const joinAir = [0, 1, 2, 3, 4, 5].map((dr) => drTimeOnAir(EU868, dr, 23, true));

  it('random join sequences over 48 hours keep every limit', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ dr: fc.integer({ min: 0, max: 5 }), r: fc.double({ min: 0, max: 0.999999, noNaN: true }), wait: fc.integer({ min: 0, max: 600000 }) }), { minLength: 10, maxLength: 400 }),
        fc.integer({ min: 2, max: 12 }),
        (seq, capacity) => {
          const jb = createJoinBackoff(0, capacity, 1000, 30000);
          const sent: Tx[] = [];
          let now = 0;
          for (const x of seq) {
            const a = joinAir[x.dr];
            const t = jb.next(now + x.wait, a, () => x.r);
            if (t > 2 * DAY) break;
            expect(t).toBeGreaterThanOrEqual(now + x.wait + 1000);
            jb.record(t, a);
            sent.push({ t, a });
            now = t + a + 6000; // RX1 at +5 s, RX2 at +6 s for a join-accept
          }
          expect(overlap(sent, 0, JOIN_PHASE1_END_MS)).toBeLessThanOrEqual(JOIN_PHASE_BUDGET_MS + 1e-6);
          expect(overlap(sent, JOIN_PHASE1_END_MS, JOIN_PHASE2_END_MS)).toBeLessThanOrEqual(JOIN_PHASE_BUDGET_MS + 1e-6);
          expect(maxWindowAirtime(sent, JOIN_DAY_MS, JOIN_PHASE2_END_MS)).toBeLessThanOrEqual(JOIN_DAY_BUDGET_MS + 1e-6);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('retry times depend on the random source, and only on it', () => {
    const a = joinAir[0];
    const times = (r: number) => {
      const jb = createJoinBackoff(0, 8, 1000, 30000);
      return jb.next(10000, a, () => r);
    };
    expect(times(0)).toBe(11000);
    expect(times(0.5)).toBe(25500);
    expect(times(0.5)).toBe(times(0.5));
    expect(times(0.999)).toBeLessThan(40000);
    expect(times(Number.NaN)).toBe(11000);
  });

  it('a device that keeps failing spends its budgets and then waits', () => {
    const jb = createJoinBackoff(0, 16, 0, 0);
    const a = joinAir[0]; // SF12: about 1.48 s
    let t = 0;
    let n = 0;
    while (t < JOIN_PHASE1_END_MS) {
      t = jb.earliest(t, a);
      if (t >= JOIN_PHASE1_END_MS) break;
      jb.record(t, a);
      n++;
      t += a;
    }
    expect(n).toBe(Math.floor(JOIN_PHASE_BUDGET_MS / a));
    expect(jb.spent(1)).toBeLessThanOrEqual(JOIN_PHASE_BUDGET_MS);
    expect(jb.earliest(0, 36001)).toBe(-1);
  });
});
