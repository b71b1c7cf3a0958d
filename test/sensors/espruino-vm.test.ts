// The drivers, bundled as for the board, run inside the Espruino-like vm context
// (built-ins Espruino lacks are deleted there) and read their twins correctly.
import { describe, expect, it } from 'vitest';
import { build } from 'esbuild';
import { createClock } from '../../simulator/clock.ts';
import { createEspruinoContext, runBundle } from '../../simulator/device/espruino-context.ts';
import { VirtualI2cBus } from '../../simulator/hardware/i2c.ts';
import { VirtualOneWireBus } from '../../simulator/hardware/onewire.ts';
import {
  AnalogPins, BatteryTwin, Bme280Twin, Ds18b20Twin, HcSr04Twin, Sht4xTwin, SoilProbeTwin, Vl53l0xTwin,
} from '../../simulator/hardware/sensors/index.ts';
import type { Sensor } from '../../firmware/sensors/types.ts';
import type { Hal } from '../../firmware/hal.ts';
import { TestClock, readOnce } from './harness.ts';

type Factories = Record<string, (hal: Partial<Hal>, ...args: unknown[]) => Sensor<unknown>>;

async function loadInVm(): Promise<Factories> {
  const names = ['bme280', 'sht4x', 'ds18b20', 'vl53l0x', 'hcsr04', 'battery', 'soil'];
  const contents = names.map((n) => `export * from './firmware/sensors/${n}.ts';`).join('\n');
  const out = await build({
    stdin: { contents, resolveDir: process.cwd(), loader: 'ts' },
    bundle: true, format: 'iife', globalName: '__drivers', write: false,
  });
  let factories: Factories | undefined;
  const ctx = createEspruinoContext({
    clock: createClock(0), log: () => undefined, chip: 'stm32',
    globals: { __take: (f: Factories) => { factories = f; } },
  });
  runBundle(ctx, `${out.outputFiles[0]!.text}\n__take(__drivers);`, 'sensors.js');
  return factories!;
}

describe('drivers inside the Espruino-like vm', () => {
  it('every driver reads its twin', async () => {
    const f = await loadInVm();
    const clock = new TestClock();
    const i2c = new VirtualI2cBus();
    const bme = new Bme280Twin(clock);
    const sht = new Sht4xTwin(clock);
    const tof = new Vl53l0xTwin(clock);
    i2c.attach(0x76, bme);
    i2c.attach(0x44, sht);
    i2c.attach(0x29, tof);
    const ow = new VirtualOneWireBus();
    const ds = new Ds18b20Twin(clock);
    ow.attach(ds);
    const sonar = new HcSr04Twin(clock, 'B4', 'B5');
    const pins = new AnalogPins();
    const batt = new BatteryTwin(pins, 'A5', 2);
    const soil = new SoilProbeTwin(pins, 'A1', 2.8, 1.2);
    const hal: Partial<Hal> = {
      i2c, setTimeout: clock.setTimeout, oneWire: () => ow, pulseEcho: sonar.pulseEcho,
      analogRead: pins.analogRead, analogVRef: pins.analogVRef, batteryMv: () => undefined,
    };
    bme.setTemperature(-12.34); bme.setPressure(98765); bme.setHumidity(77.7);
    sht.setTemperature(31.2); sht.setHumidity(12.5);
    tof.setDistance(1234);
    ds.setTemperature(4.5);
    sonar.setDistance(2500);
    batt.setMillivolts(3600);
    soil.setMoisture(40);

    const b = readOnce(clock, f.createBme280!(hal)).value as { temperature: number; pressure: number; humidity: number };
    expect(b.temperature).toBeCloseTo(-12.34, 1);
    expect(Math.abs(b.pressure - 98765)).toBeLessThanOrEqual(8);
    expect(b.humidity).toBeCloseTo(77.7, 1);
    const s = readOnce(clock, f.createSht4x!(hal)).value as { temperature: number; humidity: number };
    expect(s.temperature).toBeCloseTo(31.2, 2);
    expect(s.humidity).toBeCloseTo(12.5, 2);
    expect(readOnce(clock, f.createVl53l0x!(hal)).value).toBe(1234);
    expect(readOnce(clock, f.createDs18b20!(hal, 'B3')).value).toBe(4.5);
    expect(Math.abs((readOnce(clock, f.createHcSr04!(hal, 'B4', 'B5')).value as number) - 2500)).toBeLessThanOrEqual(1);
    expect(Math.abs((readOnce(clock, f.createBattery!(hal, 'A5', 2)).value as number) - 3600)).toBeLessThanOrEqual(2);
    expect(Math.abs((readOnce(clock, f.createSoilMoisture!(hal, 'A1', 2.8 / 3.3, 1.2 / 3.3)).value as number) - 40)).toBeLessThanOrEqual(0.1);
  });
});
