import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createRn2483 } from '../../firmware/radio/rn2483.ts';
import type { Done, JoinOutcome, LinkCheckOutcome, ModemConfig, TxOutcome, CounterOutcome } from '../../firmware/radio/modem.ts';
import { fakeClock, fakeHal, fakeModem, settle, KEYS } from './fakes.ts';
import type { Answer, Responder } from './fakes.ts';

const VER = 'RN2483 1.0.5 Oct 31 2018 15:06:52';

/** A healthy RN2483; `over` answers first (return undefined to fall through). */
function healthy(over: Responder = () => undefined): Responder {
  return (line) => {
    const o = over(line);
    if (o) return o;
    if (line === 'sys get ver' || line === 'sys reset') return [VER];
    if (line === 'mac get status') return ['00000000'];
    if (line === 'mac get adr') return ['off'];
    if (line === 'mac get dr') return ['5'];
    if (line === 'mac get upctr') return ['7'];
    if (line.startsWith('mac set ') || line === 'mac save') return ['ok'];
    if (line === 'mac join otaa') return ['ok', { line: 'accepted', after: 6000 }];
    if (line === 'mac join abp') return ['ok', { line: 'accepted', after: 20 }];
    if (line.startsWith('mac tx ')) return ['ok', { line: 'mac_tx_ok', after: 2500 }];
    return ['invalid_param'];
  };
}

function setup(over?: Responder, cfg: ModemConfig = {}) {
  const clock = fakeClock();
  const modem = fakeModem(clock, healthy(over));
  const hal = fakeHal(clock, modem.serial);
  const m = createRn2483(hal, cfg);
  return { clock, modem, hal, m };
}

const init = (s: ReturnType<typeof setup>) => settle<Done>(s.clock, (cb) => s.m.init(cb));
const otaa = (s: ReturnType<typeof setup>) =>
  settle<JoinOutcome>(s.clock, (cb) => s.m.join({ mode: 'otaa', devEui: KEYS.devEui, joinEui: KEYS.joinEui, appKey: KEYS.appKey }, cb));
const send = (s: ReturnType<typeof setup>, port: number, hex: string, cnf: boolean) =>
  settle<TxOutcome>(s.clock, (cb) => s.m.send(port, Uint8Array.from(Buffer.from(hex, 'hex')), cnf, cb));

