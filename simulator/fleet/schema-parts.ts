// Building blocks of the fleet schema (zod v4): strict objects that list their
// allowed keys, durations, points, placements and signal specs. Every schema here
// outputs the normalised types of types.ts (durations in ms).
import { z } from 'zod';
import { showValue } from './errors.ts';
import type { Interpolation, Placement, Point, SignalSpec } from './types.ts';

type Shape = Record<string, z.ZodType>;

/** A strict object whose unknown-key error lists the allowed keys (errors.ts reads it). */
export function obj<S extends Shape>(shape: S) {
  return z.strictObject(shape, {
    error: (iss) => (iss.code === 'unrecognized_keys' ? `allowed: ${Object.keys(shape).join(', ')}` : undefined),
  });
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60000, min: 60000, h: 3600000, d: 86400000, w: 604800000 };

/** Milliseconds of `24h`, `7d`, `90m`, `30s`, `1h30m`, `250ms`, or a number of seconds; null if invalid. */
export function parseDuration(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? v * 1000 : null;
  if (typeof v !== 'string') return null;
  const s = v.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  const re = /(\d+(?:\.\d+)?)\s*(ms|min|s|m|h|d|w)/y;
  let total = 0;
  let pos = 0;
  let parts = 0;
  while (pos < s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) return null;
    total += Number(m[1]) * (UNIT_MS[m[2] as string] as number);
    pos = re.lastIndex;
    while (s[pos] === ' ') pos++;
    parts++;
  }
  return parts > 0 ? total : null;
}

/** A duration (see parseDuration) in ms; `positive` rejects zero. */
export function duration(opts: { positive?: boolean } = {}) {
  return z.unknown().transform((v, ctx): number => {
    const ms = parseDuration(v);
    if (ms === null) {
      ctx.addIssue({ code: 'custom', message: `expected a duration like "30s", "90m", "24h", "7d" or a number of seconds, got ${showValue(v)}` });
      return z.NEVER;
    }
    if (opts.positive && ms <= 0) {
      ctx.addIssue({ code: 'custom', message: `expected a duration above zero, got ${showValue(v)}` });
      return z.NEVER;
    }
    return ms;
  });
}

/** Refinements that read nested parsed values run only when parsing found no issue so far. */
export const clean = { when: (payload: { issues: readonly unknown[] }): boolean => payload.issues.length === 0 };

export const num = z.number();
export const nonNeg = z.number().min(0);
export const positive = z.number().positive();
export const point = z.tuple([z.number(), z.number()]) as unknown as z.ZodType<Point>;

/** Twice the signed area of a polygon (shoelace). */
export function signedArea2(poly: readonly Point[]): number {
  let a = 0;
  for (let i = 0; i < poly.length; i++) {
    const p = poly[i] as Point;
    const q = poly[(i + 1) % poly.length] as Point;
    a += p[0] * q[1] - q[0] * p[1];
  }
  return a;
}

export const polygon = z
  .array(point)
  .min(3)
  .superRefine((poly, ctx) => {
    if (Math.abs(signedArea2(poly)) < 1e-9) ctx.addIssue({ code: 'custom', message: 'the polygon has zero area (its points are repeated or on one line)' });
  });

/**
 * An object with exactly one of the given keys (e.g. a placement: grid | random |
 * polygon | points); the transform gets the key and its parsed value.
 */
function oneOf<S extends Shape, T>(shape: S, build: (key: keyof S & string, value: unknown) => T): z.ZodType<T> {
  const keys = Object.keys(shape);
  const partial: Shape = {};
  for (const k of keys) partial[k] = (shape[k] as z.ZodType).optional();
  return obj(partial)
    .superRefine((v, ctx) => {
      const present = keys.filter((k) => (v as Record<string, unknown>)[k] !== undefined);
      if (present.length !== 1) {
        const message = present.length === 0 ? `expected one of ${keys.join(', ')}` : `expected only one of ${keys.join(', ')}, got ${present.join(' and ')}`;
        ctx.addIssue({ code: 'custom', message });
      }
    })
    .transform((v) => {
      const k = keys.find((key) => (v as Record<string, unknown>)[key] !== undefined) as keyof S & string;
      return build(k, (v as Record<string, unknown>)[k]);
    }) as unknown as z.ZodType<T>;
}

