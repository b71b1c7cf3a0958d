import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createChannel, createRng } from '../../simulator/channel/index.ts';
import type { ChannelOptions, SettledTransmission, Transmission } from '../../simulator/channel/index.ts';
import { EU868 } from '../../firmware/lorawan/regions/eu868.ts';
import { ChannelFrame } from '../../simulator/channel/frame.ts';

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

  it('property: a sender slot (Transmission.sender) changes no outcome, even one shared by several nodes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.boolean(), (seed, fading) => {
        const opts: ChannelOptions = { ...options(seed), fading: fading ? 'rayleigh' : 'off', demodulators: 3 };
        const list = traffic(120, 30);
        // one slot per node, except nodes 0..9, which share one (the channel must check whose it finds)
        const slots = new Map<string, { link: unknown }>();
        const shared = { link: undefined as unknown };
        const withSlots = list.map((t) => {
          const k = Number(t.nodeId.slice(4));
          let slot = k < 10 ? shared : slots.get(t.nodeId);
          if (slot === undefined) slots.set(t.nodeId, (slot = { link: undefined }));
          return { ...t, sender: slot };
        });
        expect(summary(runAll(opts, withSlots, 7))).toEqual(summary(runAll(opts, list, 7)));
        // the same slots on a channel with other gateways: what another channel left in them is not used
        const other: ChannelOptions = { ...opts, gateways: [{ id: 'gZ', x: 400, y: 400 }, { id: 'gA', x: 0, y: 0 }], seed: seed + 1 };
        expect(summary(runAll(other, withSlots, 7))).toEqual(summary(runAll(other, list, 7)));
      }),
      { numRuns: 40 },
    );
  });

  it('property: ChannelFrames (the record in the transmission) change no outcome, mixed with plain transmissions', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.boolean(), fc.integer({ min: 1, max: 9 }), (seed, fading, every) => {
        const opts: ChannelOptions = { ...options(seed), fading: fading ? 'rayleigh' : 'off', demodulators: 2 };
        const list = traffic(120, 30);
        const frames = list.map((t, i) =>
          i % 3 === 2 ? t : new ChannelFrame(t.id, t.nodeId, t.x, t.y, t.freqHz, t.sf, t.bwKhz, t.powerDbm, t.startMs, t.airtimeMs, undefined),
        );
        const out = runAll(opts, frames, every);
        expect(summary(out)).toEqual(summary(runAll(opts, list, every)));
        for (const o of out) expect(frames).toContain(o.tx);
      }),
      { numRuns: 40 },
    );
  });

  it('a ChannelFrame given to transmit again after it settled gets a record of its own', () => {
    const ch = createChannel({ ...options(3), fading: 'off' });
    const ref = createChannel({ ...options(3), fading: 'off' });
    const f = new ChannelFrame(7, 'n1', 100, 200, 868100000, 9, 125, 14, 0, 150, undefined);
    const plain = { id: 7, nodeId: 'n1', x: 100, y: 200, freqHz: 868100000, sf: 9, bwKhz: 125, powerDbm: 14, startMs: 0, airtimeMs: 150 };
    ch.transmit(f);
    ref.transmit(plain);
    expect(summary(ch.settle(1000))).toEqual(summary(ref.settle(1000)));
    // the same object on another channel (one that never settled): a record of its own there
    const ch2 = createChannel({ ...options(3), fading: 'off', demodulators: 1 });
    const ref2 = createChannel({ ...options(3), fading: 'off', demodulators: 1 });
    const other = { ...plain, id: 6, nodeId: 'n2', sf: 9, powerDbm: 20 };
    ch2.transmit(f);
    ch2.transmit(other);
    ref2.transmit(plain);
    ref2.transmit(other);
    expect(f.end).toBe(150);
    const again = ch2.settle(2000);
    expect(again.map((o) => o.tx)).toContain(f);
    expect(summary(again)).toEqual(summary(ref2.settle(2000)));
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
