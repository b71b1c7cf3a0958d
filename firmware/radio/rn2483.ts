// Microchip RN2483 driver: `sys`/`mac` commands at 57600 baud, CRLF lines.
// `mac tx` and `mac join` answer twice: first `ok` or an error word at once,
// then the result (`mac_tx_ok`, `mac_rx <port> <hex>`, `mac_err`, `invalid_data_len`;
// `accepted`/`denied`). `sys sleep <ms>` answers `ok` only when the module wakes
// (timer, or break + 0x55). Reference: RN2483 LoRa Technology Module Command
// Reference User's Guide (DS40001784).
import type { Hal } from '../hal.ts';
import { createGate, createLineEngine, recover, noReply, unexpected, DONE, MORE, NOT_MINE } from './at.ts';
import { fromHex, isHex, isInt, parseDec, toHex } from './hex.ts';
import { BUSY, INVALID, OK, fault } from './modem.ts';
import type { CounterOutcome, Done, Fault, JoinOutcome, JoinParams, LinkCheckOutcome, Modem, ModemConfig, TxOutcome } from './modem.ts';

/**
 * Lines that are never the answer to `tx`: results that arrive after their command timed out,
 * and the version banner the module prints when it boots (an answer only to `sys` commands).
 */
function late(line: string, tx: string): boolean {
  if (line.indexOf('RN2') === 0) return tx.indexOf('sys ') !== 0;
  return (
    line === 'mac_tx_ok' || line === 'mac_err' || line === 'accepted' || line === 'denied' || line.indexOf('mac_rx ') === 0
  );
}

/** First-stage error words of `mac tx` / `mac join`. */
function firstStage(w: string): TxOutcome {
  if (w === 'not_joined') return { kind: 'not-joined' };
  if (w === 'no_free_ch') return { kind: 'duty-cycle-wait', ms: 0 };
  if (w === 'busy') return BUSY;
  if (w === 'invalid_data_len') return { kind: 'invalid-length' };
  if (w === 'frame_counter_err_rejoin_needed') return { kind: 'rejoin-needed' };
  if (w === 'invalid_param') return INVALID;
  // silent, mac_paused, keys_not_init and anything else
  if (w === 'silent' || w === 'mac_paused' || w === 'keys_not_init') return fault(w);
  return unexpected(w);
}

/** Second stage of `mac tx`. */
function txResult(line: string, confirmed: boolean): TxOutcome {
  if (line === 'mac_tx_ok') return confirmed ? { kind: 'delivered' } : { kind: 'sent' };
  if (line === 'mac_err') return confirmed ? { kind: 'no-ack' } : fault('mac_err');
  if (line === 'invalid_data_len') return { kind: 'invalid-length' };
  if (line.indexOf('mac_rx ') !== 0) return unexpected(line);
  const rest = line.substring(7);
  const sp = rest.indexOf(' ');
  const port = parseDec(sp < 0 ? rest : rest.substring(0, sp));
  const data = fromHex(sp < 0 ? '' : rest.substring(sp + 1));
  if (port === null || port < 1 || port > 255 || data === null) return fault('malformed downlink');
  return { kind: 'downlink', port: port, data: data, acked: confirmed };
}

function simple(line: string | null, tx: string): Done {
  if (line === null) return noReply(tx);
  if (line === 'ok') return OK;
  if (line === 'invalid_param') return INVALID;
  if (line === 'busy') return BUSY;
  return unexpected(line);
}

