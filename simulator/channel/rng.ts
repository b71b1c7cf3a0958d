// Seeded randomness for the radio channel (and any other simulator part that wants
// named, independent streams). Generator: sfc32 (Chris Doty-Humphrey's Small Fast
// Counting generator, 128-bit state, passes PractRand), its state filled by
// splitmix32 from a 64-bit hash of (seed, stream name...). Each purpose derives its
// own stream by name, e.g. createRng(seed, 'shadow', nodeId, gatewayId), so adding
// a node or a gateway never shifts anyone else's random numbers. Never Math.random.

/** A seed or stream name: a number or a string, keyed by its text (1 and "1" are the same). */
export type Seed = number | string;

export interface Rng {
  /** Uniform unsigned 32-bit integer. */
  next32(): number;
  /** Uniform float in [0, 1) with 53 random bits. */
  float(): number;
  /** Uniform integer in [0, n) for 1 <= n <= 2^32 (rejection sampling, unbiased). */
  int(n: number): number;
  /** Normal deviate (Box-Muller). */
  gaussian(mean?: number, sd?: number): number;
  /** Exponential deviate with the given mean (inverse transform). */
  exponential(mean: number): number;
}

/** The running state of hashParts: its two lanes after some parts, before the final mix. */
export type HashState = readonly [number, number];

const HASH_START: HashState = [0xdeadbeef, 0x41c6ce57];

// The hash's two lanes while it runs: every hashing function below absorbs text into them
// and mixes them at the end, in place (no array per part on the hot paths).
let lane1 = 0;
let lane2 = 0;

/** Absorbs a part's text into the lanes, then its U+0000 terminator. */
function absorbText(s: string): void {
  let h1 = lane1;
  let h2 = lane2;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  lane1 = Math.imul(h1, 2654435761);
  lane2 = Math.imul(h2, 1597334677);
}

