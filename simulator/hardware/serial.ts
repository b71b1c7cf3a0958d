// A virtual UART pair on the simulator clock. The device end implements the
// firmware's SerialLine (firmware/hal.ts); the peer end is where a modem emulator
// listens. Each direction is a wire that sends one byte per 10 bit times
// (start + 8 data + stop) at the sender's baud, so bytes arrive after their real
// transmission time. A receiver listening at another baud gets deterministic junk
// (bytes 0x80..0xFF, never a line ending), so a driver at the wrong baud fails
// visibly instead of silently working. Writes while the device end is closed are lost.
import type { SerialLine } from '../../firmware/hal.ts';
import type { Clock } from '../clock.ts';

export interface SerialPeerHandlers {
  onData(chunk: string): void;
  /** A break condition on the device's TX line has ended. */
  onBreak(): void;
}

/** The modem side of the line. */
export interface SerialPeer {
  /** Installs the emulator's handlers (replaces earlier ones). */
  attach(handlers: SerialPeerHandlers): void;
  /** Sends characters to the device at the peer's baud. */
  write(data: string): void;
  /** The baud the peer transmits and listens at. */
  baud(): number;
  setBaud(baud: number): void;
  /** Auto-baud: adopts the device's current baud (what RN2483 does on break + 0x55). */
  autobaud(): void;
  /** True while the device end is open. */
  deviceOpen(): boolean;
}

/** The device side: the firmware's SerialLine plus introspection for tests. */
export interface DeviceSerial extends SerialLine {
  isOpen(): boolean;
  baud(): number;
}

export interface SerialPairOptions {
  /** The peer's baud (default 57600). */
  peerBaud?: number;
  /** Bytes per delivery event (default 32): a long write arrives as several chunks. */
  chunkBytes?: number;
}

export interface SerialPair {
  device: DeviceSerial;
  peer: SerialPeer;
}

/** Milliseconds to send `bytes` bytes at `baud` (10 bits per byte). */
export function byteTimeMs(bytes: number, baud: number): number {
  return (bytes * 10 * 1000) / baud;
}

/** What a receiver at `rxBaud` makes of `data` sent at `txBaud`. */
export function garble(data: string, txBaud: number, rxBaud: number): string {
  if (txBaud === rxBaud) return data;
  const salt = (Math.round((txBaud * 7) / rxBaud) * 31) & 0x7f;
  let out = '';
  for (let i = 0; i < data.length; i++) {
    out += String.fromCharCode(0x80 | ((data.charCodeAt(i) * 13 + salt + i) & 0x7f));
  }
  return out;
}

export function createSerialPair(clock: Clock, opts: SerialPairOptions = {}): SerialPair {
  const device = new DeviceEnd(clock, Math.max(1, opts.chunkBytes ?? 32), opts.peerBaud ?? 57600);
  return { device, peer: new PeerEnd(device) };
}

// The pair is two small class instances rather than ~16 closures over one context: a fleet
// holds one pair per node, and methods on the prototypes cost nothing per node. The device
// end holds the state of the whole line, so the firmware's writes reach one object. The
// chunks in flight wait on it too: a delivery event is a module function with the line as
// its argument, not a closure per wire and baud (objects fewer to reach when a node wakes).
//
// Each wire (tx: device -> peer, rx: peer -> device) keeps its chunks in flight in the order
// they were sent: the first in fields, later ones (rare: a write while the wire is busy) in an
// array. Only chunks due no earlier than the last one in flight join (see `send`), so the
// deliveries come in that order, and each takes the first chunk.

/** Delivers the first chunk in flight to the peer (a clock event: one per chunk). */
function deliverToPeer(line: DeviceEnd): void {
  const chunk = line.txChunk as string;
  const baud = line.txBaud;
  const more = line.txMore;
  if (more === null || more.length === 0) line.txChunk = null;
  else {
    line.txChunk = more.shift() as string;
    line.txBaud = more.shift() as number;
  }
  if (line.handlers) line.handlers.onData(garble(chunk, baud, line.peerBaud));
}

