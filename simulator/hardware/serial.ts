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
  const chunkBytes = Math.max(1, opts.chunkBytes ?? 32);
  let peerBaud = opts.peerBaud ?? 57600;
  let deviceBaud = 0;
  let open = false;
  let onDeviceData: ((chunk: string) => void) | null = null;
  let handlers: SerialPeerHandlers | null = null;
  // Each direction's wire is busy until this time.
  let txBusyUntil = 0; // device -> peer
  let rxBusyUntil = 0; // peer -> device

  /** Schedules `data` on a wire; returns the new busy-until time. */
  const send = (data: string, baud: number, busyUntil: number, deliver: (chunk: string) => void): number => {
    let t = Math.max(clock.now(), busyUntil);
    for (let i = 0; i < data.length; i += chunkBytes) {
      const chunk = i === 0 && data.length <= chunkBytes ? data : data.substring(i, i + chunkBytes);
      t += byteTimeMs(chunk.length, baud);
      clock.scheduleCall(t, deliver, chunk);
    }
    return t;
  };

  // One delivery function per wire and sending baud (the baud the bytes were sent at), kept for reuse.
  let toPeer: ((chunk: string) => void) | null = null;
  let toPeerBaud = -1;
  let toDevice: ((chunk: string) => void) | null = null;
  let toDeviceBaud = -1;
  const deliverToPeer = (baud: number): ((chunk: string) => void) => {
    if (toPeer === null || toPeerBaud !== baud) {
      toPeerBaud = baud;
      toPeer = (chunk) => {
        if (handlers) handlers.onData(garble(chunk, baud, peerBaud));
      };
    }
    return toPeer;
  };
  const deliverToDevice = (baud: number): ((chunk: string) => void) => {
    if (toDevice === null || toDeviceBaud !== baud) {
      toDeviceBaud = baud;
      toDevice = (chunk) => {
        // Bytes arriving while the device end is closed (or listening elsewhere) are lost.
        if (open && onDeviceData) onDeviceData(garble(chunk, baud, deviceBaud));
      };
    }
    return toDevice;
  };

  const device: DeviceSerial = {
    open(baud, onData) {
      deviceBaud = baud;
      onDeviceData = onData;
      open = true;
    },
    write(data) {
      if (!open || data.length === 0) return;
      txBusyUntil = send(data, deviceBaud, txBusyUntil, deliverToPeer(deviceBaud));
    },
    sendBreak(ms) {
      if (!open) return;
      const end = Math.max(clock.now(), txBusyUntil) + Math.max(0, ms);
      txBusyUntil = end;
      clock.schedule(end, () => {
        if (handlers) handlers.onBreak();
      });
    },
    close() {
      open = false;
      onDeviceData = null;
    },
    isOpen: () => open,
    baud: () => deviceBaud,
  };

  const peer: SerialPeer = {
    attach(h) {
      handlers = h;
    },
    write(data) {
      if (data.length === 0) return;
      rxBusyUntil = send(data, peerBaud, rxBusyUntil, deliverToDevice(peerBaud));
    },
    baud: () => peerBaud,
    setBaud(baud) {
      peerBaud = baud;
    },
    autobaud() {
      if (deviceBaud > 0) peerBaud = deviceBaud;
    },
    deviceOpen: () => open,
  };

  return { device, peer };
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
