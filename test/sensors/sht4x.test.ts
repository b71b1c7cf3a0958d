import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createSht4x, sht4xConvert, sht4xCrc8 } from '../../firmware/sensors/sht4x.ts';
import { VirtualI2cBus } from '../../simulator/hardware/i2c.ts';
import { Sht4xTwin } from '../../simulator/hardware/sensors/sht4x.ts';
import { TestClock, readOnce } from './harness.ts';

function setup() {
  const clock = new TestClock();
  const bus = new VirtualI2cBus();
  const twin = new Sht4xTwin(clock);
  bus.attach(0x44, twin);
  const sensor = createSht4x({ i2c: bus, setTimeout: clock.setTimeout });
  return { clock, bus, twin, sensor };
}

describe('SHT4x against the datasheet', () => {
  it('CRC-8 example: CRC(0xBEEF) = 0x92', () => {
    expect(sht4xCrc8([0xbe, 0xef], 0)).toBe(0x92);
  });
  it('conversion formulas at the ends of the scale', () => {
    // S_T = 0 -> -45 degC (outside the -40..125 spec: rejected); S_T = 0xFFFF -> 130 degC (rejected)
    const frame = (st: number, srh: number) => {
      const a = [st >> 8, st & 0xff, 0, srh >> 8, srh & 0xff, 0];
      a[2] = sht4xCrc8(a, 0);
      a[5] = sht4xCrc8(a, 3);
      return Uint8Array.from(a);
    };
    expect(sht4xConvert(frame(0, 0x8000))).toBeUndefined();
    expect(sht4xConvert(frame(0xffff, 0x8000))).toBeUndefined();
    // S_T = 0x6666 (26214): -45 + 175 * 26214 / 65535 = 24.9993 degC; S_RH = 0: -6 % cropped to 0
    const r = sht4xConvert(frame(0x6666, 0))!;
    expect(r.temperature).toBeCloseTo(-45 + (175 * 26214) / 65535, 9);
    expect(r.humidity).toBe(0);
    // S_RH = 0xFFFF: 119 % cropped to 100
    expect(sht4xConvert(frame(0x6666, 0xffff))!.humidity).toBe(100);
  });
});

describe('SHT4x driver against its twin', () => {
  it('reads temperature and humidity back within resolution across the range', () => {
    const { clock, twin, sensor } = setup();
    fc.assert(fc.property(fc.double({ min: -40, max: 125, noNaN: true }), fc.double({ min: 0, max: 100, noNaN: true }), (t, h) => {
      twin.setTemperature(t);
      twin.setHumidity(h);
      const r = readOnce(clock, sensor).value;
      expect(r).toBeDefined();
      // one LSB: 175/65535 = 0.0027 degC, 125/65535 = 0.0019 %RH
      expect(Math.abs(r!.temperature - t)).toBeLessThanOrEqual(0.0027);
      expect(Math.abs(r!.humidity - h)).toBeLessThanOrEqual(0.0019);
    }), { numRuns: 300 });
  });

  it('waits out the 8.3 ms high-precision measurement', () => {
    const { clock, sensor } = setup();
    expect(readOnce(clock, sensor).elapsedMs).toBeGreaterThanOrEqual(8.3);
  });

  it.each(['absent', 'busError', 'badCrc', 'stuck'] as const)('fault %s gives undefined without throwing', (fault) => {
    const { clock, twin, sensor } = setup();
    twin.fault = fault;
    expect(readOnce(clock, sensor).value).toBeUndefined();
    twin.fault = 'none';
    expect(readOnce(clock, sensor).value).toBeDefined();
  });

  it('a device missing from the bus (other address) gives undefined', () => {
    const clock = new TestClock();
    const bus = new VirtualI2cBus();
    bus.attach(0x45, new Sht4xTwin(clock, 0x45));
    expect(readOnce(clock, createSht4x({ i2c: bus, setTimeout: clock.setTimeout })).value).toBeUndefined();
    expect(readOnce(clock, createSht4x({ i2c: bus, setTimeout: clock.setTimeout }, 0x45)).value).toBeDefined();
  });
});
