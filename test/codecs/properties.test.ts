// Property tests over every example schema (issue "Done when"): encode then decode
// returns each value within half its resolution, clamps out-of-range values, keeps
// missing values absent; decoding random bytes never throws or yields NaN.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  APPS,
  compiledApp,
  decodeDownlink,
  decodeUplink,
  deviceDecodeDownlink,
  deviceEncodeBatch,
  deviceEncodeUplink,
  encodeDownlink,
  type AppSchema,
  type FieldDef,
  type Readings,
} from '../../codecs/index.ts';
import { badNumbers } from './helpers.ts';

type Reading = Readings[string];

/** A reading for `f`: missing, in range, or (numbers) far outside it. */
function readingArb(f: FieldDef): fc.Arbitrary<Reading> {
  const missing = fc.constantFrom<Reading>(undefined, null);
  switch (f.type) {
    case 'enum':
      return fc.oneof(missing, fc.constantFrom(...f.values));
    case 'boolean':
      return fc.oneof(missing, fc.boolean());
    case 'bytes':
      return fc.oneof(missing, fc.uint8Array({ minLength: f.length, maxLength: f.length }).map((b) => Buffer.from(b).toString('hex')));
    default: {
      const span = f.max - f.min;
      return fc.oneof(
        { weight: 1, arbitrary: missing },
        { weight: 6, arbitrary: fc.double({ min: f.min, max: f.max, noNaN: true }) },
        { weight: 2, arbitrary: fc.double({ min: f.min - 2 * span, max: f.max + 2 * span, noNaN: true }) },
      );
    }
  }
}

function readingsArb(fields: FieldDef[]): fc.Arbitrary<Readings> {
  const rec: Record<string, fc.Arbitrary<Reading>> = {};
  for (const f of fields) rec[f.name] = readingArb(f);
  return fc.record(rec) as fc.Arbitrary<Readings>;
}

/** Checks one decoded value against its reading; returns whether the reading saturated. */
function checkValue(f: FieldDef, v: Reading, got: unknown): boolean {
  if (v === undefined || v === null) {
    expect(got).toBeUndefined();
    return false;
  }
  if (f.type !== 'signed' && f.type !== 'unsigned') {
    expect(got).toBe(v);
    return false;
  }
  const x = v as number;
  const half = f.resolution / 2;
  const tol = f.resolution * 1e-6;
  expect(typeof got).toBe('number');
  const g = got as number;
  // decoded values sit on the resolution grid and inside the range
  const steps = (g - f.min) / f.resolution;
  expect(Math.abs(steps - Math.round(steps))).toBeLessThan(1e-6);
  expect(g).toBeGreaterThanOrEqual(f.min);
  expect(g).toBeLessThanOrEqual(f.max);
  if (x > f.max + half) {
    expect(g).toBe(f.max);
    return true;
  }
  if (x < f.min - half) {
    expect(g).toBe(f.min);
    return true;
  }
  expect(Math.abs(g - x)).toBeLessThanOrEqual(half + tol);
  return false;
}

const uplinks = APPS.flatMap((s: AppSchema) => s.uplinks.map((u, i) => ({ app: s.name, u, i })));

describe.each(uplinks.map((x) => [`${x.app} ${x.u.name} v${x.u.version}`, x] as const))('%s', (_n, { app, u, i }) => {
  const cu = compiledApp(app).up[i];

  it('encode then decode: within half a step, clamped when out of range, missing stays absent', () => {
    fc.assert(
      fc.property(readingsArb(u.fields), (r) => {
        const bytes = deviceEncodeUplink(cu, r);
        const d = decodeUplink(app, { bytes, fPort: u.fPort });
        expect(d.errors).toEqual([]);
        const saturated = u.fields.filter((f) => checkValue(f, r[f.name], d.data[f.name])).map((f) => f.name);
        for (const name of saturated) expect(d.warnings.join(' ')).toContain(name);
        if (saturated.length === 0) expect(d.warnings).toEqual([]);
      }),
      { numRuns: 400 },
    );
  });

  it('a half step rounds up, also below zero (no reliance on Math.round)', () => {
    const nums = u.fields.filter((f) => f.type === 'signed' || f.type === 'unsigned');
    if (nums.length === 0) return;
    fc.assert(
      fc.property(fc.constantFrom(...nums), fc.nat(), (f, k) => {
        if (f.type !== 'signed' && f.type !== 'unsigned') return;
        const dv = 10 ** 6;
        const steps = Math.round((f.max - f.min) / f.resolution);
        const c = k % steps;
        // value exactly halfway between grid points c and c+1, computed in integer micro-units
        const micro = Math.round(f.min * dv) + Math.round(f.resolution * dv) * c + Math.round((f.resolution * dv) / 2);
        const v = micro / dv;
        const expected = (Math.round(f.min * dv) + Math.round(f.resolution * dv) * (c + 1)) / dv;
        const d = decodeUplink(app, { bytes: deviceEncodeUplink(cu, { [f.name]: v }), fPort: u.fPort });
        expect(d.data[f.name]).toBeCloseTo(expected, 9);
      }),
      { numRuns: 300 },
    );
  });

  if (u.batchFPort) {
    it('batches: every sample and its age survive encode then decode', () => {
      const arb = fc
        .array(fc.tuple(readingsArb(u.fields), fc.oneof(fc.integer({ min: 0, max: 7200 }), fc.constant(86400))), { minLength: 1, maxLength: 32 })
        .map((xs) => {
          let age = xs.reduce((a, x) => a + x[1], 0);
          return xs.map(([r, gap]) => ({ r, age: (age -= gap) + gap }));
        });
      fc.assert(
        fc.property(arb, (xs) => {
          const ages = xs.map((x) => x.age);
          const bytes = deviceEncodeBatch(cu, xs.map((x) => x.r), ages);
          const d = decodeUplink(app, { bytes, fPort: u.batchFPort! });
          expect(d.errors).toEqual([]);
          expect(d.data.samples.length).toBe(xs.length);
          // the newest age and every gap between samples saturate at 65535 s (16 bits)
          const want = ages.map(() => 0);
          want[ages.length - 1] = Math.min(ages[ages.length - 1], 65535);
          for (let j = ages.length - 2; j >= 0; j--) want[j] = want[j + 1] + Math.min(ages[j] - ages[j + 1], 65535);
          xs.forEach((x, j) => {
            const s = d.data.samples[j];
            expect(s.ageSeconds).toBe(want[j]);
            for (const f of u.fields) checkValue(f, x.r[f.name], s[f.name]);
          });
        }),
        { numRuns: 200 },
      );
    });
  }
});

