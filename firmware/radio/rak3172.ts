// RAK3172 driver for the RUI3 AT firmware: 115200 baud, CRLF lines. Every
// command ends with a status line (`OK`, `AT_ERROR`, `AT_PARAM_ERROR`,
// `AT_BUSY_ERROR`, `AT_NO_NETWORK_JOINED`, ...); `AT+JOIN` and `AT+SEND` then
// report asynchronously: `+EVT:JOINED` / `+EVT:JOIN FAILED`, `+EVT:TX_DONE`,
// `+EVT:SEND_CONFIRMED_OK` / `+EVT:SEND_CONFIRMED_FAILED(n)`,
// `+EVT:RX_1:<rssi>:<snr>:UNICAST:<port>:<hex>`, `+EVT:LINKCHECK:<ok>,<margin>,<gw>,<rssi>,<snr>`.
// Reference: RAKwireless RUI3 AT Command Manual.
import type { Hal } from '../hal.ts';
import { createGate, createLineEngine, recover, noReply, DONE, MORE, NOT_MINE } from './at.ts';
import { fromHex, isHex, isInt, parseDec, toHex } from './hex.ts';
import { BUSY, INVALID, OK, fault } from './modem.ts';
import type { CounterOutcome, Done, DutyCycleWait, Fault, JoinOutcome, JoinParams, LinkCheckOutcome, Modem, ModemConfig, TxOutcome } from './modem.ts';

/** How long to keep listening after the final send event for a trailing RX / LINKCHECK event. */
const GRACE_MS = 200;

/** The reply of one command: its status word (null on timeout) and the last value line. */
type Reply = { status: string | null; value: string };

function statusDone(r: Reply, tx: string): Done {
  if (r.status === null) return noReply(tx);
  if (r.status === 'OK') return OK;
  if (r.status === 'AT_PARAM_ERROR') return INVALID;
  if (r.status === 'AT_BUSY_ERROR') return BUSY;
  return fault(r.status);
}

/** RUI3 prints `Restricted_Wait_<ms>_ms` before `AT_BUSY_ERROR` when duty cycle holds a join or uplink back. */
function dutyWait(r: Reply): DutyCycleWait | null {
  const p = 'Restricted_Wait_';
  if (r.status !== 'AT_BUSY_ERROR' || r.value.indexOf(p) !== 0) return null;
  const ms = parseDec(r.value.substring(p.length, r.value.length - 3));
  return ms === null || ms < 0 ? null : { kind: 'duty-cycle-wait', ms: ms };
}

/** `+EVT:RX_1:-46:10:UNICAST:111:48454C` (RUI3 >= 3.2), or `+EVT:111:48454C` (older two-line form). */
function parseRx(line: string): { port: number; data: Uint8Array } | null {
  const parts = line.split(':');
  let port: number | null = null;
  let hex = '';
  if (parts[1]!.indexOf('RX_') === 0 && parts.length >= 6) {
    port = parseDec(parts[5]!);
    hex = parts.length > 6 ? parts[6]! : '';
  } else if (parts.length === 3) {
    port = parseDec(parts[1]!);
    hex = parts[2]!;
  }
  const data = fromHex(hex);
  if (port === null || port < 1 || port > 255 || data === null || data.length === 0) return null;
  return { port: port, data: data };
}

/** `+EVT:LINKCHECK:0,21,1,-60,11` or with colons (newer RUI3). */
function parseLink(line: string): LinkCheckOutcome {
  const rest = line.substring(15);
  const v = rest.split(rest.indexOf(',') >= 0 ? ',' : ':');
  const ok = parseDec(v[0]!);
  const margin = v.length > 2 ? parseDec(v[1]!) : null;
  const gw = v.length > 2 ? parseDec(v[2]!) : null;
  if (ok === null || margin === null || gw === null) return fault('malformed link check');
  return ok === 0 && gw > 0 ? { kind: 'link', margin: margin, gateways: gw } : { kind: 'no-answer' };
}

