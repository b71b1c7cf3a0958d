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

export function createVirtualStorage(opts: VirtualStorageOptions = {}): VirtualStorage {
  const capacity = opts.capacity ?? 40960;
  const align = opts.align ?? 4;
  const files = new Map<string, string>();
  const stats: VirtualStorageStats = {
    writes: 0,
    bytesWritten: 0,
    erases: 0,
    skipped: 0,
    full: 0,
    compactions: 0,
    trashBytes: 0,
    cuts: 0,
  };
  let used = 0;
  let on = true;
  let armed: { index: number; at: CutPoint } | null = null;

  const cost = (size: number): number => STORAGE_HEADER_BYTES + Math.ceil(size / align) * align;
  const alive = (): void => {
    if (!on) throw new PowerLossError();
  };
  const invalidate = (name: string): void => {
    const old = files.get(name);
    if (old === undefined) return;
    files.delete(name);
    used -= cost(old.length);
    stats.trashBytes += cost(old.length);
  };
  const lose = (): never => {
    on = false;
    stats.cuts++;
    throw new PowerLossError();
  };

  for (const [name, data] of Object.entries(opts.files ?? {})) {
    checkName(name);
    checkBinary(data);
    files.set(name, data);
    used += cost(data.length);
  }

  const store: VirtualStorage = {
    onWrite: null,
    read(name: string): string | undefined {
      alive();
      return files.get(name);
    },
    write(name: string, data: string): boolean {
      alive();
      checkName(name);
      checkBinary(data);
      const old = files.get(name);
      if (old === data) {
        stats.skipped++;
        return true;
      }
      const index = ++stats.writes;
      let cut: CutPoint | undefined;
      if (armed && armed.index === index) {
        cut = armed.at;
        armed = null;
      }
      const hooked = store.onWrite ? store.onWrite({ index, name, size: data.length, replaces: old !== undefined }) : undefined;
      if (cut === undefined && hooked !== undefined && hooked !== null) cut = hooked;
      if (cut === 'before') lose();
      invalidate(name);
      stats.erases += old !== undefined ? 1 : 0;
      if (cut === 'erased') lose();
      const need = cost(data.length);
      if (used + need > capacity) {
        stats.full++;
        return false;
      }
      if (used + stats.trashBytes + need > capacity) {
        stats.compactions++;
        stats.bytesWritten += used;
        stats.trashBytes = 0;
      }
      used += need;
      if (typeof cut === 'number') {
        const k = Math.max(0, Math.min(data.length, Math.floor(cut)));
        files.set(name, data.substring(0, k) + '\xff'.repeat(data.length - k));
        stats.bytesWritten += STORAGE_HEADER_BYTES + k;
        lose();
      }
      files.set(name, data);
      stats.bytesWritten += STORAGE_HEADER_BYTES + data.length;
      return true;
    },
    erase(name: string): void {
      alive();
      if (!files.has(name)) return;
      invalidate(name);
      stats.erases++;
    },
    list(prefix: string): string[] {
      alive();
      const p = prefix ?? '';
      return [...files.keys()].filter((n) => n.startsWith(p));
    },
    getFree(): number {
      alive();
      return capacity - used;
    },
    armCut(index: number, at: CutPoint): void {
      armed = { index, at };
    },
    cutPower(): void {
      if (on) {
        on = false;
        stats.cuts++;
      }
    },
    powered: () => on,
    powerOn(): void {
      on = true;
      armed = null;
    },
    stats: () => ({ ...stats }),
    files: () => Object.fromEntries(files),
    corrupt(name: string, offset: number, xorMask: number): boolean {
      const d = files.get(name);
      if (d === undefined || offset < 0 || offset >= d.length) return false;
      const c = String.fromCharCode((d.charCodeAt(offset) ^ xorMask) & 255);
      files.set(name, d.substring(0, offset) + c + d.substring(offset + 1));
      return true;
    },
  };
  return store;
}