describe.each(APPS.map((s) => [s.name, s] as const))('%s decoders on random bytes', (app, s) => {
  const c = compiledApp(app);
  const ports = [0, ...s.uplinks.flatMap((u) => [u.fPort, u.batchFPort ?? 0]), s.downlink?.fPort ?? 10, 200];

  it('decodeUplink never throws, never yields NaN, and gives data or errors', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ports), fc.uint8Array({ maxLength: 64 }), (fPort, bytes) => {
        const d = decodeUplink(app, { bytes: Array.from(bytes), fPort });
        expect(badNumbers(d)).toEqual([]);
        if (d.errors.length) expect(d.data).toEqual({});
      }),
      { numRuns: 1500 },
    );
  });

  it('device downlink decoder never throws and only accepts in-range values', () => {
    if (!c.down || !s.downlink) return;
    const defs = new Map(s.downlink.commands.map((cmd) => [cmd.name, cmd]));
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 12 }), (bytes) => {
        const res = deviceDecodeDownlink(c.down!, bytes);
        expect(badNumbers(res)).toEqual([]);
        if (!res.ok) return;
        for (const cmd of res.commands) {
          for (const f of defs.get(cmd.command)!.fields) {
            const v = cmd[f.name];
            if (f.type === 'signed' || f.type === 'unsigned') {
              if (v === undefined) expect(f.optional).toBe(true);
              else {
                expect(v as number).toBeGreaterThanOrEqual(f.min);
                expect(v as number).toBeLessThanOrEqual(f.max);
              }
            }
          }
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('encodeDownlink then decodeDownlink returns the command; out-of-range values are refused', () => {
    if (!s.downlink) return;
    const cmdArb = fc.constantFrom(...s.downlink.commands).chain((cmd) => {
      const rec: Record<string, fc.Arbitrary<unknown>> = {};
      for (const f of cmd.fields) {
        if (f.type !== 'signed' && f.type !== 'unsigned') continue;
        const steps = Math.round((f.max - f.min) / f.resolution);
        const onGrid = fc.integer({ min: 0, max: steps }).map((k) => Math.round((f.min + k * f.resolution) * 1e6) / 1e6);
        rec[f.name] = f.optional ? fc.option(onGrid, { nil: undefined }) : onGrid;
      }
      return fc.record(rec).map((vals) => ({ cmd, vals }));
    });
    fc.assert(
      fc.property(cmdArb, fc.boolean(), ({ cmd, vals }, outOfRange) => {
        const data: Record<string, unknown> = { command: cmd.name };
        for (const [k, v] of Object.entries(vals)) if (v !== undefined) data[k] = v;
        const num = cmd.fields.find((f) => (f.type === 'signed' || f.type === 'unsigned') && data[f.name] !== undefined);
        if (outOfRange && num && (num.type === 'signed' || num.type === 'unsigned')) {
          data[num.name] = num.max + num.resolution;
          const e = encodeDownlink(app, { data });
          expect(e.errors.join(' ')).toContain('out of range');
          expect(e.bytes).toBeUndefined();
          return;
        }
        const e = encodeDownlink(app, { data });
        expect(e.errors).toEqual([]);
        expect(decodeDownlink(app, { bytes: e.bytes!, fPort: e.fPort! }).data).toEqual(data);
      }),
      { numRuns: 300 },
    );
  });
});