/** Delivers the first chunk in flight to the device (a clock event: one per chunk). */
function deliverToDevice(line: DeviceEnd): void {
  const chunk = line.rxChunk as string;
  const baud = line.rxBaud;
  const more = line.rxMore;
  if (more === null || more.length === 0) line.rxChunk = null;
  else {
    line.rxChunk = more.shift() as string;
    line.rxBaud = more.shift() as number;
  }
  // Bytes arriving while the device end is closed (or listening elsewhere) are lost.
  if (line.opened && line.onDeviceData) line.onDeviceData(garble(chunk, baud, line.deviceBaud));
}

/** A chunk outside its wire's order (see `send`), with what its delivery needs. */
interface LoneChunk {
  line: DeviceEnd;
  chunk: string;
  baud: number;
}
function deliverLoneToPeer(c: LoneChunk): void {
  if (c.line.handlers) c.line.handlers.onData(garble(c.chunk, c.baud, c.line.peerBaud));
}
function deliverLoneToDevice(c: LoneChunk): void {
  if (c.line.opened && c.line.onDeviceData) c.line.onDeviceData(garble(c.chunk, c.baud, c.line.deviceBaud));
}

/**
 * Schedules `data` on a wire (tx or rx) at `baud`, in chunks of at most `chunkBytes`, each due
 * once its bytes are sent after those already on the wire. For a positive baud that is after
 * every chunk in flight, so it takes its turn in the wire's order. A chunk due earlier than
 * the last one in flight (possible only after a write at a baud of 0 or below: its time is
 * not finite, or went back) gets a delivery event of its own, with the chunk as argument.
 * The wire is then busy until the last chunk is due.
 */
function send(line: DeviceEnd, tx: boolean, data: string, baud: number): void {
  const clock = line.clock;
  const chunkBytes = line.chunkBytes;
  const now = clock.now();
  let t = Math.max(now, tx ? line.txBusyUntil : line.rxBusyUntil);
  for (let i = 0; i < data.length; i += chunkBytes) {
    // one chunk is the data itself: no substring copy for a line that fits (the usual case)
    const chunk = i === 0 && data.length <= chunkBytes ? data : data.substring(i, i + chunkBytes);
    t += byteTimeMs(chunk.length, baud);
    const at = t > now ? t : now; // when the clock runs it (it clamps to now)
    if (tx) {
      if (line.txChunk === null) {
        if (!(t < Infinity)) clock.scheduleCall(t, deliverLoneToPeer, { line, chunk, baud });
        else {
          line.txChunk = chunk;
          line.txBaud = baud;
          line.txLastAt = at;
          clock.scheduleCall(t, deliverToPeer, line);
        }
      } else if (t < Infinity && at >= line.txLastAt) {
        (line.txMore ??= []).push(chunk, baud);
        line.txLastAt = at;
        clock.scheduleCall(t, deliverToPeer, line);
      } else clock.scheduleCall(t, deliverLoneToPeer, { line, chunk, baud });
    } else {
      if (line.rxChunk === null) {
        if (!(t < Infinity)) clock.scheduleCall(t, deliverLoneToDevice, { line, chunk, baud });
        else {
          line.rxChunk = chunk;
          line.rxBaud = baud;
          line.rxLastAt = at;
          clock.scheduleCall(t, deliverToDevice, line);
        }
      } else if (t < Infinity && at >= line.rxLastAt) {
        (line.rxMore ??= []).push(chunk, baud);
        line.rxLastAt = at;
        clock.scheduleCall(t, deliverToDevice, line);
      } else clock.scheduleCall(t, deliverLoneToDevice, { line, chunk, baud });
    }
  }
  if (tx) line.txBusyUntil = t;
  else line.rxBusyUntil = t;
}

