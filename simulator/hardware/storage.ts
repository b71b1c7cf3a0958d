// A virtual Espruino Storage (firmware/hal.ts `Storage`) that can lose power mid-write.
//
// Model of Espruino's `Storage.write(name, data)` (src/jsflash.c, jsfWriteFile):
//   1. if a file of that name holds exactly `data`, nothing is written (returns true);
//   2. the existing copy, if any, is invalidated first (its header is cleared; its bytes
//      become trash until the next compaction);
//   3. a new header (name, size) is written, then the data, in order.
// So a power cut during a write leaves one of (`CutPoint`):
//   'before'  nothing changed: the old copy is intact;
//   'erased'  the old copy is gone and the new header was not written: the file is absent;
//   k (0..size) the new header and the first k data bytes were written: the file exists
//             with its full size and reads as those k bytes followed by 0xFF (erased flash);
//             k = size is a complete write whose caller never saw `true`.
// Nothing can be recovered from an invalidated copy, so a file that is being rewritten is
// never safe on its own: power-loss safety needs two files (firmware/core/persist-record.ts).
//
// Space: each file costs a 32-byte header plus its size rounded up to `align`. Invalidated
// copies are trash; when a new file does not fit, the store compacts (live bytes are copied,
// counted in `bytesWritten` and `compactions`). A power cut *during* compaction is not
// modelled (Espruino compacts through a RAM buffer and is itself not power-safe).
// `getFree()` is capacity minus live files (what a write can get after compaction).
// When a write does not fit even after compaction it returns false (the HAL contract; the
// real Storage throws "Unable to find or create file"), and the old copy is already gone.
import type { Storage } from '../../firmware/hal.ts';

/** Espruino's maximum file-name length (2v05 and later). */
export const STORAGE_NAME_MAX = 28;
export const STORAGE_HEADER_BYTES = 32;

/** Thrown by every Storage call from the instant power is lost until `powerOn()`. */
export class PowerLossError extends Error {
  constructor() {
    super('power lost');
    this.name = 'PowerLossError';
  }
}

/** Where a write is cut; see the file comment. */
export type CutPoint = 'before' | 'erased' | number;

export interface WriteEvent {
  /** 1-based number of this flash write (identical-content writes are not counted). */
  index: number;
  name: string;
  /** Bytes of data (the header is extra). */
  size: number;
  /** True when an older copy of the file is invalidated by this write. */
  replaces: boolean;
}

export interface VirtualStorageStats {
  /** Flash writes (Storage.write calls that changed the flash, including torn ones). */
  writes: number;
  /** Header + data bytes programmed, including compaction copies. */
  bytesWritten: number;
  erases: number;
  /** Writes skipped because the file already held the same data. */
  skipped: number;
  /** Writes refused for lack of space. */
  full: number;
  compactions: number;
  /** Bytes of invalidated copies not yet compacted. */
  trashBytes: number;
  /** Power cuts so far. */
  cuts: number;
}

export interface VirtualStorageOptions {
  /** Bytes of flash for Storage (default 40960: nRF52, 10 pages of 4 KB). */
  capacity?: number;
  /** Write alignment in bytes (default 4). */
  align?: number;
  /** Initial files (name → binary string). */
  files?: Record<string, string>;
}

export interface VirtualStorage extends Storage {
  /**
   * Called before each flash write. Return a CutPoint to lose power during this write
   * (the call then throws PowerLossError), or nothing to let it complete.
   */
  onWrite: ((ev: WriteEvent) => CutPoint | void) | null;
  /** Loses power at `at` during flash write number `index` (1-based, as `stats().writes` counts; the n-th from now is `stats().writes + n`). */
  armCut(index: number, at: CutPoint): void;
  /** Loses power now, between writes. */
  cutPower(): void;
  /** True until power is lost. */
  powered(): boolean;
  /** Restores power (the board reboots; files stay as the cut left them). */
  powerOn(): void;
  stats(): VirtualStorageStats;
  /** A copy of all files (name → binary string), for inspection. */
  files(): Record<string, string>;
  /** Flips bits of one stored byte (bit rot), for tests of corruption other than tearing. */
  corrupt(name: string, offset: number, xorMask: number): boolean;
}

function checkName(name: string): void {
  if (typeof name !== 'string' || name.length < 1 || name.length > STORAGE_NAME_MAX) {
    throw new Error(`Storage name must be 1..${STORAGE_NAME_MAX} characters: ${JSON.stringify(name)}`);
  }
}

function checkBinary(data: string): void {
  if (typeof data !== 'string') throw new TypeError('Storage data must be a string');
  for (let i = 0; i < data.length; i++) {
    if (data.charCodeAt(i) > 255) throw new TypeError(`Storage data must be a binary string (char ${i} > 255)`);
  }
}

// A class rather than an object of closures: every simulated node holds one, and an instance
// is one object (methods shared on the prototype) where closures cost ~17 functions and a context.
export function createVirtualStorage(opts: VirtualStorageOptions = {}): VirtualStorage {
  return new VirtualStorageImpl(opts);
}

