// The denser per-node structures (classes instead of objects of closures, a short device
// list instead of a 128-slot I2C table) behave as the simple versions did.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { I2cNackError, VirtualI2cBus, type I2cDevice } from '../../simulator/hardware/i2c.ts';
import { createClock } from '../../simulator/clock.ts';
import { createSerialPair } from '../../simulator/hardware/serial.ts';
import { createVirtualStorage } from '../../simulator/hardware/storage.ts';
import { createVirtualHal } from '../../simulator/node/hal.ts';

/** The reference bus: a Map by address, as the bus was first written. */
class MapBus {
  readonly m = new Map<number, I2cDevice>();
  attach(addr: number, d: I2cDevice): void {
    if (!(Number.isInteger(addr) && addr >= 0 && addr < 0x80)) throw new RangeError('bad');
    if (this.m.has(addr)) throw new Error('in use');
    this.m.set(addr, d);
  }
  detach(addr: number): void {
    this.m.delete(addr);
  }
  readFrom(addr: number, n: number): Uint8Array {
    const d = this.m.get(addr);
    if (!d) throw new I2cNackError(addr);
    return d.read(n);
  }
}

const chip = (id: number): I2cDevice => ({ write: () => undefined, read: (n) => new Uint8Array(n).fill(id) });
const outcome = (f: () => Uint8Array): string => {
  try {
    return `ok ${f()[0]}`;
  } catch (e) {
    return `throw ${(e as Error).name}`;
  }
};

describe('VirtualI2cBus device list', () => {
  it('attaches, detaches and finds devices as a Map by address does', () => {
    const op = fc.oneof(
      fc.record({ k: fc.constant('attach' as const), addr: fc.integer({ min: -2, max: 0x82 }), id: fc.integer({ min: 1, max: 200 }) }),
      fc.record({ k: fc.constant('detach' as const), addr: fc.integer({ min: -2, max: 0x82 }), id: fc.constant(0) }),
      fc.record({ k: fc.constant('read' as const), addr: fc.oneof(fc.integer({ min: -2, max: 0x82 }), fc.constant(1.5), fc.constant(Number.NaN)), id: fc.constant(0) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const a = new VirtualI2cBus();
        const b = new MapBus();
        for (const o of ops) {
          if (o.k === 'read') expect(outcome(() => a.readFrom(o.addr, 1))).toBe(outcome(() => b.readFrom(o.addr, 1)));
          else if (o.k === 'detach') {
            a.detach(o.addr);
            b.detach(o.addr);
          } else {
            const d = chip(o.id);
            let ea = '';
            let eb = '';
            try {
              a.attach(o.addr, d);
            } catch (e) {
              ea = (e as Error).name;
            }
            try {
              b.attach(o.addr, d);
            } catch (e) {
              eb = (e as Error).name;
            }
            expect(ea).toBe(eb);
          }
        }
      }),
    );
  });
});

describe('virtual HAL as a class', () => {
  const mk = (log?: (l: string) => void) => {
    const clock = createClock();
    const { device } = createSerialPair(clock);
    return { clock, hal: createVirtualHal({ clock, serial: device, storage: createVirtualStorage(), random: () => 0x1_0000_0005, onReboot: () => undefined, log }) };
  };

  it('log works when passed around unbound, with or without a log sink', () => {
    const lines: string[] = [];
    const { hal } = mk((l) => lines.push(l));
    const log = hal.log;
    log('a');
    expect(lines).toEqual(['a']);
    const quiet = mk().hal.log;
    expect(() => quiet('b')).not.toThrow();
  });

  it('counts wake-ups of its own boot only, and reads time, randomness and defaults', () => {
    const { clock, hal } = mk();
    let n = 0;
    hal.setTimeout(() => n++, 5);
    hal.setTimeout(() => n++, 50);
    clock.runUntil(10);
    hal.shutdown();
    clock.runUntil(100);
    expect(n).toBe(1);
    expect(hal.wakeups()).toBe(1);
    expect(hal.now()).toBe(100);
    expect(hal.random()).toBe(5);
    expect(hal.analogRead('A0')).toBe(0);
    expect(hal.digitalRead('D1')).toBe(false);
    expect(hal.batteryMv()).toBeUndefined();
    expect(hal.i2c).toBeUndefined();
    let echo = 0;
    hal.pulseEcho('T', 'E', 10, 30, (us) => (echo = us));
    clock.runUntil(200);
    expect(echo).toBe(0); // the boot is over: its timers fire into nothing
  });
});

describe('serial pair as classes', () => {
  it('two pairs on one clock keep their own state', () => {
    const clock = createClock();
    const p1 = createSerialPair(clock, { peerBaud: 9600 });
    const p2 = createSerialPair(clock, { peerBaud: 115200 });
    const got: string[] = [];
    p1.peer.attach({ onData: (c) => got.push(`1:${c}`), onBreak: () => got.push('1:break') });
    p2.peer.attach({ onData: (c) => got.push(`2:${c}`), onBreak: () => got.push('2:break') });
    p1.device.open(9600, () => undefined);
    p2.device.open(115200, () => undefined);
    p1.device.write('ab');
    p2.device.write('cd');
    p2.device.sendBreak(1);
    clock.runUntil(1000);
    expect(got).toEqual(['2:cd', '2:break', '1:ab']);
    expect([p1.peer.baud(), p2.peer.baud(), p1.device.baud(), p2.device.isOpen()]).toEqual([9600, 115200, 9600, true]);
  });
});
