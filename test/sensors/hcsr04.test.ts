import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { HCSR04_MAX_MM, HCSR04_MIN_MM, createHcSr04, echoToMm, speedOfSound } from '../../firmware/sensors/hcsr04.ts';
import { HcSr04Twin } from '../../simulator/hardware/sensors/hcsr04.ts';
import { TestClock, readOnce } from './harness.ts';

function setup() {
  const clock = new TestClock();
  const twin = new HcSr04Twin(clock, 'B4', 'B5');
  const sensor = createHcSr04({ pulseEcho: twin.pulseEcho }, 'B4', 'B5');
  return { clock, twin, sensor };
}

describe('HC-SR04 against its datasheet', () => {
  it('"uS / 58 = centimeters" (datasheet rule of thumb, room temperature)', () => {
    expect(Math.abs(echoToMm(5800, 20) - 1000)).toBeLessThan(10); // within 1 %
  });
  it('speed of sound: 331.3 m/s at 0 degC, about 343.2 m/s at 20 degC', () => {
    expect(speedOfSound(0)).toBeCloseTo(331.3, 9);
    expect(speedOfSound(20)).toBeCloseTo(343.2, 1);
  });
});

describe('HC-SR04 driver against its twin', () => {
  it('reads the distance back within 1 mm across 2..400 cm and -20..50 degC', () => {
    const { clock, twin, sensor } = setup();
    fc.assert(fc.property(
      fc.double({ min: HCSR04_MIN_MM + 1, max: HCSR04_MAX_MM - 1, noNaN: true }),
      fc.double({ min: -20, max: 50, noNaN: true }),
      (d, t) => {
        twin.setDistance(d);
        twin.setAirTemperature(t);
        sensor.setAirTemperature(t);
        const r = readOnce(clock, sensor);
        // 1 us of echo timing is 0.17 mm
        expect(Math.abs(r.value! - d)).toBeLessThanOrEqual(1);
      },
    ), { numRuns: 300 });
  });

  it('without temperature compensation a cold day reads long (the compensation matters)', () => {
    const { clock, twin, sensor } = setup();
    twin.setDistance(3000);
    twin.setAirTemperature(-20);
    const raw = readOnce(clock, sensor).value!; // assumes 20 degC
    expect(raw - 3000).toBeGreaterThan(150);
    sensor.setAirTemperature(-20);
    expect(Math.abs(readOnce(clock, sensor).value! - 3000)).toBeLessThanOrEqual(1);
  });

  it('out of range (too far: 38 ms no-echo pulse; too close) gives undefined', () => {
    const { clock, twin, sensor } = setup();
    twin.setDistance(5000);
    expect(readOnce(clock, sensor).value).toBeUndefined();
    twin.setDistance(10);
    expect(readOnce(clock, sensor).value).toBeUndefined();
  });

  it.each(['absent', 'stuck'] as const)('fault %s gives undefined within the timeout', (fault) => {
    const { clock, twin, sensor } = setup();
    twin.fault = fault;
    const r = readOnce(clock, sensor);
    expect(r.value).toBeUndefined();
    expect(r.elapsedMs).toBeLessThanOrEqual(30);
    twin.fault = 'none';
    expect(readOnce(clock, sensor).value).toBeCloseTo(1000, 0);
  });

  it('miswired pins give undefined (no echo)', () => {
    const clock = new TestClock();
    const twin = new HcSr04Twin(clock, 'B4', 'B5');
    expect(readOnce(clock, createHcSr04({ pulseEcho: twin.pulseEcho }, 'B5', 'B4')).value).toBeUndefined();
    expect(twin.triggers).toBe(0);
  });
});
