// The line-oriented command engine shared by the modem drivers: assembles lines
// from UART chunks (any mix of \r and \n, split chunks, NUL bytes and non-ASCII
// garbage), keeps one command in flight with its own timeout, routes lines no
// command claims to an unsolicited handler, counts consecutive timeouts, and
// redacts keys in every diagnostic line. Plus the reset escalation and the
// one-operation-at-a-time gate both drivers use.
import type { Hal } from '../hal.ts';
import { BUSY, fault } from './modem.ts';
import type { Busy, Fault } from './modem.ts';

/** Handler verdicts: not this command's line / consumed, same deadline / finished; a positive number re-arms the timeout (ms). */
export const NOT_MINE = -1;
export const MORE = -2;
export const DONE = 0;

export type LineHandler = (line: string) => number;

export interface LineEngine {
  /** Opens the UART if closed. */
  open(): void;
  close(): void;
  /**
   * Writes `tx` + CRLF (nothing when `tx` is empty: just listen), then hands every line to
   * `onLine` until it returns DONE (`done(false)`) or `ms` pass without a verdict (`done(true)`).
   * Returns false (and calls nothing) when a command is already in flight.
   */
  run(tx: string, ms: number, onLine: LineHandler, done: (timedOut: boolean) => void): boolean;
  /** Raw bytes, e.g. the 0x55 auto-baud character after a break. */
  raw(data: string): void;
  sendBreak(ms: number): void;
  /** Lines that no command claims. */
  setUnsolicited(fn: (line: string) => void): void;
  /** Consecutive command timeouts (a reply resets it). */
  misses(): number;
  clearMisses(): void;
  log(s: string): void;
}

/** Longest line kept (a RUI3 downlink of 256 bytes is about 560 characters); longer ones are dropped. */
const MAX_LINE = 640;

/** `tx` with any key material replaced: everything after a `key` word's separator. */
export function redact(tx: string): string {
  const up = tx.toUpperCase();
  const k = up.indexOf('KEY');
  if (k < 0) return tx;
  let i = k + 3;
  while (i < tx.length && tx.charAt(i) !== ' ' && tx.charAt(i) !== '=') i++;
  return i < tx.length ? tx.substring(0, i + 1) + '<redacted>' : tx;
}

function clip(s: string): string {
  return s.length > 32 ? s.substring(0, 32) + '...' : s;
}

/** The command timed out (the key, if any, is not in the detail). */
export function noReply(tx: string): Fault {
  return fault('no reply to ' + clip(redact(tx)));
}

/** A reply this command cannot have (shortened, redacted). */
export function unexpected(line: string): Fault {
  return fault('unexpected reply: ' + clip(redact(line)));
}

export function createLineEngine(hal: Hal, baud: number, debug: boolean): LineEngine {
  const st = {
    open: false,
    buf: '',
    drop: false,
    handler: null as LineHandler | null,
    done: null as ((timedOut: boolean) => void) | null,
    timer: null as number | null,
    secret: false,
    miss: 0,
    unsolicited: null as ((line: string) => void) | null,
  };

  function log(s: string): void {
    if (debug) hal.log('modem ' + s);
  }

  function finish(timedOut: boolean): void {
    if (st.timer !== null) hal.clearTimeout(st.timer);
    st.timer = null;
    const d = st.done;
    st.handler = null;
    st.done = null;
    st.secret = false;
    if (timedOut) {
      st.miss++;
      log('timeout');
    } else st.miss = 0;
    if (d) d(timedOut);
  }

  function arm(ms: number): void {
    if (st.timer !== null) hal.clearTimeout(st.timer);
    st.timer = hal.setTimeout(function () {
      st.timer = null;
      finish(true);
    }, ms);
  }

  function onLine(line: string): void {
    log('< ' + (st.secret ? '<reply to a key command>' : line));
    const r = st.handler ? st.handler(line) : NOT_MINE;
    if (r === NOT_MINE) {
      if (st.unsolicited) st.unsolicited(line);
    } else if (r === DONE) finish(false);
    else if (r > 0) arm(r);
  }

  function onData(chunk: string): void {
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c === 10 || c === 13) {
        const line = st.buf;
        const dropped = st.drop;
        st.buf = '';
        st.drop = false;
        if (line.length > 0 && !dropped) onLine(line);
      } else if (c >= 32 && c < 127 && !st.drop) {
        if (st.buf.length >= MAX_LINE) {
          st.drop = true;
          st.buf = '';
          log('overlong line dropped');
        } else st.buf += chunk.charAt(i);
      }
    }
  }

  function open(): void {
    if (st.open) return;
    st.open = true;
    st.buf = '';
    st.drop = false;
    hal.modemSerial.open(baud, onData);
  }

  return {
    open: open,
    close: function () {
      if (!st.open) return;
      st.open = false;
      hal.modemSerial.close();
    },
    run: function (tx, ms, handler, done) {
      if (st.done) return false;
      open();
      st.handler = handler;
      st.done = done;
      st.secret = redact(tx) !== tx;
      arm(ms);
      if (tx.length > 0) {
        log('> ' + redact(tx));
        hal.modemSerial.write(tx + '\r\n');
      }
      return true;
    },
    raw: function (data) {
      open();
      hal.modemSerial.write(data);
    },
    sendBreak: function (ms) {
      open();
      hal.modemSerial.sendBreak(ms);
    },
    setUnsolicited: function (fn) {
      st.unsolicited = fn;
    },
    misses: function () {
      return st.miss;
    },
    clearMisses: function () {
      st.miss = 0;
    },
    log: log,
  };
}

