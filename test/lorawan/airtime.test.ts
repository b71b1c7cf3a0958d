import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import vectors from '../vectors/airtime.json' with { type: 'json' };
import {
  fskTimeOnAir,
  loraLdroAuto,
  loraPayloadSymbols,
  loraTimeOnAir,
  phyPayloadBytes,
} from '../../firmware/lorawan/airtime.ts';

interface LoraCase {
  sf: number; bwKhz: number; cr: number; preamble: number; explicitHeader: boolean; crc: boolean;
  ldro: boolean; bytes: number; ms: number; tol: number; source: string;
}

const lora = vectors.lora as LoraCase[];

describe('LoRa time on air against independent vectors', () => {
  it.each(lora.map((c, i) => [i, c] as const))('#%i', (_i, c) => {
    const got = loraTimeOnAir(c.bytes, {
      sf: c.sf, bwKhz: c.bwKhz, cr: c.cr, preamble: c.preamble, explicitHeader: c.explicitHeader, crc: c.crc, ldro: c.ldro,
    });
    expect(Math.abs(got - c.ms)).toBeLessThanOrEqual(c.tol);
  });

  it('the table covers what the issue asks for', () => {
    const has = (f: (c: LoraCase) => boolean) => lora.some(f);
    for (let sf = 7; sf <= 12; sf++) expect(has((c) => c.sf === sf && c.bwKhz === 125)).toBe(true);
    for (const bw of [250, 500]) for (const sf of [7, 8]) expect(has((c) => c.sf === sf && c.bwKhz === bw)).toBe(true);
    expect(has((c) => !c.crc) && has((c) => c.crc)).toBe(true);
    expect(has((c) => c.ldro) && has((c) => !c.ldro)).toBe(true);
    expect(new Set(lora.map((c) => c.bytes)).size).toBeGreaterThan(10);
    for (const c of lora) expect(Object.keys(vectors.sources)).toContain(c.source);
  });

  it('reproduces the two worked examples of the issue with LoRaWAN defaults', () => {
    expect(loraTimeOnAir(23, { sf: 7, bwKhz: 125 }).toFixed(2)).toBe('61.70');
    expect(loraTimeOnAir(23, { sf: 12, bwKhz: 125 }).toFixed(2)).toBe('1482.75');
  });
});

describe('FSK time on air', () => {
  it.each(vectors.fsk.map((c, i) => [i, c] as const))('#%i', (_i, c) => {
    expect(Math.abs(fskTimeOnAir(c.bytes, c.kbps) - c.ms)).toBeLessThanOrEqual(c.tol);
  });
});

describe('rules', () => {
  it('turns LDRO on automatically only when a symbol lasts 16 ms or more', () => {
    expect(loraLdroAuto(11, 125)).toBe(true);
    expect(loraLdroAuto(12, 125)).toBe(true);
    expect(loraLdroAuto(10, 125)).toBe(false);
    expect(loraLdroAuto(12, 250)).toBe(true);
    expect(loraLdroAuto(11, 250)).toBe(false);
    expect(loraLdroAuto(12, 500)).toBe(false);
  });

  it('returns -1, never NaN, for invalid settings', () => {
    const bad: Array<[number, Parameters<typeof loraTimeOnAir>[1]]> = [
      [10, { sf: 5, bwKhz: 125 }], [10, { sf: 13, bwKhz: 125 }], [10, { sf: 7.5, bwKhz: 125 }],
      [10, { sf: 7, bwKhz: 0 }], [10, { sf: 7, bwKhz: NaN }], [10, { sf: 7, bwKhz: 125, cr: 5 }],
      [10, { sf: 7, bwKhz: 125, preamble: -1 }], [-1, { sf: 7, bwKhz: 125 }], [256, { sf: 7, bwKhz: 125 }],
      [1.5, { sf: 7, bwKhz: 125 }], [NaN, { sf: 7, bwKhz: 125 }],
    ];
    for (const [b, p] of bad) expect(loraTimeOnAir(b, p)).toBe(-1);
    expect(fskTimeOnAir(-1, 50)).toBe(-1);
    expect(fskTimeOnAir(10, 0)).toBe(-1);
  });

  it('is monotone in payload length and spreading factor, symbols come in blocks of 4+CR', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 7, max: 11 }), fc.constantFrom(125, 250, 500), fc.integer({ min: 0, max: 254 }),
        fc.integer({ min: 1, max: 4 }), fc.boolean(), fc.boolean(),
        (sf, bw, n, cr, crc, eh) => {
          const p = { sf, bwKhz: bw, cr, crc, explicitHeader: eh, ldro: false };
          const a = loraTimeOnAir(n, p);
          expect(loraTimeOnAir(n + 1, p)).toBeGreaterThanOrEqual(a);
          expect(loraTimeOnAir(n, { ...p, sf: sf + 1 })).toBeGreaterThan(a);
          expect((loraPayloadSymbols(n, p) - 8) % (cr + 4)).toBe(0);
        },
      ),
    );
  });

  it('counts LoRaWAN frame overhead: 13 bytes with FRMPayload, 12 without FPort', () => {
    expect(phyPayloadBytes(10, 0)).toBe(23);
    expect(phyPayloadBytes(10, 3)).toBe(26);
    expect(phyPayloadBytes(0, 2)).toBe(14);
  });
});
