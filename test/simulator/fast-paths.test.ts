// The simulator's fast paths against the straightforward code they replaced: hex
// helpers, line assembly, the stream hash, the clock's argument calls, the HAL's
// timers across a reset, the channel's per-node link cache and the lazy sensor values.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createClock } from '../../simulator/clock.ts';
import { bytesToHex, hexToBytes } from '../../simulator/lorawan/frames.ts';
import { createLineReader } from '../../simulator/modems/line.ts';
import { hashAfter, hashParts, hashPrefix } from '../../simulator/channel/rng.ts';
import { createChannel } from '../../simulator/channel/index.ts';
import { createVirtualHal } from '../../simulator/node/hal.ts';
import { createSensorHardware } from '../../simulator/node/sensors.ts';
import { createVirtualStorage } from '../../simulator/hardware/storage.ts';
import { Bme280Twin } from '../../simulator/hardware/sensors/bme280.ts';
import type { SerialLine } from '../../firmware/hal.ts';

const refHexToBytes = (hex: string): Uint8Array | null => {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return null;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
};

function refLines(chunks: string[], maxLen: number): string[] {
  const out: string[] = [];
  let buf = '';
  for (const ch of chunks.join('')) {
    if (ch === '\n') {
      out.push(buf.endsWith('\r') ? buf.slice(0, -1) : buf);
      buf = '';
    } else if (buf.length < maxLen) buf += ch;
  }
  return out;
}

function refHash(parts: Array<number | string>): [number, number] {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (const part of parts) {
    const s = `${String(part)}\u0000`;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 2654435761);
      h2 = Math.imul(h2 ^ c, 1597334677);
    }
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return [h1 >>> 0, h2 >>> 0];
}

describe('hex helpers', () => {
  it('hexToBytes agrees with the regex + parseInt reference on any string', () => {
    const hexish = fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEFxg \u00e9\u0100'.split('')), maxLength: 40 });
    fc.assert(fc.property(fc.oneof(hexish, fc.string({ maxLength: 12 })), (s) => {
      expect(hexToBytes(s)).toEqual(refHexToBytes(s));
    }));
  });

  it('bytesToHex is upper-case, two digits a byte, and round-trips', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
        const hex = bytesToHex(b);
        expect(hex).toBe(Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('').toUpperCase());
        expect(hexToBytes(hex)).toEqual(b);
      }),
    );
  });
});

describe('line reader', () => {
  it('splits any chunking of the input exactly as a character-by-character reader', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', ' ', '\r', '\n'), maxLength: 80 });
    fc.assert(
      fc.property(fc.array(text, { maxLength: 6 }), fc.integer({ min: 1, max: 12 }), (chunks, maxLen) => {
        const got: string[] = [];
        const r = createLineReader((l) => got.push(l), maxLen);
        for (const c of chunks) r.push(c);
        expect(got).toEqual(refLines(chunks, maxLen));
      }),
    );
  });

  it('a line handler that clears the reader drops only the partial line', () => {
    const got: string[] = [];
    const r = createLineReader((l) => {
      got.push(l);
      r.clear();
    });
    r.push('one\r\ntwo\npart');
    r.push('ial\n');
    expect(got).toEqual(['one', 'two', 'partial']);
  });
});

describe('stream hash', () => {
  it('matches the string-concatenating reference for numbers and strings', () => {
    const part = fc.oneof(fc.double({ noNaN: false }), fc.integer(), fc.string({ maxLength: 8 }), fc.constant(''));
    fc.assert(fc.property(fc.array(part, { maxLength: 5 }), (parts) => {
      expect(hashParts(parts)).toEqual(refHash(parts));
    }));
  });
  it('a hashed prefix continued with one more part is the hash of the whole list', () => {
    const part = fc.oneof(fc.double({ noNaN: false }), fc.integer(), fc.string({ maxLength: 8 }));
    fc.assert(fc.property(fc.array(part, { maxLength: 4 }), part, (parts, last) => {
      expect(hashAfter(hashPrefix(parts), last)).toEqual(refHash([...parts, last]));
    }));
  });
});

describe('clock argument calls', () => {
  it('scheduleCall and afterCall run fn(arg) in (time, insertion) order with schedule and after', () => {
    const c = createClock(5);
    const log: string[] = [];
    const note = (s: string): void => void log.push(`${s}@${c.now()}`);
    c.scheduleCall(20, note, 'a');
    c.schedule(20, () => note('b'));
    c.afterCall(-3, note, 'now'); // negative: now
    c.afterCall(Number.NaN, note, 'nan'); // NaN: now
    c.scheduleCall(Infinity, note, 'inf'); // not finite: now
    const gone = c.afterCall(10, note, 'cancelled');
    c.after(15, () => note('c'));
    c.cancel(gone);
    expect(c.pending()).toBe(6);
    c.runUntil(100);
    // c (5 + 15 = 20) was scheduled after a and b: ties run in insertion order
    expect(log).toEqual(['now@5', 'nan@5', 'inf@5', 'a@20', 'b@20', 'c@20']);
  });

  it('keeps order through heap growth past its initial capacity', () => {
    const c = createClock();
    const fired: number[] = [];
    const rec = (i: number): void => void fired.push(i);
    const n = 5000;
    for (let i = 0; i < n; i++) c.scheduleCall((i * 7919) % 1000, rec, i);
    c.runUntil(1000);
    const expected = Array.from({ length: n }, (_, i) => i).sort((a, b) => ((a * 7919) % 1000) - ((b * 7919) % 1000) || a - b);
    expect(fired).toEqual(expected);
  });
});

