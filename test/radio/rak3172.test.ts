import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createRak3172 } from '../../firmware/radio/rak3172.ts';
import type { CounterOutcome, Done, JoinOutcome, LinkCheckOutcome, ModemConfig, TxOutcome } from '../../firmware/radio/modem.ts';
import { fakeClock, fakeHal, fakeModem, settle, KEYS } from './fakes.ts';
import type { Answer, Responder } from './fakes.ts';

/** A healthy RAK3172 with RUI3 >= 3.2 (`AT+X=?` answers `AT+X=<v>`); `over` answers first. */
function healthy(over: Responder = () => undefined): Responder {
  let cfm = 0;
  return (line) => {
    const o = over(line);
    if (o) return o;
    if (line === 'AT' || line === 'ATZ') return line === 'ATZ' ? ['RAKwireless RAK3172 Example', 'Current Work Mode: LoRaWAN.'] : ['OK'];
    if (line === 'AT+NJS=?') return ['AT+NJS=0', 'OK'];
    if (line === 'AT+ADR=?') return ['AT+ADR=0', 'OK'];
    if (line === 'AT+CFM=?') return ['AT+CFM=' + cfm, 'OK'];
    if (line === 'AT+DR=?') return ['AT+DR=5', 'OK'];
    if (line.startsWith('AT+CFM=')) {
      cfm = Number(line.slice(7));
      return ['OK'];
    }
    if (line.startsWith('AT+JOIN')) return ['OK', { line: '+EVT:JOINED', after: 6000 }];
    if (line.startsWith('AT+SEND=')) return ['OK', { line: cfm ? '+EVT:SEND_CONFIRMED_OK' : '+EVT:TX_DONE', after: 3000 }];
    if (line.startsWith('AT+') && line.includes('=') && !line.endsWith('=?')) return ['OK'];
    return ['AT_ERROR'];
  };
}

function setup(over?: Responder, cfg: ModemConfig = {}) {
  const clock = fakeClock();
  const modem = fakeModem(clock, healthy(over));
  const hal = fakeHal(clock, modem.serial);
  const m = createRak3172(hal, cfg);
  return { clock, modem, hal, m };
}
type S = ReturnType<typeof setup>;

const init = (s: S) => settle<Done>(s.clock, (cb) => s.m.init(cb));
const otaa = (s: S) =>
  settle<JoinOutcome>(s.clock, (cb) => s.m.join({ mode: 'otaa', devEui: KEYS.devEui, joinEui: KEYS.joinEui, appKey: KEYS.appKey }, cb));
const send = (s: S, port: number, hex: string, cnf: boolean) =>
  settle<TxOutcome>(s.clock, (cb) => s.m.send(port, Uint8Array.from(Buffer.from(hex, 'hex')), cnf, cb));