export const placement: z.ZodType<Placement> = oneOf(
  {
    grid: obj({
      origin: point,
      spacing: z.preprocess((v) => (typeof v === 'number' ? [v, v] : v), z.tuple([positive, positive])),
      columns: z.int().min(1),
      jitter: nonNeg.default(0),
    }),
    random: obj({ center: point, radius: positive }),
    polygon,
    points: z.array(point).min(1),
  },
  (key, v): Placement => {
    if (key === 'grid') {
      const g = v as { origin: Point; spacing: Point; columns: number; jitter: number };
      return { kind: 'grid', origin: g.origin, spacing: g.spacing, columns: g.columns, jitter: g.jitter };
    }
    if (key === 'random') {
      const r = v as { center: Point; radius: number };
      return { kind: 'random', center: r.center, radius: r.radius };
    }
    if (key === 'polygon') return { kind: 'polygon', polygon: v as Point[] };
    return { kind: 'points', points: v as Point[] };
  },
);

const common = { noise: nonNeg.default(0), spread: nonNeg.default(0) };
const interpolate = z.enum(['step', 'linear']).default('step') as z.ZodType<Interpolation>;

/** Events [time, value] with times as durations, in time order. */
const events = z
  .array(z.tuple([duration(), z.number()]))
  .min(1)
  .superRefine((ev, ctx) => {
    for (let i = 1; i < ev.length; i++) {
      if ((ev[i] as Point)[0] < (ev[i - 1] as Point)[0]) ctx.addIssue({ code: 'custom', path: [i, 0], message: 'events must be in time order' });
    }
  });

const ramp = obj({
  start: num.default(0),
  ratePerHour: num,
  rateSpread: z.number().min(0).max(1).default(0),
  min: num.default(-Infinity),
  max: num.default(Infinity),
  every: duration({ positive: true }).optional(),
  offset: duration().default(0),
  jitter: duration().default(0),
  ...common,
}).superRefine((r, ctx) => {
  if (r.min > r.max) ctx.addIssue({ code: 'custom', path: ['min'], message: `min (${r.min}) is above max (${r.max})` });
  if (r.every === undefined && r.jitter > 0) ctx.addIssue({ code: 'custom', path: ['jitter'], message: 'jitter needs resets: set every' });
  if (r.every !== undefined && r.jitter * 2 >= r.every) ctx.addIssue({ code: 'custom', path: ['jitter'], message: 'jitter must be less than half of every (resets stay in order)' });
});

/** A signal: a bare number (constant) or an object with exactly one kind. */
export const signal: z.ZodType<SignalSpec> = z.preprocess(
  (v) => (typeof v === 'number' ? { constant: v } : v),
  oneOf(
    {
      constant: z.preprocess((v) => (typeof v === 'number' ? { value: v } : v), obj({ value: num, ...common })),
      sine: obj({ mean: num, amplitude: num, period: duration({ positive: true }).default(86400000), peakAt: duration().default(0), ...common }),
      ramp,
      steps: obj({ initial: num, events, interpolate, jitter: duration().default(0), ...common }),
      csv: obj({
        file: z.string().min(1),
        interpolate: z.enum(['step', 'linear']).default('linear'),
        period: duration({ positive: true }).optional(),
        scale: num.default(1),
        offset: num.default(0),
        ...common,
      }),
    },
    (key, v): SignalSpec => {
      const s = v as Record<string, unknown> & { noise: number; spread: number };
      switch (key) {
        case 'constant':
          return { kind: 'constant', value: s.value as number, noise: s.noise, spread: s.spread };
        case 'sine':
          return { kind: 'sine', mean: s.mean as number, amplitude: s.amplitude as number, periodMs: s.period as number, peakAtMs: s.peakAt as number, noise: s.noise, spread: s.spread };
        case 'ramp':
          return {
            kind: 'ramp',
            start: s.start as number,
            ratePerHour: s.ratePerHour as number,
            rateSpread: s.rateSpread as number,
            min: s.min as number,
            max: s.max as number,
            everyMs: (s.every as number | undefined) ?? null,
            offsetMs: s.offset as number,
            jitterMs: s.jitter as number,
            noise: s.noise,
            spread: s.spread,
          };
        case 'steps':
          return { kind: 'steps', initial: s.initial as number, events: s.events as Point[], interpolate: s.interpolate as Interpolation, jitterMs: s.jitter as number, noise: s.noise, spread: s.spread };
        default:
          return {
            kind: 'csv',
            file: s.file as string,
            interpolate: s.interpolate as Interpolation,
            periodMs: (s.period as number | undefined) ?? null,
            scale: s.scale as number,
            offset: s.offset as number,
            data: null,
            noise: s.noise,
            spread: s.spread,
          };
      }
    },
  ),
) as z.ZodType<SignalSpec>;
