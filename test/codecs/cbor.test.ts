import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decode as cborxDecode, Decoder } from 'cbor-x';
import { cborEncode } from '../../codecs/device/cbor.ts';
import { decodeCbor, decodeUplinkCbor } from '../../codecs/cbor/index.ts';
import vectors from '../vectors/cbor.json' with { type: 'json' };

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const unhex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));

/** Turns the JSON vector notation into a JavaScript value. */
function fromJson(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(fromJson);
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.$bytes === 'string') return unhex(o.$bytes);
    if (o.$undefined === true) return undefined;
    if (typeof o.$number === 'string') return o.$number === '-0' ? -0 : Number(o.$number);
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, fromJson(x)]));
  }
  return v;
}

/** Deep equality where numbers compare with Object.is (NaN === NaN, -0 !== 0) and byte strings by content. */
function same(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' || typeof b === 'number') return Object.is(a, b);
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    if (!(a instanceof Uint8Array && b instanceof Uint8Array) || a.length !== b.length) return false;
    return a.every((x, i) => x === b[i]);
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => same(x, b[i]));
  }
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    return ka.every((k, i) => k === kb[i] && same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return a === b;
}

// Plain cbor-x, configured only so maps come back as objects and 64-bit ints as numbers.
const plain = new Decoder({ mapsAsObjects: true, useRecords: false, int64AsNumber: true } as ConstructorParameters<typeof Decoder>[0]);

describe('device CBOR encoder: RFC 8949 Appendix A', () => {
  for (const v of vectors.vectors) {
    it(`encodes ${JSON.stringify(v.value)} as ${v.hex}`, () => {
      expect(hex(cborEncode(fromJson(v.value)))).toBe(v.hex);
    });
  }
});

describe('device CBOR encoder: integer heads and floats', () => {
  it('uses every head size at its boundaries', () => {
    const cases: Array<[number, string]> = [
      [23, '17'], [24, '1818'], [255, '18ff'], [256, '190100'], [65535, '19ffff'], [65536, '1a00010000'],
      [4294967295, '1affffffff'], [4294967296, '1b0000000100000000'], [9007199254740991, '1b001fffffffffffff'],
      [-24, '37'], [-25, '3818'], [-256, '38ff'], [-257, '390100'], [-65537, '3a00010000'],
      [-4294967297, '3b0000000100000000'], [-9007199254740991, '3b001ffffffffffffe'],
    ];
    for (const [n, h] of cases) expect(hex(cborEncode(n)), String(n)).toBe(h);
  });

  it('writes integers beyond 2^53 as exact floats', () => {
    expect(hex(cborEncode(9007199254740992))).toBe('fa5a000000'); // 2^53 is a single
    expect(cborxDecode(cborEncode(2 ** 60 + 2 ** 20))).toBe(2 ** 60 + 2 ** 20);
  });

  it('replaces lone surrogates by U+FFFD', () => {
    expect(hex(cborEncode('a\ud800b'))).toBe('6561efbfbd62');
  });

  it('rejects values it cannot encode, naming the type', () => {
    expect(() => cborEncode(() => 1)).toThrow(/cannot encode a function/);
  });
});

// Values the device encoder supports; map keys avoid "__proto__", which a plain object cannot hold as data.
const key = fc.string({ unit: 'binary', maxLength: 8 }).filter((k) => k !== '__proto__');
const leaf = fc.oneof(
  fc.maxSafeInteger(),
  fc.integer({ min: -70000, max: 70000 }),
  fc.double(),
  fc.float().map((f) => f), // values that fit a single exactly
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.boolean(),
  fc.constant(null),
  fc.uint8Array({ maxLength: 20 }),
);
const tree = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('value'), { maxLength: 6 }),
    fc.dictionary(key, tie('value'), { maxKeys: 6 }),
  ),
})).value;

describe('device CBOR encoder against cbor-x', () => {
  it('cbor-x decodes every encoded value to an equal value', () => {
    fc.assert(
      fc.property(tree, (v) => {
        const decoded: unknown = plain.decode(cborEncode(v));
        return same(normalise(decoded), v);
      }),
      { numRuns: 2000 },
    );
  });

  it('uses the shortest exact float: single-representable numbers take at most 5 bytes, others 9', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        if (Number.isSafeInteger(x) && !Object.is(x, -0)) return true;
        const n = cborEncode(x).length;
        return Math.fround(x) === x ? n <= 5 : n === 9;
      }),
      { numRuns: 5000 },
    );
  });
});

/** cbor-x gives Node Buffers for byte strings; compare as plain Uint8Array. */
function normalise(v: unknown): unknown {
  if (v instanceof Uint8Array) return new Uint8Array(v);
  if (Array.isArray(v)) return v.map(normalise);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) Object.defineProperty(out, k, { value: normalise(x), enumerable: true });
    return out;
  }
  return v;
}

describe('Node CBOR decoder', () => {
  it('decodes every Appendix A encoding vector back to its value', () => {
    for (const v of vectors.vectors) {
      const r = decodeCbor(unhex(v.hex));
      const want = fromJson(v.value);
      expect(r.errors, v.hex).toEqual([]);
      if (want === undefined || (typeof want === 'number' && !Number.isFinite(want))) {
        expect(r.data, v.hex).toBeNull(); // NaN, infinities and undefined are not data: null plus a warning
        expect(r.warnings.length, v.hex).toBe(1);
      } else {
        expect(same(r.data, want), v.hex).toBe(true);
      }
    }
  });

  it('decodes the decode-only Appendix A items (other float widths, indefinite lengths, 64-bit ints)', () => {
    for (const v of vectors.decodeOnly) {
      const r = decodeCbor(unhex(v.hex));
      expect(r.errors, v.hex).toEqual([]);
      expect(same(r.data, v.value), v.hex).toBe(true);
      expect(r.warnings.length, v.hex).toBe(typeof v.value === 'string' ? 1 : 0);
    }
  });

  it('never throws and never yields NaN on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const r = decodeCbor(bytes);
        const hasNaN = JSON.stringify(r.data, (_k, x: unknown) => (typeof x === 'number' && Number.isNaN(x) ? 'NaN!' : x))?.includes('NaN!');
        return (r.errors.length > 0) === (r.data === undefined) && !hasNaN;
      }),
      { numRuns: 3000 },
    );
  });

  it('reports malformed input as errors', () => {
    for (const h of ['', '18', '83', '0101', 'a16161', '5f01ff', '1c']) {
      const r = decodeCbor(unhex(h));
      expect(r.errors.length, h).toBe(1);
      expect(r.data, h).toBeUndefined();
    }
    expect(decodeCbor([1, 300] as unknown as number[]).errors[0]).toMatch(/byte 1/);
    expect(decodeCbor('nope' as unknown as Uint8Array).errors[0]).toMatch(/Uint8Array/);
  });

  it('decodeUplinkCbor gives a TS013 object, wrapping non-map items', () => {
    expect(decodeUplinkCbor({ bytes: cborEncode({ t: 213, h: 111 }), fPort: 2 })).toEqual({ data: { t: 213, h: 111 }, warnings: [], errors: [] });
    expect(decodeUplinkCbor({ bytes: cborEncode([1, 2]) }).data).toEqual({ value: [1, 2] });
    expect(decodeUplinkCbor({ bytes: [0x83] }).errors.length).toBe(1);
  });
});
