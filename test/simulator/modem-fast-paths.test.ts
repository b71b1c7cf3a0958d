// The modem emulators' fast paths against the straightforward code they replaced:
// command-line parsing (words, decIn, the AT command and AT+SEND argument parsers),
// the fault plan's nothing-armed shortcut and the compact transmission log.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { atNameEnd, decIn, words } from '../../simulator/modems/line.ts';
import { addTx, createFaultPlan, TxLog, type FaultKind, type FaultRates, type TxLogEntry } from '../../simulator/modems/types.ts';
import { createClock } from '../../simulator/clock.ts';
import { createRak3172 } from '../../simulator/modems/rak3172.ts';
import { fakePeer } from './fake-peer.ts';

const refDecIn = (s: string | undefined, min: number, max: number): number | null => {
  if (s === undefined || !/^\d{1,10}$/.test(s)) return null;
  const n = parseInt(s, 10);
  return n >= min && n <= max ? n : null;
};

const refAt = (cmd: string): { name: string; arg: string | undefined } | null => {
  const m = /^AT\+([A-Z0-9]+)(?:=(.*))?$/.exec(cmd.replace(/^at\+/, 'AT+'));
  return m ? { name: m[1]!.toUpperCase(), arg: m[2] } : null;
};

const fastAt = (cmd: string): { name: string; arg: string | undefined } | null => {
  const end = atNameEnd(cmd);
  return end < 0 ? null : { name: cmd.substring(3, end), arg: end === cmd.length ? undefined : cmd.substring(end + 1) };
};

/** The fault plan as it was: keyed lookups on every take. */
function refFaultPlan(rates: FaultRates, rng: () => number) {
  const armed: Partial<Record<FaultKind, number>> = {};
  return {
    inject(kind: FaultKind) {
      armed[kind] = (armed[kind] ?? 0) + 1;
    },
    take(kind: FaultKind) {
      const n = armed[kind] ?? 0;
      if (n > 0) {
        armed[kind] = n - 1;
        return true;
      }
      const p = rates[kind] ?? 0;
      return p > 0 && rng() / 4294967296 < p;
    },
  };
}

const KINDS: FaultKind[] = ['drop-reply', 'garbage', 'busy', 'no-free-ch', 'deny-join', 'reset', 'hang'];