describe('virtual HAL timers', () => {
  const serial: SerialLine = { open: () => undefined, write: () => undefined, sendBreak: () => undefined, close: () => undefined };

  it('a reset stops every pending timer of that boot; a new boot runs its own', () => {
    const clock = createClock();
    const mk = () => createVirtualHal({ clock, serial, storage: createVirtualStorage(), random: () => 1, onReboot: () => undefined });
    const a = mk();
    const fired: string[] = [];
    a.setTimeout(() => fired.push('a1'), 10);
    a.setTimeout(() => fired.push('a2'), 30);
    const cleared = a.setTimeout(() => fired.push('cleared'), 5);
    a.clearTimeout(cleared);
    clock.runUntil(20);
    a.shutdown();
    const b = mk();
    b.setTimeout(() => fired.push('b1'), 20);
    clock.runUntil(100);
    expect(fired).toEqual(['a1', 'b1']);
    expect(a.wakeups()).toBe(1);
    expect(b.wakeups()).toBe(1);
  });
});

describe('channel link cache', () => {
  const pathLoss = { d0: 1, pl0: 40, gamma: 3, sigma: 4 };
  const opts = { pathLoss, gateways: [{ id: 'g1', x: 0, y: 0 }, { id: 'g2', x: 900, y: 300, antennaGainDb: 3 }], capture: true, rejection: 'ideal' as const, seed: 9 };

  it('gives every frame the link of its own position and power, whatever the node sent before', () => {
    const cached = createChannel(opts);
    const settings = [
      { x: 100, y: 50, powerDbm: 14, sf: 7 },
      { x: 100, y: 50, powerDbm: 14, sf: 7 },
      { x: 100, y: 50, powerDbm: 8, sf: 7 },
      { x: 400, y: -80, powerDbm: 8, sf: 9 },
      { x: 100, y: 50, powerDbm: 14, sf: 7 },
    ];
    settings.forEach((s, i) => {
      cached.transmit({ id: i, nodeId: 'n', freqHz: 868100000, bwKhz: 125, startMs: i * 1000, airtimeMs: 50, ...s });
      const [got] = cached.settle(i * 1000 + 50);
      // a fresh channel has nothing cached: its numbers are the reference
      const fresh = createChannel(opts);
      fresh.transmit({ id: 0, nodeId: 'n', freqHz: 868100000, bwKhz: 125, startMs: 0, airtimeMs: 50, ...s });
      const [want] = fresh.settle(50);
      expect(got!.received).toEqual(want!.received);
      expect(got!.lost).toEqual(want!.lost);
      // and they are the link budget of that place and power
      const est = fresh.link('n', s.x, s.y, s.powerDbm, 125);
      for (const r of [...got!.received, ...got!.lost]) expect(r.rssi).toBeCloseTo(est.find((e) => e.gatewayId === r.gatewayId)!.rssi, 9);
    });
  });
});

describe('lazy sensor values', () => {
  it('a conversion samples the signals at the last touch, not at the conversion', () => {
    let now = 0;
    const timers = { now: () => now, setTimeout: () => 0 };
    const hw = createSensorHardware('env-monitor', {} as never, timers, { temperature: (t) => 10 + t / 1000, humidity: (t) => 40 + t / 100, pressure: () => 1000 });
    const twin = new Bme280Twin(timers);
    const direct = (t: number) => {
      twin.setTemperature(10 + t / 1000);
      twin.setHumidity(40 + t / 100);
      twin.setPressure(100000);
      return twin.rawValues(1, 1, 1);
    };
    now = 1500;
    hw.touch!();
    now = 1600; // no touch since: the chip still sees the values of t = 1500
    hw.i2c!.writeTo(0x76, [0xf2, 0x01]);
    hw.i2c!.writeTo(0x76, [0xf4, (1 << 5) | (1 << 2) | 1]);
    now = 1700;
    hw.i2c!.writeTo(0x76, [0xf7]);
    const raw = hw.i2c!.readFrom(0x76, 8);
    const want = direct(1500);
    expect((raw[3]! << 12) | (raw[4]! << 4) | (raw[5]! >> 4)).toBe(want.adcT);
    expect((raw[6]! << 8) | raw[7]!).toBe(want.adcH);
  });
});
