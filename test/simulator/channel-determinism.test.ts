import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createChannel, createRng } from '../../simulator/channel/index.ts';
import type { ChannelOptions, SettledTransmission, Transmission } from '../../simulator/channel/index.ts';
import { EU868 } from '../../firmware/lorawan/regions/eu868.ts';

const FREQS = [868100000, 868300000, 868500000];

/** A busy, varied scenario: 3 gateways, shadowing, Rayleigh fading, capture, Goursaud matrix. */
function options(seed: number | string): ChannelOptions {
  return {
    pathLoss: 'suburban',
    gateways: [
      { id: 'gA', x: 0, y: 0 },
      { id: 'gB', x: 1500, y: 200, antennaGainDb: 3 },
      { id: 'gC', x: -800, y: 900, noiseRiseDb: 2 },
    ],
    capture: true,
    rejection: 'goursaud',
    fading: 'rayleigh',
    seed,
  };
}

/** Deterministic traffic from its own stream (not the channel's). */
function traffic(n: number, tickMs: number): Transmission[] {
  const r = createRng('traffic');
  return Array.from({ length: n }, (_, i) => ({
    id: `t${i}`,
    nodeId: `node${r.int(40)}`,
    x: r.float() * 2000 - 500,
    y: r.float() * 2000 - 500,
    freqHz: FREQS[r.int(3)] as number,
    sf: 7 + r.int(6),
    bwKhz: 125,
    powerDbm: 14,
    startMs: Math.floor(r.float() * n * tickMs),
    airtimeMs: 40 + r.int(400),
  }));
}

const summary = (s: SettledTransmission[]) => s.map((x) => ({ id: x.tx.id, received: x.received, lost: x.lost }));

function runAll(opts: ChannelOptions, txs: Transmission[], settleEvery = 0): SettledTransmission[] {
  const ch = createChannel(opts);
  const sorted = [...txs].sort((a, b) => a.startMs - b.startMs);
  const out: SettledTransmission[] = [];
  if (settleEvery === 0) {
    for (const t of txs) ch.transmit(t);
  } else {
    // submit in start order, settling periodically at the next start time (a discrete-event loop)
    sorted.forEach((t, i) => {
      if (i > 0 && i % settleEvery === 0) out.push(...ch.settle(t.startMs));
      ch.transmit(t);
    });
  }
  out.push(...ch.settle(Infinity));
  expect(ch.pending()).toBe(0);
  return out;
}

describe('determinism', () => {
  const txs = traffic(600, 20);

  it('same seed and inputs: identical results; the scenario exercises every outcome', () => {
    const a = runAll(options(42), txs);
    const b = runAll(options(42), txs);
    expect(summary(b)).toEqual(summary(a));
    const reasons = new Set(a.flatMap((s) => s.lost.map((l) => l.reason)));
    expect(reasons).toEqual(new Set(['below-sensitivity', 'collision', 'below-snr-floor']));
    expect(a.some((s) => s.received.length > 0)).toBe(true);
  });

  it('a different seed gives different link values', () => {
    const a = runAll(options(42), txs);
    const c = runAll(options(43), txs);
    const rssi = (s: SettledTransmission[]) => s.map((x) => [...x.received, ...x.lost].map((g) => g.rssi));
    expect(rssi(c)).not.toEqual(rssi(a));
  });

  it('settling incrementally gives the same outcomes as settling once, in (start, id) order', () => {
    const once = runAll(options(7), txs);
    const stepwise = runAll(options(7), txs, 17);
    const key = (s: SettledTransmission[]) => summary(s).sort((x, y) => String(x.id).localeCompare(String(y.id)));
    expect(key(stepwise)).toEqual(key(once));
    for (let i = 1; i < once.length; i++) {
      const p = once[i - 1]?.tx as Transmission;
      const q = once[i]?.tx as Transmission;
      expect(p.startMs < q.startMs || (p.startMs === q.startMs && String(p.id) < String(q.id))).toBe(true);
    }
  });

  it('property: the submission order of transmissions does not change any outcome', () => {
    const gen = fc.array(
      fc.record({
        start: fc.integer({ min: 0, max: 30 }),
        air: fc.integer({ min: 1, max: 40 }),
        sf: fc.integer({ min: 7, max: 9 }),
        power: fc.integer({ min: -10, max: 14 }),
        node: fc.integer({ min: 0, max: 4 }),
        freq: fc.integer({ min: 0, max: 1 }),
      }),
      { minLength: 1, maxLength: 14 },
    );
    fc.assert(
      fc.property(gen, fc.integer(), (specs, shuffleSeed) => {
        const list: Transmission[] = specs.map((s, i) => ({
          id: i % 2 === 0 ? i : `s${i}`,
          nodeId: `n${s.node}`,
          x: 100 * s.node,
          y: 0,
          freqHz: FREQS[s.freq] as number,
          sf: s.sf,
          bwKhz: 125,
          powerDbm: s.power,
          startMs: s.start,
          airtimeMs: s.air,
        }));
        const r = createRng(shuffleSeed, 'shuffle');
        const shuffled = [...list];
        for (let i = shuffled.length - 1; i > 0; i--) {
          const j = r.int(i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j] as Transmission, shuffled[i] as Transmission];
        }
        const opts = { ...options('prop'), demodulators: 2 };
        expect(summary(runAll(opts, shuffled))).toEqual(summary(runAll(opts, list)));
      }),
      { numRuns: 200 },
    );
  });

  it('shadowing is per link: a node keeps its shadowing when other nodes or transmissions are added', () => {
    const ch1 = createChannel(options(5));
    const ch2 = createChannel(options(5));
    for (let i = 0; i < 50; i++) ch2.link(`other${i}`, 10, 10, 14, 125);
    expect(ch2.link('node-x', 300, 400, 14, 125)).toEqual(ch1.link('node-x', 300, 400, 14, 125));
    const [a, b] = [ch1.link('node-x', 300, 400, 14, 125)[0]?.pathLossDb, ch1.link('node-y', 300, 400, 14, 125)[0]?.pathLossDb];
    expect(a).not.toBe(b);
  });
});

