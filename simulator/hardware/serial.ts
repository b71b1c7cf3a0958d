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
  const w = new Wires(clock, Math.max(1, opts.chunkBytes ?? 32), opts.peerBaud ?? 57600);
  return { device: new DeviceEnd(w), peer: new PeerEnd(w) };
}

// The pair is three small class instances (the shared line state and its two ends) rather
// than ~16 closures over one context: a fleet holds one pair per node, and methods on the
// prototypes cost nothing per node.

/** The state of both directions of the line. */
class Wires {
  readonly clock: Clock;
  readonly chunkBytes: number;
  peerBaud: number;
  deviceBaud = 0;
  open = false;
  onDeviceData: ((chunk: string) => void) | null = null;
  handlers: SerialPeerHandlers | null = null;
  // Each direction's wire is busy until this time.
  txBusyUntil = 0; // device -> peer
  rxBusyUntil = 0; // peer -> device
  // One delivery function per wire and sending baud (the baud the bytes were sent at), kept for reuse.
  private toPeer: ((chunk: string) => void) | null = null;
  private toPeerBaud = -1;
  private toDevice: ((chunk: string) => void) | null = null;
  private toDeviceBaud = -1;

  constructor(clock: Clock, chunkBytes: number, peerBaud: number) {
    this.clock = clock;
    this.chunkBytes = chunkBytes;
    this.peerBaud = peerBaud;
  }

  /** Schedules `data` on a wire; returns the new busy-until time. */
  send(data: string, baud: number, busyUntil: number, deliver: (chunk: string) => void): number {
    const clock = this.clock;
    const chunkBytes = this.chunkBytes;
    let t = Math.max(clock.now(), busyUntil);
    for (let i = 0; i < data.length; i += chunkBytes) {
      const chunk = i === 0 && data.length <= chunkBytes ? data : data.substring(i, i + chunkBytes);
      t += byteTimeMs(chunk.length, baud);
      clock.scheduleCall(t, deliver, chunk);
    }
    return t;
  }

  deliverToPeer(baud: number): (chunk: string) => void {
    if (this.toPeer === null || this.toPeerBaud !== baud) {
      this.toPeerBaud = baud;
      this.toPeer = (chunk) => {
        if (this.handlers) this.handlers.onData(garble(chunk, baud, this.peerBaud));
      };
    }
    return this.toPeer;
  }

  deliverToDevice(baud: number): (chunk: string) => void {
    if (this.toDevice === null || this.toDeviceBaud !== baud) {
      this.toDeviceBaud = baud;
      this.toDevice = (chunk) => {
        // Bytes arriving while the device end is closed (or listening elsewhere) are lost.
        if (this.open && this.onDeviceData) this.onDeviceData(garble(chunk, baud, this.deviceBaud));
      };
    }
    return this.toDevice;
  }
}

class DeviceEnd implements DeviceSerial {
  private readonly w: Wires;
  constructor(w: Wires) {
    this.w = w;
  }
  open(baud: number, onData: (chunk: string) => void): void {
    const w = this.w;
    w.deviceBaud = baud;
    w.onDeviceData = onData;
    w.open = true;
  }
  write(data: string): void {
    const w = this.w;
    if (!w.open || data.length === 0) return;
    w.txBusyUntil = w.send(data, w.deviceBaud, w.txBusyUntil, w.deliverToPeer(w.deviceBaud));
  }
  sendBreak(ms: number): void {
    const w = this.w;
    if (!w.open) return;
    const end = Math.max(w.clock.now(), w.txBusyUntil) + Math.max(0, ms);
    w.txBusyUntil = end;
    w.clock.schedule(end, () => {
      if (w.handlers) w.handlers.onBreak();
    });
  }
  close(): void {
    this.w.open = false;
    this.w.onDeviceData = null;
  }
  isOpen(): boolean {
    return this.w.open;
  }
  baud(): number {
    return this.w.deviceBaud;
  }
}

class PeerEnd implements SerialPeer {
  private readonly w: Wires;
  constructor(w: Wires) {
    this.w = w;
  }
  attach(h: SerialPeerHandlers): void {
    this.w.handlers = h;
  }
  write(data: string): void {
    const w = this.w;
    if (data.length === 0) return;
    w.rxBusyUntil = w.send(data, w.peerBaud, w.rxBusyUntil, w.deliverToDevice(w.peerBaud));
  }
  baud(): number {
    return this.w.peerBaud;
  }
  setBaud(baud: number): void {
    this.w.peerBaud = baud;
  }
  autobaud(): void {
    const w = this.w;
    if (w.deviceBaud > 0) w.peerBaud = w.deviceBaud;
  }
  deviceOpen(): boolean {
    return this.w.open;
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