describe('RAK3172 init and join', () => {
  it('opens the UART at 115200 and reads state, with or without the AT+X= prefix in values', () => {
    const s = setup((l) => (l === 'AT+NJS=?' ? ['1', 'OK'] : l === 'AT+ADR=?' ? ['AT+ADR=1', 'OK'] : undefined), { band: 4 });
    expect(init(s)).toEqual({ kind: 'ok' });
    expect(s.modem.baud()).toBe(115200);
    expect(s.modem.wire).toEqual(['AT', 'AT+BAND=4', 'AT+NJS=?', 'AT+ADR=?', 'AT+CFM=?', 'AT+DR=?']);
    expect(s.m.joined()).toBe(true);
    expect(s.m.dataRate()).toBe(5);
  });

  it('OTAA: mode, identity and key, then one join attempt and +EVT:JOINED', () => {
    const s = setup();
    expect(otaa(s)).toEqual({ kind: 'joined' });
    expect(s.modem.wire).toEqual([
      'AT+NJM=1',
      'AT+DEVEUI=' + KEYS.devEui,
      'AT+APPEUI=' + KEYS.joinEui,
      'AT+APPKEY=' + KEYS.appKey,
      'AT+JOIN=1:0:8:1',
      'AT+DR=?',
    ]);
    expect(s.m.joined()).toBe(true);
  });

  it('maps join failures, busy, errors and silence', () => {
    const cases: [Answer[], JoinOutcome][] = [
      [['OK', { line: '+EVT:JOIN FAILED', after: 8000 }], { kind: 'join-failed' }],
      [['OK', { line: '+EVT:JOIN_FAILED_RX_TIMEOUT', after: 8000 }], { kind: 'join-failed' }],
      [['AT_BUSY_ERROR'], { kind: 'busy' }],
      [['Restricted_Wait_5000_ms', 'AT_BUSY_ERROR'], { kind: 'duty-cycle-wait', ms: 5000 }],
      [['AT_PARAM_ERROR'], { kind: 'invalid-param' }],
      [['AT_ERROR'], { kind: 'fault', detail: 'AT_ERROR' }],
      [['OK'], { kind: 'fault', detail: 'no join result' }],
      [[], { kind: 'fault', detail: 'no reply to AT+JOIN=1:0:8:1' }],
    ];
    for (const [answer, expected] of cases) {
      const s = setup((l) => (l.startsWith('AT+JOIN') ? answer : undefined));
      expect(otaa(s)).toEqual(expected);
      expect(s.m.joined()).toBe(false);
    }
  });

  it('ABP: session keys in, joined when NJS says so, else AT+JOIN', () => {
    const abp = { mode: 'abp' as const, devAddr: KEYS.devAddr, nwkSKey: KEYS.nwkSKey, appSKey: KEYS.appSKey, fCntUp: 0, fCntDown: 0 };
    const a = setup((l) => (l === 'AT+NJS=?' ? ['AT+NJS=1', 'OK'] : undefined));
    expect(settle<JoinOutcome>(a.clock, (cb) => a.m.join(abp, cb))).toEqual({ kind: 'joined' });
    expect(a.modem.wire).toEqual(['AT+NJM=0', 'AT+DEVADDR=' + KEYS.devAddr, 'AT+NWKSKEY=' + KEYS.nwkSKey, 'AT+APPSKEY=' + KEYS.appSKey, 'AT+NJS=?']);
    const b = setup();
    expect(settle<JoinOutcome>(b.clock, (cb) => b.m.join(abp, cb))).toEqual({ kind: 'joined' });
    expect(b.modem.wire.slice(4)).toEqual(['AT+NJS=?', 'AT+JOIN', 'AT+DR=?']);
  });

  it('refuses malformed keys without writing anything', () => {
    const s = setup();
    expect(
      settle<JoinOutcome>(s.clock, (cb) => s.m.join({ mode: 'otaa', devEui: KEYS.devEui, joinEui: KEYS.joinEui, appKey: 'AE07' }, cb)),
    ).toEqual({ kind: 'invalid-param' });
    expect(s.modem.wire).toEqual([]);
  });
});