describe('RN2483 init and join', () => {
  it('opens the UART at 57600, syncs auto-baud and reads state', () => {
    const s = setup((l) => (l === 'mac get status' ? ['00000001'] : l === 'mac get adr' ? ['on'] : undefined));
    expect(init(s)).toEqual({ kind: 'ok' });
    expect(s.modem.baud()).toBe(57600);
    expect(s.modem.wire.slice(0, 4)).toEqual(['<BREAK>', '<55>', 'sys get ver', 'mac get status']);
    expect(s.m.joined()).toBe(true);
    expect(s.m.dataRate()).toBe(5);
  });

  it('a boot banner arriving on top of a reply is not taken as the next answer', () => {
    const s = setup((l) => (l === 'sys get ver' ? [VER, { line: VER, after: 8 }] : l === 'mac get status' ? ['00000001'] : undefined));
    expect(init(s)).toEqual({ kind: 'ok' });
    expect(s.m.joined()).toBe(true);
    expect(s.m.dataRate()).toBe(5);
  });

  it('rejects a module that is not an RN2483', () => {
    const s = setup((l) => (l === 'sys get ver' ? ['RAK3172 hello'] : undefined));
    expect(init(s)).toEqual({ kind: 'fault', detail: 'unexpected reply: RAK3172 hello' });
  });

  it('OTAA: writes identity and key, then waits for accepted', () => {
    const s = setup((l) => (l === 'mac get dr' ? ['3'] : undefined));
    expect(otaa(s)).toEqual({ kind: 'joined' });
    expect(s.modem.wire).toEqual([
      'mac set deveui ' + KEYS.devEui,
      'mac set appeui ' + KEYS.joinEui,
      'mac set appkey ' + KEYS.appKey,
      'mac join otaa',
      'mac get dr',
    ]);
    expect(s.m.joined()).toBe(true);
    expect(s.m.dataRate()).toBe(3);
  });

  it('ABP: writes session keys and both frame counters', () => {
    const s = setup();
    const o = settle<JoinOutcome>(s.clock, (cb) =>
      s.m.join({ mode: 'abp', devAddr: KEYS.devAddr, nwkSKey: KEYS.nwkSKey, appSKey: KEYS.appSKey, fCntUp: 1000, fCntDown: 12 }, cb),
    );
    expect(o).toEqual({ kind: 'joined' });
    expect(s.modem.wire.slice(0, 6)).toEqual([
      'mac set devaddr ' + KEYS.devAddr,
      'mac set nwkskey ' + KEYS.nwkSKey,
      'mac set appskey ' + KEYS.appSKey,
      'mac set upctr 1000',
      'mac set dnctr 12',
      'mac join abp',
    ]);
  });

  it('maps denied, first-stage errors and a missing result', () => {
    const cases: [Answer[], JoinOutcome][] = [
      [['ok', { line: 'denied', after: 6000 }], { kind: 'join-failed' }],
      [['no_free_ch'], { kind: 'duty-cycle-wait', ms: 0 }],
      [['busy'], { kind: 'busy' }],
      [['keys_not_init'], { kind: 'fault', detail: 'keys_not_init' }],
      [['silent'], { kind: 'fault', detail: 'silent' }],
      [['mac_paused'], { kind: 'fault', detail: 'mac_paused' }],
      [['not_joined'], { kind: 'fault', detail: 'not_joined' }],
      [['ok'], { kind: 'fault', detail: 'no join result' }],
      [['ok', { line: '#garbage', after: 100 }], { kind: 'fault', detail: 'unexpected reply: #garbage' }],
    ];
    for (const [answer, expected] of cases) {
      const s = setup((l) => (l === 'mac join otaa' ? answer : undefined));
      expect(otaa(s)).toEqual(expected);
      expect(s.m.joined()).toBe(false);
    }
  });

  it('refuses malformed keys without writing anything', () => {
    const s = setup();
    const bad = [
      { mode: 'otaa', devEui: '0004A30B001BA7B', joinEui: KEYS.joinEui, appKey: KEYS.appKey },
      { mode: 'otaa', devEui: KEYS.devEui, joinEui: KEYS.joinEui, appKey: 'ZZ' + KEYS.appKey.slice(2) },
      { mode: 'abp', devAddr: KEYS.devAddr, nwkSKey: KEYS.nwkSKey, appSKey: KEYS.appSKey, fCntUp: -1, fCntDown: 0 },
      { mode: 'abp', devAddr: KEYS.devAddr, nwkSKey: KEYS.nwkSKey, appSKey: KEYS.appSKey, fCntUp: 0.5, fCntDown: 0 },
      { mode: 'nope' },
    ];
    for (const p of bad) {
      expect(settle<JoinOutcome>(s.clock, (cb) => s.m.join(p as never, cb))).toEqual({ kind: 'invalid-param' });
    }
    expect(s.modem.wire).toEqual([]);
  });
});