/** How a driver resets its modem. */
export interface ResetPlan {
  /** RESET pin (active low), or undefined. */
  pin: string | undefined;
  /** Soft reset command (`sys reset`, `ATZ`). */
  soft: string;
  /** True for a line that shows the modem has (re)booted. */
  booted: (line: string) => boolean;
  /** Send 0x55 after the break (RN2483 auto-baud). */
  autobaud: boolean;
  /** How long to wait for the boot line. */
  bootMs: number;
}

/** Quiet time after the boot line so that trailing banner lines are not taken as replies. */
const SETTLE_MS = 300;

/**
 * Resets the modem: pulse the RESET pin if there is one, else the soft reset command;
 * if that gets no boot line, a break (+ 0x55) and the soft reset once more.
 * Calls back true when a boot line was seen. Consecutive-timeout count is cleared either way.
 */
export function recover(hal: Hal, eng: LineEngine, plan: ResetPlan, cb: (ok: boolean) => void): void {
  function boot(line: string): number {
    return plan.booted(line) ? DONE : MORE;
  }
  function settle(timedOut: boolean): void {
    eng.clearMisses();
    hal.setTimeout(function () {
      cb(!timedOut);
    }, SETTLE_MS);
  }
  function viaBreak(timedOut: boolean): void {
    if (!timedOut) return settle(false);
    eng.sendBreak(20);
    if (plan.autobaud) eng.raw('\x55');
    if (!eng.run(plan.soft, plan.bootMs, boot, settle)) settle(true);
  }
  eng.log('reset');
  if (plan.pin !== undefined) {
    const pin = plan.pin;
    hal.digitalWrite(pin, false);
    hal.setTimeout(function () {
      hal.digitalWrite(pin, true);
      if (!eng.run('', plan.bootMs, boot, viaBreak)) settle(true);
    }, 20);
  } else if (!eng.run(plan.soft, plan.bootMs, boot, viaBreak)) settle(true);
}

/** One operation at a time, the wake-up before it, and the reset after too many timeouts. */
export interface Gate {
  /** Runs `body` unless an operation is in flight (then `cb(busy)`); `cb` is always asynchronous. */
  run<T>(cb: (o: T | Busy | Fault) => void, body: (end: (o: T | Busy | Fault) => void) => void): void;
  /** Like run, without waking the modem first (wake and sleep themselves). */
  runAwake<T>(cb: (o: T | Busy | Fault) => void, body: (end: (o: T | Busy | Fault) => void) => void): void;
  busy(): boolean;
}

export function createGate(
  hal: Hal,
  eng: LineEngine,
  maxTimeouts: number,
  wake: (then: (f: Fault | null) => void) => void,
  reset: (then: () => void) => void,
): Gate {
  let inFlight = false;

  function later<T>(cb: (o: T) => void, o: T): void {
    hal.setTimeout(function () {
      cb(o);
    }, 0);
  }

  function start<T>(cb: (o: T | Busy | Fault) => void, body: (end: (o: T | Busy | Fault) => void) => void, wakeFirst: boolean): void {
    if (inFlight) return later(cb, BUSY);
    inFlight = true;
    let ended = false;
    function end(o: T | Busy | Fault): void {
      if (ended) return;
      ended = true;
      if (eng.misses() >= maxTimeouts) {
        hal.log('modem: no reply ' + eng.misses() + ' times, resetting');
        reset(function () {
          inFlight = false;
          cb(fault('no reply; modem reset'));
        });
        return;
      }
      inFlight = false;
      cb(o);
    }
    hal.setTimeout(function () {
      if (!wakeFirst) return body(end);
      wake(function (f) {
        if (f) end(f);
        else body(end);
      });
    }, 0);
  }

  return {
    run: function (cb, body) {
      start(cb, body, true);
    },
    runAwake: function (cb, body) {
      start(cb, body, false);
    },
    busy: function () {
      return inFlight;
    },
  };
}