export function createRn2483(hal: Hal, cfg: ModemConfig): Modem {
  const replyMs = cfg.replyMs || 2000;
  const eng = createLineEngine(hal, 57600, !!cfg.debug);
  const st = {
    joined: false,
    dr: -1,
    adr: false,
    asleep: false,
    link: null as ((o: LinkCheckOutcome) => void) | null,
  };
  const plan = {
    pin: cfg.resetPin,
    soft: 'sys reset',
    booted: function (line: string) {
      return line.indexOf('RN2') === 0;
    },
    autobaud: true,
    bootMs: 3000,
  };

  /** One command, one reply line (null on timeout). */
  function ask(tx: string, ms: number, cb: (line: string | null) => void): void {
    let got: string | null = null;
    const started = eng.run(
      tx,
      ms,
      function (line) {
        if (late(line, tx)) return NOT_MINE;
        got = line;
        return DONE;
      },
      function () {
        cb(got);
      },
    );
    if (!started) cb(null);
  }

  /** Waits for the second-stage line. */
  function result(ms: number, cb: (line: string | null) => void): void {
    let got: string | null = null;
    const started = eng.run('', ms, function (line) {
      got = line;
      return DONE;
    }, function () {
      cb(got);
    });
    if (!started) cb(null);
  }

  function cmd(tx: string, cb: (o: Done) => void): void {
    ask(tx, replyMs, function (line) {
      cb(simple(line, tx));
    });
  }

  function all(cmds: string[], i: number, cb: (o: Done) => void): void {
    if (i >= cmds.length) return cb(OK);
    cmd(cmds[i]!, function (o) {
      if (o.kind !== 'ok') cb(o);
      else all(cmds, i + 1, cb);
    });
  }

  /** A decimal `mac get` value, or null. */
  function getNum(what: string, cb: (n: number | null) => void): void {
    ask('mac get ' + what, replyMs, function (line) {
      cb(line === null ? null : parseDec(line));
    });
  }

  function refreshDr(then: () => void): void {
    getNum('dr', function (n) {
      if (n !== null) st.dr = n;
      then();
    });
  }

  function settleLink(o: LinkCheckOutcome): void {
    const cb = st.link;
    st.link = null;
    if (cb) cb(o);
  }

  /** After an uplink went out: answer a pending link check, refresh the data rate under ADR. */
  function afterTx(res: TxOutcome, end: (o: TxOutcome) => void): void {
    function finish(): void {
      if (st.adr) refreshDr(function () {
        end(res);
      });
      else end(res);
    }
    if (!st.link) return finish();
    cmd('mac set linkchk 0', function () {
      getNum('gwnb', function (gw) {
        getNum('mrgn', function (m) {
          if (gw === null || m === null) settleLink(fault('link check: no values'));
          else if (gw === 0) settleLink({ kind: 'no-answer' });
          else settleLink({ kind: 'link', margin: m, gateways: gw });
          finish();
        });
      });
    });
  }

  function wake(then: (f: Fault | null) => void): void {
    if (!st.asleep) return then(null);
    eng.sendBreak(20);
    eng.raw('\x55');
    const started = eng.run(
      'sys get ver',
      replyMs,
      function (line) {
        if (line === 'ok') return MORE; // the answer to `sys sleep`
        return line.indexOf('RN2') === 0 ? DONE : NOT_MINE;
      },
      function (timedOut) {
        if (!timedOut) st.asleep = false;
        then(timedOut ? noReply('sys get ver') : null);
      },
    );
    if (!started) then(fault('engine busy'));
  }

  function resetModem(then: (ok: boolean) => void): void {
    recover(hal, eng, plan, function (ok) {
      st.joined = false;
      st.asleep = false;
      settleLink(fault('modem reset'));
      then(ok);
    });
  }

  const gate = createGate(hal, eng, cfg.maxTimeouts || 3, wake, resetModem);

  eng.setUnsolicited(function (line) {
    if (line === 'ok' && st.asleep) st.asleep = false; // woke up by its own timer
  });

  return {
    model: 'rn2483',
    init: function (cb) {
      gate.runAwake(cb, function (end: (o: Done) => void) {
        // Break + 0x55 re-synchronises the auto-baud (and wakes a sleeping module).
        eng.sendBreak(20);
        eng.raw('\x55');
        ask('sys get ver', replyMs, function (ver) {
          if (ver === null) return end(noReply('sys get ver'));
          if (ver.indexOf('RN2') !== 0) return end(unexpected(ver));
          st.asleep = false;
          ask('mac get status', replyMs, function (s) {
            const last = s === null ? null : fromHex('0' + s.charAt(s.length - 1));
            if (s === null || last === null || s.length < 4) return end(s === null ? noReply('mac get status') : unexpected(s));
            st.joined = (last[0]! & 1) === 1;
            ask('mac get adr', replyMs, function (a) {
              st.adr = a === 'on';
              refreshDr(function () {
                end(OK);
              });
            });
          });
        });
      });
    },
    join: function (p: JoinParams, cb: (o: JoinOutcome) => void) {
      gate.run(cb, function (end: (o: JoinOutcome) => void) {
        let cmds: string[];
        if (p.mode === 'otaa') {
          if (!isHex(p.devEui, 8) || !isHex(p.joinEui, 8) || !isHex(p.appKey, 16)) return end(INVALID);
          cmds = ['mac set deveui ' + p.devEui, 'mac set appeui ' + p.joinEui, 'mac set appkey ' + p.appKey];
        } else if (p.mode === 'abp') {
          if (!isHex(p.devAddr, 4) || !isHex(p.nwkSKey, 16) || !isHex(p.appSKey, 16)) return end(INVALID);
          if (!isInt(p.fCntUp, 0, 4294967295) || !isInt(p.fCntDown, 0, 4294967295)) return end(INVALID);
          cmds = [
            'mac set devaddr ' + p.devAddr,
            'mac set nwkskey ' + p.nwkSKey,
            'mac set appskey ' + p.appSKey,
            'mac set upctr ' + p.fCntUp,
            'mac set dnctr ' + p.fCntDown,
          ];
        } else return end(INVALID);
        const jtx = 'mac join ' + p.mode;
        st.joined = false;
        all(cmds, 0, function (o) {
          if (o.kind !== 'ok') return end(o);
          ask(jtx, replyMs, function (first) {
            if (first === null) return end(noReply(jtx));
            if (first !== 'ok') {
              const f = firstStage(first);
              return end(f.kind === 'duty-cycle-wait' || f.kind === 'busy' || f.kind === 'invalid-param' || f.kind === 'fault' ? f : fault(first));
            }
            result(cfg.joinMs || 20000, function (line) {
              if (line === null) return end(fault('no join result'));
              if (line === 'denied') return end({ kind: 'join-failed' });
              if (line !== 'accepted') return end(unexpected(line));
              st.joined = true;
              refreshDr(function () {
                end({ kind: 'joined' });
              });
            });
          });
        });
      });
    },
    send: function (port, data, confirmed, cb) {
      gate.run(cb, function (end: (o: TxOutcome) => void) {
        if (!isInt(port, 1, 223) || !(data instanceof Uint8Array) || data.length === 0) return end(INVALID);
        const tx = 'mac tx ' + (confirmed ? 'cnf ' : 'uncnf ') + port + ' ' + toHex(data);
        ask(tx, replyMs, function (first) {
          if (first === null) return end(noReply(tx));
          if (first !== 'ok') {
            const f = firstStage(first);
            if (f.kind === 'not-joined' || f.kind === 'rejoin-needed') st.joined = false;
            return end(f);
          }
          result(confirmed ? cfg.cnfMs || 60000 : cfg.txMs || 15000, function (line) {
            if (line === null) return end(fault('no uplink result'));
            const res = txResult(line, confirmed);
            if (res.kind === 'fault' || res.kind === 'invalid-length') return end(res);
            afterTx(res, end);
          });
        });
      });
    },
    linkCheck: function (cb) {
      const armed = fault('armed');
      gate.run(
        function (o: LinkCheckOutcome) {
          if (o !== armed) cb(o);
        },
        function (end: (o: LinkCheckOutcome) => void) {
          if (st.link) return end(BUSY);
          // Interval 1 s: the request rides on the next uplink after it elapses; cleared after that uplink.
          cmd('mac set linkchk 1', function (o) {
            if (o.kind !== 'ok') return end(o.kind === 'invalid-param' ? fault('invalid_param') : o);
            st.link = cb;
            end(armed);
          });
        },
      );
    },
    setDataRate: function (dr, cb) {
      gate.run(cb, function (end: (o: Done) => void) {
        if (!isInt(dr, 0, 7)) return end(INVALID);
        cmd('mac set dr ' + dr, function (o) {
          if (o.kind === 'ok') st.dr = dr;
          end(o);
        });
      });
    },
    setAdr: function (on, cb) {
      gate.run(cb, function (end: (o: Done) => void) {
        cmd('mac set adr ' + (on ? 'on' : 'off'), function (o) {
          if (o.kind === 'ok') st.adr = on;
          end(o);
        });
      });
    },
    upCounter: function (cb) {
      gate.run(cb, function (end: (o: CounterOutcome) => void) {
        ask('mac get upctr', replyMs, function (line) {
          const n = line === null ? null : parseDec(line);
          if (n === null || n < 0) end(line === null ? noReply('mac get upctr') : unexpected(line));
          else end({ kind: 'counter', up: n });
        });
      });
    },
    save: function (cb) {
      gate.run(cb, function (end: (o: Done) => void) {
        ask('mac save', replyMs + 3000, function (line) {
          end(simple(line, 'mac save'));
        });
      });
    },
    sleep: function (ms, cb) {
      gate.run(cb, function (end: (o: Done) => void) {
        if (!isInt(ms, 100, 4294967295)) return end(INVALID);
        // The `ok` comes only when the module wakes up: do not wait for it.
        eng.log('> sys sleep ' + ms);
        eng.raw('sys sleep ' + ms + '\r\n');
        st.asleep = true;
        end(OK);
      });
    },
    wake: function (cb) {
      gate.runAwake(cb, function (end: (o: Done) => void) {
        wake(function (f) {
          end(f || OK);
        });
      });
    },
    reset: function (cb) {
      gate.runAwake(cb, function (end: (o: Done) => void) {
        resetModem(function (ok) {
          end(ok ? OK : fault('no reply after reset'));
        });
      });
    },
    close: function () {
      eng.close();
    },
    joined: function () {
      return st.joined;
    },
    dataRate: function () {
      return st.dr;
    },
    busy: function () {
      return gate.busy();
    },
  };
}
