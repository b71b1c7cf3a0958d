import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createLineEngine, redact, noReply, unexpected, outcome, DONE, MORE, NOT_MINE } from '../../firmware/radio/at.ts';
import { fromHex, toHex, parseDec, isInt } from '../../firmware/radio/hex.ts';
import { fakeClock, fakeHal, fakeModem } from './fakes.ts';

function setup() {
  const clock = fakeClock();
  const modem = fakeModem(clock, () => undefined);
  const hal = fakeHal(clock, modem.serial);
  const eng = createLineEngine(hal, 57600, true);
  const unsolicited: string[] = [];
  eng.setUnsolicited((l) => unsolicited.push(l));
  eng.open();
  return { clock, modem, hal, eng, unsolicited };
}

const printable = fc.string({ minLength: 1, maxLength: 40, unit: fc.integer({ min: 32, max: 126 }).map((c) => String.fromCharCode(c)) });
const noise = fc.constantFrom('\x00', '\x01', '\x1b', '\x7f', '\x80', '\xaa', '\xff');

describe('line assembly', () => {
  it('delivers exactly the sent lines whatever the endings, chunking and interleaved noise', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(printable, fc.constantFrom('\r\n', '\n', '\r', '\n\r', '\r\n\r\n')), { minLength: 1, maxLength: 8 }),
        fc.array(fc.tuple(fc.nat(), noise), { maxLength: 10 }),
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 20 }),
        (lines, noises, cuts) => {
          const { modem, unsolicited } = setup();
          let text = lines.map(([l, end]) => l + end).join('');
          for (const [pos, ch] of noises) {
            const at = pos % (text.length + 1);
            text = text.slice(0, at) + ch + text.slice(at);
          }
          let i = 0;
          let k = 0;
          while (i < text.length) {
            const n = cuts[k++ % cuts.length]!;
            modem.emit(text.slice(i, i + n));
            i += n;
          }
          expect(unsolicited).toEqual(lines.map(([l]) => l));
        },
      ),
    );
  });

  it('drops an overlong line but keeps the next one', () => {
    const { modem, unsolicited } = setup();
    modem.emit('x'.repeat(700) + '\r\nmac_tx_ok\r\n');
    expect(unsolicited).toEqual(['mac_tx_ok']);
  });
  it('keeps a line of exactly 640 characters and drops one of 641, whatever the chunking', () => {
    for (const cut of [1, 7, 640, 641, 1000]) {
      const { modem, unsolicited } = setup();
      const text = 'a'.repeat(640) + '\r\n' + 'b'.repeat(639) + '\x01c\r\n' + 'd'.repeat(641) + '\nok\n';
      for (let i = 0; i < text.length; i += cut) modem.emit(text.slice(i, i + cut));
      expect(unsolicited).toEqual(['a'.repeat(640), 'b'.repeat(639) + 'c', 'ok']);
    }
  });
});

describe('command engine', () => {
  it('writes the command with CRLF, gives lines to the handler and finishes on DONE', () => {
    const { clock, modem, eng, unsolicited } = setup();
    const seen: string[] = [];
    let result: boolean | null = null;
    expect(
      eng.run(
        'sys get ver',
        1000,
        (l) => {
          seen.push(l);
          return l === 'stale' ? NOT_MINE : l === 'partial' ? MORE : DONE;
        },
        (t) => (result = t),
      ),
    ).toBe(true);
    expect(modem.wire).toEqual(['sys get ver']);
    modem.emit('stale\r\npartial\r\nRN2483\r\nafter\r\n');
    expect(seen).toEqual(['stale', 'partial', 'RN2483']);
    expect(unsolicited).toEqual(['stale', 'after']);
    expect(result).toBe(false);
    clock.advance(5000);
    expect(result).toBe(false);
  });

  it('refuses a second command while one is in flight', () => {
    const { eng } = setup();
    expect(eng.run('a', 100, () => DONE, () => undefined)).toBe(true);
    expect(eng.run('b', 100, () => DONE, () => undefined)).toBe(false);
  });

  it('times out, counts consecutive timeouts, and a reply clears the count', () => {
    const { clock, modem, eng } = setup();
    const results: boolean[] = [];
    for (let i = 0; i < 2; i++) {
      eng.run('x', 100, () => DONE, (t) => results.push(t));
      clock.advance(99);
      expect(results.length).toBe(i);
      clock.advance(1);
    }
    expect(results).toEqual([true, true]);
    expect(eng.misses()).toBe(2);
    eng.run('y', 100, () => DONE, (t) => results.push(t));
    modem.emit('ok\r\n');
    expect(results).toEqual([true, true, false]);
    expect(eng.misses()).toBe(0);
  });

  it('a positive verdict re-arms the timeout', () => {
    const { clock, modem, eng } = setup();
    let result: boolean | null = null;
    eng.run('mac tx uncnf 1 00', 100, (l) => (l === 'ok' ? 5000 : DONE), (t) => (result = t));
    clock.advance(50);
    modem.emit('ok\r\n');
    clock.advance(4000);
    expect(result).toBeNull();
    modem.emit('mac_tx_ok\r\n');
    expect(result).toBe(false);
  });

  it('never logs key material, neither the command nor its reply', () => {
    const { modem, eng, hal } = setup();
    eng.run('mac set appkey AE07BD4621B7AAD81D5CAB3C5886BEEF', 100, () => DONE, () => undefined);
    modem.emit('AE07BD4621B7AAD81D5CAB3C5886BEEF\r\n');
    eng.run('AT+NWKSKEY=1029384756AFBECD5647382910DACFEB', 100, () => DONE, () => undefined);
    modem.emit('ok\r\n');
    const all = hal.logs.join('\n');
    expect(all).not.toContain('AE07BD46');
    expect(all).not.toContain('10293847');
    expect(all).toContain('mac set appkey <redacted>');
    expect(all).toContain('AT+NWKSKEY=<redacted>');
  });
});