describe('RN2483 uplinks', () => {
  it('unconfirmed and confirmed on any port, upper-case hex', () => {
    const s = setup();
    expect(send(s, 1, '00ff10', false)).toEqual({ kind: 'sent' });
    expect(send(s, 223, 'ab', true)).toEqual({ kind: 'delivered' });
    expect(s.modem.wire).toEqual(['mac tx uncnf 1 00FF10', 'mac tx cnf 223 AB']);
  });

  it('sends the bytes from an offset on (a queued sample past its time bytes); nothing left is refused', () => {
    const s = setup();
    const b = new Uint8Array([1, 2, 3, 4, 0xab, 0xcd]);
    expect(settle<TxOutcome>(s.clock, (cb) => s.m.send(7, b, false, cb, 4))).toEqual({ kind: 'sent' });
    expect(settle<TxOutcome>(s.clock, (cb) => s.m.send(7, b, false, cb, 6))).toEqual({ kind: 'invalid-param' });
    expect(s.modem.wire).toEqual(['mac tx uncnf 7 ABCD']);
  });

  it('delivers a downlink with its port and bytes', () => {
    const s = setup((l) => (l.startsWith('mac tx') ? ['ok', { line: 'mac_rx 42 DEADbeef', after: 2000 }] : undefined));
    const o = send(s, 5, '01', true);
    expect(o).toEqual({ kind: 'downlink', port: 42, data: new Uint8Array([0xde, 0xad, 0xbe, 0xef]), acked: true });
    const u = send(s, 5, '01', false);
    expect(u.kind === 'downlink' && u.acked).toBe(false);
  });

  it('maps every first-stage word', () => {
    const cases: [string, TxOutcome][] = [
      ['invalid_param', { kind: 'invalid-param' }],
      ['not_joined', { kind: 'not-joined' }],
      ['no_free_ch', { kind: 'duty-cycle-wait', ms: 0 }],
      ['silent', { kind: 'fault', detail: 'silent' }],
      ['frame_counter_err_rejoin_needed', { kind: 'rejoin-needed' }],
      ['busy', { kind: 'busy' }],
      ['mac_paused', { kind: 'fault', detail: 'mac_paused' }],
      ['invalid_data_len', { kind: 'invalid-length' }],
      ['Hello?', { kind: 'fault', detail: 'unexpected reply: Hello?' }],
    ];
    for (const [word, expected] of cases) {
      const s = setup((l) => (l.startsWith('mac tx') ? [word] : undefined));
      expect(send(s, 1, '01', true)).toEqual(expected);
    }
  });

  it('maps every second-stage line, and a missing one', () => {
    const cases: [Answer[], boolean, TxOutcome][] = [
      [['ok', { line: 'mac_err', after: 30000 }], true, { kind: 'no-ack' }],
      [['ok', { line: 'mac_err', after: 3000 }], false, { kind: 'fault', detail: 'mac_err' }],
      [['ok', { line: 'invalid_data_len', after: 10 }], false, { kind: 'invalid-length' }],
      [['ok', { line: 'mac_rx 0', after: 10 }], false, { kind: 'fault', detail: 'malformed downlink' }],
      [['ok', { line: 'mac_rx 3 ABC', after: 10 }], false, { kind: 'fault', detail: 'malformed downlink' }],
      [['ok', { line: 'mac_rx x 00', after: 10 }], false, { kind: 'fault', detail: 'malformed downlink' }],
      [['ok', { line: 'radio_err', after: 10 }], false, { kind: 'fault', detail: 'unexpected reply: radio_err' }],
      [['ok'], false, { kind: 'fault', detail: 'no uplink result' }],
      [['ok'], true, { kind: 'fault', detail: 'no uplink result' }],
    ];
    for (const [answer, cnf, expected] of cases) {
      const s = setup((l) => (l.startsWith('mac tx') ? answer : undefined));
      expect(send(s, 7, '0102', cnf)).toEqual(expected);
    }
  });

  it('waits up to cnfMs for a confirmed result but only txMs for an unconfirmed one', () => {
    const late = (l: string) => (l.startsWith('mac tx') ? ['ok', { line: 'mac_tx_ok', after: 40000 }] : undefined);
    expect(send(setup(late), 1, '01', true)).toEqual({ kind: 'delivered' });
    expect(send(setup(late), 1, '01', false)).toEqual({ kind: 'fault', detail: 'no uplink result' });
  });

  it('marks the session lost on not_joined and frame_counter_err_rejoin_needed', () => {
    for (const word of ['not_joined', 'frame_counter_err_rejoin_needed']) {
      const s = setup((l) => (l.startsWith('mac tx') ? [word] : undefined));
      otaa(s);
      expect(s.m.joined()).toBe(true);
      send(s, 1, '01', false);
      expect(s.m.joined()).toBe(false);
    }
  });

  it('refuses port 0, port 224, empty payloads and non-bytes without writing', () => {
    const s = setup();
    for (const [port, data] of [
      [0, new Uint8Array(1)],
      [224, new Uint8Array(1)],
      [1.5, new Uint8Array(1)],
      [1, new Uint8Array(0)],
      [1, [1, 2] as never],
    ] as [number, Uint8Array][]) {
      expect(settle<TxOutcome>(s.clock, (cb) => s.m.send(port, data, false, cb))).toEqual({ kind: 'invalid-param' });
    }
    expect(s.modem.wire).toEqual([]);
  });

  it('survives replies split into any chunks with NUL and garbage bytes between lines', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 10 }), fc.constantFrom('\x00', '\xff\xfe', '\r', '\n'), (cuts, junk) => {
        const clock = fakeClock();
        const modem = fakeModem(clock, (l) => {
          if (!l.startsWith('mac tx')) return undefined;
          const text = junk + 'ok\r\n' + junk + 'mac_rx 9 0A0B\r\n';
          const out: Answer[] = [];
          let i = 0;
          let k = 0;
          while (i < text.length) {
            const n = cuts[k++ % cuts.length]!;
            out.push({ raw: text.slice(i, i + n), after: 5 + k });
            i += n;
          }
          return out;
        });
        const m = createRn2483(fakeHal(clock, modem.serial), {});
        const o = settle<TxOutcome>(clock, (cb) => m.send(9, new Uint8Array([1]), false, cb));
        expect(o).toEqual({ kind: 'downlink', port: 9, data: new Uint8Array([10, 11]), acked: false });
      }),
    );
  });

  it('does not take a late result of a timed-out uplink as the answer to the next command', () => {
    let n = 0;
    const s = setup((l) => {
      if (l.startsWith('mac tx')) return n++ === 0 ? ['ok', { line: 'mac_tx_ok', after: 16000 }] : undefined;
      if (l === 'mac set dr 2') return [{ line: 'ok', after: 50 }];
      return undefined;
    });
    expect(send(s, 1, '01', false)).toEqual({ kind: 'fault', detail: 'no uplink result' });
    // The stale mac_tx_ok arrives while `mac set dr` waits; its own `ok` must still be what answers it.
    const o = settle<Done>(s.clock, (cb) => {
      s.m.setDataRate(2, cb);
    });
    expect(o).toEqual({ kind: 'ok' });
    expect(s.m.dataRate()).toBe(2);
  });
});

