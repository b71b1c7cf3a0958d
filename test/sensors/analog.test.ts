import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createBattery } from '../../firmware/sensors/battery.ts';
import { createSoilMoisture, soilPercent } from '../../firmware/sensors/soil.ts';
import { AnalogPins, BatteryTwin, SoilProbeTwin } from '../../simulator/hardware/sensors/analog.ts';
import { TestClock, readOnce } from './harness.ts';

const clock = new TestClock(); // analog reads are synchronous; the clock only drains nothing

function batterySetup(vref = 3.3) {
  const pins = new AnalogPins(vref);
  // 100k over 100k: ratio 2
  const twin = new BatteryTwin(pins, 'A5', 2);
  const hal = { analogRead: pins.analogRead, analogVRef: pins.analogVRef, batteryMv: () => undefined };
  return { pins, twin, sensor: createBattery(hal, 'A5', 2) };
}

describe('battery voltage', () => {
  it('reads the battery through the divider within one ADC step (below the rail at 0.995 of full scale)', () => {
    fc.assert(fc.property(fc.double({ min: 2500, max: 5800, noNaN: true }), fc.constantFrom(3.0, 3.3), (mv, vref) => {
      const { twin, sensor } = batterySetup(vref);
      twin.setMillivolts(mv);
      const step = (vref * 2 * 1000) / 4095; // one 12-bit step at the battery
      expect(Math.abs(readOnce(clock, sensor).value! - mv)).toBeLessThanOrEqual(step / 2 + 0.5);
    }));
  });

  it('worked example: 3.7 V over a 2:1 divider is 1.85 V, 0.5606 of 3.3 V, read back as 3700 mV +- 1 step', () => {
    const { pins, twin, sensor } = batterySetup();
    twin.setMillivolts(3700);
    expect(pins.analogRead('A5')).toBeCloseTo(1.85 / 3.3, 3);
    expect(Math.abs(readOnce(clock, sensor).value! - 3700)).toBeLessThanOrEqual(2);
  });

  it('uses hal.batteryMv when no pin is given', () => {
    const pins = new AnalogPins();
    const twin = new BatteryTwin(pins, 'A5', 2);
    twin.setMillivolts(3012.4);
    const hal = { analogRead: pins.analogRead, analogVRef: pins.analogVRef, batteryMv: twin.batteryMv };
    expect(readOnce(clock, createBattery(hal)).value).toBe(3012);
    expect(readOnce(clock, createBattery({ ...hal, batteryMv: () => undefined })).value).toBeUndefined();
    expect(readOnce(clock, createBattery({ ...hal, batteryMv: () => NaN })).value).toBeUndefined();
  });

  it.each(['absent', 'stuck', 'busError'] as const)('fault %s gives undefined without throwing', (fault) => {
    const { pins, sensor } = batterySetup();
    pins.setFault('A5', fault);
    expect(readOnce(clock, sensor).value).toBeUndefined();
  });
});

describe('capacitive soil moisture', () => {
  // a v1.2 probe on 3.3 V: about 2.8 V in dry air, 1.2 V in water
  function soilSetup() {
    const pins = new AnalogPins(3.3);
    const twin = new SoilProbeTwin(pins, 'A1', 2.8, 1.2);
    const sensor = createSoilMoisture({ analogRead: pins.analogRead }, 'A1', 2.8 / 3.3, 1.2 / 3.3);
    return { pins, twin, sensor };
  }

  it('reads the moisture back within one ADC step across 0..100 %', () => {
    const { twin, sensor } = soilSetup();
    const step = (100 * 3.3) / 4095 / (2.8 - 1.2); // % per ADC step
    fc.assert(fc.property(fc.double({ min: 0, max: 100, noNaN: true }), (p) => {
      twin.setMoisture(p);
      const v = readOnce(clock, sensor).value!;
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(100);
      expect(Math.abs(v - p)).toBeLessThanOrEqual(step / 2 + 1e-9);
    }));
  });

  it('two-point calibration: midpoint is 50 %, beyond the points clamps to 0 and 100', () => {
    expect(soilPercent(0.5, 0.8, 0.2)).toBeCloseTo(50, 9);
    expect(soilPercent(0.9, 0.8, 0.2)).toBe(0);
    expect(soilPercent(0.1, 0.8, 0.2)).toBe(100);
    expect(soilPercent(0.5, 0.5, 0.5)).toBeUndefined(); // no calibration span
    expect(soilPercent(NaN, 0.8, 0.2)).toBeUndefined();
  });

  it.each(['absent', 'stuck', 'busError'] as const)('fault %s gives undefined without throwing', (fault) => {
    const { pins, sensor } = soilSetup();
    pins.setFault('A1', fault);
    expect(readOnce(clock, sensor).value).toBeUndefined();
  });
});
