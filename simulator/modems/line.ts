// Text-line plumbing shared by the modem emulators: assembling received bytes into
// command lines, writing replies with the reply faults (drop, garbage), and the
// wake/hang state both modules share.
import type { SerialPeer } from '../hardware/serial.ts';
import type { FaultPlan } from './types.ts';

// The reader and replier are classes rather than closures: they run for every command
// line of a thousand emulators whose state is rarely in the CPU cache, and an instance is
// one object to reach (its methods are shared) where closures are one each plus a context.

/** Splits received characters into lines ending in LF (a CR before it is dropped). */
export function createLineReader(onLine: (line: string) => void, maxLen = 520): { push(chunk: string): void; clear(): void } {
  return new LineReader({ onLine }, maxLen);
}

/**
 * The same, calling `target.onLine(line)`: an emulator passes itself (its shared method)
 * rather than a closure made for every emulator.
 */
export function createLineReaderFor(target: { onLine(line: string): void }, maxLen = 520): { push(chunk: string): void; clear(): void } {
  return new LineReader(target, maxLen);
}

class LineReader {
  private buf = '';
  private readonly target: { onLine(line: string): void };
  private readonly maxLen: number;

  constructor(target: { onLine(line: string): void }, maxLen: number) {
    this.target = target;
    this.maxLen = maxLen;
  }

  push(chunk: string): void {
    // whole runs up to each LF at once; characters past maxLen are dropped
    let from = 0;
    for (;;) {
      const nl = chunk.indexOf('\n', from);
      const end = nl < 0 ? chunk.length : nl;
      const room = this.maxLen - this.buf.length;
      if (room > 0 && end > from) this.buf += end - from <= room ? chunk.substring(from, end) : chunk.substring(from, from + room);
      if (nl < 0) return;
      const buf = this.buf;
      const line = buf.endsWith('\r') ? buf.slice(0, -1) : buf;
      this.buf = '';
      from = nl + 1;
      this.target.onLine(line);
    }
  }

  clear(): void {
    this.buf = '';
  }
}

/** Writes reply lines to the peer, applying the reply faults. */
export function createReplier(peer: SerialPeer, faults: FaultPlan, rng: () => number): {
  reply(line: string): void;
  /** Written whatever the reply faults say (boot banners). */
  raw(line: string): void;
} {
  return new Replier(peer, faults, rng);
}

class Replier {
  private readonly peer: SerialPeer;
  private readonly faults: FaultPlan;
  private readonly rng: () => number;

  constructor(peer: SerialPeer, faults: FaultPlan, rng: () => number) {
    this.peer = peer;
    this.faults = faults;
    this.rng = rng;
  }

  private junk(): string {
    const n = 4 + (this.rng() % 12);
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCharCode(0x21 + (this.rng() % 94));
    return s;
  }

  reply(line: string): void {
    if (this.faults.take('drop-reply')) return;
    if (this.faults.take('garbage')) this.peer.write(this.junk() + '\r\n');
    this.peer.write(line + '\r\n');
  }

  raw(line: string): void {
    this.peer.write(line + '\r\n');
  }
}

/** The words of `line` between spaces, empty ones dropped: `line.split(' ').filter((w) => w.length > 0)`. */
export function words(line: string): string[] {
  // an indexOf loop: about twice as fast as split + filter on command lines
  const a: string[] = [];
  const n = line.length;
  let from = 0;
  while (from < n) {
    let sp = line.indexOf(' ', from);
    if (sp < 0) sp = n;
    if (sp > from) a.push(line.substring(from, sp));
    from = sp + 1;
  }
  return a;
}

/** True when `s` is exactly `n` hex digits (n = 0: any non-empty even count). */
export function isHex(s: string, n: number): boolean {
  if (!/^[0-9a-fA-F]*$/.test(s)) return false;
  return n > 0 ? s.length === n : s.length > 0 && s.length % 2 === 0;
}

/** A decimal integer in [min, max], or null. */
export function decIn(s: string | undefined, min: number, max: number): number | null {
  // 1 to 10 ASCII digits (a character loop: this runs for every uplink's port)
  if (s === undefined || s.length === 0 || s.length > 10) return null;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return null;
  }
  const n = parseInt(s, 10);
  return n >= min && n <= max ? n : null;
}

/**
 * Where the name of `AT+NAME` / `AT+NAME=arg` ends (`at+` is accepted too), or -1
 * when `cmd` is not such a command: /^AT\+([A-Z0-9]+)(?:=(.*))?$/ applied to
 * `cmd.replace(/^at\+/, 'AT+')`, written out because it runs for every command line.
 * The name is cmd[3, end); the argument, if any, follows the '=' at `end`.
 */
export function atNameEnd(cmd: string): number {
  const c0 = cmd.charCodeAt(0);
  const c1 = cmd.charCodeAt(1);
  if (!((c0 === 0x41 && c1 === 0x54) || (c0 === 0x61 && c1 === 0x74)) || cmd.charCodeAt(2) !== 0x2b) return -1;
  let i = 3;
  for (; i < cmd.length; i++) {
    const c = cmd.charCodeAt(i);
    if (!((c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39))) break;
  }
  if (i === 3) return -1;
  if (i === cmd.length) return i;
  if (cmd.charCodeAt(i) !== 0x3d) return -1;
  // `.` matches anything but a line terminator
  for (let j = i + 1; j < cmd.length; j++) {
    const c = cmd.charCodeAt(j);
    if (c === 0x0a || c === 0x0d || c === 0x2028 || c === 0x2029) return -1;
  }
  return i;
}
