import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  decodeLpp, decodeUplinkLpp, encodeLpp, encodeSchemaReadingLpp, lppCatalogue, lppFieldsFromData, lppMappings,
  LppEncodeError, parseLpp, type LppField, type LppOptions, type LppTypeName,
} from '../../codecs/lpp/index.ts';
import { lppEncodeReading, lppPut, lppRound, LPP_ERR_ARITY, LPP_ERR_CHANNEL, LPP_ERR_RANGE, LPP_ERR_ROOM, LPP_TEMPERATURE } from '../../codecs/device/lpp.ts';
import vectors from '../vectors/lpp.json' with { type: 'json' };

const unhex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('CayenneLPP vectors', () => {
  for (const v of vectors.decode) {
    it(`decodes ${v.hex} ${v.options ? JSON.stringify(v.options) : ''} (${v.source})`, () => {
      const r = decodeLpp(unhex(v.hex), (v.options ?? {}) as LppOptions);
      expect(r.data).toEqual(v.data);
      expect(r.errors.length).toBe(v.errors ?? 0);
    });
  }
  for (const v of vectors.encode) {
    it(`encodes ${v.hex} (${v.source})`, () => {
      expect(hex(encodeLpp(v.fields as LppField[]))).toBe(v.hex);
    });
  }
});

describe('type catalogue', () => {
  it('has every classic and extended type with the documented ids', () => {
    const ids = Object.fromEntries([...lppCatalogue().byName.values()].map((t) => [t.name, t.layout.id]));
    expect(ids).toEqual({
      digital_in: 0, digital_out: 1, analog_in: 2, analog_out: 3, generic: 100, illuminance: 101, presence: 102,
      temperature: 103, humidity: 104, accelerometer: 113, barometer: 115, voltage: 116, current: 117,
      frequency: 118, percentage: 120, altitude: 121, concentration: 125, power: 128, distance: 130, energy: 131,
      direction: 132, unixtime: 133, gyrometer: 134, colour: 135, gps: 136, switch: 142,
    });
  });

  it('TTN knows only the 12 classic types; RAK adds 137 and 138', () => {
    expect(lppCatalogue({ variant: 'ttn' }).byId.size).toBe(12);
    const rak = lppCatalogue({ variant: 'rak' });
    expect(rak.byId.get(137)?.name).toBe('gps_precise');
    expect(rak.byId.get(138)?.name).toBe('voc');
  });

  it('explicit switches override the preset', () => {
    expect(lppCatalogue({ variant: 'ttn', barometerSigned: false }).byName.get('barometer')?.layout.s).toBe(false);
  });
});

/** A random in-range value for a type, on its resolution grid, plus the field. */
function fieldArb(opts: LppOptions): fc.Arbitrary<LppField> {
  const cat = lppCatalogue(opts);
  const names = [...cat.byName.keys()] as LppTypeName[];
  return fc.constantFrom(...names).chain((name) => {
    const info = cat.byName.get(name)!;
    const t = info.layout;
    const comps = t.b.map((n, c) => {
      const span = 2 ** (8 * n);
      const lo = t.s ? -span / 2 : 0;
      const hi = t.s ? span / 2 - 1 : span - 1;
      return fc.integer({ min: lo, max: hi }).map((k) => k / (t.m[c] as number));
    });
    return fc.record({
      channel: fc.integer({ min: 0, max: 255 }),
      type: fc.constant(name),
      value: fc.tuple(...comps).map((vals) => (info.components ? Object.fromEntries(info.components.map((k, c) => [k, vals[c]])) : vals[0]!)),
    }) as fc.Arbitrary<LppField>;
  });
}

const variants: LppOptions[] = [
  {}, { variant: 'ttn' }, { variant: 'rak', int32Wrap: false }, { variant: 'electroniccats-1.1', int32Wrap: false },
  { voltageSigned: true, unixTimeSigned: true, analogSigned: false, gpsAltitudeResolution: 1 },
];

