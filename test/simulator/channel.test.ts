import { describe, expect, it } from 'vitest';
import { createChannel } from '../../simulator/channel/index.ts';
import type { ChannelOptions, SettledTransmission, Transmission } from '../../simulator/channel/index.ts';

// Constant path loss of 100 dB (gamma 0, no shadowing): RSSI = powerDbm - 100 at every gateway,
// so each scenario sets received powers directly through powerDbm.
const FLAT = { d0: 1, pl0: 100, gamma: 0, sigma: 0 };
const SF7_SYMBOL_MS = 128 / 125; // 2^7 / 125 kHz = 1.024 ms

function channel(over: Partial<ChannelOptions> = {}) {
  return createChannel({ pathLoss: FLAT, gateways: [{ id: 'gw1', x: 0, y: 0 }], capture: true, rejection: 'ideal', seed: 1, ...over });
}

let nextId = 0;
function tx(over: Partial<Transmission>): Transmission {
  return { id: nextId++, nodeId: 'n1', x: 10, y: 0, freqHz: 868100000, sf: 7, bwKhz: 125, powerDbm: 14, startMs: 0, airtimeMs: 50, ...over };
}

/** Runs the transmissions through a channel and returns the outcome of each, by id. */
function run(txs: Transmission[], over: Partial<ChannelOptions> = {}): Map<string | number, SettledTransmission> {
  const ch = channel(over);
  for (const t of txs) ch.transmit(t);
  const out = new Map<string | number, SettledTransmission>();
  for (const s of ch.settle(Infinity)) out.set(s.tx.id, s);
  expect(out.size).toBe(txs.length);
  return out;
}

const fate = (s: SettledTransmission | undefined, gw = 'gw1'): string => {
  if (!s) return 'missing';
  if (s.received.some((r) => r.gatewayId === gw)) return 'ok';
  return s.lost.find((l) => l.gatewayId === gw)?.reason ?? 'missing';
};

describe('path loss presets', () => {
  it('suburban: PL = 127.41 + 10 * 2.08 * log10(d / 40), shadowing off in a custom copy', () => {
    const ch = channel({ pathLoss: { d0: 40, pl0: 127.41, gamma: 2.08, sigma: 0 } });
    const [at1km] = ch.link('n', 1000, 0, 14, 125);
    expect(at1km?.pathLossDb).toBeCloseTo(127.41 + 10 * 2.08 * Math.log10(1000 / 40), 9); // 156.487 dB
    expect(at1km?.rssi).toBeCloseTo(14 - (127.41 + 20.8 * Math.log10(25)), 9);
    // below d0 the loss stays at PL(d0)
    expect(ch.link('n', 5, 0, 14, 125)[0]?.pathLossDb).toBeCloseTo(127.41, 9);
  });

  it('urban: PL = 120.5 + 37.6 * log10(d / 1 km)', () => {
    const ch = channel({ pathLoss: { d0: 1000, pl0: 120.5, gamma: 3.76, sigma: 0 } });
    expect(ch.link('n', 3000, 4000, 14, 125)[0]?.pathLossDb).toBeCloseTo(120.5 + 37.6 * Math.log10(5), 9); // 146.78 dB at 5 km
  });

  it('preset shadowing: once per (node, gateway) link, mean 0 and sigma as configured', () => {
    for (const [preset, d0, pl0, gamma, sigma] of [
      ['suburban', 40, 127.41, 2.08, 3.57],
      ['urban', 1000, 120.5, 3.76, 8],
    ] as const) {
      const ch = channel({ pathLoss: preset, seed: 'shadow-test' });
      const median = pl0 + 10 * gamma * Math.log10(2000 / d0);
      const dev: number[] = [];
      for (let i = 0; i < 4000; i++) {
        const a = ch.link(`node${i}`, 2000, 0, 14, 125)[0]?.pathLossDb as number;
        expect(ch.link(`node${i}`, 2000, 0, 14, 125)[0]?.pathLossDb).toBe(a); // static per link
        dev.push(a - median);
      }
      const mean = dev.reduce((s, x) => s + x, 0) / dev.length;
      const sd = Math.sqrt(dev.reduce((s, x) => s + (x - mean) ** 2, 0) / (dev.length - 1));
      // standard error of the mean: sigma / sqrt(4000) = 0.016 sigma; of the sd: about sigma / sqrt(8000) = 0.011 sigma
      expect(Math.abs(mean)).toBeLessThan(0.06 * sigma);
      expect(Math.abs(sd / sigma - 1)).toBeLessThan(0.05);
    }
  });
});

