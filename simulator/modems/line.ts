// Text-line plumbing shared by the modem emulators: assembling received bytes into
// command lines, writing replies with the reply faults (drop, garbage), and the
// wake/hang state both modules share.
import type { SerialPeer } from '../hardware/serial.ts';
import type { FaultPlan } from './types.ts';

/** Splits received characters into lines ending in LF (a CR before it is dropped). */
export function createLineReader(onLine: (line: string) => void, maxLen = 520): { push(chunk: string): void; clear(): void } {
  let buf = '';
  return {
    push(chunk) {
      // whole runs up to each LF at once; characters past maxLen are dropped
      let from = 0;
      for (;;) {
        const nl = chunk.indexOf('\n', from);
        const end = nl < 0 ? chunk.length : nl;
        const room = maxLen - buf.length;
        if (room > 0 && end > from) buf += end - from <= room ? chunk.substring(from, end) : chunk.substring(from, from + room);
        if (nl < 0) return;
        const line = buf.endsWith('\r') ? buf.slice(0, -1) : buf;
        buf = '';
        from = nl + 1;
        onLine(line);
      }
    },
    clear() {
      buf = '';
    },
  };
}

/** Writes reply lines to the peer, applying the reply faults. */
export function createReplier(peer: SerialPeer, faults: FaultPlan, rng: () => number): {
  reply(line: string): void;
  /** Written whatever the reply faults say (boot banners). */
  raw(line: string): void;
} {
  const junk = (): string => {
    const n = 4 + (rng() % 12);
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCharCode(0x21 + (rng() % 94));
    return s;
  };
  return {
    reply(line) {
      if (faults.take('drop-reply')) return;
      if (faults.take('garbage')) peer.write(junk() + '\r\n');
      peer.write(line + '\r\n');
    },
    raw(line) {
      peer.write(line + '\r\n');
    },
  };
}

/** True when `s` is exactly `n` hex digits (n = 0: any non-empty even count). */
export function isHex(s: string, n: number): boolean {
  if (!/^[0-9a-fA-F]*$/.test(s)) return false;
  return n > 0 ? s.length === n : s.length > 0 && s.length % 2 === 0;
}

/** A decimal integer in [min, max], or null. */
export function decIn(s: string | undefined, min: number, max: number): number | null {
  if (s === undefined || !/^\d{1,10}$/.test(s)) return null;
  const n = parseInt(s, 10);
  return n >= min && n <= max ? n : null;
}
