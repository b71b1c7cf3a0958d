// What the modem drivers share, so that each driver is little more than its command
// words: one operation at a time (the gate) with the wake-up before it and the reset
// after too many silent commands; command sequences written as data (a list of
// commands run by one sequencer); the two-stage commands (join, uplink); and the Modem
// methods that differ only in their words (link check, data rate, ADR, wake, reset...).
import type { Hal } from '../hal.ts';
import { createLineEngine, noReply, outcome, unexpected, DONE, MORE } from './at.ts';
import type { LineEngine, LineHandler, Outcome, Reply } from './at.ts';
import { fromHex, isInt, parseDec } from './hex.ts';
import { BUSY, INVALID, OK, fault } from './modem.ts';
import type { Done, JoinParams, LinkCheckOutcome, Modem, ModemConfig } from './modem.ts';

/** What a driver tells the shared part: its words and its line classifier. */
export interface Spec {
  baud: number;
  /** Classifies lines: sets `r.s` to the status word (`ok`/`OK` is success) and `r.v` to a value line. */
  line: LineHandler;
  /** Outcome table (see outcome() in at.ts) of simple commands' status words. */
  words: string;
  /** Soft reset command, and how the line a (re)booted modem prints starts ('' = any line). */
  soft: string;
  boot: string;
  /** Written after a break (RN2483's auto-baud 0x55); '' when waking needs no break. */
  brk: string;
  /** Wake-up probe: command, timeout, attempts; a reply whose value starts with `boot` means awake. */
  ping: string;
  pingMs: number;
  tries: number;
  /** Set and read the data rate (set: prefix), highest data rate, ADR [off, on], link-check request. */
  dr: string;
  drq: string;
  drMax: number;
  adr: string[];
  lc: string;
  /** Prefixes of the commands that write devEui, joinEui, appKey (OTAA) and devAddr, nwkSKey, appSKey (ABP). */
  keys: string[];
}

/** The driver's own methods; the shared part adds the rest. */
export type Own = Pick<Modem, 'model' | 'init' | 'join' | 'send' | 'upCounter' | 'save' | 'sleep'>;

type End<T> = (o: T | Done | null) => void;

export interface Base {
  eng: LineEngine;
  m: Modem;
  /** Reply timeout (cfg.replyMs). */
  ms: number;
  joined: boolean;
  dr: number;
  adr: boolean;
  /** The modem sleeps until this time (hal.now() ms; Infinity: until it says otherwise). */
  wakeAt: number;
  /** Driver's cached modem mode (RAK3172: AT+CFM), -1 when unknown; forgotten on reset. */
  mode: number;
  link: ((o: LinkCheckOutcome) => void) | null;
  /**
   * Runs `body` as the one operation in flight (else `cb(busy)`), after waking the modem when
   * it sleeps (`w`: 1 never wake, 2 always probe first). `body` ends with `end(o)`: `cb(o)` once,
   * asynchronously; `end(null)` ends without calling `cb`. Too many silent commands reset the modem.
   * Returns true when the operation was started (false: busy), so a driver can keep its arguments
   * for `body` in variables of its own instead of a closure made per call.
   */
  op<T>(cb: (o: T) => void, body: (end: End<T>) => void, w?: number): boolean;
  /** Runs `cmds` in order until one fails; `cb` gets the outcome and the value line of each command that succeeded. */
  seq(cmds: string[], cb: (o: Done, v: string[]) => void, ms?: number): void;
  /**
   * A two-stage command: `tx`'s status word through `table`; on success waits `ms` for the result line.
   * `cb(o, r)`: `o` the first-stage failure or `no <what> result`, else null and `r` the result.
   */
  two(tx: string, table: string, ms: number, what: string, cb: (o: Outcome | null, r: Reply) => void): void;
  /**
   * Ends the operation in flight with `o`: `cb(o)` once; `end(null)` ends without calling `cb`.
   * The same function op() passes to a body (one per modem), for callbacks that end an operation.
   */
  end(o: unknown): void;
  /** Ends the operation in flight with `o` (see end), reading the data rate first when `readDr`. */
  fin(o: unknown, readDr: boolean): void;
  /** The key-writing commands for `p` after `first`, or null when a value is malformed. */
  keys(p: JoinParams, first: string[]): string[] | null;
  /** Runs a command that changes one setting: `bad` refuses it up front; on success `key` becomes `val`. */
  set<T>(cb: (o: T) => void, bad: Done | null, tx: string, key: 'dr' | 'adr' | 'link' | 'wakeAt', val: unknown): void;
  /** Calls back a pending link check. */
  settle(o: LinkCheckOutcome): void;
  /** An operation body that just succeeds. */
  ok(end: (o: Done) => void): void;
}

