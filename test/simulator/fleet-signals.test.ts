import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSignal, parseCsvSeries, parseFleet, sampleSeries, type SignalContext } from '../../simulator/fleet/index.ts';
import type { SignalSpec } from '../../simulator/fleet/types.ts';

const H = 3600000;
const ctx: SignalContext = { seed: 1, nodeId: 'n-001', quantity: 'q' };
const quiet = { noise: 0, spread: 0 };

function ramp(over: Partial<Extract<SignalSpec, { kind: 'ramp' }>>): SignalSpec {
  return { kind: 'ramp', start: 0, ratePerHour: 1, rateSpread: 0, min: -Infinity, max: Infinity, everyMs: null, offsetMs: 0, jitterMs: 0, ...quiet, ...over };
}

describe('signal shapes', () => {
  it('constant', () => {
    const s = createSignal({ kind: 'constant', value: 21.5, ...quiet }, ctx);
    expect([0, 1, H, 1e9].map(s)).toEqual([21.5, 21.5, 21.5, 21.5]);
  });

  it('sine: peaks at peakAt, bottoms half a period later, mean in between', () => {
    const s = createSignal({ kind: 'sine', mean: 10, amplitude: 5, periodMs: 24 * H, peakAtMs: 15 * H, ...quiet }, ctx);
    expect(s(15 * H)).toBeCloseTo(15, 12);
    expect(s(3 * H)).toBeCloseTo(5, 12);
    expect(s(39 * H)).toBeCloseTo(15, 12);
    expect(s(9 * H)).toBeCloseTo(10, 12);
    for (let t = 0; t < 48 * H; t += 0.37 * H) {
      expect(s(t)).toBeLessThanOrEqual(15 + 1e-12);
      expect(s(t)).toBeGreaterThanOrEqual(5 - 1e-12);
    }
  });

  it('ramp without resets rises at its rate from t = 0 and stops at max', () => {
    const s = createSignal(ramp({ start: 10, ratePerHour: 4, max: 50 }), ctx);
    expect(s(0)).toBe(10);
    expect(s(2.5 * H)).toBeCloseTo(20, 12);
    expect(s(10 * H)).toBe(50);
    expect(s(100 * H)).toBe(50);
  });

  it('ramp with daily resets: empties at the collection time and has history before t = 0', () => {
    const s = createSignal(ramp({ ratePerHour: 3, max: 100, everyMs: 24 * H, offsetMs: 6 * H }), ctx);
    expect(s(0)).toBeCloseTo(18 * 3, 9); // last collection was at -18 h
    expect(s(6 * H - 1)).toBeCloseTo(24 * 3, 3);
    expect(s(6 * H)).toBe(0);
    expect(s(7 * H)).toBeCloseTo(3, 9);
    expect(s(30 * H)).toBe(0);
  });

  it('ramp resets with jitter: each day exactly one drop, within +-jitter of the schedule', () => {
    const jitter = 0.75 * H;
    const s = createSignal(ramp({ ratePerHour: 2, everyMs: 24 * H, offsetMs: 6 * H, jitterMs: jitter }), { ...ctx, nodeId: 'bin-7' });
    const step = 60000;
    const drops: number[] = [];
    for (let t = step; t < 10 * 24 * H; t += step) if (s(t) < s(t - step)) drops.push(t);
    expect(drops).toHaveLength(10);
    drops.forEach((t, day) => expect(Math.abs(t - (6 * H + day * 24 * H))).toBeLessThanOrEqual(jitter + step));
    expect(new Set(drops.map((t, day) => t - day * 24 * H)).size).toBeGreaterThan(1);
  });

  it('ramp rateSpread: per-node rates within the band, different nodes differ', () => {
    const rates = ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => createSignal(ramp({ ratePerHour: 10, rateSpread: 0.3 }), { ...ctx, nodeId: id })(H));
    for (const r of rates) {
      expect(r).toBeGreaterThanOrEqual(7 - 1e-9);
      expect(r).toBeLessThanOrEqual(13 + 1e-9);
    }
    expect(new Set(rates).size).toBe(rates.length);
  });

  it('steps: initial value, then each event value from its time on', () => {
    const s = createSignal({ kind: 'steps', initial: 1400, events: [[12 * H, 800], [15 * H, 430], [18 * H, 900]], interpolate: 'step', jitterMs: 0, ...quiet }, ctx);
    expect(s(0)).toBe(1400);
    expect(s(12 * H - 1)).toBe(1400);
    expect(s(12 * H)).toBe(800);
    expect(s(16 * H)).toBe(430);
    expect(s(30 * H)).toBe(900);
  });

  it('steps, linear: straight lines from the initial value at 0 through the events', () => {
    const s = createSignal({ kind: 'steps', initial: 0, events: [[10 * H, 100], [20 * H, 50]], interpolate: 'linear', jitterMs: 0, ...quiet }, ctx);
    expect(s(5 * H)).toBeCloseTo(50, 9);
    expect(s(15 * H)).toBeCloseTo(75, 9);
    expect(s(25 * H)).toBe(50);
  });

  it('steps jitter shifts all events of a node by one offset within +-jitter', () => {
    const spec: SignalSpec = { kind: 'steps', initial: 0, events: [[10 * H, 1], [20 * H, 2]], interpolate: 'step', jitterMs: H, ...quiet };
    for (const id of ['x1', 'x2', 'x3', 'x4']) {
      const s = createSignal(spec, { ...ctx, nodeId: id });
      let first = -1;
      for (let t = 8 * H; t < 12 * H; t += 60000) if (first < 0 && s(t) === 1) first = t;
      expect(Math.abs(first - 10 * H)).toBeLessThanOrEqual(H + 60000);
      expect(s(first + 10 * H)).toBe(2); // the second event moved by the same amount
      expect(s(first + 10 * H - 120000)).toBe(1);
    }
  });

  it('values are clamped to the quantity range', () => {
    const s = createSignal({ kind: 'sine', mean: 50, amplitude: 80, periodMs: H, peakAtMs: 0, ...quiet }, { ...ctx, min: 0, max: 100 });
    expect(s(0)).toBe(100);
    expect(s(H / 2)).toBe(0);
  });
});