describe('RN2483 gate, timeouts and reset', () => {
  it('answers busy to a second operation while one is in flight', () => {
    const s = setup();
    const first: TxOutcome[] = [];
    s.m.send(1, new Uint8Array([1]), false, (o) => first.push(o));
    s.clock.advance(1);
    expect(s.m.busy()).toBe(true);
    expect(settle<TxOutcome>(s.clock, (cb) => s.m.send(2, new Uint8Array([1]), false, cb))).toEqual({ kind: 'busy' });
    s.clock.advance(10000);
    expect(first).toEqual([{ kind: 'sent' }]);
    expect(s.m.busy()).toBe(false);
  });

  it('a single timeout is a fault naming the command, without resetting', () => {
    const s = setup((l) => (l === 'mac get upctr' ? [] : undefined));
    expect(settle<CounterOutcome>(s.clock, (cb) => s.m.upCounter(cb))).toEqual({ kind: 'fault', detail: 'no reply to mac get upctr' });
    expect(s.modem.wire).toEqual(['mac get upctr']);
  });

  it('after three silent commands pulses the reset pin and reports a fault', () => {
    let alive = false;
    const s = setup((l) => (alive ? undefined : []), { resetPin: 'A5' });
    alive = false;
    for (let i = 0; i < 2; i++) expect(settle<Done>(s.clock, (cb) => s.m.setDataRate(1, cb)).kind).toBe('fault');
    expect(s.hal.pins).toEqual([]);
    const third = settle<Done>(s.clock, (cb) => {
      s.m.setDataRate(1, cb);
      // the modem boots after the pin goes high again
      s.clock.setTimeout(() => {
        alive = true;
      }, 100);
    });
    expect(third).toEqual({ kind: 'fault', detail: 'no reply; modem reset' });
    expect(s.hal.pins).toEqual(['A5=0', 'A5=1']);
    expect(s.hal.logs.some((l) => l.includes('resetting'))).toBe(true);
    expect(s.m.joined()).toBe(false);
  });

  it('without a pin: sys reset, and if that is unheard a break + 0x55 then sys reset again', () => {
    let resets = 0;
    const s = setup((l) => {
      if (l === 'sys reset') return resets++ === 0 ? [] : [VER];
      return [];
    });
    for (let i = 0; i < 3; i++) settle<Done>(s.clock, (cb) => s.m.setAdr(true, cb));
    const tail = s.modem.wire.slice(3);
    expect(tail).toEqual(['sys reset', '<BREAK>', '<55>', 'sys reset']);
    // and the next command is sent normally again
    s.modem.respond = healthy();
    expect(settle<Done>(s.clock, (cb) => s.m.setAdr(true, cb))).toEqual({ kind: 'ok' });
  });

  it('public reset reports ok once the module printed its version', () => {
    const s = setup();
    expect(settle<Done>(s.clock, (cb) => s.m.reset(cb))).toEqual({ kind: 'ok' });
    expect(s.modem.wire).toEqual(['sys reset']);
  });

  it('never prints keys, even with debug logging and a silent modem', () => {
    const s = setup((l) => (l.startsWith('mac set appkey') || l.startsWith('mac set nwkskey') ? [] : undefined), { debug: true });
    const o = otaa(s);
    expect(o).toEqual({ kind: 'fault', detail: 'no reply to mac set appkey <redacted>' });
    settle<JoinOutcome>(s.clock, (cb) =>
      s.m.join({ mode: 'abp', devAddr: KEYS.devAddr, nwkSKey: KEYS.nwkSKey, appSKey: KEYS.appSKey, fCntUp: 0, fCntDown: 0 }, cb),
    );
    const logs = s.hal.logs.join('\n');
    expect(logs).toContain('mac set deveui ' + KEYS.devEui);
    for (const k of [KEYS.appKey, KEYS.nwkSKey, KEYS.appSKey]) expect(logs).not.toContain(k.slice(0, 8));
  });
});

