// The devices' SNR histories for ADR (the best gateway's SNR of each of the last
// `historyLength` uplinks), all in ONE Float64Array: device k's history is a ring at
// buf[k * ring, (k + 1) * ring). Why: at thousands of devices an uplink finds its
// device's data cold in the CPU caches, and a per-device array was two cold objects
// (the array and its store) plus a slide of all its values once full, and garbage at
// every reset; a ring slot is one cache line and a reset two field writes.
import type { DeviceState } from './state.ts';

/**
 * Longest history kept. Only an absurd historyLength (above 65536 uplinks, or Infinity)
 * reaches it: ADR, which waits for a full history, then never decides (for Infinity as
 * before), and the device view lists the last 65536.
 */
const MAX_RING = 65536;

export class SnrHistories {
  /** Every device's ring. */
  buf: Float64Array;
  /** Values per device: historyLength rounded up (a fractional length kept ceil of it), 0 for none. */
  readonly ring: number;
  /** Rings handed out. */
  private used = 0;

  constructor(historyLength: number) {
    this.ring = historyLength > 0 ? Math.min(MAX_RING, Math.ceil(historyLength)) : 0; // (NaN: none)
    this.buf = new Float64Array((this.ring > 1024 ? 1 : 16) * this.ring);
  }

  /** A new device's ring: its offset in buf. */
  alloc(): number {
    const at = this.used * this.ring;
    this.used++;
    if (at + this.ring > this.buf.length) {
      const grown = new Float64Array(2 * this.buf.length);
      grown.set(this.buf);
      this.buf = grown;
    }
    return at;
  }

  /** Appends an SNR to the device's history, dropping the oldest once it holds `ring`. */
  push(dev: DeviceState, snr: number): void {
    const ring = this.ring;
    if (ring === 0) return;
    const next = dev.snrNext;
    this.buf[dev.snrAt + next] = snr;
    dev.snrNext = next + 1 === ring ? 0 : next + 1;
    if (dev.snrCount < ring) dev.snrCount++;
  }

  /** The device's history, oldest first (a new array). */
  list(dev: DeviceState): number[] {
    const out: number[] = [];
    const ring = this.ring;
    const n = dev.snrCount;
    for (let i = 0, j = (dev.snrNext - n + ring) % ring; i < n; i++, j = j + 1 === ring ? 0 : j + 1) out.push(this.buf[dev.snrAt + j]!);
    return out;
  }

  /** The best SNR of the device's history (-Infinity when empty): what adrDecide is given. */
  max(dev: DeviceState): number {
    let m = -Infinity;
    const ring = this.ring;
    const n = dev.snrCount;
    for (let i = 0, j = (dev.snrNext - n + ring) % ring; i < n; i++, j = j + 1 === ring ? 0 : j + 1) {
      const s = this.buf[dev.snrAt + j]!;
      if (s > m) m = s;
    }
    return m;
  }
}

/** Empties the device's history. */
export function clearSnr(dev: DeviceState): void {
  dev.snrCount = 0;
  dev.snrNext = 0;
}
