import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  bme280Convert, bme280Humidity, bme280ParseCalibration, bme280Pressure, bme280TFine, createBme280,
} from '../../firmware/sensors/bme280.ts';
import { VirtualI2cBus } from '../../simulator/hardware/i2c.ts';
import {
  BME280_EXAMPLE_CALIBRATION, Bme280Twin, bme280DoubleH, bme280DoubleP, bme280DoubleT, invert,
} from '../../simulator/hardware/sensors/bme280.ts';
import { TestClock, readOnce } from './harness.ts';

function setup(addr = 0x76) {
  const clock = new TestClock();
  const bus = new VirtualI2cBus();
  const twin = new Bme280Twin(clock, addr);
  bus.attach(addr, twin);
  const sensor = createBme280({ i2c: bus, setTimeout: clock.setTimeout }, addr);
  return { clock, bus, twin, sensor };
}

describe('BME280 compensation against the datasheet', () => {
  // BMP280 datasheet §3.12 computation example (the BME280 uses the same T and P formulas):
  // adc_T = 519888 -> t_fine = 128422, T = 25.08 degC; adc_P = 415148 -> P = 100653.27 Pa.
  const c = BME280_EXAMPLE_CALIBRATION;
  it('temperature: t_fine 128422 and 25.08 degC', () => {
    const tFine = bme280TFine(519888, c);
    expect(tFine).toBe(128422);
    expect((tFine * 5 + 128) >> 8).toBe(2508);
  });
  it('pressure (32-bit formula of §8.2): within its ~3 Pa of 100653.27 Pa', () => {
    const p = bme280Pressure(415148, 128422, c);
    expect(Math.abs(p - 100653.27)).toBeLessThanOrEqual(3);
  });
  // Reference outputs of the datasheet's own C code (§4.2.3 / §8.2) compiled with gcc -fwrapv
  // on this calibration set: [adc_T, adc_P, t_fine, P (Pa)] and [adc_T, adc_H, t_fine, H (Q22.10)].
  const cPressure = [
    [519888, 415148, 128422, 100656], [300000, 600000, -227131, 62021], [700000, 200000, 415464, 150232],
    [400000, 300000, -64736, 113636], [600000, 500000, 256562, 89316],
  ];
  const cHumidity = [
    [519888, 30000, 128422, 56317], [519888, 27000, 128422, 39190], [400000, 25000, -64736, 28496],
    [600000, 32000, 256562, 69104], [350000, 24000, -145789, 23595], [650000, 33000, 336158, 76030],
    [450000, 29000, 16025, 50016], [519888, 20000, 128422, 0], [600000, 40000, 256562, 102400],
  ];
  it.each(cPressure)('matches the datasheet C code bit for bit: adc_T %i, adc_P %i', (adcT, adcP, tFine, p) => {
    expect(bme280TFine(adcT, c)).toBe(tFine);
    expect(bme280Pressure(adcP, tFine, c)).toBe(p);
  });
  it.each(cHumidity)('matches the datasheet C code bit for bit: adc_T %i, adc_H %i', (adcT, adcH, tFine, h) => {
    expect(bme280TFine(adcT, c)).toBe(tFine);
    expect(bme280Humidity(adcH, tFine, c)).toBe(h);
  });
  it('humidity: integer formula agrees with the datasheet double formula', () => {
    // no worked example for humidity in the datasheet: compare §4.2.3 (integer) with §8.1 (double)
    fc.assert(fc.property(fc.integer({ min: 15000, max: 45000 }), fc.integer({ min: 350000, max: 600000 }), (adcH, adcT) => {
      const tFine = bme280TFine(adcT, c);
      const intH = bme280Humidity(adcH, tFine, c) / 1024;
      expect(Math.abs(intH - bme280DoubleH(adcH, tFine, c))).toBeLessThan(0.02);
    }));
  });
  it('calibration bytes parse back to the trimming values (H4/H5 nibble packing, signed values)', () => {
    const twin = new Bme280Twin(new TestClock());
    const parsed = bme280ParseCalibration(twin.regs.subarray(0x88, 0x88 + 26), twin.regs.subarray(0xe1, 0xe8));
    expect(parsed).toEqual(c);
    const neg = new Bme280Twin(new TestClock(), 0x76, { ...c, H4: -300, H5: -5, H6: -7, T3: -1 });
    const p2 = bme280ParseCalibration(neg.regs.subarray(0x88, 0x88 + 26), neg.regs.subarray(0xe1, 0xe8));
    expect([p2.H4, p2.H5, p2.H6, p2.T3]).toEqual([-300, -5, -7, -1]);
  });
  it('reset values of the data registers mean no measurement', () => {
    const d = new Uint8Array([0x80, 0, 0, 0x80, 0, 0, 0x80, 0]);
    expect(bme280Convert(d, c)).toBeUndefined();
  });
  it('the twin raw values follow the datasheet example (inverse of the example)', () => {
    const twin = new Bme280Twin(new TestClock());
    twin.setTemperature(bme280DoubleT(519888, c).t);
    expect(Math.abs(twin.rawValues(5, 5, 1).adcT - 519888)).toBeLessThanOrEqual(1);
  });
});