/** The final mix of the lanes (unsigned 32-bit results). */
function finishLanes(): void {
  const h1 = Math.imul(lane1 ^ (lane1 >>> 16), 2246822507) ^ Math.imul(lane2 ^ (lane2 >>> 13), 3266489909);
  const h2 = Math.imul(lane2 ^ (lane2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  lane1 = h1 >>> 0;
  lane2 = h2 >>> 0;
}

/** The state after absorbing `part` (its decimal or string text, then the U+0000 terminator). */
function absorb(h1: number, h2: number, part: Seed): HashState {
  lane1 = h1;
  lane2 = h2;
  absorbText(String(part));
  return [lane1, lane2];
}

function finish(h1: number, h2: number): [number, number] {
  lane1 = h1;
  lane2 = h2;
  finishLanes();
  return [lane1, lane2];
}

/** The state after `parts`: hashing prefix + [last] with hashAfter costs only the last part's text. */
export function hashPrefix(parts: readonly Seed[]): HashState {
  let st = HASH_START;
  for (let p = 0; p < parts.length; p++) st = absorb(st[0], st[1], parts[p] as Seed);
  return st;
}

/** hashParts([...prefix parts, last]) from hashPrefix(prefix parts). */
export function hashAfter(prefix: HashState, last: Seed): [number, number] {
  const st = absorb(prefix[0], prefix[1], last);
  return finish(st[0], st[1]);
}

// The text of the last number hashed by hashAfterTo: the signals of one node hash the
// same sample time one after another, and a number's decimal text is the costly part.
let lastNumber = Number.NaN; // NaN never matches: the first number is converted
let lastText = 'NaN';

/**
 * hashAfter(prefix, last) written to out[0], out[1] with no array per call: `h1`, `h2` are
 * the prefix's state (hashPrefix(...)[0] and [1]). For per-sample hashes on hot paths.
 */
export function hashAfterTo(h1: number, h2: number, last: Seed, out: Float64Array): void {
  let s: string;
  if (typeof last === 'number') {
    // equal numbers have equal text (0 and -0 are both "0")
    if (last !== lastNumber) {
      lastText = String(last);
      lastNumber = last;
    }
    s = lastText;
  } else s = String(last);
  lane1 = h1;
  lane2 = h2;
  absorbText(s);
  finishLanes();
  out[0] = lane1;
  out[1] = lane2;
}

/**
 * 64-bit hash (two 32-bit lanes, cyrb53-style multiply-xorshift) of the parts' decimal
 * or string text, each part terminated by U+0000 so ["a", "b"] and ["ab"] differ.
 */
export function hashParts(parts: readonly Seed[]): [number, number] {
  const st = hashPrefix(parts);
  return finish(st[0], st[1]);
}

const TWO_32 = 4294967296;
const TWO_53 = 9007199254740992;

/**
 * sfc32 with the Box-Muller spare: one object with shared methods (a fleet makes several
 * streams per node; closures would be five functions and a context each).
 */
class Sfc32 implements Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  /**
   * The second deviate of the last Box-Muller pair, NaN when none (it is never NaN): a number
   * field, updated in place, where null-or-number boxed each new spare into a heap number.
   */
  private spare = Number.NaN;

  constructor(a: number, b: number, c: number, d: number) {
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
    for (let i = 0; i < 12; i++) this.next32(); // mix the seeded state before use
  }

  next32(): number {
    const a = this.a;
    const b = this.b;
    const c = this.c;
    const t = (((a + b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = b ^ (b >>> 9);
    this.b = (c + (c << 3)) | 0;
    this.c = (((c << 21) | (c >>> 11)) + t) | 0;
    return t >>> 0;
  }

  float(): number {
    return ((this.next32() >>> 5) * 67108864 + (this.next32() >>> 6)) / TWO_53;
  }

  int(n: number): number {
    if (!(Number.isInteger(n) && n >= 1 && n <= TWO_32)) throw new RangeError(`rng.int: n must be an integer in 1..2^32, got ${n}`);
    const limit = TWO_32 - (TWO_32 % n);
    for (;;) {
      const v = this.next32();
      if (v < limit) return v % n;
    }
  }

  gaussian(mean = 0, sd = 1): number {
    const z = this.spare;
    if (z === z) {
      this.spare = Number.NaN;
      return mean + sd * z;
    }
    const u1 = 1 - this.float(); // (0, 1]: log is finite
    const u2 = this.float();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spare = r * Math.sin(2 * Math.PI * u2);
    return mean + sd * r * Math.cos(2 * Math.PI * u2);
  }

  exponential(mean: number): number {
    return -mean * Math.log(1 - this.float());
  }
}

// The sfc32 state of a stream being set up (seedStream writes it): an Int32Array, so the
// four words (often outside the small-integer range) are not boxed on every write.
const state = new Int32Array(4);

/**
 * Fills `state` for the stream hashParts([seed, ...parts]) names, from the lanes holding that
 * hash: four splitmix32 outputs (h2 mixed in after the second). sfc32 reads its words modulo
 * 2^32, so their signed storage gives the same numbers as the unsigned outputs.
 */
function seedFromLanes(): void {
  const h1 = lane1;
  const h2 = lane2;
  let st = h1 ^ Math.imul(h2, 0x27d4eb2f);
  for (let i = 0; i < 4; i++) {
    const next = (st + 0x9e3779b9) | 0;
    let z = next;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    state[i] = z ^ (z >>> 16);
    st = next ^ (i === 1 ? h2 : 0);
  }
}

/** Checks a seed and hashes it into the lanes (the first part of every stream name). */
function startStream(seed: Seed): void {
  if (typeof seed === 'number' && !Number.isFinite(seed)) throw new RangeError(`rng seed must be finite, got ${seed}`);
  lane1 = HASH_START[0];
  lane2 = HASH_START[1];
  absorbText(String(seed));
}

/** A generator for the stream named `path` under `seed`. Same (seed, path), same sequence. */
export function createRng(seed: Seed, ...path: Seed[]): Rng {
  // hashParts([seed, ...path]), computed in the lanes
  startStream(seed);
  for (let p = 0; p < path.length; p++) absorbText(String(path[p]));
  finishLanes();
  seedFromLanes();
  return new Sfc32(state[0]!, state[1]!, state[2]!, state[3]!);
}

/**
 * createRng(seed, a, b, c).gaussian(mean, sd): the first normal deviate of that stream, without
 * the path array (the channel draws one per node and gateway at start-up).
 */
export function firstGaussian(seed: Seed, a: Seed, b: Seed, c: Seed, mean: number, sd: number): number {
  startStream(seed);
  absorbText(String(a));
  absorbText(String(b));
  absorbText(String(c));
  finishLanes();
  seedFromLanes();
  return new Sfc32(state[0]!, state[1]!, state[2]!, state[3]!).gaussian(mean, sd);
}