describe('modem emulator fast paths', () => {
  it('words() splits like split(" ").filter(non-empty)', () => {
    const text = fc.string({ unit: fc.constantFrom('m', 'a', 'c', ' ', '0', '\t', '\r'), maxLength: 40 });
    fc.assert(
      fc.property(text, (s) => {
        expect(words(s)).toEqual(s.split(' ').filter((w) => w.length > 0));
      }),
      { numRuns: 2000 },
    );
  });

  it('decIn() matches the regex version', () => {
    const digits = fc.string({ unit: fc.constantFrom('0', '1', '2', '9', 'a', ' ', '-', '+', '.', '\u0661'), maxLength: 12 });
    fc.assert(
      fc.property(fc.option(digits, { nil: undefined }), fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 2 ** 33 }), (s, min, max) => {
        expect(decIn(s, min, max)).toBe(refDecIn(s, min, max));
      }),
      { numRuns: 3000 },
    );
    for (const s of ['4294967295', '4294967296', '00000000001', '0000000001', '']) expect(decIn(s, 0, 4294967295)).toBe(refDecIn(s, 0, 4294967295));
  });

  it('atNameEnd() parses AT commands like the regex it replaced', () => {
    const cmd = fc.string({ unit: fc.constantFrom('A', 'T', 'a', 't', '+', '=', 'D', 'R', '5', '?', ':', 'x', ' ', '\r', '\n', '\u2028', '\u00e9'), maxLength: 14 });
    const atLike = fc.tuple(fc.constantFrom('AT+', 'at+', 'At+', 'AT', ''), cmd).map(([p, s]) => p + s);
    fc.assert(
      fc.property(fc.oneof(cmd, atLike), (s) => {
        expect(fastAt(s)).toEqual(refAt(s));
      }),
      { numRuns: 5000 },
    );
    expect(fastAt('AT+SEND=2:0A0B')).toEqual({ name: 'SEND', arg: '2:0A0B' });
    expect(fastAt('at+DR=?')).toEqual({ name: 'DR', arg: '?' });
    expect(fastAt('AT+DR=')).toEqual({ name: 'DR', arg: '' });
    expect(fastAt('AT+dr=?')).toBeNull();
  });

  it('only strings of at most 3 characters upper-case to AT, ATZ or ATR', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 6 }), (s) => {
        const up = s.toUpperCase();
        if (up === 'AT' || up === 'ATZ' || up === 'ATR') expect(s.length).toBeLessThanOrEqual(3);
        expect(up.length).toBeGreaterThanOrEqual(s.length);
      }),
      { numRuns: 3000 },
    );
  });

  it('the RAK3172 AT+SEND argument check matches /^(\\d{1,3}):([0-9a-fA-F]*)$/', () => {
    const clock = createClock();
    const { peer, out, feed } = fakePeer(115200);
    createRak3172(clock, peer, { seed: 1, air: { transmit: () => undefined }, hwEui: '0004A30B00FFEE01' });
    const arg = fc.string({ unit: fc.constantFrom('0', '1', '2', '5', '9', ':', 'a', 'F', 'g', ' ', '-'), maxLength: 10 });
    fc.assert(
      fc.property(arg, (a) => {
        out.length = 0;
        feed(`AT+SEND=${a}\r\n`);
        // the emulator trims the line first
        const m = /^(\d{1,3}):([0-9a-fA-F]*)$/.exec(`AT+SEND=${a}`.trim().slice('AT+SEND='.length));
        const port = m ? refDecIn(m[1], 1, 223) : null;
        const valid = port !== null && m![2]!.length % 2 === 0;
        // not joined: a well-formed command gets AT_NO_NETWORK_JOINED, anything else AT_PARAM_ERROR
        expect(out).toEqual([valid ? 'AT_NO_NETWORK_JOINED\r\n' : 'AT_PARAM_ERROR\r\n']);
      }),
      { numRuns: 2000 },
    );
  });

  it('the fault plan answers and draws exactly like the keyed version', () => {
    const op = fc.tuple(fc.boolean(), fc.constantFrom(...KINDS));
    const rates = fc.dictionary(fc.constantFrom(...KINDS), fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1, noNaN: true })), { maxKeys: 3 });
    fc.assert(
      fc.property(rates, fc.array(op, { maxLength: 60 }), (r, ops) => {
        let drawsA = 0;
        let drawsB = 0;
        let sa = 1;
        let sb = 1;
        const rngA = (): number => (drawsA++, (sa = (sa * 1103515245 + 12345) >>> 0));
        const rngB = (): number => (drawsB++, (sb = (sb * 1103515245 + 12345) >>> 0));
        const a = createFaultPlan(r, rngA);
        const b = refFaultPlan(r, rngB);
        for (const [inject, kind] of ops) {
          if (inject) {
            a.inject(kind);
            b.inject(kind);
          } else expect(a.take(kind)).toBe(b.take(kind));
        }
        expect(drawsA).toBe(drawsB);
      }),
      { numRuns: 1000 },
    );
  });

  it('the compact transmission log gives the entries made directly, keys in the same order', () => {
    const entry = fc.record({
      timeMs: fc.double({ min: 0, max: 1e10, noNaN: true }),
      freqHz: fc.integer({ min: 0, max: 1e9 }),
      channel: fc.integer({ min: 0, max: 15 }),
      dr: fc.integer({ min: 0, max: 15 }),
      airtimeMs: fc.double({ min: 0, max: 1e4, noNaN: true }),
      powerDbm: fc.integer({ min: -1, max: 30 }),
      bytes: fc.integer({ min: 0, max: 255 }),
      type: fc.constantFrom<TxLogEntry['type']>('join', 'unconfirmed', 'confirmed'),
      counter: fc.integer({ min: 0, max: 2 ** 32 }),
      retry: fc.integer({ min: 0, max: 255 }),
    });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 30 }), fc.integer({ min: 0, max: 30 }), (es, split) => {
        const log = new TxLog();
        const direct: TxLogEntry[] = [];
        const add = (e: (typeof es)[number]): void => {
          addTx(log.data, e.timeMs, e.freqHz, e.channel, e.dr, e.airtimeMs, e.powerDbm, e.bytes, e.type, e.counter, e.retry);
          const { timeMs, freqHz, channel, dr, airtimeMs, powerDbm, bytes, type, counter, retry } = e;
          direct.push(
            type === 'join'
              ? { timeMs, freqHz, channel, dr, airtimeMs, powerDbm, bytes, type, devNonce: counter, retry }
              : { timeMs, freqHz, channel, dr, airtimeMs, powerDbm, bytes, type, fCnt: counter, retry },
          );
        };
        // read part-way through too: later reads extend the same array
        es.slice(0, split).forEach(add);
        const first = log.entries();
        es.slice(split).forEach(add);
        expect(log.entries()).toBe(first);
        expect(JSON.stringify(log.entries())).toBe(JSON.stringify(direct));
      }),
      { numRuns: 500 },
    );
  });
});