class VirtualStorageImpl implements VirtualStorage {
  onWrite: ((ev: WriteEvent) => CutPoint | void) | null = null;
  private readonly capacity: number;
  private readonly align: number;
  private readonly fileMap = new Map<string, string>();
  // The counters of stats(), as fields of the store itself rather than an object of their own:
  // the firmware writes its state on every uplink, and one object less is reached per write.
  private writes = 0;
  private bytesWritten = 0;
  private erases = 0;
  private skipped = 0;
  private full = 0;
  private compactions = 0;
  private trashBytes = 0;
  private cuts = 0;
  private used = 0;
  private on = true;
  private armed: { index: number; at: CutPoint } | null = null;

  constructor(opts: VirtualStorageOptions) {
    this.capacity = opts.capacity ?? 40960;
    this.align = opts.align ?? 4;
    for (const [name, data] of Object.entries(opts.files ?? {})) {
      checkName(name);
      checkBinary(data);
      this.fileMap.set(name, data);
      this.used += this.cost(data.length);
    }
  }

  private cost(size: number): number {
    return STORAGE_HEADER_BYTES + Math.ceil(size / this.align) * this.align;
  }
  private alive(): void {
    if (!this.on) throw new PowerLossError();
  }
  private invalidate(name: string): void {
    const old = this.fileMap.get(name);
    if (old === undefined) return;
    this.fileMap.delete(name);
    this.used -= this.cost(old.length);
    this.trashBytes += this.cost(old.length);
  }
  private lose(): never {
    this.on = false;
    this.cuts++;
    throw new PowerLossError();
  }

  read(name: string): string | undefined {
    this.alive();
    return this.fileMap.get(name);
  }

  write(name: string, data: string): boolean {
    this.alive();
    checkName(name);
    const files = this.fileMap;
    const old = files.get(name);
    // Checked after the comparison: every stored string is binary (validated when written, or
    // made of bytes by a cut or corrupt()), so data equal to one passes the check anyway.
    if (old === data) {
      this.skipped++;
      return true;
    }
    checkBinary(data);
    const index = ++this.writes;
    let cut: CutPoint | undefined;
    const armed = this.armed;
    if (armed && armed.index === index) {
      cut = armed.at;
      this.armed = null;
    }
    const hooked = this.onWrite ? this.onWrite({ index, name, size: data.length, replaces: old !== undefined }) : undefined;
    if (cut === undefined && hooked !== undefined && hooked !== null) cut = hooked;
    if (cut === 'before') this.lose();
    this.invalidate(name);
    this.erases += old !== undefined ? 1 : 0;
    if (cut === 'erased') this.lose();
    const need = this.cost(data.length);
    if (this.used + need > this.capacity) {
      this.full++;
      return false;
    }
    if (this.used + this.trashBytes + need > this.capacity) {
      this.compactions++;
      this.bytesWritten += this.used;
      this.trashBytes = 0;
    }
    this.used += need;
    if (typeof cut === 'number') {
      const k = Math.max(0, Math.min(data.length, Math.floor(cut)));
      files.set(name, data.substring(0, k) + '\xff'.repeat(data.length - k));
      this.bytesWritten += STORAGE_HEADER_BYTES + k;
      this.lose();
    }
    files.set(name, data);
    this.bytesWritten += STORAGE_HEADER_BYTES + data.length;
    return true;
  }

  erase(name: string): void {
    this.alive();
    if (!this.fileMap.has(name)) return;
    this.invalidate(name);
    this.erases++;
  }

  list(prefix: string): string[] {
    this.alive();
    const p = prefix ?? '';
    return [...this.fileMap.keys()].filter((n) => n.startsWith(p));
  }

  getFree(): number {
    this.alive();
    return this.capacity - this.used;
  }

  armCut(index: number, at: CutPoint): void {
    this.armed = { index, at };
  }

  cutPower(): void {
    if (this.on) {
      this.on = false;
      this.cuts++;
    }
  }

  powered(): boolean {
    return this.on;
  }

  powerOn(): void {
    this.on = true;
    this.armed = null;
  }

  stats(): VirtualStorageStats {
    return {
      writes: this.writes,
      bytesWritten: this.bytesWritten,
      erases: this.erases,
      skipped: this.skipped,
      full: this.full,
      compactions: this.compactions,
      trashBytes: this.trashBytes,
      cuts: this.cuts,
    };
  }

  files(): Record<string, string> {
    return Object.fromEntries(this.fileMap);
  }

  corrupt(name: string, offset: number, xorMask: number): boolean {
    const d = this.fileMap.get(name);
    if (d === undefined || offset < 0 || offset >= d.length) return false;
    const c = String.fromCharCode((d.charCodeAt(offset) ^ xorMask) & 255);
    this.fileMap.set(name, d.substring(0, offset) + c + d.substring(offset + 1));
    return true;
  }
}