/** Calls the peer's onBreak (a clock event). */
function breakEnds(line: DeviceEnd): void {
  if (line.handlers) line.handlers.onBreak();
}

/** The device end, holding the state of both directions of the line. */
class DeviceEnd implements DeviceSerial {
  readonly clock: Clock;
  readonly chunkBytes: number;
  peerBaud: number;
  deviceBaud = 0;
  opened = false;
  onDeviceData: ((chunk: string) => void) | null = null;
  handlers: SerialPeerHandlers | null = null;
  // Each direction's wire is busy until this time.
  txBusyUntil = 0; // device -> peer
  rxBusyUntil = 0; // peer -> device
  // The chunks in flight on each wire: the first, its sending baud, then later (chunk, baud)
  // pairs, and when the last of them is due.
  txChunk: string | null = null;
  txBaud = 0;
  txMore: Array<string | number> | null = null;
  txLastAt = 0;
  rxChunk: string | null = null;
  rxBaud = 0;
  rxMore: Array<string | number> | null = null;
  rxLastAt = 0;

  constructor(clock: Clock, chunkBytes: number, peerBaud: number) {
    this.clock = clock;
    this.chunkBytes = chunkBytes;
    this.peerBaud = peerBaud;
  }
  open(baud: number, onData: (chunk: string) => void): void {
    this.deviceBaud = baud;
    this.onDeviceData = onData;
    this.opened = true;
  }
  write(data: string): void {
    if (!this.opened || data.length === 0) return;
    send(this, true, data, this.deviceBaud);
  }
  sendBreak(ms: number): void {
    if (!this.opened) return;
    const end = Math.max(this.clock.now(), this.txBusyUntil) + Math.max(0, ms);
    this.txBusyUntil = end;
    this.clock.scheduleCall(end, breakEnds, this);
  }
  close(): void {
    this.opened = false;
    this.onDeviceData = null;
  }
  isOpen(): boolean {
    return this.opened;
  }
  baud(): number {
    return this.deviceBaud;
  }
}

class PeerEnd implements SerialPeer {
  private readonly line: DeviceEnd;
  constructor(line: DeviceEnd) {
    this.line = line;
  }
  attach(h: SerialPeerHandlers): void {
    this.line.handlers = h;
  }
  write(data: string): void {
    const line = this.line;
    if (data.length === 0) return;
    send(line, false, data, line.peerBaud);
  }
  baud(): number {
    return this.line.peerBaud;
  }
  setBaud(baud: number): void {
    this.line.peerBaud = baud;
  }
  autobaud(): void {
    const line = this.line;
    if (line.deviceBaud > 0) line.peerBaud = line.deviceBaud;
  }
  deviceOpen(): boolean {
    return this.line.opened;
  }
}

/** A line-oriented host on the device end, for scripted conversations (tests, the CLI). */
export interface LineHost {
  /** Writes `line` + CRLF. */
  send(line: string): void;
  /** Every complete line received so far (CR/LF stripped), with its arrival time. */
  readonly lines: { line: string; atMs: number }[];
  /** Lines received since the last call. */
  take(): string[];
  /** Drops a partial line (junk received at a wrong baud, for example). */
  clear(): void;
}

export function createLineHost(clock: Clock, device: SerialLine, baud: number): LineHost {
  const lines: { line: string; atMs: number }[] = [];
  let buf = '';
  let read = 0;
  device.open(baud, (chunk) => {
    for (const ch of chunk) {
      if (ch === '\n') {
        lines.push({ line: buf.replace(/\r$/, ''), atMs: clock.now() });
        buf = '';
      } else buf += ch;
    }
  });
  return {
    send: (line) => device.write(line + '\r\n'),
    lines,
    take() {
      const out = lines.slice(read).map((l) => l.line);
      read = lines.length;
      return out;
    },
    clear() {
      buf = '';
    },
  };
}
