// The virtual node plumbing's fast paths against the straightforward code they
// replaced: the clock's 4-ary heap with a callback pool (against a sorted list), the
// allocation-free sample hash (against hashAfter), signal noise (against the
// keyed-words formula), the I2C bus's address table (against a Map) and the sensor
// hardware's signals looked up once (against a lookup per sample).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createClock } from '../../simulator/clock.ts';
import { hashAfter, hashAfterTo, hashParts, hashPrefix } from '../../simulator/channel/rng.ts';
import { createSignal } from '../../simulator/fleet/signals.ts';
import type { SignalSpec } from '../../simulator/fleet/types.ts';
import { I2cNackError, VirtualI2cBus, type I2cDevice } from '../../simulator/hardware/i2c.ts';
import { createSensorHardware } from '../../simulator/node/sensors.ts';
import { Bme280Twin } from '../../simulator/hardware/sensors/index.ts';
import { crc32 } from '../../simulator/hardware/crc32.ts';
import { crc32 as zlibCrc32 } from 'node:zlib';

/** The reference queue: every pending event in a list, the least (time, id) runs next. */
function refClock() {
  let now = 0;
  let seq = 0;
  let evs: { t: number; id: number; fn: () => void }[] = [];
  return {
    now: () => now,
    after(ms: number, fn: () => void): number {
      const id = ++seq;
      evs.push({ t: now + (ms > 0 && ms !== Infinity ? ms : 0), id, fn });
      return id;
    },
    cancel(id: number): void {
      evs = evs.filter((e) => e.id !== id);
    },
    runUntil(tMs: number): void {
      for (;;) {
        if (evs.length === 0) break;
        let best = 0;
        for (let i = 1; i < evs.length; i++) {
          const a = evs[i]!;
          const b = evs[best]!;
          if (a.t < b.t || (a.t === b.t && a.id < b.id)) best = i;
        }
        const e = evs[best]!;
        if (e.t > tMs) break;
        evs.splice(best, 1);
        if (e.t > now) now = e.t;
        e.fn();
      }
      if (tMs > now) now = tMs;
    },
    pending: () => evs.length,
  };
}

describe('clock heap', () => {
  // ops: [kind, n]: 0 schedule a batch (many ties), 1 cancel some pending, 2 run a while
  const op = fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 5000 }));

  it('runs exactly what a sorted list runs, in the same order, through growth and compaction (property)', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 40 }), (ops) => {
        const run = (c: ReturnType<typeof refClock> | ReturnType<typeof createClock>): string[] => {
          const log: string[] = [];
          const ids: number[] = [];
          let x = 1;
          const rnd = (m: number): number => (x = (x * 48271) % 2147483647) % m;
          const fire = (tag: number) => (): void => {
            log.push(`${tag}@${c.now()}`);
            // callbacks schedule more events, some at the same time (ties run in insertion order)
            if (tag % 3 === 0) ids.push(c.after(rnd(4) === 0 ? 0 : rnd(50) + 0.25, fire(tag + 1)));
          };
          for (const [kind, n] of ops) {
            if (kind === 0) {
              // up to ~1,700 at once: past the initial capacity of 1,024 entries
              for (let k = 0; k < (n % 1700) + 1; k++) ids.push(c.after(rnd(3) === 0 ? n % 7 : rnd(n + 1) / 4, fire(ids.length * 10)));
            } else if (kind === 1) {
              // cancel most: the heap rebuilds once cancelled entries dominate it
              for (let k = 0; k < ids.length; k++) if ((k + n) % 5 !== 0) c.cancel(ids[k]!);
            } else c.runUntil(c.now() + (n % 300));
            log.push(`pending ${c.pending()}`);
          }
          c.runUntil(1e9);
          log.push(`end ${c.pending()} ${c.now()}`);
          return log;
        };
        expect(run(createClock(0))).toEqual(run(refClock()));
      }),
      { numRuns: 40 },
    );
  });

  it('orders events scheduled long ahead and shortly before the same time by insertion (property)', () => {
    // far-ahead events and near ones wait apart; the next event is the lesser of both
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 3000 })), { minLength: 1, maxLength: 60 }), (evs) => {
        const c = createClock();
        const fired: number[] = [];
        const expected: { at: number; i: number }[] = [];
        evs.forEach(([at, lead], i) => {
          // event i runs at the absolute time at * 500, scheduled `lead` ms ahead of it (or at once)
          const t = at * 500;
          const when = Math.max(0, t - lead);
          c.schedule(when, () => {
            expected.push({ at: t, i });
            c.schedule(t, () => fired.push(i));
          });
        });
        c.runUntil(1e6);
        // the reference: by time, then by when each event was scheduled (the inner schedule calls)
        const order = expected.map((e, k) => ({ ...e, k })).sort((a, b) => a.at - b.at || a.k - b.k).map((e) => e.i);
        expect(fired).toEqual(order);
      }),
    );
  });

  it('frees callbacks once run or cancelled', () => {
    const c = createClock();
    const seen: number[] = [];
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 3000; i++) c.afterCall(i % 10, (v: number) => seen.push(v), i);
      const gone = c.after(5, () => seen.push(-1));
      c.cancel(gone);
      c.runUntil(c.now() + 10);
    }
    expect(seen.length).toBe(15000);
    expect(c.pending()).toBe(0);
  });
});