describe('noise and determinism', () => {
  const noisy: SignalSpec = { kind: 'sine', mean: 20, amplitude: 3, periodMs: 24 * H, peakAtMs: 0, noise: 0.5, spread: 2 };

  it('same node, same values whatever the evaluation order (property)', () => {
    const times = fc.array(fc.integer({ min: 0, max: 7 * 24 * 3600 }).map((s) => s * 1000), { minLength: 2, maxLength: 30 });
    fc.assert(
      fc.property(times, fc.integer(), (ts, seed) => {
        const a = createSignal(noisy, { ...ctx, seed });
        const b = createSignal(noisy, { ...ctx, seed });
        const forward = ts.map(a);
        const backward = [...ts].reverse().map(b).reverse();
        expect(backward).toEqual(forward);
        expect(ts.map(a)).toEqual(forward); // and again, after other evaluations
      }),
    );
  });

  it('different nodes and seeds get different noise and offsets', () => {
    const t = 5 * H;
    const v = (seed: number, nodeId: string) => createSignal(noisy, { ...ctx, seed, nodeId })(t);
    expect(v(1, 'a')).not.toBe(v(1, 'b'));
    expect(v(1, 'a')).not.toBe(v(2, 'a'));
  });

  it('noise has the configured sigma, spread the configured per-node sigma', () => {
    const flat = (noise: number, spread: number): SignalSpec => ({ kind: 'constant', value: 0, noise, spread });
    const one = createSignal(flat(0.5, 0), ctx);
    const samples = Array.from({ length: 4000 }, (_, i) => one(i * 60000));
    const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
    const sd = Math.sqrt(samples.reduce((a, b) => a + (b - mean) ** 2, 0) / samples.length);
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(sd).toBeGreaterThan(0.46);
    expect(sd).toBeLessThan(0.54);
    const offsets = Array.from({ length: 2000 }, (_, i) => createSignal(flat(0, 3), { ...ctx, nodeId: `n${i}` })(123));
    const osd = Math.sqrt(offsets.reduce((a, b) => a + b * b, 0) / offsets.length);
    expect(osd).toBeGreaterThan(2.8);
    expect(osd).toBeLessThan(3.2);
    // a node's offset is constant over time
    const node = createSignal(flat(0, 3), { ...ctx, nodeId: 'n5' });
    expect(node(0)).toBe(node(10 * H));
  });
});

describe('recorded CSV', () => {
  it('parses time,value rows with a header and comments', () => {
    const r = parseCsvSeries('# gauge\ntime_s,level_mm\n0, 1000\n60,900\n\n120;950\n', 'g.csv');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect([...r.series.times]).toEqual([0, 60000, 120000]);
    expect([...r.series.values]).toEqual([1000, 900, 950]);
  });

  it.each([
    ['0,1\n60\n', /g\.csv line 2: expected "time,value"/],
    ['0,1\n60,x\n', /g\.csv line 2: expected a number, got "x"/],
    ['t,v\nzero,1\n', /g\.csv line 2: expected a number, got "zero"/],
    ['0,1\n0,2\n', /g\.csv line 2: times must increase/],
    ['# nothing\n', /g\.csv: no data rows/],
  ])('rejects %j', (text, message) => {
    const r = parseCsvSeries(text, 'g.csv');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(message);
  });

  it('interpolates linearly or by step, holds the ends, and loops with a period', () => {
    const times = [0, 10, 20];
    const values = [0, 100, 40];
    expect(sampleSeries(times, values, 5, 'linear', -1)).toBe(50);
    expect(sampleSeries(times, values, 15, 'linear', -1)).toBe(70);
    expect(sampleSeries(times, values, 15, 'step', -1)).toBe(100);
    expect(sampleSeries(times, values, -3, 'step', -1)).toBe(-1);
    expect(sampleSeries(times, values, 99, 'linear', -1)).toBe(40);

    const dir = mkdtempSync(join(tmpdir(), 'fleet-csv-'));
    writeFileSync(join(dir, 'temp.csv'), 'time,temp\n0,10\n3600,14\n7200,12\n');
    const text = `
gateways: [{ id: g, x: 0, y: 0 }]
groups:
  - app: soil-moisture
    count: 1
    placement: { points: [[0, 0]] }
    signals:
      soilTemperature: { csv: { file: temp.csv, interpolate: linear, period: 2h, scale: 2, offset: 1 } }
`;
    const def = parseFleet(text, { file: 'f.yaml', baseDir: dir });
    const spec = def.groups[0]!.signals.soilTemperature!;
    const s = createSignal(spec, ctx);
    expect(s(0)).toBe(21);
    expect(s(0.5 * H)).toBeCloseTo(2 * 12 + 1, 9);
    expect(s(1.5 * H)).toBeCloseTo(2 * 13 + 1, 9);
    expect(s(2.5 * H)).toBeCloseTo(s(0.5 * H), 9); // period 2 h
  });

  it('refuses a CSV spec whose data was never loaded', () => {
    expect(() => createSignal({ kind: 'csv', file: 'x.csv', interpolate: 'linear', periodMs: null, scale: 1, offset: 0, data: null, ...quiet }, ctx)).toThrow(/no data loaded/);
  });
});
