import { describe, expect, it } from 'vitest';
import { I2cNackError, RegisterI2cDevice, VirtualI2cBus } from '../../simulator/hardware/i2c.ts';
import { VirtualOneWireBus } from '../../simulator/hardware/onewire.ts';
import { Ds18b20Twin, ds18b20Rom } from '../../simulator/hardware/sensors/ds18b20.ts';
import { dallasCrc8 } from '../../firmware/sensors/ds18b20.ts';
import { TestClock } from './harness.ts';

describe('virtual I2C bus', () => {
  it('a transfer to an address without a device throws like Espruino (NACK)', () => {
    const bus = new VirtualI2cBus();
    expect(() => bus.writeTo(0x76, [0xd0])).toThrow(I2cNackError);
    expect(() => bus.readFrom(0x76, 1)).toThrow(/NACK/);
  });
  it('register devices: pointer write, auto-increment on read and write', () => {
    const bus = new VirtualI2cBus();
    const dev = new RegisterI2cDevice(0x50);
    bus.attach(0x50, dev);
    bus.writeTo(0x50, [0x10, 1, 2, 3]);
    bus.writeTo(0x50, Uint8Array.of(0x11));
    expect([...bus.readFrom(0x50, 3)]).toEqual([2, 3, 0]);
    expect(() => bus.attach(0x50, dev)).toThrow(/in use/);
    expect(() => bus.attach(0x80, dev)).toThrow(RangeError);
    dev.fault = 'busError';
    expect(() => bus.readFrom(0x50, 1)).toThrow(/bus error/);
    bus.detach(0x50);
    expect(() => bus.readFrom(0x50, 1)).toThrow(I2cNackError);
  });
});

describe('virtual I2C bus: what a device is handed', () => {
  it('byte arrays go as they are; other values become bytes as a Uint8Array makes them', () => {
    const seen: number[][] = [];
    const bus = new VirtualI2cBus();
    bus.attach(0x10, { write: (d) => seen.push(Array.from(d)), read: (n) => new Uint8Array(n) });
    bus.writeTo(0x10, [1, 2, 255]);
    bus.writeTo(0x10, new Uint8Array([7, 8]));
    bus.writeTo(0x10, [256 + 3, -1, 2.7]);
    bus.writeTo(0x10, new Uint16Array([0x1234]) as unknown as number[]);
    expect(seen).toEqual([[1, 2, 255], [7, 8], [3, 255, 2], [0x34]]);
  });
});

describe('virtual 1-Wire bus', () => {
  it('no device: no presence pulse, the pulled-up line reads 0xFF, search finds nothing', () => {
    const bus = new VirtualOneWireBus();
    expect(bus.reset()).toBe(false);
    bus.skip();
    expect([...bus.read(2)]).toEqual([0xff, 0xff]);
    expect(bus.search()).toEqual([]);
  });
  it('ROM codes carry a valid Dallas CRC and the DS18B20 family code', () => {
    const rom = ds18b20Rom(0xabcdef123456);
    const bytes = rom.match(/../g)!.map((h) => parseInt(h, 16));
    expect(bytes[0]).toBe(0x28);
    expect(dallasCrc8(bytes, 7)).toBe(bytes[7]);
    expect(bytes.slice(1, 7)).toEqual([0x56, 0x34, 0x12, 0xef, 0xcd, 0xab]);
  });
  it('Match ROM addresses one device; a wrong ROM selects nobody', () => {
    const clock = new TestClock();
    const bus = new VirtualOneWireBus();
    const t = new Ds18b20Twin(clock, 7);
    bus.attach(t);
    expect(bus.reset()).toBe(true);
    bus.select('28ffffffffffffff');
    bus.write(0xbe);
    expect([...bus.read(2)]).toEqual([0xff, 0xff]);
    bus.reset();
    bus.select(t.rom.toUpperCase());
    bus.write(0xbe);
    expect([...bus.read(2)]).toEqual([0x50, 0x05]); // power-on +85 degC
  });
  it('a device holding the line low answers presence but reads all zeros', () => {
    const clock = new TestClock();
    const bus = new VirtualOneWireBus();
    const t = new Ds18b20Twin(clock, 7);
    bus.attach(t);
    t.fault = 'busError';
    expect(bus.reset()).toBe(true);
    bus.skip();
    bus.write(0xbe);
    expect([...bus.read(9)]).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });
});