describe('CayenneLPP properties', () => {
  for (const opts of variants) {
    it(`decode(encode(fields)) gives the fields back ${JSON.stringify(opts)}`, () => {
      fc.assert(
        fc.property(fc.array(fieldArb(opts), { maxLength: 8 }), (fields) => {
          const r = parseLpp(encodeLpp(fields, opts), opts);
          expect(r.errors).toEqual([]);
          expect(r.entries.map((e) => ({ channel: e.channel, type: e.name, value: e.value }))).toEqual(fields);
        }),
        { numRuns: 400 },
      );
    });
  }

  it('encode(data) re-creates the bytes decodeLpp read (unique channel/type pairs)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fieldArb({}), { maxLength: 8, selector: (f) => `${f.type}/${f.channel}` }), (fields) => {
        const bytes = encodeLpp(fields);
        expect(hex(encodeLpp(lppFieldsFromData(decodeLpp(bytes).data)))).toBe(hex(bytes));
      }),
      { numRuns: 300 },
    );
  });

  it('rounds to the nearest step: the decoded value is within half a step of any in-range input', () => {
    fc.assert(
      fc.property(fc.double({ min: -3276.8, max: 3276.7, noNaN: true }), (x) => {
        const v = decodeLpp(encodeLpp([{ channel: 1, type: 'temperature', value: x }])).data.temperature_1 as number;
        return Math.abs(v - x) <= 0.05 + 1e-9;
      }),
      { numRuns: 3000 },
    );
  });

  it('the decoder never throws and never yields NaN, for any bytes and variant', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 48 }), fc.constantFrom(...variants, { variant: 'electroniccats' as const }), (bytes, opts) => {
        const r = decodeLpp(bytes, opts);
        const json = JSON.stringify(r.data, (_k, x: unknown) => (typeof x === 'number' && !Number.isFinite(x) ? 'BAD' : x));
        return !json.includes('BAD') && r.errors.every((e) => e.length > 10);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('CayenneLPP errors and edge cases', () => {
  it('reports bad input instead of throwing', () => {
    expect(decodeLpp([1, 256] as number[]).errors[0]).toMatch(/byte 1/);
    expect(decodeLpp(null as unknown as number[]).errors[0]).toMatch(/Uint8Array/);
    expect(decodeLpp([], { gpsAltitudeResolution: 0 }).errors[0]).toMatch(/gpsAltitudeResolution/);
    expect(decodeLpp(unhex('01ff00')).errors[0]).toMatch(/unknown type 255/);
  });

  it('warns when a type repeats on a channel and keeps the last value', () => {
    const r = decodeLpp(unhex('0167011001670020'));
    expect(r.data).toEqual({ temperature_1: 3.2 });
    expect(r.warnings).toHaveLength(1);
  });

  it('TS013 entry point', () => {
    expect(decodeUplinkLpp({ bytes: [3, 0x67, 1, 0x10], fPort: 1 })).toEqual({ data: { temperature_3: 27.2 }, warnings: [], errors: [] });
  });

  it('throws clear errors for values out of range, wrong shapes and unknown types', () => {
    expect(() => encodeLpp([{ channel: 1, type: 'humidity', value: 128 }])).toThrow(/humidity, channel 1\).*128 is out of range \(0\.\.127\.5/);
    expect(() => encodeLpp([{ channel: 1, type: 'voltage', value: -1 }])).toThrow(LppEncodeError);
    expect(() => encodeLpp([{ channel: 1, type: 'voltage', value: -1 }], { voltageSigned: true })).not.toThrow();
    expect(() => encodeLpp([{ channel: 1, type: 'gps', value: { latitude: 1, longitude: 2 } }])).toThrow(/"altitude"/);
    expect(() => encodeLpp([{ channel: 1, type: 'accelerometer', value: { x: 40, y: 0, z: 0 } }])).toThrow(/ x value 40/);
    expect(() => encodeLpp([{ channel: 256, type: 'switch', value: 1 }])).toThrow(/channel/);
    expect(() => encodeLpp([{ channel: 1, type: 'temperature', value: Number.NaN }])).toThrow(/NaN is out of range/);
    expect(() => encodeLpp([{ channel: 1, type: 'concentration', value: 1 }], { variant: 'ttn' })).toThrow(/not available/);
    expect(() => lppFieldsFromData({ bogus_1: 1 })).toThrow(/bogus_1/);
  });
});

describe('device encoder core', () => {
  it('rounds half away from zero on both signs', () => {
    expect([2.5, -2.5, 0.5, -0.5, 1.4999, -1.4999, 100.49999999999999].map(lppRound)).toEqual([3, -3, 1, -1, 1, -1, 101]);
  });

  it('returns error codes instead of writing', () => {
    const out = new Uint8Array(4);
    expect(lppPut(out, 1, 1, LPP_TEMPERATURE, [20])).toBe(LPP_ERR_ROOM);
    expect(lppPut(out, 0, 1, LPP_TEMPERATURE, [4000])).toBe(LPP_ERR_RANGE);
    expect(lppPut(out, 0, 1, LPP_TEMPERATURE, [1, 2])).toBe(LPP_ERR_ARITY);
    expect(lppPut(out, 0, -1, LPP_TEMPERATURE, [1])).toBe(LPP_ERR_CHANNEL);
    expect([...out]).toEqual([0, 0, 0, 0]);
    expect(lppEncodeReading([{ name: 't', channel: 1, t: LPP_TEMPERATURE, f: 1 }], {}, out)).toBe(LPP_ERR_ARITY);
  });
});

describe('schema readings as CayenneLPP', () => {
  const fields = [
    { name: 'temperature', lpp: { type: 'temperature' as const, channel: 1 } },
    { name: 'humidity', lpp: { type: 'humidity' as const, channel: 2 } },
    { name: 'battery', lpp: { type: 'analog_in' as const, channel: 3 } },
    { name: 'counter' }, // not mapped: not sent
  ];

  it('emits mapped fields in schema order, same bytes as the field encoder', () => {
    const reading = { temperature: 21.3, humidity: 55.5, battery: 3.012, counter: 40000 };
    const bytes = encodeSchemaReadingLpp(fields, reading);
    expect(hex(bytes)).toBe('016700d502686f0302012d');
    expect(decodeLpp(bytes).data).toEqual({ temperature_1: 21.3, humidity_2: 55.5, analog_in_3: 3.01 });
  });

  it('names the field when a value is missing or out of range', () => {
    expect(() => encodeSchemaReadingLpp(fields, { temperature: 1, humidity: 2 })).toThrow(/"battery"/);
    expect(() => encodeSchemaReadingLpp(fields, { temperature: 1, humidity: 200, battery: 1 })).toThrow(/humidity, channel 2/);
  });

  it('applies the unit factor of a mapping (battery mV sent as LPP volts)', () => {
    const f = [{ name: 'battery', lpp: { type: 'voltage', channel: 4, factor: 0.001 } }];
    expect(decodeLpp(encodeSchemaReadingLpp(f, { battery: 3012 })).data).toEqual({ voltage_4: 3.01 });
    expect(() => encodeSchemaReadingLpp([{ name: 'x', lpp: { type: 'nope', channel: 1 } }], { x: 1 })).toThrow(/"nope"/);
  });

  it('rejects two fields on the same type and channel', () => {
    expect(() => lppMappings([...fields, { name: 'other', lpp: { type: 'temperature', channel: 1 } }])).toThrow(/"other"/);
  });
});