export function createBase(hal: Hal, cfg: ModemConfig, spec: Spec, own: Own): Base {
  const eng = createLineEngine(hal, spec.baud, !!cfg.debug);
  const m = own as Modem;
  let busy = false;

  function boot(l: string): number {
    return l.indexOf(spec.boot) === 0 ? DONE : MORE;
  }

  /**
   * Resets the modem: pulse the RESET pin if there is one, else the soft reset command; if that
   * gets no boot line, a break (+ 0x55) and the soft reset once more. Then the driver's state is
   * forgotten and, after a quiet time for trailing banner lines, `done(ok | fault)`.
   */
  function reset(done: (o: Done) => void): void {
    const pin = cfg.resetPin;
    // 0 start, 1 pin pulled low, 2 first attempt sent, 3 break attempt sent
    let k = 0;
    function step(timedOut?: boolean): void {
      if ((k === 2 && !timedOut) || k === 3) {
        eng.misses(true);
        c.joined = false;
        c.wakeAt = 0;
        c.mode = -1;
        c.settle(fault('modem reset'));
        hal.setTimeout(() => {
          done(timedOut ? fault('no reply after reset') : OK);
        }, 300);
        return;
      }
      if (k === 0 && pin !== undefined) {
        k = 1;
        hal.digitalWrite(pin, false);
        hal.setTimeout(step, 20);
        return;
      }
      if (k === 1) hal.digitalWrite(pin!, true);
      if (k === 2) eng.brk(spec.brk);
      const tx = k === 1 ? '' : spec.soft;
      k = k < 2 ? 2 : 3;
      if (!eng.run(tx, 3000, boot, step)) step(true);
    }
    eng.log('reset');
    step();
  }

  // The operation in flight, kept here instead of in closures made per operation: the busy gate
  // allows one at a time, so `end`, the start timer's callback, the wake probe and the steps of
  // two() and fin() are made once per modem (fewer allocations per uplink in the simulator,
  // fewer JsVars on the device). Each callback reads this state into locals before calling out.
  let opCb: ((o: unknown) => void) | null = null;
  let opBody: ((end: End<unknown>) => void) | null = null;
  let opW: number | undefined;
  // true once the operation in flight has ended (a second end() is ignored)
  let ended = true;
  // wake probes sent so far
  let tries = 0;
  let twoTable = '';
  let twoMs = 0;
  let twoWhat = '';
  let twoCb: ((o: Outcome | null, r: Reply) => void) | null = null;
  let finO: unknown = null;
  // set(): what the operation in flight changes
  let setBad: Done | null = null;
  let setTx = '';
  let setKey = '';
  let setVal: unknown = null;

  /** Ends the operation in flight: `cb(o)` once; `end(null)` ends without calling `cb`. Too many silent commands reset the modem first. */
  function end(o: unknown): void {
    if (ended) return;
    ended = true;
    const cb = opCb!;
    opCb = null;
    opBody = null;
    if (eng.misses() >= (cfg.maxTimeouts || 3)) {
      hal.log('modem: no reply ' + eng.misses() + ' times, resetting');
      return reset(() => {
        busy = false;
        cb(fault('no reply; modem reset'));
      });
    }
    busy = false;
    if (o) cb(o);
  }

  /** The operation's start (the timer set by op()): its body, after waking the modem when it sleeps (opW 2: always probe first). */
  function start(): void {
    if (opW === 1) return opBody!(end);
    tries = 0;
    if (opW === 2 || hal.now() < c.wakeAt) wakeStep();
    else opBody!(end);
  }

  /** Probes the modem (break first when spec.brk) until it answers with its boot line, then runs the body. */
  function wakeStep(timedOut?: boolean, r?: Reply): void {
    if (r && !timedOut) {
      if (r.v.indexOf(spec.boot) !== 0) return end(unexpected(r.v));
      c.wakeAt = 0;
      return opBody!(end);
    }
    if (tries++ === spec.tries) return end(noReply(spec.ping));
    if (spec.brk) eng.brk(spec.brk);
    eng.run(spec.ping, spec.pingMs, spec.line, wakeStep);
  }

  /** two(): the first stage's status word. */
  function twoFirst(_t: boolean, r: Reply): void {
    const o = outcome(twoTable, r);
    if (o.kind === 'ok') {
      eng.run('', twoMs, spec.line, twoSecond);
      return;
    }
    const cb = twoCb!;
    twoCb = null;
    cb(o, r);
  }

  /** two(): the result line (or its timeout). */
  function twoSecond(t: boolean, r: Reply): void {
    const cb = twoCb!;
    twoCb = null;
    cb(t ? fault('no ' + twoWhat + ' result') : null, r);
  }

  /** fin(): the data-rate query's reply (what seq([spec.drq]) did: a failed query leaves c.dr alone). */
  function finDr(_t: boolean, r: Reply): void {
    const o = finO;
    finO = null;
    if (outcome(spec.words, r).kind === 'ok') {
      const n = parseDec(r.v);
      if (n !== null) c.dr = n;
    }
    end(o);
  }

  /** set(): the operation's body. */
  function setBody(): void {
    if (setBad) return end(setBad);
    eng.run(setTx, c.ms, spec.line, setDone);
  }

  /** set(): the command's reply. */
  function setDone(_t: boolean, r: Reply): void {
    const key = setKey;
    let o: Outcome | null = outcome(spec.words, r);
    if (o.kind === 'ok') {
      (c as unknown as Record<string, unknown>)[key] = setVal;
      // an armed link check answers later, after the next uplink
      if (key === 'link') o = null;
    } else if (key === 'link' && o.kind === 'invalid-param') o = fault(r.s!);
    end(o);
  }

  const c: Base = {
    eng: eng,
    m: m,
    ms: cfg.replyMs || 2000,
    joined: false,
    dr: -1,
    adr: false,
    wakeAt: 0,
    mode: -1,
    link: null,
    op<T>(cb: (o: T) => void, body: (end: End<T>) => void, w?: number) {
      if (busy) {
        hal.setTimeout(() => {
          cb(BUSY as T);
        }, 0);
        return false;
      }
      busy = true;
      opCb = cb as (o: unknown) => void;
      opBody = body as (end: End<unknown>) => void;
      opW = w;
      ended = false;
      hal.setTimeout(start, 0);
      return true;
    },
    seq(cmds, cb, ms) {
      const v: string[] = [];
      function next(_t?: boolean, r?: Reply): void {
        if (r) {
          const o = outcome(spec.words, r);
          if (o.kind !== 'ok') return cb(o as Done, v);
          v.push(r.v);
        }
        if (v.length === cmds.length) cb(OK, v);
        else eng.run(cmds[v.length]!, ms || c.ms, spec.line, next);
      }
      next();
    },
    two(tx, table, ms, what, cb) {
      twoTable = table;
      twoMs = ms;
      twoWhat = what;
      twoCb = cb;
      eng.run(tx, c.ms, spec.line, twoFirst);
    },
    end: end,
    fin(o, readDr) {
      if (!readDr) return end(o);
      finO = o;
      eng.run(spec.drq, c.ms, spec.line, finDr);
    },
    keys(p, first) {
      const otaa = p.mode === 'otaa';
      const v = otaa ? [p.devEui, 8, p.joinEui, 8, p.appKey, 16] : p.mode === 'abp' ? [p.devAddr, 4, p.nwkSKey, 16, p.appSKey, 16] : null;
      if (!v) return null;
      for (let i = 0; i < 6; i += 2) {
        if (!fromHex(v[i], v[i + 1] as number)) return null;
        first.push(spec.keys[(otaa ? 0 : 3) + i / 2] + v[i]);
      }
      return first;
    },
    set<T>(cb: (o: T) => void, bad: Done | null, tx: string, key: string, val: unknown) {
      if (!c.op(cb, setBody)) return;
      setBad = bad;
      setTx = tx;
      setKey = key;
      setVal = val;
    },
    settle(o) {
      const cb = c.link;
      c.link = null;
      if (cb) cb(o);
    },
    ok(end) {
      end(OK);
    },
  };

  Object.assign(m, {
    linkCheck(cb: (o: LinkCheckOutcome) => void) {
      c.set(cb, c.link ? BUSY : null, spec.lc, 'link', cb);
    },
    setDataRate(dr: number, cb: (o: Done) => void) {
      c.set(cb, isInt(dr, 0, spec.drMax) ? null : INVALID, spec.dr + dr, 'dr', dr);
    },
    setAdr(on: boolean, cb: (o: Done) => void) {
      c.set(cb, null, spec.adr[on ? 1 : 0]!, 'adr', on);
    },
    wake(cb: (o: Done) => void) {
      c.op(cb, c.ok);
    },
    reset(cb: (o: Done) => void) {
      c.op(cb, reset, 1);
    },
    close: eng.close,
    joined() {
      return c.joined;
    },
    dataRate() {
      return c.dr;
    },
    busy() {
      return busy;
    },
  });
  return c;
}
