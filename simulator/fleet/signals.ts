// Virtual-sensor signals: pure functions of simulated time (ms from the start of the
// run) for one quantity of one node. Everything random is drawn from a stream named
// by (seed, node, quantity, purpose[, time or reset index]), so a value depends only
// on its arguments: never on how often, or in which order, signals are evaluated.
// Per-sample draws (noise at a time, jitter of the k-th reset) hash (stream key, n)
// with the channel's hashParts instead of seeding a generator per call (4x faster).
import { createRng, hashAfter, hashAfterTo, hashParts, hashPrefix, type HashState, type Rng, type Seed } from '../channel/rng.ts';
import type { CsvSeries, Interpolation, SignalSpec } from './types.ts';

export type SignalFn = (tMs: number) => number;

export interface SignalContext {
  seed: Seed;
  nodeId: string;
  quantity: string;
  /** The quantity's valid range: values are clamped into it. */
  min?: number;
  max?: number;
}

const HOUR_MS = 3600000;

/**
 * The value of a series at `t`: `before` ahead of the first point, the last value after
 * the last one, in between the previous point (step) or a straight line (linear).
 */
export function sampleSeries(times: ArrayLike<number>, values: ArrayLike<number>, t: number, mode: Interpolation, before: number): number {
  const n = times.length;
  if (n === 0 || t < (times[0] as number)) return before;
  if (t >= (times[n - 1] as number)) return values[n - 1] as number;
  let lo = 0;
  let hi = n - 1; // times[lo] <= t < times[hi]
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((times[mid] as number) <= t) lo = mid;
    else hi = mid;
  }
  const v0 = values[lo] as number;
  if (mode === 'step') return v0;
  const t0 = times[lo] as number;
  const t1 = times[hi] as number;
  return v0 + (((values[hi] as number) - v0) * (t - t0)) / (t1 - t0);
}

/** Uniform in [-1, 1). */
const symmetric = (rng: Rng): number => 2 * rng.float() - 1;

const TWO_32 = 4294967296;

/** Scratch for the two noise words of one sample (filled and read within one call). */
const noiseWords = new Float64Array(2);

/** Two independent uniform 32-bit words for each number n, keyed by the stream (seed, path...). */
function keyedWords(seed: Seed, path: Seed[]): (n: number) => [number, number] {
  const prefix = keyState(seed, path);
  return (n) => hashAfter(prefix, n);
}

/** The hash state keyedWords continues from: hashParts([key[0], key[1], n]) with the key's text hashed once. */
function keyState(seed: Seed, path: Seed[]): HashState {
  return hashPrefix(hashParts([seed, ...path]));
}

/** The raw (noise-free, unclamped) function for a spec (constant and sine are sampled inline, see createSignal). */
function baseSignal(spec: Exclude<SignalSpec, { kind: 'constant' | 'sine' }>, draw: (...parts: Seed[]) => Rng, words: (...parts: Seed[]) => (n: number) => [number, number]): SignalFn {
  switch (spec.kind) {
    case 'ramp': {
      const rate = (spec.ratePerHour * (1 + spec.rateSpread * symmetric(draw('rate')))) / HOUR_MS;
      const every = spec.everyMs;
      const resetWords = words('reset');
      const resetAt = (k: number): number => spec.offsetMs + k * (every as number) + (spec.jitterMs > 0 ? spec.jitterMs * ((2 * resetWords(k)[0]) / TWO_32 - 1) : 0);
      const lastReset = (t: number): number => {
        if (every === null) return 0;
        // jitter < every / 2 keeps resets in order, so the last one is among k+1, k, k-1
        const k = Math.floor((t - spec.offsetMs) / every);
        for (let c = k + 1; c >= k - 1; c--) {
          const r = resetAt(c);
          if (r <= t) return r;
        }
        return resetAt(k - 1);
      };
      return (t) => {
        const v = spec.start + rate * (t - lastReset(t));
        return v < spec.min ? spec.min : v > spec.max ? spec.max : v;
      };
    }
    case 'steps': {
      const shift = spec.jitterMs > 0 ? spec.jitterMs * symmetric(draw('shift')) : 0;
      const pts = spec.interpolate === 'linear' && (spec.events[0] as [number, number])[0] > 0 ? [[0, spec.initial] as [number, number], ...spec.events] : spec.events;
      const times = Float64Array.from(pts, (p) => p[0]);
      const values = Float64Array.from(pts, (p) => p[1]);
      return (t) => sampleSeries(times, values, t - shift, spec.interpolate, spec.initial);
    }
    case 'csv': {
      const data = spec.data as CsvSeries;
      const period = spec.periodMs;
      const first = data.values[0] as number;
      return (t) => {
        const tt = period === null ? t : ((t % period) + period) % period;
        return spec.scale * sampleSeries(data.times, data.values, tt, spec.interpolate, first) + spec.offset;
      };
    }
  }
}

