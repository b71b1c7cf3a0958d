// Property tests: the firmware's per-uplink fast paths against the simple code they replaced
// (reference copies in fw-fast-paths.ref.ts). Exact equality, since the simulator's outputs
// are compared byte for byte.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createAirtimeWindow } from '../../firmware/lorawan/window.ts';
import { packSample, samplePayload, sampleValid, unpackSample } from '../../firmware/core/samples.ts';
import { toHex } from '../../firmware/radio/hex.ts';
import { encodeUplink, encodeUplinkAfter } from '../../codecs/device/encoder.ts';
import type { CUplink, Readings } from '../../codecs/device/types.ts';
import { refAirtimeWindow, refEncodeUplink, refPackSample, refToHex, refUnpackSample } from './fw-fast-paths.ref.ts';

describe('airtime window (interleaved ring, growing room) matches the three-array reference', () => {
  const op = fc.record({
    gap: fc.oneof(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 0, max: 900000 }), fc.double({ min: 0, max: 5000, noNaN: true })),
    a: fc.oneof(fc.double({ min: 1, max: 3000, noNaN: true }), fc.constantFrom(56.6, 61.696, 0, -1)),
    budget: fc.oneof(fc.constant(Infinity), fc.double({ min: 0, max: 40000, noNaN: true })),
    back: fc.integer({ min: 0, max: 4 }),
  });
  it('every answer is identical, ring full or not', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), fc.constantFrom(3_600_000, 86_400_000, 60_000), fc.array(op, { minLength: 1, maxLength: 300 }), (capacity, windowMs, ops) => {
        const a = createAirtimeWindow(capacity, windowMs);
        const b = refAirtimeWindow(capacity, windowMs);
        let t = 0;
        for (const o of ops) {
          t += o.gap;
          const q = t - o.back * 100;
          expect(a.earliest(q, o.a, o.budget)).toBe(b.earliest(q, o.a, o.budget));
          a.record(q, o.a);
          b.record(q, o.a);
          expect(a.size()).toBe(b.size());
          expect(a.lastEnd()).toBe(b.lastEnd());
          expect(a.usedSince(t - windowMs / 2)).toBe(b.usedSince(t - windowMs / 2));
          expect(a.usedSince(t - windowMs)).toBe(b.usedSince(t - windowMs));
        }
      }),
      { numRuns: 400 },
    );
  });
  it('a fair-use ring full for days: identical answers', () => {
    const a = createAirtimeWindow(48, 86_400_000);
    const b = refAirtimeWindow(48, 86_400_000);
    let t = 0;
    for (let i = 0; i < 5000; i++) {
      t += 600_000 + ((i * 7919) % 600_000);
      const air = 40 + ((i * 31) % 200) / 3;
      expect(a.earliest(t, air, 30000)).toBe(b.earliest(t, air, 30000));
      a.record(t, air);
      b.record(t, air);
      expect(a.usedSince(t - 86_400_000)).toBe(b.usedSince(t - 86_400_000));
    }
  });
});

// a payload with every field kind: sentinel and presence-bit numbers, enum, boolean, bytes
const UP: CUplink = {
  v: 1,
  port: 2,
  bport: 3,
  f: [
    { n: 'temperature', t: 0, b: 11, lo: -400, st: 1, dv: 10, mx: 1250, m: 0 },
    { n: 'humidity', t: 0, b: 10, lo: 0, st: 1, dv: 10, mx: 1000, m: 1 },
    { n: 'mode', t: 1, b: 2, lo: 0, st: 1, dv: 1, mx: 2, m: 1, e: ['off', 'low', 'high'] },
    { n: 'door', t: 2, b: 1, lo: 0, st: 1, dv: 1, mx: 1, m: 0 },
    { n: 'tag', t: 3, b: 16, lo: 0, st: 1, dv: 1, mx: 0, m: 1 },
    { n: 'mv', t: 0, b: 13, lo: 0, st: 1, dv: 1, mx: 8191, m: 0 },
  ],
};
const readingsArb = fc.record(
  {
    temperature: fc.oneof(fc.double({ min: -60, max: 150, noNaN: true }), fc.constant(undefined)),
    humidity: fc.oneof(fc.double({ min: -5, max: 105, noNaN: true }), fc.constant(undefined)),
    mode: fc.constantFrom('off', 'low', 'high', 'x', 1, undefined),
    door: fc.constantFrom(true, false, 0, 1, undefined),
    tag: fc.oneof(fc.constantFrom('beef', '00ff', 'zz', undefined), fc.uint8Array({ minLength: 2, maxLength: 2 })),
    mv: fc.integer({ min: -10, max: 9000 }),
  },
  { requiredKeys: [] },
);

describe('queued samples: fast paths match the replaced code', () => {
  it('packSample, unpackSample, sampleValid and samplePayload on real samples', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 5e9, noNaN: true }), readingsArb, (tS, r) => {
        const a = packSample(UP, tS, r as Readings);
        expect(Array.from(a)).toEqual(Array.from(refPackSample(UP, tS, r as Readings)));
        expect(unpackSample(UP, a)).toEqual(refUnpackSample(UP, a));
        expect(sampleValid(UP, a)).toBe(refUnpackSample(UP, a) !== null);
        expect(Array.from(samplePayload(a))).toEqual(Array.from(a.subarray(4)));
        expect(Array.from(encodeUplinkAfter(UP, r as Readings, 0))).toEqual(Array.from(encodeUplink(UP, r as Readings)));
        // sized first, written in place: the same bytes as the list that grew by push
        expect(Array.from(encodeUplink(UP, r as Readings))).toEqual(Array.from(refEncodeUplink(UP, r as Readings)));
        expect(Array.from(encodeUplinkAfter(UP, r as Readings, 3).subarray(3))).toEqual(Array.from(refEncodeUplink(UP, r as Readings)));
      }),
      { numRuns: 500 },
    );
  });
  it('unpackSample and sampleValid on arbitrary (corrupt, short, long) bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 16 }), (b) => {
        const ref = refUnpackSample(UP, b);
        expect(unpackSample(UP, b)).toEqual(ref);
        expect(sampleValid(UP, b)).toBe(ref !== null);
      }),
      { numRuns: 2000 },
    );
  });
  it('toHex gives the same upper-case hex', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 64 }), (b) => {
        expect(toHex(b)).toBe(refToHex(b));
        // from an offset: the hex of the bytes after it (a queued sample past its time bytes)
        for (let from = 0; from <= b.length; from++) expect(toHex(b, from)).toBe(refToHex(b.subarray(from)));
      }),
    );
  });
});
