// The modem emulators' per-uplink fast paths against the code they replaced: the line
// assembly (pushChars) against the original line reader, the `mac tx` split against
// words(), the RN2483's uplink commands against its general (word-splitting) path, the
// emulator's fault-free shortcut against the fault plan, and the precomputed reply lines.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { hexPayload, macTxSplit, pushChars, withCrlf, words } from '../../simulator/modems/line.ts';
import { hexToBytes } from '../../simulator/lorawan/frames.ts';
import { createFaultPlan, type FaultKind, type FaultRates } from '../../simulator/modems/types.ts';
import { createClock } from '../../simulator/clock.ts';
import { createRn2483 } from '../../simulator/modems/rn2483.ts';
import { fakePeer } from './fake-peer.ts';

/** The line reader as it was (append, then drop a trailing CR). */
function refReader(onLine: (line: string) => void, maxLen: number) {
  let buf = '';
  return {
    push(chunk: string): void {
      let from = 0;
      for (;;) {
        const nl = chunk.indexOf('\n', from);
        const end = nl < 0 ? chunk.length : nl;
        const room = maxLen - buf.length;
        if (room > 0 && end > from) buf += end - from <= room ? chunk.substring(from, end) : chunk.substring(from, from + room);
        if (nl < 0) return;
        const line = buf.endsWith('\r') ? buf.slice(0, -1) : buf;
        buf = '';
        from = nl + 1;
        onLine(line);
      }
    },
    clear(): void {
      buf = '';
    },
  };
}

const KINDS: FaultKind[] = ['drop-reply', 'garbage', 'busy', 'no-free-ch', 'deny-join', 'reset', 'hang'];

describe('modem per-uplink fast paths', () => {
  it('pushChars assembles the lines the original reader did (also when a handler clears the buffer)', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', ' ', '\r', '\n', 'x'), maxLength: 60 });
    fc.assert(
      fc.property(fc.array(text, { maxLength: 8 }), fc.oneof(fc.integer({ min: 0, max: 8 }), fc.constant(520)), (chunks, maxLen) => {
        const a: string[] = [];
        const b: string[] = [];
        // a line holding 'x' clears the partial line, as a reset would
        const ref = refReader((l) => (b.push(l), l.includes('x') && ref.clear()), maxLen);
        const t = { lineBuf: '', onLine: (l: string) => (a.push(l), l.includes('x') && (t.lineBuf = '')) };
        for (const c of chunks) {
          pushChars(t, c, maxLen);
          ref.push(c);
        }
        expect(a).toEqual(b);
      }),
      { numRuns: 3000 },
    );
  });

  it('macTxSplit finds exactly the single-spaced five-word mac tx lines', () => {
    const line = fc
      .array(fc.constantFrom('mac', 'tx', 'cnf', 'uncnf', 'get', '2', '12', '0A0B', 'a', '', ' ', '\t'), { maxLength: 7 })
      .map((ws) => ws.join(' '));
    fc.assert(
      fc.property(line, (s) => {
        const w = words(s);
        const five = w.length === 5 && w[0] === 'mac' && w[1] === 'tx' && (w[2] === 'cnf' || w[2] === 'uncnf');
        const single = five && s === w.join(' ');
        const sp = macTxSplit(s);
        expect(sp >= 0).toBe(single);
        if (sp >= 0) {
          expect(s.substring(w[2] === 'cnf' ? 11 : 13, sp)).toBe(w[3]);
          expect(s.substring(sp + 1)).toBe(w[4]);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('an owner kept faultless only while the plan can answer nothing but false, drawing nothing', () => {
    const op = fc.tuple(fc.boolean(), fc.constantFrom(...KINDS));
    const rates = fc.dictionary(fc.constantFrom(...KINDS), fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1, noNaN: true })), { maxKeys: 2 });
    fc.assert(
      fc.property(rates, fc.array(op, { maxLength: 30 }), (r: FaultRates, ops) => {
        let draws = 0;
        const owner = { faultless: false };
        const plan = createFaultPlan(r, () => (draws++, 12345), owner);
        const anyRate = Object.values(r).some((p) => (p ?? 0) > 0);
        let injected = false;
        for (const [inject, kind] of ops) {
          expect(owner.faultless).toBe(!anyRate && !injected);
          if (inject) {
            plan.inject(kind);
            injected = true;
          } else if (owner.faultless) {
            const before = draws;
            expect(plan.take(kind)).toBe(false);
            expect(draws).toBe(before);
          } else plan.take(kind);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('the RN2483 answers its uplink commands as its general path does', () => {
    // the same session on two emulators; the second's lines have a doubled space, which
    // words() ignores but the fast paths do not take
    const run = (spaced: boolean) => {
      const clock = createClock();
      const { peer, out, feed } = fakePeer(57600);
      const modem = createRn2483(clock, peer, { seed: 5, air: { transmit: () => undefined }, hwEui: '0004A30B00FFEE01' });
      const lines = [
        'mac tx uncnf 1 0102',
        'mac get dr',
        'mac set nwkskey 000102030405060708090A0B0C0D0E0F',
        'mac set appskey 000102030405060708090A0B0C0D0E0F',
        'mac set devaddr 01020304',
        'mac join abp',
        'mac get dr',
        'mac tx uncnf 1 0102',
        'mac tx cnf 7 AB',
        'mac tx uncnf 0 0102',
        'mac tx uncnf 2 0G',
        'mac tx uncnf 224 00',
        'mac tx cnf 3 00',
        'mac set dr 0',
        'mac get dr',
        'mac tx uncnf 4 ' + '00'.repeat(60),
      ];
      for (const l of lines) {
        feed((spaced ? l.replace(' ', '  ') : l) + '\r\n');
        clock.runUntil(clock.now() + 120_000);
      }
      return { out, log: modem.txLog.slice() };
    };
    const fast = run(false);
    expect(fast.out.filter((l) => l === 'mac_tx_ok\r\n').length).toBeGreaterThan(0);
    expect(fast).toEqual(run(true));
  });

  it('hexPayload decodes like hexToBytes of the substring', () => {
    const hex = fc.string({ unit: fc.constantFrom('0', '9', 'a', 'F', 'g', ' ', ':', '\u0661'), maxLength: 600 });
    fc.assert(
      fc.property(hex, fc.nat(), fc.nat(), (s, x, y) => {
        const from = s.length === 0 ? 0 : x % (s.length + 1);
        const to = from + (y % (s.length - from + 1));
        const want = hexToBytes(s.substring(from, to));
        const got = hexPayload(s, from, to);
        expect(got === null ? null : Array.from(got)).toEqual(want === null ? null : Array.from(want));
      }),
      { numRuns: 3000 },
    );
    const long = '0A'.repeat(300); // past the scratch buffer: a fresh array
    expect(Array.from(hexPayload(long, 0, long.length)!)).toEqual(Array.from(hexToBytes(long)!));
  });

  it('withCrlf gives the line with CRLF', () => {
    for (const l of ['ok', 'OK', 'mac_tx_ok', '5', 'AT+DR=5', 'something else', '']) expect(withCrlf(l)).toBe(l + '\r\n');
  });
});