describe('RN2483 link check, counters, ADR, sleep', () => {
  it('link check rides on the next uplink and reports margin and gateways', () => {
    const s = setup((l) => (l === 'mac get gwnb' ? ['2'] : l === 'mac get mrgn' ? ['20'] : undefined));
    const link: LinkCheckOutcome[] = [];
    s.m.linkCheck((o) => link.push(o));
    s.clock.advance(100);
    expect(link).toEqual([]);
    expect(send(s, 1, '01', false)).toEqual({ kind: 'sent' });
    expect(link).toEqual([{ kind: 'link', margin: 20, gateways: 2 }]);
    expect(s.modem.wire).toEqual(['mac set linkchk 1', 'mac tx uncnf 1 01', 'mac set linkchk 0', 'mac get gwnb', 'mac get mrgn']);
  });

  it('link check with no gateway is no-answer; a second request while armed is busy', () => {
    const s = setup((l) => (l === 'mac get gwnb' ? ['0'] : l === 'mac get mrgn' ? ['255'] : undefined));
    const link: LinkCheckOutcome[] = [];
    s.m.linkCheck((o) => link.push(o));
    s.clock.advance(100);
    expect(settle<LinkCheckOutcome>(s.clock, (cb) => s.m.linkCheck(cb))).toEqual({ kind: 'busy' });
    send(s, 1, '01', true);
    expect(link).toEqual([{ kind: 'no-answer' }]);
  });

  it('reads the uplink counter and refreshes the data rate after uplinks under ADR', () => {
    let dr = 5;
    const s = setup((l) => (l === 'mac get dr' ? [String(dr--)] : undefined));
    expect(settle<CounterOutcome>(s.clock, (cb) => s.m.upCounter(cb))).toEqual({ kind: 'counter', up: 7 });
    settle<Done>(s.clock, (cb) => s.m.setAdr(true, cb));
    send(s, 1, '01', false);
    expect(s.m.dataRate()).toBe(5);
    send(s, 1, '01', false);
    expect(s.m.dataRate()).toBe(4);
  });

  it('sleeps without waiting, and the next operation wakes it with break + 0x55', () => {
    const s = setup((l) => (l === 'sys get ver' ? ['ok', VER] : undefined));
    expect(settle<Done>(s.clock, (cb) => s.m.sleep(60000, cb))).toEqual({ kind: 'ok' });
    expect(send(s, 3, '01', false)).toEqual({ kind: 'sent' });
    expect(s.modem.wire).toEqual(['sys sleep 60000', '<BREAK>', '<55>', 'sys get ver', 'mac tx uncnf 3 01']);
  });

  it('a module that woke by itself is not woken again', () => {
    const s = setup((l) => (l.startsWith('sys sleep') ? [{ line: 'ok', after: 1000 }] : undefined));
    settle<Done>(s.clock, (cb) => s.m.sleep(1000, cb));
    s.clock.advance(2000);
    expect(settle<Done>(s.clock, (cb) => s.m.wake(cb))).toEqual({ kind: 'ok' });
    expect(s.modem.wire).toEqual(['sys sleep 1000']);
  });

  it('refuses sleep times the module refuses; save writes mac save', () => {
    const s = setup();
    expect(settle<Done>(s.clock, (cb) => s.m.sleep(99, cb))).toEqual({ kind: 'invalid-param' });
    expect(settle<Done>(s.clock, (cb) => s.m.save(cb))).toEqual({ kind: 'ok' });
    expect(settle<Done>(s.clock, (cb) => s.m.setDataRate(8, cb))).toEqual({ kind: 'invalid-param' });
    expect(s.modem.wire).toEqual(['mac save']);
  });

  it('close releases the UART and the next operation reopens it', () => {
    const s = setup();
    init(s);
    s.m.close();
    expect(s.modem.isOpen()).toBe(false);
    expect(send(s, 1, '01', false)).toEqual({ kind: 'sent' });
    expect(s.modem.isOpen()).toBe(true);
  });
});
