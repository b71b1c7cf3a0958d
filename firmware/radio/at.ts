// The line-oriented command engine shared by the modem drivers: assembles lines
// from UART chunks (any mix of \r and \n, split chunks, NUL bytes and non-ASCII
// garbage), keeps one command in flight with its own timeout, routes lines no
// command claims to an unsolicited handler, counts consecutive timeouts, and
// redacts keys in every diagnostic line. Plus the outcome tables the drivers map
// modem words with.
import type { Hal } from '../hal.ts';
import { OK, fault } from './modem.ts';
import type { Done, Fault, TxOutcome, JoinOutcome, LinkCheckOutcome, CounterOutcome } from './modem.ts';

/** Handler verdicts: not this command's line / consumed, same deadline / finished; a positive number re-arms the timeout (ms). */
export const NOT_MINE = -1;
export const MORE = -2;
export const DONE = 0;

/** What a command got: its text `t`, the status word `s` (null until one arrives), a value line `v`, a wait `w` (ms). */
export interface Reply {
  t: string;
  s: string | null;
  v: string;
  w?: number;
}

/** Classifies one line for the command in flight and records what it got in `r`. */
export type LineHandler = (line: string, r: Reply) => number;

export interface LineEngine {
  /** Opens the UART if closed. */
  open(): void;
  close(): void;
  /**
   * Writes `tx` + CRLF (nothing when `tx` is empty: just listen), then hands every line to
   * `onLine` until it returns DONE (`done(false, r)`) or `ms` pass without a verdict (`done(true, r)`).
   * Returns false (and calls nothing) when a command is already in flight.
   */
  run(tx: string, ms: number, onLine: LineHandler, done: (timedOut: boolean, r: Reply) => void): boolean;
  /** Writes `tx` + CRLF without waiting for anything (logged, redacted). */
  send(tx: string): void;
  /** A break condition, then `after` raw (the 0x55 auto-baud character, or nothing). */
  brk(after: string): void;
  /** Lines that no command claims. */
  setUnsolicited(fn: (line: string) => void): void;
  /** Consecutive command timeouts (a reply resets it); `clear` zeroes the count. */
  misses(clear?: boolean): number;
  log(s: string): void;
}

/** Any outcome a table can give (callers narrow it to their operation's type). */
export type Outcome = Done | TxOutcome | JoinOutcome | LinkCheckOutcome | CounterOutcome;

/** `tx` with any key material replaced: everything after a `key` word's separator. */
export function redact(tx: string): string {
  let i = tx.toUpperCase().indexOf('KEY');
  if (i < 0) return tx;
  while (i < tx.length && tx.charAt(i) !== ' ' && tx.charAt(i) !== '=') i++;
  return i < tx.length ? tx.substring(0, i + 1) + '<redacted>' : tx;
}

/** The command `tx` timed out (shortened; the key, if any, is not in the detail). `pre` replaces the wording. */
export function noReply(tx: string, pre?: string): Fault {
  tx = redact(tx);
  return fault((pre || 'no reply to ') + (tx.length > 32 ? tx.substring(0, 32) + '...' : tx));
}

/** A reply this command cannot have (shortened, redacted). */
export function unexpected(line: string): Fault {
  return noReply(line, 'unexpected reply: ');
}

/**
 * The outcome of a reply's status word `r.s` through `table`: a string of ` word=kind`
 * entries ending with a space, e.g. ` ok=ok busy=busy `; an entry with an empty word
 * (` =fault`) takes every other word, else another word is an unexpected reply, and no
 * word at all is no reply. The kind `fault` gets the word as its detail, `duty-cycle-wait`
 * the wait `r.w` (0 when the modem gives none).
 */
export function outcome(table: string, r: Reply): Outcome {
  const w = r.s;
  if (w === null) return noReply(r.t);
  let i = w.indexOf(' ') < 0 ? table.indexOf(' ' + w + '=') : -1;
  // i: where the kind's '=' is
  i = i < 0 ? table.indexOf(' =') + 1 : i + w.length + 1;
  if (i < 1) return unexpected(w);
  const k = table.substring(i + 1, table.indexOf(' ', i));
  // the usual kind, `ok`: the shared OK (no new object on every command)
  return (k === 'ok' ? OK : k === 'fault' ? fault(w) : k === 'duty-cycle-wait' ? { kind: k, ms: r.w || 0 } : { kind: k }) as Outcome;
}

