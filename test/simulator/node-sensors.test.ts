// A virtual node's sensors through its HAL: the HAL doubles as the I2C bus (each transfer
// touches the sensors first), and each app's sensors (one class instance per node) follow
// their signals at the firmware's last touch, as the plain twins set by hand do.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createClock } from '../../simulator/clock.ts';
import { createSerialPair } from '../../simulator/hardware/serial.ts';
import { createVirtualStorage } from '../../simulator/hardware/storage.ts';
import { AnalogPins, Bme280Twin, SoilProbeTwin } from '../../simulator/hardware/sensors/index.ts';
import { createVirtualHal } from '../../simulator/node/hal.ts';
import { VirtualI2cBus } from '../../simulator/hardware/i2c.ts';
import { createSensorHardware, type Signals } from '../../simulator/node/sensors.ts';

const PINS = { oneWire: 'D1', analog: 'A0', trig: 'D2', echo: 'D3', tilt: 'D4' };

function board(app: string, signals: Signals) {
  const clock = createClock();
  const timers = { now: () => clock.now(), setTimeout: (fn: () => void, ms: number) => clock.after(ms, fn) };
  const sensors = createSensorHardware(app, PINS, timers, signals);
  const hal = createVirtualHal({ clock, serial: createSerialPair(clock).device, sensors, storage: createVirtualStorage(), random: () => 1, onReboot: () => undefined });
  return { clock, hal, timers };
}

describe('virtual node sensors through the HAL', () => {
  it('a BME280 conversion through hal.i2c samples the signals at the transfer', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000 }), fc.integer({ min: 0, max: 5000 }), (t0, wait) => {
        const signals: Signals = { temperature: (t) => 10 + t / 1e6, humidity: (t) => 40 + t / 2e5, pressure: (t) => 990 + t / 1e6 };
        const { clock, hal, timers } = board('env-monitor', signals);
        clock.runUntil(t0);
        const i2c = hal.i2c!;
        i2c.writeTo(0x76, [0xf2, 0x01]);
        i2c.writeTo(0x76, [0xf4, (1 << 5) | (1 << 2) | 1]);
        clock.runUntil(t0 + 10 + wait);
        i2c.writeTo(0x76, [0xf7]);
        const raw = i2c.readFrom(0x76, 8);
        const twin = new Bme280Twin(timers);
        twin.setTemperature(signals.temperature!(t0));
        twin.setHumidity(signals.humidity!(t0));
        twin.setPressure(signals.pressure!(t0) * 100);
        const want = twin.rawValues(1, 1, 1);
        expect((raw[0]! << 12) | (raw[1]! << 4) | (raw[2]! >> 4)).toBe(want.adcP);
        expect((raw[3]! << 12) | (raw[4]! << 4) | (raw[5]! >> 4)).toBe(want.adcT);
        expect((raw[6]! << 8) | raw[7]!).toBe(want.adcH);
      }),
      { numRuns: 50 },
    );
  });

  it('an env-monitor has no 1-Wire bus, reads 0 on analog pins and no echo; its battery follows the signal', () => {
    const { clock, hal } = board('env-monitor', { battery: (t) => 3000 + t });
    expect(() => hal.oneWire('D1')).toThrow('no 1-Wire bus on D1');
    expect(hal.analogRead('A0')).toBe(0);
    expect(hal.digitalRead('D4')).toBe(false);
    let echo = 0;
    hal.pulseEcho('D2', 'D3', 10, 30, (us) => (echo = us));
    clock.runUntil(100);
    expect(echo).toBe(-1);
    expect(hal.batteryMv()).toBe(3100);
  });

  it('soil-moisture: the probe voltage follows the moisture at the read, the 1-Wire bus is on its pin only', () => {
    const { clock, hal } = board('soil-moisture', { moisture: (t) => (t / 100) % 100 });
    expect(() => hal.oneWire('D9')).toThrow('no 1-Wire bus on D9');
    expect(hal.oneWire('D1').reset()).toBe(true);
    for (const t of [0, 1234, 5678, 9999]) {
      clock.runUntil(t);
      const pins = new AnalogPins(3.3);
      new SoilProbeTwin(pins, 'A0', 0.82 * 3.3, 0.41 * 3.3).setMoisture((t / 100) % 100);
      expect(hal.analogRead('A0')).toBe(pins.analogRead('A0'));
    }
    expect(hal.analogRead('A1')).toBe(new AnalogPins(3.3).analogRead('A1'));
  });

  it('bin-level: the tilt switch follows its signal on its pin only', () => {
    const { clock, hal } = board('bin-level', { tilt: (t) => (t >= 1000 ? 1 : 0) });
    clock.runUntil(500);
    expect(hal.digitalRead('D4')).toBe(false);
    clock.runUntil(1500);
    expect(hal.digitalRead('D4')).toBe(true);
    expect(hal.digitalRead('D5')).toBe(false);
  });

  it("env-monitor's bus (the sensors object itself) acts as a VirtualI2cBus with the BME280 at 0x76", () => {
    // any address, bytes or not: the same bytes read back, the same errors (NACK off 0x76)
    const byte = fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(256, 300, -1, 1.5, 0xf4, 0xf2, 0xf7, 0xe0, 0xb6, 0x25));
    const op = fc.record({
      addr: fc.constantFrom(0x76, 0x76, 0x76, 0x77, 0, 0x7f, Number.NaN),
      write: fc.boolean(),
      data: fc.array(byte, { maxLength: 5 }),
      count: fc.integer({ min: 0, max: 9 }),
      wait: fc.integer({ min: 0, max: 20 }),
    });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), (ops) => {
        const { clock, hal, timers } = board('env-monitor', {});
        const ref = new VirtualI2cBus();
        const twin = new Bme280Twin(timers, 0x76);
        twin.setTemperature(18);
        twin.setHumidity(60);
        twin.setPressure(1013 * 100);
        ref.attach(0x76, twin);
        const run = (f: () => unknown): unknown => {
          try {
            const r = f();
            return r instanceof Uint8Array ? [...r] : r;
          } catch (e) {
            return `${(e as Error).name}: ${(e as Error).message}`;
          }
        };
        for (const o of ops) {
          clock.runUntil(clock.now() + o.wait);
          const got = run(() => (o.write ? hal.i2c!.writeTo(o.addr, o.data) : hal.i2c!.readFrom(o.addr, o.count)));
          const want = run(() => (o.write ? ref.writeTo(o.addr, o.data) : ref.readFrom(o.addr, o.count)));
          expect(got).toEqual(want);
        }
      }),
      { numRuns: 200 },
    );
  });
});