describe('sensitivity and SNR floors', () => {
  // -174 + 10 log10(125000) + NF 6 + floor: SF7 floor -7.5 dB, SF12 floor -20 dB
  const noise125 = -174 + 10 * Math.log10(125000) + 6;
  it.each([
    [7, noise125 - 7.5],
    [12, noise125 - 20],
  ])('SF%i: received just above sensitivity, lost just below', (sf, sens) => {
    const out = run([tx({ id: 'above', sf, powerDbm: sens + 100 + 0.01 }), tx({ id: 'below', sf, powerDbm: sens + 100 - 0.01, freqHz: 868300000 })]);
    expect(fate(out.get('above'))).toBe('ok');
    expect(fate(out.get('below'))).toBe('below-sensitivity');
    const r = out.get('above')?.received[0];
    expect(r?.rssi).toBeCloseTo(sens + 0.01, 9);
    expect(r?.snr).toBeCloseTo(sens + 0.01 - noise125, 9);
  });

  it('ambient noise rise: above sensitivity but below the SNR floor', () => {
    const sens = noise125 - 7.5;
    const out = run([tx({ id: 'a', powerDbm: sens + 100 + 1 })], { gateways: [{ id: 'gw1', x: 0, y: 0, noiseRiseDb: 3 }] });
    const lost = out.get('a')?.lost[0];
    expect(lost?.reason).toBe('below-snr-floor');
    expect(lost?.snr).toBeCloseTo(-7.5 + 1 - 3, 9);
  });

  it('antenna gain and cable loss shift RSSI; the noise figure shifts SNR', () => {
    const out = run([tx({ id: 'a', powerDbm: 0 })], { gateways: [{ id: 'gw1', x: 0, y: 0, antennaGainDb: 5, cableLossDb: 2, noiseFigureDb: 3 }] });
    const r = out.get('a')?.received[0];
    expect(r?.rssi).toBeCloseTo(0 + 5 - 2 - 100, 9);
    expect(r?.snr).toBeCloseTo(-97 - (-174 + 10 * Math.log10(125000) + 3), 9);
  });
});

describe('demodulation paths', () => {
  it('a gateway demodulates 8 overlapping frames; the 9th is lost; a path frees when a frame ends', () => {
    const txs = Array.from({ length: 9 }, (_, i) => tx({ id: `f${i}`, freqHz: 867100000 + 200000 * i, startMs: i, airtimeMs: 100 }));
    txs.push(tx({ id: 'later', freqHz: 869000000, startMs: 100, airtimeMs: 100 })); // f0 ended at 100
    const out = run(txs);
    for (let i = 0; i < 8; i++) expect(fate(out.get(`f${i}`))).toBe('ok');
    expect(fate(out.get('f8'))).toBe('no-free-demodulator');
    expect(fate(out.get('later'))).toBe('ok');
  });

  it('gateways are independent, and frames a gateway cannot detect do not hold its paths', () => {
    // PL = 100 + 20 log10(d / 100 m): near gw A the 8 frames reach gw B (10 km) at 14 - 140 = -126 dBm < -124.5
    const opts = { pathLoss: { d0: 100, pl0: 100, gamma: 2, sigma: 0 }, gateways: [{ id: 'A', x: 0, y: 0 }, { id: 'B', x: 10000, y: 0 }] };
    const txs = Array.from({ length: 8 }, (_, i) => tx({ id: `f${i}`, x: 0, freqHz: 867100000 + 200000 * i, startMs: i, airtimeMs: 100 }));
    txs.push(tx({ id: 'mid', x: 5000, freqHz: 868900000, startMs: 20, airtimeMs: 100 }));
    const out = run(txs, opts);
    expect(fate(out.get('f0'), 'A')).toBe('ok');
    expect(fate(out.get('f0'), 'B')).toBe('below-sensitivity');
    expect(fate(out.get('mid'), 'A')).toBe('no-free-demodulator');
    expect(fate(out.get('mid'), 'B')).toBe('ok');
  });

  it('the limit is configurable', () => {
    const out = run([tx({ id: 'a', startMs: 0 }), tx({ id: 'b', freqHz: 868300000, startMs: 1 })], { demodulators: 1 });
    expect([fate(out.get('a')), fate(out.get('b'))]).toEqual(['ok', 'no-free-demodulator']);
  });
});