/**
 * The signal of one node's quantity: the spec's shape, plus a per-node constant offset
 * (Gaussian, sigma `spread`) and per-sample noise (Gaussian, sigma `noise`, a function of
 * the time), clamped into [min, max]. Throws RangeError for a CSV spec whose data was
 * never loaded (use loadFleet/parseFleet).
 */
export function createSignal(spec: SignalSpec, ctx: SignalContext): SignalFn {
  if (spec.kind === 'csv' && (!spec.data || spec.data.times.length === 0)) throw new RangeError(`csv signal "${spec.file}" has no data loaded`);
  const draw = (...parts: Seed[]): Rng => createRng(ctx.seed, 'signal', ctx.nodeId, ctx.quantity, ...parts);
  const words = (...parts: Seed[]) => keyedWords(ctx.seed, ['signal', ctx.nodeId, ctx.quantity, ...parts]);
  const offset = spec.spread > 0 ? draw('spread').gaussian(0, spec.spread) : 0;
  // the noise stream's key, hashed once: each sample hashes (key, t) as keyedWords(...)(t) would
  const noiseState = keyState(ctx.seed, ['signal', ctx.nodeId, ctx.quantity, 'noise']);
  const [n1, n2] = noiseState;
  const noise = spec.noise;
  const min = ctx.min ?? -Infinity;
  const max = ctx.max ?? Infinity;
  // The common shapes are sampled inline: in a large fleet each node's state is out of the
  // CPU caches when it wakes, and a sample then reads one closure and its context only.
  if (spec.kind === 'constant') return constantSignal(spec.value + offset, noise, n1, n2, min, max);
  if (spec.kind === 'sine') return sineSignal(spec.mean, spec.amplitude, (2 * Math.PI) / spec.periodMs, spec.peakAtMs, offset, noise, n1, n2, min, max);
  return shapedSignal(baseSignal(spec, draw, words), offset, noise, n1, n2, min, max);
}

/** One sample from the shape's value plus the offset: the noise for time t added, then clamped. */
function sample(v: number, tMs: number, noise: number, n1: number, n2: number, min: number, max: number): number {
  if (noise > 0) {
    // Standard normal for time t: Box-Muller on the two words; (w + 1) / 2^32 is in (0, 1], so the log is finite
    hashAfterTo(n1, n2, tMs, noiseWords);
    v += noise * (Math.sqrt(-2 * Math.log((noiseWords[0]! + 1) / TWO_32)) * Math.cos((2 * Math.PI * noiseWords[1]!) / TWO_32));
  }
  if (!(v >= min)) v = Number.isNaN(v) ? (min > -Infinity ? min : 0) : min;
  return v > max ? max : v;
}

// The closures get their numbers as parameters, so each context holds only what a sample reads.
function constantSignal(valuePlusOffset: number, noise: number, n1: number, n2: number, min: number, max: number): SignalFn {
  return (tMs) => sample(valuePlusOffset, tMs, noise, n1, n2, min, max);
}

function sineSignal(mean: number, amplitude: number, w: number, peakAtMs: number, offset: number, noise: number, n1: number, n2: number, min: number, max: number): SignalFn {
  return (tMs) => sample(mean + amplitude * Math.cos(w * (tMs - peakAtMs)) + offset, tMs, noise, n1, n2, min, max);
}

function shapedSignal(base: SignalFn, offset: number, noise: number, n1: number, n2: number, min: number, max: number): SignalFn {
  return (tMs) => sample(base(tMs) + offset, tMs, noise, n1, n2, min, max);
}