describe('BME280 twin: raw values from a guessed start', () => {
  const c = BME280_EXAMPLE_CALIBRATION;
  /** The plain bisection over the whole range the twin used before it had closed-form guesses. */
  function bisect(f: (r: number) => number, target: number, max: number, step: number, increasing: boolean): number {
    let lo = 0;
    let hi = Math.floor(max / step);
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const v = f(mid * step);
      if (increasing ? v < target : v > target) lo = mid + 1;
      else hi = mid;
    }
    const a = lo * step;
    const b = Math.max(0, lo - 1) * step;
    return Math.abs(f(a) - target) <= Math.abs(f(b) - target) ? a : b;
  }
  it('gives what a whole-range bisection gives, whatever the guess (good, far off, out of range, NaN)', () => {
    fc.assert(fc.property(
      fc.double({ min: -45, max: 90, noNaN: true }),
      fc.double({ min: 25000, max: 115000, noNaN: true }),
      fc.double({ min: -5, max: 105, noNaN: true }),
      fc.oneof(fc.constant(NaN), fc.constant(-1), fc.constant(2e6), fc.integer({ min: 0, max: 0xfffff })),
      fc.constantFrom(1, 2, 16),
      (t, p, h, badGuess, step) => {
        const fT = (r: number) => bme280DoubleT(r, c).t;
        const twin = new Bme280Twin(new TestClock());
        twin.setTemperature(t);
        twin.setPressure(p);
        twin.setHumidity(h);
        const raw = twin.rawValues(step === 16 ? 1 : step === 2 ? 4 : 5, 1, 1);
        const adcT = bisect(fT, t, 0xfffff, step, true);
        expect(raw.adcT).toBe(adcT);
        expect(invert(fT, t, 0xfffff, step, true, badGuess)).toBe(adcT);
        const tFine = bme280DoubleT(adcT, c).tFine;
        const fP = (r: number) => bme280DoubleP(r, tFine, c);
        const fH = (r: number) => bme280DoubleH(r, tFine, c);
        expect(raw.adcP).toBe(bisect(fP, p, 0xfffff, 16, false));
        expect(invert(fP, p, 0xfffff, 16, false, badGuess)).toBe(raw.adcP);
        expect(raw.adcH).toBe(bisect(fH, h, 0xffff, 1, true));
        expect(invert(fH, h, 0xffff, 1, true, badGuess % 0x10000)).toBe(raw.adcH);
      },
    ), { numRuns: 500 });
  });
});

describe('BME280 driver against its register-level twin', () => {
  it('reads the physical values back within resolution across the operating range', () => {
    const { clock, twin, sensor } = setup();
    fc.assert(fc.property(
      fc.double({ min: -40, max: 85, noNaN: true }),
      fc.double({ min: 30000, max: 110000, noNaN: true }),
      fc.double({ min: 0, max: 100, noNaN: true }),
      (t, p, h) => {
        twin.setTemperature(t);
        twin.setPressure(p);
        twin.setHumidity(h);
        const r = readOnce(clock, sensor).value;
        expect(r).toBeDefined();
        // x1 oversampling: T 0.005 degC steps + 0.01 output rounding. P: 2.6 Pa steps, and the 32-bit
        // formula (§8.2) departs from the double one by up to 6.2 Pa on this calibration (scanned
        // over the operating range); far below the chip's +-100 Pa absolute accuracy
        expect(Math.abs(r!.temperature - t)).toBeLessThanOrEqual(0.02);
        expect(Math.abs(r!.pressure - p)).toBeLessThanOrEqual(8);
        expect(Math.abs(r!.humidity - h)).toBeLessThanOrEqual(0.05);
      },
    ), { numRuns: 200 });
  });

  it('waits for the conversion (forced mode) instead of reading stale registers', () => {
    const { clock, twin, sensor } = setup();
    twin.setTemperature(12.5);
    const first = readOnce(clock, sensor);
    expect(first.value!.temperature).toBeCloseTo(12.5, 1);
    expect(first.elapsedMs).toBeGreaterThanOrEqual(9.3);
    twin.setTemperature(30);
    expect(readOnce(clock, sensor).value!.temperature).toBeCloseTo(30, 1);
    expect(twin.conversions).toBe(2);
  });

  it('uses the address it is given (0x77)', () => {
    const { clock, sensor } = setup(0x77);
    expect(readOnce(clock, sensor).value).toBeDefined();
  });

  it.each(['absent', 'busError', 'stuck'] as const)('fault %s gives undefined without throwing', (fault) => {
    const { clock, twin, sensor } = setup();
    twin.fault = fault;
    expect(readOnce(clock, sensor).value).toBeUndefined();
    twin.fault = 'none';
    expect(readOnce(clock, sensor).value).toBeDefined(); // recovers once the fault is gone
  });

  it('a fault after a good read (calibration cached) still gives undefined', () => {
    const { clock, twin, sensor } = setup();
    expect(readOnce(clock, sensor).value).toBeDefined();
    twin.fault = 'busError';
    expect(readOnce(clock, sensor).value).toBeUndefined();
  });

  it('rejects a different chip id (BMP280 0x58)', () => {
    const { clock, twin, sensor } = setup();
    twin.chipId = 0x58;
    expect(readOnce(clock, sensor).value).toBeUndefined();
  });

  it('a chip reset between reads (ctrl_hum lost) still reads humidity', () => {
    const { clock, bus, twin, sensor } = setup();
    expect(readOnce(clock, sensor).value).toBeDefined();
    bus.writeTo(0x76, [0xe0, 0xb6]);
    twin.setHumidity(61);
    expect(readOnce(clock, sensor).value!.humidity).toBeCloseTo(61, 1);
  });

  it('no I2C bus on the board gives undefined', () => {
    const clock = new TestClock();
    expect(readOnce(clock, createBme280({ setTimeout: clock.setTimeout })).value).toBeUndefined();
  });
});
