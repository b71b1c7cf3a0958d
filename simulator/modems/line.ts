// Text-line plumbing shared by the modem emulators: assembling received bytes into
// command lines (pushChars; createLineReader for a stand-alone reader), the junk line of
// the 'garbage' reply fault, CRLF-terminated replies, and the parsers of command words,
// numbers and hex arguments.
import { HEX_VALUE, hexInto, hexToBytes } from '../lorawan/bytes.ts';

/** Splits received characters into lines ending in LF (a CR before it is dropped). */
export function createLineReader(onLine: (line: string) => void, maxLen = 520): { push(chunk: string): void; clear(): void } {
  return new LineReader(onLine, maxLen);
}

/** What pushChars assembles lines for: the buffer of the line being received, and its handler. */
export interface LineTarget {
  lineBuf: string;
  onLine(line: string): void;
}

/**
 * Adds received characters to `t.lineBuf`, calling `t.onLine` for each complete line (LF, a CR
 * before it dropped; characters past `maxLen` dropped). A function on the target's own fields,
 * so that an emulator is its own line reader (one object less to reach per command line).
 */
export function pushChars(t: LineTarget, chunk: string, maxLen: number): void {
  // whole runs up to each LF at once
  let from = 0;
  for (;;) {
    const nl = chunk.indexOf('\n', from);
    const end = nl < 0 ? chunk.length : nl;
    const buf = t.lineBuf;
    const room = maxLen - buf.length;
    if (nl > from && end - from <= room && chunk.charCodeAt(nl - 1) === 0x0d) {
      // the usual case, the rest of the line fits and ends in CR LF: the line without its CR
      // at once (what the general path below makes, without the copy it then slices)
      const line = buf + chunk.substring(from, nl - 1);
      t.lineBuf = '';
      from = nl + 1;
      t.onLine(line);
      continue;
    }
    if (room > 0 && end > from) t.lineBuf = buf + (end - from <= room ? chunk.substring(from, end) : chunk.substring(from, from + room));
    if (nl < 0) return;
    const whole = t.lineBuf;
    const line = whole.endsWith('\r') ? whole.slice(0, -1) : whole;
    t.lineBuf = '';
    from = nl + 1;
    t.onLine(line);
  }
}

/** createLineReader's reader: pushChars on its own buffer. */
class LineReader implements LineTarget {
  lineBuf = '';
  readonly onLine: (line: string) => void;
  private readonly maxLen: number;

  constructor(onLine: (line: string) => void, maxLen: number) {
    this.onLine = onLine;
    this.maxLen = maxLen;
  }

  push(chunk: string): void {
    pushChars(this, chunk, this.maxLen);
  }

  clear(): void {
    this.lineBuf = '';
  }
}

/** The junk line of a 'garbage' reply fault (4 to 15 printable characters). */
export function junk(rng: () => number): string {
  const n = 4 + (rng() % 12);
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(0x21 + (rng() % 94));
  return s;
}

/** Reply lines with their CRLF, made once (see withCrlf). */
const CRLF = new Map<string, string>();

/** Makes `withCrlf` answer these lines with a string made once. */
export function precomputeReplies(lines: readonly string[]): void {
  for (const l of lines) CRLF.set(l, l + '\r\n');
}

/** `line + '\r\n'`; for the common replies (precomputeReplies) a string made once rather than one per reply. */
export function withCrlf(line: string): string {
  return CRLF.get(line) ?? line + '\r\n';
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

/**
 * For `mac tx <cnf|uncnf> <port> <hex>` written with single spaces (the lines whose words() are
 * exactly 'mac', 'tx', 'cnf' or 'uncnf', and two more), the index of the space before <hex>
 * (the port starts at 11 for cnf, 13 for uncnf); -1 for any other line. Lets the emulator
 * take an uplink's command apart without making an array and five strings.
 */
export function macTxSplit(line: string): number {
  if (!line.startsWith('mac tx ')) return -1;
  const p = line.startsWith('uncnf ', 7) ? 13 : line.startsWith('cnf ', 7) ? 11 : -1;
  if (p < 0) return -1;
  const sp = line.indexOf(' ', p);
  if (sp <= p || sp + 1 >= line.length || line.indexOf(' ', sp + 1) >= 0) return -1;
  return sp;
}

/** The bytes hexPayload decodes into, and a view of each length on them (made once). */
const PAYLOAD = new Uint8Array(256);
const PAYLOAD_VIEWS: Uint8Array[] = [];

/**
 * `hexToBytes(s.substring(from, to))` (null unless an even number of hex digits) without the
 * substring or a new array: the bytes are in a scratch buffer shared by all emulators, valid
 * until the next call. For an uplink's payload, which the MAC engine reads at once (it
 * encrypts it into the frame) and keeps no reference to.
 */
export function hexPayload(s: string, from: number, to: number): Uint8Array | null {
  const hexLen = to - from;
  if (hexLen % 2 !== 0) return null;
  const n = hexLen / 2;
  if (n > PAYLOAD.length) return hexToBytes(s.substring(from, to));
  if (!hexInto(s, from, n, PAYLOAD)) return null;
  return PAYLOAD_VIEWS[n] ?? (PAYLOAD_VIEWS[n] = PAYLOAD.subarray(0, n));
}

/** True when `s` is exactly `n` hex digits (n = 0: any non-empty even count). */
export function isHex(s: string, n: number): boolean {
  // /^[0-9a-fA-F]*$/ as a character loop over the digit table (the set-up before a join checks three)
  if (n > 0 ? s.length !== n : s.length === 0 || s.length % 2 !== 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || HEX_VALUE[c]! < 0) return false;
  }
  return true;
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
