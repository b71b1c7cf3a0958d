import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createDs18b20, dallasCrc8, ds18b20Convert } from '../../firmware/sensors/ds18b20.ts';
import type { OneWireBus } from '../../firmware/hal.ts';
import { VirtualOneWireBus } from '../../simulator/hardware/onewire.ts';
import { Ds18b20Twin } from '../../simulator/hardware/sensors/ds18b20.ts';
import { TestClock, readOnce } from './harness.ts';

function setup(parasite = false) {
  const clock = new TestClock();
  const bus = new VirtualOneWireBus();
  const twin = new Ds18b20Twin(clock, 0x1234, parasite);
  bus.attach(twin);
  const hal = { oneWire: (pin: string): OneWireBus => { expect(pin).toBe('B3'); return bus; }, setTimeout: clock.setTimeout };
  return { clock, bus, twin, hal, sensor: createDs18b20(hal, 'B3') };
}

/** A scratchpad with this temperature register and a correct CRC (config 0x7F, 12 bit). */
function pad(raw: number, config = 0x7f): Uint8Array {
  const d = [raw & 0xff, (raw >> 8) & 0xff, 0x4b, 0x46, config, 0xff, 0x0c, 0x10, 0];
  d[8] = dallasCrc8(d, 8);
  return Uint8Array.from(d);
}

describe('DS18B20 against the datasheet', () => {
  it('Dallas CRC-8, Application Note 27 example: ROM 02 1C B8 01 00 00 00 has CRC A2', () => {
    expect(dallasCrc8([0x02, 0x1c, 0xb8, 0x01, 0x00, 0x00, 0x00], 7)).toBe(0xa2);
    expect(dallasCrc8([0x02, 0x1c, 0xb8, 0x01, 0x00, 0x00, 0x00, 0xa2], 8)).toBe(0); // residue over data + CRC
  });
  // Table 1 "Temperature/Data Relationship" (12-bit)
  it.each([
    [0x07d0, 125], [0x0191, 25.0625], [0x00a2, 10.125], [0x0008, 0.5], [0x0000, 0],
    [0xfff8, -0.5], [0xff5e, -10.125], [0xfe6f, -25.0625], [0xfc90, -55],
  ])('register %i is %f degC', (raw, t) => {
    expect(ds18b20Convert(pad(raw))).toBe(t);
  });
  it('the power-on value 0x0550 (+85 degC) is a failed read', () => {
    expect(ds18b20Convert(pad(0x0550))).toBeUndefined();
  });
  it('an all-zero scratchpad (shorted line) passes the CRC but is rejected', () => {
    const zero = new Uint8Array(9);
    expect(dallasCrc8(zero, 8)).toBe(zero[8]);
    expect(ds18b20Convert(zero)).toBeUndefined();
  });
  it('9-bit resolution ignores the undefined low bits', () => {
    expect(ds18b20Convert(pad(0x0197, 0x1f))).toBe(25.0); // 0x0197 = 25.4375, 9 bit keeps 0.5 steps
  });
});

describe('DS18B20 driver against its twin', () => {
  it('reads the temperature back within 1/16 degC across -55..125', () => {
    const { clock, twin, sensor } = setup();
    fc.assert(fc.property(fc.double({ min: -55, max: 125, noNaN: true }), (t) => {
      twin.setTemperature(t);
      const r = readOnce(clock, sensor);
      // a true 85.0 degC is indistinguishable from the power-on value
      if (Math.round(t * 16) === 85 * 16) return expect(r.value).toBeUndefined();
      expect(Math.abs(r.value! - t)).toBeLessThanOrEqual(1 / 32 + 1e-9);
      expect(r.elapsedMs).toBeGreaterThanOrEqual(750);
    }), { numRuns: 200 });
  });

  it('works on parasite power (strong pull-up during Convert T)', () => {
    const { clock, twin, bus, sensor } = setup(true);
    twin.setTemperature(-7.25);
    expect(readOnce(clock, sensor).value).toBe(-7.25);
    expect(bus.powerWrites).toBe(1);
  });

  it('selects one of several sensors by ROM code', () => {
    const clock = new TestClock();
    const bus = new VirtualOneWireBus();
    const a = new Ds18b20Twin(clock, 1);
    const b = new Ds18b20Twin(clock, 2);
    bus.attach(a);
    bus.attach(b);
    a.setTemperature(10);
    b.setTemperature(30);
    const hal = { oneWire: () => bus, setTimeout: clock.setTimeout };
    expect(bus.search()).toEqual([a.rom, b.rom]);
    expect(readOnce(clock, createDs18b20(hal, 'A0', b.rom)).value).toBe(30);
    expect(readOnce(clock, createDs18b20(hal, 'A0', a.rom)).value).toBe(10);
  });

  it.each(['absent', 'busError', 'badCrc', 'stuck'] as const)('fault %s gives undefined without throwing', (fault) => {
    const { clock, twin, sensor } = setup();
    twin.fault = fault;
    expect(readOnce(clock, sensor).value).toBeUndefined();
    twin.fault = 'none';
    expect(readOnce(clock, sensor).value).toBe(20);
  });

  it('a bus whose pin cannot be opened gives undefined', () => {
    const clock = new TestClock();
    const hal = { oneWire: (): OneWireBus => { throw new Error('Invalid pin'); }, setTimeout: clock.setTimeout };
    expect(readOnce(clock, createDs18b20(hal, 'X9')).value).toBeUndefined();
  });
});