describe('sample hash without arrays', () => {
  const part = fc.oneof(fc.double({ noNaN: false }), fc.integer(), fc.string({ maxLength: 8 }), fc.constantFrom(0, -0, 0.1 + 0.2));

  it('hashAfterTo writes what hashAfter returns, whatever was hashed before (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 6 }), { maxLength: 3 }), fc.array(part, { minLength: 1, maxLength: 6 }), (prefix, lasts) => {
        const st = hashPrefix(prefix);
        const out = new Float64Array(2);
        // repeats exercise the cached text of the last number
        for (const last of [...lasts, ...lasts]) {
          hashAfterTo(st[0], st[1], last, out);
          expect([out[0], out[1]]).toEqual(hashAfter(st, last));
        }
      }),
    );
  });
});

describe('signal noise', () => {
  it('is the Box-Muller normal of the keyed words of the time, as before (property)', () => {
    const spec: SignalSpec = { kind: 'sine', mean: 12, amplitude: 5, periodMs: 86400000, peakAtMs: 54000000, noise: 0.7, spread: 0 };
    const ctx = { seed: 7, nodeId: 'n-3', quantity: 'temperature', min: -40, max: 85 };
    const s = createSignal(spec, ctx);
    const prefix = hashPrefix(hashParts([7, 'signal', 'n-3', 'temperature', 'noise']));
    const ref = (t: number): number => {
      const w = hashAfter(prefix, t);
      const g = Math.sqrt(-2 * Math.log((w[0] + 1) / 4294967296)) * Math.cos((2 * Math.PI * w[1]) / 4294967296);
      const v = 12 + 5 * Math.cos(((2 * Math.PI) / 86400000) * (t - 54000000)) + 0.7 * g;
      return v < -40 ? -40 : v > 85 ? 85 : v;
    };
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1e9, noNaN: true }), { minLength: 1, maxLength: 5 }), (ts) => {
        for (const t of [...ts, ...ts]) expect(s(t)).toBe(ref(t));
      }),
    );
  });
});

describe('I2C address table', () => {
  it('finds the device a Map keyed by address would, and NACKs everything else (property)', () => {
    const addrs = fc.oneof(fc.integer({ min: -2, max: 0x81 }), fc.constantFrom(-0, 0.5, 0x76 + 0.5, Number.NaN, Infinity));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 0x7f })), { maxLength: 12 }), fc.array(addrs, { maxLength: 12 }), (changes, probes) => {
        const bus = new VirtualI2cBus();
        const ref = new Map<number, I2cDevice>();
        for (const [attach, a] of changes) {
          if (attach && !ref.has(a)) {
            const d: I2cDevice = { write: () => undefined, read: () => Uint8Array.of(a) };
            bus.attach(a, d);
            ref.set(a, d);
          } else if (!attach) {
            bus.detach(a);
            ref.delete(a);
          }
        }
        for (const a of probes) {
          const d = ref.get(a);
          if (d) expect([...bus.readFrom(a, 1)]).toEqual([a + 0]); // -0 finds the device at 0, as in a Map
          else expect(() => bus.readFrom(a, 1)).toThrow(I2cNackError);
        }
      }),
    );
  });
});

describe('sensor hardware signals', () => {
  it('uses the fleet signal where there is one and the default elsewhere', () => {
    let now = 1000;
    const timers = { now: () => now, setTimeout: () => 0 };
    const hw = createSensorHardware('env-monitor', {} as never, timers, { battery: (t) => 3000 + t });
    expect(hw.batteryMv!()).toBe(4000);
    now = 2000;
    expect(hw.batteryMv!()).toBe(5000);
    const none = createSensorHardware('env-monitor', {} as never, timers, {});
    expect(none.batteryMv!()).toBe(3600);
  });
});

describe('BME280 twin reads', () => {
  it('a read of n bytes answers as n reads of one byte (the busy state asked once per read)', () => {
    const op = fc.record({
      write: fc.boolean(),
      data: fc.array(fc.constantFrom(0xf4, 0xf2, 0xf3, 0xf7, 0xd0, 0xe0, 0xb6, 0x25, 0x27, 0x01, 0x88, 0xfe), { maxLength: 4 }),
      count: fc.integer({ min: 0, max: 10 }),
      wait: fc.constantFrom(0, 1, 2, 5, 10, 50),
    });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        let now = 0;
        const timers = { now: () => now };
        const a = new Bme280Twin(timers);
        const b = new Bme280Twin(timers);
        for (const o of ops) {
          now += o.wait;
          if (o.write) {
            a.write(o.data);
            b.write(o.data);
            continue;
          }
          const bytes: number[] = [];
          for (let i = 0; i < o.count; i++) bytes.push(b.read(1)[0]!);
          expect([...a.read(o.count)]).toEqual(bytes);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('crc32', () => {
  it('equals zlib on binary strings (low byte of each char, as latin1) and byte arrays', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 200 }), (codes) => {
        const s = String.fromCharCode(...codes);
        expect(crc32(s)).toBe(zlibCrc32(Buffer.from(s, 'latin1')) >>> 0);
        const bytes = Uint8Array.from(codes, (c) => c & 0xff);
        expect(crc32(bytes)).toBe(zlibCrc32(bytes) >>> 0);
        expect(crc32(new Int8Array(bytes.buffer) as unknown as Uint8Array)).toBe(zlibCrc32(bytes) >>> 0);
      }),
      { numRuns: 300 },
    );
    expect(crc32('')).toBe(0);
    expect(crc32('123456789')).toBe(0xcbf43926);
  });
});