export function createRak3172(hal: Hal, cfg: ModemConfig): Modem {
  const replyMs = cfg.replyMs || 2000;
  const eng = createLineEngine(hal, 115200, !!cfg.debug);
  const st = {
    joined: false,
    dr: -1,
    adr: false,
    cfm: -1,
    asleep: false,
    wakeAt: 0,
    link: null as ((o: LinkCheckOutcome) => void) | null,
    // Events gathered while an uplink finishes.
    capture: false,
    rx: null as { port: number; data: Uint8Array } | null,
    linkRes: null as LinkCheckOutcome | null,
  };
  const plan = {
    pin: cfg.resetPin,
    soft: 'ATZ',
    booted: function () {
      return true; // any line: ATZ prints a banner, not a status
    },
    autobaud: false,
    bootMs: 3000,
  };

  function ask(tx: string, ms: number, cb: (r: Reply) => void): void {
    const eq = tx.indexOf('=');
    const prefix = eq > 0 ? tx.substring(0, eq + 1) : '';
    const r: Reply = { status: null, value: '' };
    const started = eng.run(
      tx,
      ms,
      function (line) {
        if (line.charAt(0) === '+') return NOT_MINE; // events
        if (line === tx) return MORE; // echo (ATE on)
        if (line === 'OK' || line.indexOf('AT_') === 0) {
          r.status = line;
          return DONE;
        }
        r.value = prefix && line.indexOf(prefix) === 0 ? line.substring(prefix.length) : line;
        return MORE;
      },
      function () {
        cb(r);
      },
    );
    if (!started) cb(r);
  }

  function cmd(tx: string, cb: (o: Done) => void): void {
    ask(tx, replyMs, function (r) {
      cb(statusDone(r, tx));
    });
  }

  function all(cmds: string[], i: number, cb: (o: Done) => void): void {
    if (i >= cmds.length) return cb(OK);
    cmd(cmds[i]!, function (o) {
      if (o.kind !== 'ok') cb(o);
      else all(cmds, i + 1, cb);
    });
  }

  /** A decimal value of `AT+<what>=?`, or null. */
  function getNum(what: string, cb: (n: number | null) => void): void {
    ask('AT+' + what + '=?', replyMs, function (r) {
      cb(r.status === 'OK' ? parseDec(r.value) : null);
    });
  }

  function onEvent(line: string): void {
    if (line.indexOf('+EVT:LINKCHECK:') === 0) st.linkRes = parseLink(line);
    else if (line.indexOf('+EVT:') === 0) {
      const rx = parseRx(line);
      if (rx) st.rx = rx;
    }
  }

  /** Waits for an async event; `pick` returns the final outcome for a line, or null to keep waiting. */
  function waitEvent<T>(ms: number, pick: (line: string) => T | null, cb: (o: T | null) => void): void {
    let got: T | null = null;
    const started = eng.run('', ms, function (line) {
      if (line.indexOf('+EVT:') !== 0) return NOT_MINE;
      got = pick(line);
      if (got !== null) return DONE;
      onEvent(line);
      return MORE;
    }, function () {
      cb(got);
    });
    if (!started) cb(null);
  }

  function settleLink(o: LinkCheckOutcome): void {
    const cb = st.link;
    st.link = null;
    if (cb) cb(o);
  }

  function wake(then: (f: Fault | null) => void): void {
    if (!st.asleep || hal.now() >= st.wakeAt) {
      st.asleep = false;
      return then(null);
    }
    // Any character wakes the module; the first command may be lost, so try twice.
    function attempt(n: number): void {
      ask('AT', 500, function (r) {
        if (r.status !== null) {
          st.asleep = false;
          then(null);
        } else if (n > 1) attempt(n - 1);
        else then(noReply('AT'));
      });
    }
    attempt(2);
  }

  function resetModem(then: (ok: boolean) => void): void {
    recover(hal, eng, plan, function (ok) {
      st.joined = false;
      st.asleep = false;
      st.cfm = -1;
      settleLink(fault('modem reset'));
      then(ok);
    });
  }

  const gate = createGate(hal, eng, cfg.maxTimeouts || 3, wake, resetModem);

  eng.setUnsolicited(function (line) {
    if (st.capture) onEvent(line);
  });

  /** The final outcome of an uplink whose send event was `res`, after the grace period. */
  function finishTx(res: TxOutcome, confirmed: boolean, end: (o: TxOutcome) => void): void {
    st.capture = true;
    hal.setTimeout(function () {
      st.capture = false;
      const rx = st.rx;
      st.rx = null;
      const out: TxOutcome = rx ? { kind: 'downlink', port: rx.port, data: rx.data, acked: confirmed && res.kind !== 'no-ack' } : res;
      if (st.link) settleLink(st.linkRes || { kind: 'no-answer' });
      st.linkRes = null;
      if (!st.adr) return end(out);
      getNum('DR', function (n) {
        if (n !== null) st.dr = n;
        end(out);
      });
    }, GRACE_MS);
  }

  function joinOver(tx: string, end: (o: JoinOutcome) => void): void {
    ask(tx, replyMs, function (r) {
      const d = statusDone(r, tx);
      if (d.kind !== 'ok') return end(dutyWait(r) || d);
      waitEvent(
        cfg.joinMs || 20000,
        function (line): JoinOutcome | null {
          if (line === '+EVT:JOINED') return { kind: 'joined' };
          return line.indexOf('+EVT:JOIN') === 0 && line.indexOf('FAIL') > 0 ? { kind: 'join-failed' } : null;
        },
        function (o) {
          if (o === null) return end(fault('no join result'));
          if (o.kind !== 'joined') return end(o);
          st.joined = true;
          getNum('DR', function (n) {
            if (n !== null) st.dr = n;
            end(o);
          });
        },
      );
    });
  }

  return {
    model: 'rak3172',
    init: function (cb) {
      gate.runAwake(cb, function (end: (o: Done) => void) {
        const cmds = ['AT'];
        if (cfg.band !== undefined) cmds.push('AT+BAND=' + cfg.band);
        all(cmds, 0, function (o) {
          if (o.kind !== 'ok') return end(o);
          st.asleep = false;
          getNum('NJS', function (j) {
            st.joined = j === 1;
            getNum('ADR', function (a) {
              st.adr = a === 1;
              getNum('CFM', function (c) {
                st.cfm = c === null ? -1 : c;
                getNum('DR', function (d) {
                  st.dr = d === null ? -1 : d;
                  end(j === null ? fault('no join status') : OK);
                });
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
          cmds = ['AT+NJM=1', 'AT+DEVEUI=' + p.devEui, 'AT+APPEUI=' + p.joinEui, 'AT+APPKEY=' + p.appKey];
        } else if (p.mode === 'abp') {
          // RUI3 keeps the ABP frame counters itself: fCntUp/fCntDown cannot be written over AT.
          if (!isHex(p.devAddr, 4) || !isHex(p.nwkSKey, 16) || !isHex(p.appSKey, 16)) return end(INVALID);
          cmds = ['AT+NJM=0', 'AT+DEVADDR=' + p.devAddr, 'AT+NWKSKEY=' + p.nwkSKey, 'AT+APPSKEY=' + p.appSKey];
        } else return end(INVALID);
        const otaa = p.mode === 'otaa';
        st.joined = false;
        all(cmds, 0, function (o) {
          if (o.kind !== 'ok') return end(o);
          if (otaa) return joinOver('AT+JOIN=1:0:8:1', end);
          // ABP: active as soon as the keys are in; older firmware wants AT+JOIN as well.
          getNum('NJS', function (j) {
            if (j !== 1) return joinOver('AT+JOIN', end);
            st.joined = true;
            end({ kind: 'joined' });
          });
        });
      });
    },
    send: function (port, data, confirmed, cb) {
      gate.run(cb, function (end: (o: TxOutcome) => void) {
        if (!isInt(port, 1, 223) || !(data instanceof Uint8Array) || data.length === 0) return end(INVALID);
        const want = confirmed ? 1 : 0;
        const tx = 'AT+SEND=' + port + ':' + toHex(data);
        function go(): void {
          ask(tx, replyMs, function (r) {
            if (r.status === 'AT_NO_NETWORK_JOINED') {
              st.joined = false;
              return end({ kind: 'not-joined' });
            }
            // The port and hex were checked here, so a parameter error means too long for the data rate.
            if (r.status === 'AT_PARAM_ERROR') return end({ kind: 'invalid-length' });
            const d = statusDone(r, tx);
            if (d.kind !== 'ok') return end(dutyWait(r) || d);
            st.rx = null;
            st.linkRes = null;
            waitEvent(
              confirmed ? cfg.cnfMs || 60000 : cfg.txMs || 15000,
              function (line): TxOutcome | null {
                if (line.indexOf('+EVT:SEND_CONFIRMED_OK') === 0) return { kind: 'delivered' };
                if (line.indexOf('+EVT:SEND_CONFIRMED_FAILED') === 0) return { kind: 'no-ack' };
                return line === '+EVT:TX_DONE' && !confirmed ? { kind: 'sent' } : null;
              },
              function (o) {
                if (o === null) end(fault('no uplink result'));
                else finishTx(o, confirmed, end);
              },
            );
          });
        }
        if (st.cfm === want) return go();
        cmd('AT+CFM=' + want, function (o) {
          if (o.kind !== 'ok') return end(o);
          st.cfm = want;
          go();
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
          cmd('AT+LINKCHECK=1', function (o) {
            if (o.kind !== 'ok') return end(o.kind === 'invalid-param' ? fault('AT_PARAM_ERROR') : o);
            st.link = cb;
            end(armed);
          });
        },
      );
    },
    setDataRate: function (dr, cb) {
      gate.run(cb, function (end: (o: Done) => void) {
        if (!isInt(dr, 0, 15)) return end(INVALID);
        cmd('AT+DR=' + dr, function (o) {
          if (o.kind === 'ok') st.dr = dr;
          end(o);
        });
      });
    },
    setAdr: function (on, cb) {
      gate.run(cb, function (end: (o: Done) => void) {
        cmd('AT+ADR=' + (on ? 1 : 0), function (o) {
          if (o.kind === 'ok') st.adr = on;
          end(o);
        });
      });
    },
    upCounter: function (cb) {
      gate.runAwake(cb, function (end: (o: CounterOutcome) => void) {
        end({ kind: 'unsupported' });
      });
    },
    save: function (cb) {
      // RUI3 stores settings in flash as they are set.
      gate.runAwake(cb, function (end: (o: Done) => void) {
        end(OK);
      });
    },
    sleep: function (ms, cb) {
      gate.run(cb, function (end: (o: Done) => void) {
        if (!isInt(ms, 1, 4294967295)) return end(INVALID);
        cmd('AT+SLEEP=' + ms, function (o) {
          if (o.kind === 'ok') {
            st.asleep = true;
            st.wakeAt = hal.now() + ms;
          }
          end(o);
        });
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
