import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createRng, firstGaussian, hashParts } from '../../simulator/channel/rng.ts';

describe('seeded rng', () => {
  it('same seed and stream name: same sequence; another name or seed: another sequence', () => {
    const take = (r: ReturnType<typeof createRng>) => Array.from({ length: 8 }, () => r.next32());
    expect(take(createRng(1, 'a'))).toEqual(take(createRng(1, 'a')));
    expect(take(createRng('1', 'a'))).toEqual(take(createRng(1, 'a'))); // keyed by text
    expect(take(createRng(1, 'b'))).not.toEqual(take(createRng(1, 'a')));
    expect(take(createRng(2, 'a'))).not.toEqual(take(createRng(1, 'a')));
    expect(take(createRng(1, 'a', 'b'))).not.toEqual(take(createRng(1, 'ab')));
    expect(hashParts(['a', 'b'])).not.toEqual(hashParts(['ab']));
  });

  it('uniform floats: in [0, 1), mean 1/2, and each decile near 10 %', () => {
    const r = createRng('uniform');
    const n = 100000;
    const bins = new Array<number>(10).fill(0);
    let sum = 0;
    let lo = 1;
    let hi = 0;
    for (let i = 0; i < n; i++) {
      const u = r.float();
      lo = Math.min(lo, u);
      hi = Math.max(hi, u);
      sum += u;
      bins[Math.floor(u * 10)]++;
    }
    expect(lo >= 0 && hi < 1).toBe(true);
    // sd of the mean: sqrt(1/12 / n) = 0.0009; of a decile count: sqrt(n * 0.09) = 95
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(0.004);
    for (const b of bins) expect(Math.abs(b - n / 10)).toBeLessThan(450);
  });

  it('gaussian and exponential: moments match (seeded, tolerances ~5 standard errors)', () => {
    const r = createRng('moments');
    const n = 50000;
    let s1 = 0;
    let s2 = 0;
    let e1 = 0;
    for (let i = 0; i < n; i++) {
      const z = r.gaussian(3, 2);
      s1 += z;
      s2 += z * z;
      e1 += r.exponential(5);
    }
    const mean = s1 / n;
    const sd = Math.sqrt(s2 / n - mean * mean);
    expect(Math.abs(mean - 3)).toBeLessThan(0.05); // se 2/sqrt(n) = 0.009
    expect(Math.abs(sd - 2)).toBeLessThan(0.04); // se about 2/sqrt(2n) = 0.006
    expect(Math.abs(e1 / n - 5)).toBeLessThan(0.12); // se 5/sqrt(n) = 0.022
  });

  it('int(n) stays in range and reaches every value', () => {
    const r = createRng('int');
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const v = r.int(7);
      expect(Number.isInteger(v) && v >= 0 && v < 7).toBe(true);
      seen.add(v);
    }
    expect(seen.size).toBe(7);
    expect(() => r.int(0)).toThrow(RangeError);
    expect(() => createRng(Number.NaN)).toThrow(RangeError);
  });
});

describe('createRng state setup', () => {
  /** The stream's first words as documented: hashParts of (seed, path), splitmix32 x 4 into sfc32, 12 warm-up draws. */
  function reference(parts: Array<string | number>, n: number): number[] {
    const [h1, h2] = hashParts(parts);
    let st = h1 ^ Math.imul(h2, 0x27d4eb2f);
    const w: number[] = [];
    for (let i = 0; i < 4; i++) {
      const s = (st + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      w.push((z ^ (z >>> 16)) >>> 0);
      st = s ^ (i === 1 ? h2 : 0);
    }
    let [a, b, c, d] = w as [number, number, number, number];
    const out: number[] = [];
    for (let k = 0; k < 12 + n; k++) {
      const t = (((a + b) | 0) + d) | 0;
      d = (d + 1) | 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) | 0;
      c = (c << 21) | (c >>> 11);
      c = (c + t) | 0;
      if (k >= 12) out.push(t >>> 0);
    }
    return out;
  }
  it('gives the sfc32 words the documented setup gives, for any seed and stream name', () => {
    const part = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string({ maxLength: 6 }));
    fc.assert(
      fc.property(part, fc.array(part, { maxLength: 4 }), (seed, path) => {
        const r = createRng(seed, ...path);
        const got = Array.from({ length: 8 }, () => r.next32());
        expect(got).toEqual(reference([seed, ...path], 8));
      }),
    );
  });

  it('firstGaussian is the first gaussian of createRng(seed, a, b, c), bit for bit', () => {
    const part = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string({ maxLength: 6 }));
    fc.assert(
      fc.property(part, part, part, part, fc.double({ noNaN: true, min: -100, max: 100 }), fc.double({ noNaN: true, min: 0, max: 20 }), (seed, a, b, c, mean, sd) => {
        expect(Object.is(firstGaussian(seed, a, b, c, mean, sd), createRng(seed, a, b, c).gaussian(mean, sd))).toBe(true);
      }),
    );
    expect(() => firstGaussian(Number.POSITIVE_INFINITY, 'a', 'b', 'c', 0, 1)).toThrow(RangeError);
  });

  it('gaussian pairs: the spare is the second deviate of each pair', () => {
    const r = createRng(7, 'pairs');
    const s = createRng(7, 'pairs');
    for (let i = 0; i < 50; i++) {
      // the pair from two floats, as Box-Muller makes it
      const u1 = 1 - s.float();
      const u2 = s.float();
      const rr = Math.sqrt(-2 * Math.log(u1));
      expect(r.gaussian(1, 2)).toBe(1 + 2 * rr * Math.cos(2 * Math.PI * u2));
      expect(r.gaussian(1, 2)).toBe(1 + 2 * (rr * Math.sin(2 * Math.PI * u2)));
    }
  });
});