describe('input checks', () => {
  const ok: Transmission = { id: 1, nodeId: 'n', x: 0, y: 0, freqHz: 868100000, sf: 7, bwKhz: 125, powerDbm: 14, startMs: 100, airtimeMs: 50 };

  it('rejects invalid transmissions with a message naming the field', () => {
    const ch = createChannel(options(1));
    const bad: [Partial<Transmission>, RegExp][] = [
      [{ sf: 13 }, /sf/],
      [{ sf: 7.5 }, /sf/],
      [{ airtimeMs: 0 }, /airtimeMs/],
      [{ bwKhz: Number.NaN }, /bwKhz/],
      [{ x: Number.POSITIVE_INFINITY }, /x must be/],
      [{ nodeId: '' }, /nodeId/],
      [{ preambleSymbols: -1 }, /preambleSymbols/],
    ];
    for (const [patch, msg] of bad) expect(() => ch.transmit({ ...ok, ...patch })).toThrow(msg);
    ch.transmit(ok);
    expect(() => ch.transmit({ ...ok })).toThrow(/already on air/);
    ch.settle(200);
    expect(() => ch.transmit({ ...ok, id: 2, startMs: 150 })).toThrow(/before the last settle time/);
    expect(() => ch.settle(100)).toThrow(/backwards/);
    expect(ch.pending()).toBe(0);
  });

  it('with a region, frequencies outside its sub-bands are refused', () => {
    const ch = createChannel({ ...options(1), region: EU868 });
    expect(() => ch.transmit({ ...ok, freqHz: 915000000 })).toThrow(/outside every EU868 sub-band/);
    ch.transmit(ok);
    expect(ch.pending()).toBe(1);
  });

  it('rejects invalid options', () => {
    expect(() => createChannel({ ...options(1), gateways: [] })).toThrow(/at least one gateway/);
    expect(() => createChannel({ ...options(1), gateways: [{ id: 'a', x: 0, y: 0 }, { id: 'a', x: 1, y: 1 }] })).toThrow(/duplicate gateway/);
    expect(() => createChannel({ ...options(1), pathLoss: { d0: 0, pl0: 1, gamma: 2, sigma: 0 } })).toThrow(/pathLoss.d0/);
    expect(() => createChannel({ ...options(1), rejection: [[1, 2]] })).toThrow(/6 rows/);
    expect(() => createChannel({ ...options(1), rejection: 'semtech' as never })).toThrow(/unknown rejection matrix/);
    expect(() => createChannel({ ...options(1), demodulators: 0 })).toThrow(/demodulators/);
    expect(() => createChannel({ ...options(1), fading: { sigmaDb: -1 } })).toThrow(/fading/);
  });

  it('carries the payload through untouched and returns the submitted object', () => {
    const ch = createChannel(options(1));
    const payload = new Uint8Array([0x40, 1, 2, 3]);
    const t = { ...ok, payload };
    ch.transmit(t);
    const [s] = ch.settle(Infinity);
    expect(s?.tx).toBe(t);
    expect(s?.tx.payload).toBe(payload);
  });
});