describe('RAK3172 uplinks', () => {
  it('switches AT+CFM only when the mode changes', () => {
    const s = setup();
    init(s);
    s.modem.wire.length = 0;
    expect(send(s, 2, '0a0b', false)).toEqual({ kind: 'sent' });
    expect(send(s, 2, '0c', true)).toEqual({ kind: 'delivered' });
    expect(send(s, 223, '0d', true)).toEqual({ kind: 'delivered' });
    expect(s.modem.wire).toEqual(['AT+SEND=2:0A0B', 'AT+CFM=1', 'AT+SEND=2:0C', 'AT+SEND=223:0D']);
  });

  it('sends the bytes from an offset on (a queued sample past its time bytes); nothing left is refused', () => {
    const s = setup();
    init(s);
    s.modem.wire.length = 0;
    const b = new Uint8Array([1, 2, 3, 4, 0xab, 0xcd]);
    expect(settle<TxOutcome>(s.clock, (cb) => s.m.send(7, b, false, cb, 4))).toEqual({ kind: 'sent' });
    expect(settle<TxOutcome>(s.clock, (cb) => s.m.send(7, b, false, cb, 6))).toEqual({ kind: 'invalid-param' });
    expect(s.modem.wire).toEqual(['AT+SEND=7:ABCD']);
  });

  it('catches a downlink event before or after the send event', () => {
    const rx = '+EVT:RX_1:-46:10:UNICAST:111:48454c4c4f0a';
    const hello = new Uint8Array(Buffer.from('HELLO\n'));
    const before = setup((l) => (l.startsWith('AT+SEND') ? ['OK', { line: rx, after: 2000 }, { line: '+EVT:TX_DONE', after: 2100 }] : undefined));
    expect(send(before, 1, '01', false)).toEqual({ kind: 'downlink', port: 111, data: hello, acked: false });
    const after = setup((l) =>
      l.startsWith('AT+SEND') ? ['OK', { line: '+EVT:SEND_CONFIRMED_OK', after: 2000 }, { line: rx, after: 2001 }] : undefined,
    );
    expect(send(after, 1, '01', true)).toEqual({ kind: 'downlink', port: 111, data: hello, acked: true });
  });

  it('reads the older two-line downlink form and ignores empty (ACK-only) downlinks', () => {
    const old = setup((l) =>
      l.startsWith('AT+SEND') ? ['OK', { line: '+EVT:RX_1, RSSI -60, SNR 9', after: 1000 }, { line: '+EVT:12:0102', after: 1001 }, { line: '+EVT:TX_DONE', after: 1002 }] : undefined,
    );
    expect(send(old, 1, '01', false)).toEqual({ kind: 'downlink', port: 12, data: new Uint8Array([1, 2]), acked: false });
    const empty = setup((l) =>
      l.startsWith('AT+SEND') ? ['OK', { line: '+EVT:RX_2:-90:-3:UNICAST:0:', after: 1000 }, { line: '+EVT:SEND_CONFIRMED_OK', after: 1001 }] : undefined,
    );
    expect(send(empty, 1, '01', true)).toEqual({ kind: 'delivered' });
  });

  it('maps every status word and event, and silence', () => {
    const cases: [Answer[], boolean, TxOutcome][] = [
      [['AT_NO_NETWORK_JOINED'], false, { kind: 'not-joined' }],
      [['AT_BUSY_ERROR'], false, { kind: 'busy' }],
      [['Restricted_Wait_139627_ms', 'AT_BUSY_ERROR'], false, { kind: 'duty-cycle-wait', ms: 139627 }],
      [['Restricted_Wait_x_ms', 'AT_BUSY_ERROR'], false, { kind: 'busy' }],
      [['AT_PARAM_ERROR'], false, { kind: 'invalid-length' }],
      [['AT_ERROR'], false, { kind: 'fault', detail: 'AT_ERROR' }],
      [['AT_RX_ERROR'], false, { kind: 'fault', detail: 'AT_RX_ERROR' }],
      [['OK', { line: '+EVT:SEND_CONFIRMED_FAILED(4)', after: 20000 }], true, { kind: 'no-ack' }],
      [['OK', { line: '+EVT:TX_DONE', after: 2000 }], true, { kind: 'fault', detail: 'no uplink result' }],
      [['OK'], false, { kind: 'fault', detail: 'no uplink result' }],
      [[], false, { kind: 'fault', detail: 'no reply to AT+SEND=1:01' }],
    ];
    for (const [answer, cnf, expected] of cases) {
      const s = setup((l) => (l.startsWith('AT+SEND') ? answer : undefined));
      expect(send(s, 1, '01', cnf)).toEqual(expected);
    }
  });

  it('ignores echo, banner noise and garbage bytes around replies in any chunking', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 8 }), (cuts) => {
        const clock = fakeClock();
        const modem = fakeModem(clock, (l) => {
          if (!l.startsWith('AT+SEND')) return [l, 'OK'];
          const text = l + '\r\n\x00\r\nOK\r\n\xff\xfe\n+EVT:RX_1:-1:2:UNICAST:8:FF\r+EVT:TX_DONE\n';
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
        const m = createRak3172(fakeHal(clock, modem.serial), {});
        const o = settle<TxOutcome>(clock, (cb) => m.send(8, new Uint8Array([0]), false, cb));
        expect(o).toEqual({ kind: 'downlink', port: 8, data: new Uint8Array([255]), acked: false });
      }),
    );
  });

  it('a stale event of an earlier uplink is not an answer to the next command', () => {
    let n = 0;
    const s = setup((l) => {
      if (l.startsWith('AT+SEND')) return n++ === 0 ? ['OK', { line: '+EVT:TX_DONE', after: 16000 }] : undefined;
      if (l === 'AT+DR=3') return [{ line: 'OK', after: 50 }];
      return undefined;
    });
    expect(send(s, 1, '01', false).kind).toBe('fault');
    expect(settle<Done>(s.clock, (cb) => s.m.setDataRate(3, cb))).toEqual({ kind: 'ok' });
    expect(s.m.dataRate()).toBe(3);
  });
});