describe('redaction and details', () => {
  it('redacts everything after a key word, leaves other commands alone', () => {
    expect(redact('mac set nwkskey 00112233')).toBe('mac set nwkskey <redacted>');
    expect(redact('AT+APPKEY=00112233')).toBe('AT+APPKEY=<redacted>');
    expect(redact('AT+appskey=00')).toBe('AT+appskey=<redacted>');
    expect(redact('mac tx cnf 1 AABB')).toBe('mac tx cnf 1 AABB');
    expect(noReply('mac set appkey 00112233445566778899AABBCCDDEEFF').detail).not.toContain('0011');
    expect(unexpected('x'.repeat(100)).detail.length).toBeLessThan(60);
  });
});

describe('outcome tables', () => {
  const reply = (s: string | null, w?: number) => ({ t: 'mac tx cnf 1 00', s, v: '', w });
  const rn = ' ok=ok no_free_ch=duty-cycle-wait silent=fault busy=busy ';
  const rui = ' OK=ok WAIT=duty-cycle-wait =fault ';

  it('maps listed words to their kind, with the word as a fault detail and the wait in ms', () => {
    expect(outcome(rn, reply('ok'))).toEqual({ kind: 'ok' });
    expect(outcome(rn, reply('busy'))).toEqual({ kind: 'busy' });
    expect(outcome(rn, reply('silent'))).toEqual({ kind: 'fault', detail: 'silent' });
    expect(outcome(rn, reply('no_free_ch'))).toEqual({ kind: 'duty-cycle-wait', ms: 0 });
    expect(outcome(rui, reply('WAIT', 5000))).toEqual({ kind: 'duty-cycle-wait', ms: 5000 });
  });

  it('an unlisted word is unexpected, or whatever the catch-all entry says; no word is no reply', () => {
    expect(outcome(rn, reply('Hello?'))).toEqual({ kind: 'fault', detail: 'unexpected reply: Hello?' });
    expect(outcome(rui, reply('AT_RX_ERROR'))).toEqual({ kind: 'fault', detail: 'AT_RX_ERROR' });
    expect(outcome(rn, reply(null))).toEqual({ kind: 'fault', detail: 'no reply to mac tx cnf 1 00' });
  });

  it('matches whole words only, never a word with spaces or a part of an entry', () => {
    for (const w of ['o', 'k', 'no_free', 'free_ch', 'ok=ok', 'ok busy', 'busy=busy silent', '=', 'duty-cycle-wait']) {
      expect(outcome(rn, reply(w))).toEqual({ kind: 'fault', detail: 'unexpected reply: ' + w });
    }
    expect(outcome(rui, reply('OK WAIT'))).toEqual({ kind: 'fault', detail: 'OK WAIT' });
  });
});

describe('hex and numbers', () => {
  it('round-trips any bytes through hex', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        const h = toHex(b);
        expect(h).toBe(Buffer.from(b).toString('hex').toUpperCase());
        expect(fromHex(h)).toEqual(b);
        expect(fromHex(h.toLowerCase())).toEqual(b);
      }),
    );
  });

  it('rejects odd length and non-hex characters', () => {
    expect(fromHex('ABC')).toBeNull();
    expect(fromHex('0G')).toBeNull();
    expect(fromHex('0 ')).toBeNull();
    // with a length: exactly that many bytes of hex (what isHex checked before it was merged into fromHex)
    expect(fromHex('0011', 2)).toEqual(new Uint8Array([0, 0x11]));
    expect(fromHex('0011', 3)).toBeNull();
    expect(fromHex(17, 1)).toBeNull();
  });

  it('parses decimals without ever producing NaN', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), (s) => {
        const n = parseDec(s);
        if (n !== null) {
          expect(Number.isNaN(n)).toBe(false);
          expect(String(n)).toBe(s.replace(/^(-?)0+(?=\d)/, '$1').replace(/^-0$/, '0'));
        }
      }),
    );
    expect(parseDec('-42')).toBe(-42);
    expect(parseDec('')).toBeNull();
    expect(parseDec('-')).toBeNull();
    expect(parseDec('4a')).toBeNull();
    // only the plain form: what both modems print
    expect(parseDec('4294967295')).toBe(4294967295);
    for (const s of ['007', '+5', ' 5', '5 ', '4e1', '0x10', 'NaN', 'Infinity']) expect(parseDec(s)).toBeNull();
    expect(isInt(3, 1, 3)).toBe(true);
    expect(isInt(3.5, 1, 4)).toBe(false);
    expect(isInt(NaN, 0, 1)).toBe(false);
    for (const x of ['2', true, null, undefined, [2], Infinity]) expect(isInt(x, 0, 10)).toBe(false);
  });
});