describe('same-SF collisions and the capture effect', () => {
  it('capture: the stronger survives when >= 6 dB above the interferer; within 6 dB both are lost', () => {
    for (const [diff, strong, weak] of [
      [7, 'ok', 'collision'],
      [6.001, 'ok', 'collision'],
      [5.999, 'collision', 'collision'],
      [0, 'collision', 'collision'],
    ] as const) {
      const out = run([tx({ id: 's', powerDbm: 14 }), tx({ id: 'w', powerDbm: 14 - diff, startMs: 10 })]);
      expect([diff, fate(out.get('s')), fate(out.get('w'))]).toEqual([diff, strong, weak]);
    }
  });

  it('capture: a later, stronger frame wins too (Bor et al.: power decides once the critical section is hit)', () => {
    const out = run([tx({ id: 'early-weak', powerDbm: 0 }), tx({ id: 'late-strong', powerDbm: 14, startMs: 20 })]);
    expect([fate(out.get('early-weak')), fate(out.get('late-strong'))]).toEqual(['collision', 'ok']);
  });

  it('timing: an interferer ending inside the first (8 - 5) preamble symbols does no harm', () => {
    const crit = 100 + 3 * SF7_SYMBOL_MS; // the weak frame's critical section starts 3.072 ms in
    const harmless = run([tx({ id: 'strong', powerDbm: 14, startMs: 50, airtimeMs: crit - 0.01 - 50 }), tx({ id: 'weak', powerDbm: 0, startMs: 100 })]);
    expect([fate(harmless.get('strong')), fate(harmless.get('weak'))]).toEqual(['ok', 'ok']);
    const harmful = run([tx({ id: 'strong', powerDbm: 14, startMs: 50, airtimeMs: crit + 0.01 - 50 }), tx({ id: 'weak', powerDbm: 0, startMs: 100 })]);
    expect([fate(harmful.get('strong')), fate(harmful.get('weak'))]).toEqual(['ok', 'collision']);
    // a longer preamble widens the harmless window: 12 symbols -> 7 may be overlapped
    const long = run([tx({ id: 'strong', powerDbm: 14, startMs: 50, airtimeMs: crit + 0.01 - 50 }), tx({ id: 'weak', powerDbm: 0, startMs: 100, preambleSymbols: 12 })]);
    expect(fate(long.get('weak'))).toBe('ok');
  });

  it('equal powers: the later frame survives an earlier one ending in its first 3 preamble symbols, the earlier one loses its tail', () => {
    const out = run([tx({ id: 'a', startMs: 0, airtimeMs: 52 }), tx({ id: 'b', startMs: 50 })]); // a ends 2 ms into b
    expect([fate(out.get('a')), fate(out.get('b'))]).toEqual(['collision', 'ok']); // b hits a's payload: a lost
  });

  it('interference adds up in mW only when concurrent', () => {
    // two interferers each 6 dB below: together 6 - 3.01 = 2.99 dB below the wanted frame
    const together = run([tx({ id: 'w', powerDbm: 14, airtimeMs: 100 }), tx({ id: 'i1', powerDbm: 8, startMs: 10 }), tx({ id: 'i2', powerDbm: 8, startMs: 20 })]);
    expect(fate(together.get('w'))).toBe('collision');
    const apart = run([tx({ id: 'w', powerDbm: 14, airtimeMs: 100 }), tx({ id: 'i1', powerDbm: 8, startMs: 10, airtimeMs: 30 }), tx({ id: 'i2', powerDbm: 8, startMs: 50, airtimeMs: 30 })]);
    expect([fate(apart.get('w')), fate(apart.get('i1')), fate(apart.get('i2'))]).toEqual(['ok', 'collision', 'collision']);
  });

  it('capture off: any overlap destroys both, whatever the powers and timing', () => {
    const a = run([tx({ id: 's', powerDbm: 14 }), tx({ id: 'w', powerDbm: -10, startMs: 10 })], { capture: false });
    expect([fate(a.get('s')), fate(a.get('w'))]).toEqual(['collision', 'collision']);
    const b = run([tx({ id: 's', powerDbm: 14, startMs: 50, airtimeMs: 51 }), tx({ id: 'w', powerDbm: 0, startMs: 100 })], { capture: false });
    expect([fate(b.get('s')), fate(b.get('w'))]).toEqual(['collision', 'collision']);
  });

  it('back-to-back frames and other channels do not collide; a 20 kHz offset does', () => {
    const out = run(
      [tx({ id: 'a' }), tx({ id: 'b', startMs: 50 }), tx({ id: 'c', freqHz: 868300000, startMs: 10 })],
      { capture: false },
    );
    expect([fate(out.get('a')), fate(out.get('b')), fate(out.get('c'))]).toEqual(['ok', 'ok', 'ok']);
    const near = run([tx({ id: 'a' }), tx({ id: 'b', freqHz: 868120000, startMs: 10 })], { capture: false });
    expect([fate(near.get('a')), fate(near.get('b'))]).toEqual(['collision', 'collision']);
    const wide = run([tx({ id: 'a' }), tx({ id: 'b', bwKhz: 250, startMs: 10 })], { capture: false });
    expect([fate(wide.get('a')), fate(wide.get('b'))]).toEqual(['ok', 'ok']); // other bandwidth: orthogonal
  });
});