/** Longest line kept (a RUI3 downlink of 256 bytes is about 560 characters); longer ones are dropped. */
const MAX_LINE = 640;

export function createLineEngine(hal: Hal, baud: number, debug: boolean): LineEngine {
  let isOpen = false;
  let buf = '';
  let drop = false;
  let handler: LineHandler | null = null;
  let done: ((timedOut: boolean, r: Reply) => void) | null = null;
  // One reply object for every command, reset by run(): callers read it in their callback (and a
  // handler while its command is in flight), never after the next command starts.
  const r: Reply = { t: '', s: null, v: '', w: 0 };
  let timer = 0;
  let secret = false;
  let miss = 0;
  let unsolicited: ((line: string) => void) | null = null;

  function log(s: string): void {
    if (debug) hal.log('modem ' + s);
  }

  /** Ends the command in flight: `got` when its handler said DONE; called without it by the timer. */
  function finish(got?: boolean): void {
    const d = done!;
    // a fired timer is not cleared (Espruino complains about unknown timeouts)
    if (got) hal.clearTimeout(timer);
    done = null;
    secret = false;
    if (got) miss = 0;
    else {
      miss++;
      log('timeout');
    }
    d(!got, r);
  }

  /** Appends a run of printable characters to the line; a line longer than MAX_LINE is dropped whole. */
  function take(run: string): void {
    if (drop) return;
    if (buf.length + run.length <= MAX_LINE) buf += run;
    else {
      drop = true;
      buf = '';
      log('overlong line dropped');
    }
  }

  function onData(chunk: string): void {
    // printable characters are appended in runs (one substring each, not one string per
    // character); anything else but CR/LF is ignored
    let run = -1;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c > 31 && c < 127) {
        if (run < 0) run = i;
        continue;
      }
      if (run >= 0) {
        take(chunk.substring(run, i));
        run = -1;
      }
      if (c === 10 || c === 13) {
        const line = drop ? '' : buf;
        buf = '';
        drop = false;
        if (line) {
          if (debug) log('< ' + (secret ? '<reply to a key command>' : line));
          const v = done ? handler!(line, r) : NOT_MINE;
          if (v === DONE) finish(true);
          else if (v > 0) {
            hal.clearTimeout(timer);
            timer = hal.setTimeout(finish, v);
          } else if (v === NOT_MINE && unsolicited) unsolicited(line);
        }
      }
    }
    if (run >= 0) take(chunk.substring(run));
  }

  function open(): void {
    if (isOpen) return;
    isOpen = true;
    buf = '';
    drop = false;
    hal.modemSerial.open(baud, onData);
  }

  function send(tx: string): void {
    open();
    if (debug) {
      // the log never shows a key; nor the reply to a command that sets one
      const red = redact(tx);
      secret = red !== tx;
      log('> ' + red);
    }
    hal.modemSerial.write(tx + '\r\n');
  }

  return {
    open: open,
    close() {
      if (isOpen) hal.modemSerial.close();
      isOpen = false;
    },
    run(tx, ms, onLine, cb) {
      if (done) return false;
      open();
      handler = onLine;
      done = cb;
      r.t = tx;
      r.s = null;
      r.v = '';
      r.w = 0; // outcome() reads `r.w || 0`: the same as no wait
      timer = hal.setTimeout(finish, ms);
      if (tx) send(tx);
      return true;
    },
    send: send,
    brk(after) {
      open();
      hal.modemSerial.sendBreak(20);
      if (after) hal.modemSerial.write(after);
    },
    setUnsolicited(fn) {
      unsolicited = fn;
    },
    misses(clear) {
      if (clear) miss = 0;
      return miss;
    },
    log: log,
  };
}
