// Test doubles for the modem drivers: a fake clock, a fake UART with a scripted
// modem on the other end, and a Hal built from them. Deliberately simple; the
// real emulators live in simulator/modems/.
import type { Hal, SerialLine } from '../../firmware/hal.ts';

export interface FakeClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): number;
  clearTimeout(id: number): void;
  /** Runs every timer due within `ms`, in time order, then moves now forward. */
  advance(ms: number): void;
  pending(): number;
}

export function fakeClock(): FakeClock {
  let now = 0;
  let seq = 0;
  let timers: { id: number; at: number; fn: () => void }[] = [];
  return {
    now: () => now,
    setTimeout(fn, ms) {
      const id = ++seq;
      timers.push({ id, at: now + Math.max(0, ms), fn });
      return id;
    },
    clearTimeout(id) {
      timers = timers.filter((t) => t.id !== id);
    },
    advance(ms) {
      const end = now + ms;
      for (;;) {
        let next: (typeof timers)[number] | undefined;
        for (const t of timers) if (t.at <= end && (!next || t.at < next.at || (t.at === next.at && t.id < next.id))) next = t;
        if (!next) break;
        timers = timers.filter((t) => t !== next);
        now = next.at;
        next.fn();
      }
      now = end;
    },
    pending: () => timers.length,
  };
}

/** What the scripted modem does with one received line: lines to send back, each after `after` ms (default 5). */
export type Answer = string | { line: string; after: number } | { raw: string; after: number };
export type Responder = (line: string) => Answer[] | undefined;

export interface FakeModem {
  serial: SerialLine;
  /** Everything the driver wrote, as lines (CRLF removed), plus `<BREAK>` and raw non-line bytes like `<55>`. */
  wire: string[];
  baud(): number;
  isOpen(): boolean;
  /** Sends text to the driver now (raw: no line ending added). */
  emit(text: string): void;
  /** Replaces the responder. */
  respond: Responder;
}

export function fakeModem(clock: FakeClock, responder: Responder): FakeModem {
  let onData: ((chunk: string) => void) | null = null;
  let baud = 0;
  let partial = '';
  const m: FakeModem = {
    wire: [],
    baud: () => baud,
    isOpen: () => onData !== null,
    emit(text) {
      if (onData) onData(text);
    },
    respond: responder,
    serial: {
      open(b, cb) {
        baud = b;
        onData = cb;
      },
      write(data) {
        for (let i = 0; i < data.length; i++) {
          const c = data.charAt(i);
          if (c === '\n') {
            const line = partial.endsWith('\r') ? partial.slice(0, -1) : partial;
            partial = '';
            m.wire.push(line);
            const answers = m.respond(line) ?? [];
            for (const a of answers) {
              const after = typeof a === 'string' ? 5 : a.after;
              const text = typeof a === 'string' ? a + '\r\n' : 'line' in a ? a.line + '\r\n' : a.raw;
              clock.setTimeout(() => m.emit(text), after);
            }
          } else if (c === 'U' && partial === '') {
            m.wire.push('<55>');
          } else partial += c;
        }
      },
      sendBreak() {
        m.wire.push('<BREAK>');
      },
      close() {
        onData = null;
      },
    },
  };
  return m;
}

export interface FakeHal extends Hal {
  logs: string[];
  pins: string[];
}

export function fakeHal(clock: FakeClock, serial: SerialLine): FakeHal {
  const unused = (): never => {
    throw new Error('not used by the radio drivers');
  };
  const hal: FakeHal = {
    logs: [],
    pins: [],
    now: () => clock.now(),
    setTimeout: (fn, ms) => clock.setTimeout(fn, ms),
    clearTimeout: (id) => clock.clearTimeout(id),
    modemSerial: serial,
    oneWire: unused,
    analogRead: unused,
    analogVRef: unused,
    digitalWrite: (pin, v) => {
      hal.pins.push(pin + '=' + (v ? 1 : 0));
    },
    digitalRead: unused,
    pulseEcho: unused,
    batteryMv: () => undefined,
    storage: { read: unused, write: unused, erase: unused, list: unused, getFree: unused },
    random: () => 4,
    crc32: unused,
    sleep: unused,
    watchdog: unused,
    kickWatchdog: unused,
    reboot: unused,
    log: (line) => {
      hal.logs.push(line);
    },
  };
  return hal;
}

/** Starts an operation and runs the clock until its callback fires; checks it fires exactly once. */
export function settle<T>(clock: FakeClock, start: (cb: (o: T) => void) => void, maxMs = 200000): T {
  const got: T[] = [];
  start((o) => got.push(o));
  if (got.length > 0) throw new Error('callback was synchronous');
  for (let t = 0; got.length === 0 && t < maxMs; t += 10) clock.advance(10);
  clock.advance(1000);
  if (got.length !== 1) throw new Error(`callback fired ${got.length} times`);
  return got[0]!;
}

export const KEYS = {
  devEui: '0004A30B001BA7BC',
  joinEui: '70B3D57ED0000412',
  appKey: 'AE07BD4621B7AAD81D5CAB3C5886BEEF',
  devAddr: '26011BDA',
  nwkSKey: '1029384756AFBECD5647382910DACFEB',
  appSKey: 'A00112233445566778899AABBCCDDEEF',
};