describe('RAK3172 link check, sleep, reset, redaction', () => {
  it('link check result arrives with the uplink (comma and colon forms)', () => {
    for (const [evt, expected] of [
      ['+EVT:LINKCHECK:0,21,1,-60,11', { kind: 'link', margin: 21, gateways: 1 }],
      ['+EVT:LINKCHECK:0:7:3:-100:-5', { kind: 'link', margin: 7, gateways: 3 }],
      ['+EVT:LINKCHECK:1,0,0,0,0', { kind: 'no-answer' }],
      ['+EVT:LINKCHECK:zz', { kind: 'fault', detail: 'malformed link check' }],
    ] as [string, LinkCheckOutcome][]) {
      const s = setup((l) => (l.startsWith('AT+SEND') ? ['OK', { line: '+EVT:TX_DONE', after: 2000 }, { line: evt, after: 2050 }] : undefined));
      const got: LinkCheckOutcome[] = [];
      s.m.linkCheck((o) => got.push(o));
      s.clock.advance(100);
      expect(send(s, 1, '01', false)).toEqual({ kind: 'sent' });
      expect(got).toEqual([expected]);
      expect(s.modem.wire).toEqual(['AT+LINKCHECK=1', 'AT+CFM=0', 'AT+SEND=1:01']);
    }
  });

  it('link check without an event after the uplink is no-answer', () => {
    const s = setup();
    const got: LinkCheckOutcome[] = [];
    s.m.linkCheck((o) => got.push(o));
    // still arming: the uplink is refused, not queued
    expect(send(s, 1, '01', false)).toEqual({ kind: 'busy' });
    expect(got).toEqual([]);
    expect(send(s, 1, '01', false)).toEqual({ kind: 'sent' });
    expect(got).toEqual([{ kind: 'no-answer' }]);
  });

  it('sleep; a later operation wakes the module with AT (retried once) before its command', () => {
    let ats = 0;
    const s = setup((l) => (l === 'AT' ? (ats++ === 0 ? [] : ['OK']) : undefined));
    expect(settle<Done>(s.clock, (cb) => s.m.sleep(600000, cb))).toEqual({ kind: 'ok' });
    expect(send(s, 4, '01', false)).toEqual({ kind: 'sent' });
    expect(s.modem.wire).toEqual(['AT+SLEEP=600000', 'AT', 'AT', 'AT+CFM=0', 'AT+SEND=4:01']);
  });

  it('no wake-up needed once the sleep time is over', () => {
    const s = setup();
    settle<Done>(s.clock, (cb) => s.m.sleep(5000, cb));
    s.clock.advance(10000);
    expect(settle<Done>(s.clock, (cb) => s.m.wake(cb))).toEqual({ kind: 'ok' });
    expect(s.modem.wire).toEqual(['AT+SLEEP=5000']);
  });

  it('after three silent commands resets with ATZ and forgets the CFM cache', () => {
    let alive = false;
    const s = setup((l) => (alive || l === 'ATZ' ? undefined : []));
    for (let i = 0; i < 3; i++) settle<Done>(s.clock, (cb) => s.m.setAdr(false, cb));
    expect(s.modem.wire).toEqual(['AT+ADR=0', 'AT+ADR=0', 'AT+ADR=0', 'ATZ']);
    alive = true;
    s.modem.wire.length = 0;
    send(s, 1, '01', false);
    expect(s.modem.wire).toEqual(['AT+CFM=0', 'AT+SEND=1:01']);
  });

  it('hardware reset through the pin when configured', () => {
    const s = setup(undefined, { resetPin: 'B3' });
    s.modem.respond = () => [];
    // the pin reset makes the module print its banner
    const o = settle<Done>(s.clock, (cb) => {
      s.m.reset(cb);
      s.clock.setTimeout(() => s.modem.emit('RAKwireless\r\n'), 50);
    });
    expect(o).toEqual({ kind: 'ok' });
    expect(s.hal.pins).toEqual(['B3=0', 'B3=1']);
    expect(s.modem.wire).toEqual([]);
  });

  it('never logs keys, even when the module echoes commands', () => {
    const s = setup((l) => (l.includes('KEY=') ? [l, 'OK'] : undefined), { debug: true });
    otaa(s);
    settle<JoinOutcome>(s.clock, (cb) =>
      s.m.join({ mode: 'abp', devAddr: KEYS.devAddr, nwkSKey: KEYS.nwkSKey, appSKey: KEYS.appSKey, fCntUp: 0, fCntDown: 0 }, cb),
    );
    const logs = s.hal.logs.join('\n');
    expect(logs).toContain('AT+APPKEY=<redacted>');
    for (const k of [KEYS.appKey, KEYS.nwkSKey, KEYS.appSKey]) expect(logs).not.toContain(k.slice(0, 8));
  });

  it('reports the uplink counter as unsupported; save is a no-op', () => {
    const s = setup();
    expect(settle<CounterOutcome>(s.clock, (cb) => s.m.upCounter(cb))).toEqual({ kind: 'unsupported' });
    expect(settle<Done>(s.clock, (cb) => s.m.save(cb))).toEqual({ kind: 'ok' });
    expect(settle<Done>(s.clock, (cb) => s.m.sleep(0, cb))).toEqual({ kind: 'invalid-param' });
    expect(s.modem.wire).toEqual([]);
  });
});