describe('imperfect SF orthogonality', () => {
  // wanted SF7 at -100 dBm, interferer SF8 at -100 + d dBm, fully overlapping
  const pair = (d: number, rejection: ChannelOptions['rejection']) => {
    const out = run([tx({ id: 'sf7', sf: 7, powerDbm: 0, airtimeMs: 60 }), tx({ id: 'sf8', sf: 8, powerDbm: d, startMs: 5, airtimeMs: 100 })], { rejection });
    return [fate(out.get('sf7')), fate(out.get('sf8'))];
  };
  it('goursaud: SF7 needs SIR >= -16 dB against SF8; SF8 needs >= -24 dB against SF7', () => {
    expect(pair(15.9, 'goursaud')).toEqual(['ok', 'ok']);
    expect(pair(15.999, 'goursaud')).toEqual(['ok', 'ok']);
    expect(pair(16.001, 'goursaud')).toEqual(['collision', 'ok']);
    expect(pair(-24.1, 'goursaud')).toEqual(['ok', 'collision']);
  });
  it('croce isolates less (-8 dB for SF7 under SF8); ideal never loses across SFs', () => {
    expect(pair(8.1, 'croce')).toEqual(['collision', 'ok']);
    expect(pair(8.1, 'goursaud')).toEqual(['ok', 'ok']);
    expect(pair(40, 'ideal')).toEqual(['ok', 'ok']);
  });
  it('a custom matrix is applied as given (rows wanted SF, columns interferer SF)', () => {
    const m = Array.from({ length: 6 }, (_, i) => Array.from({ length: 6 }, (_, j) => (i === 0 && j === 1 ? 3 : -50)));
    expect(pair(-2.9, m)).toEqual(['collision', 'ok']);
    expect(pair(-3.1, m)).toEqual(['ok', 'ok']);
  });
  it('cross-SF interference applies with capture off too (capture only concerns the same SF)', () => {
    const out = run([tx({ id: 'sf7', powerDbm: 0 }), tx({ id: 'sf9', sf: 9, powerDbm: 20, startMs: 1 })], { rejection: 'goursaud', capture: false });
    expect([fate(out.get('sf7')), fate(out.get('sf9'))]).toEqual(['collision', 'ok']); // -20 < -18
  });
});
