// The decoded-uplink log: uplinks.jsonl (one canonical JSON object per line) and, when
// asked, uplinks.cbor (an RFC 8742 CBOR sequence: one plain CBOR map per record, back to
// back, no framing). Both are streamed through fixed-size buffers with synchronous
// writes, so a run of 10^6 uplinks holds one chunk in memory, not the log, and the
// simulator's event loop stays deterministic. Same records, same bytes.

import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Encoder } from 'cbor-x';
import type { DecodedUplink } from '../types.ts';
import { canonical } from './canonical.ts';

export const UPLINKS_JSONL = 'uplinks.jsonl';
export const UPLINKS_CBOR = 'uplinks.cbor';

export interface UplinkLogOptions {
  /** Also write uplinks.cbor. */
  cbor: boolean;
  /** Flush threshold per file, bytes (default 256 KiB). */
  chunkBytes?: number;
}

export interface UplinkLog {
  write(u: DecodedUplink): void;
  /** Flushes and closes the files. Further writes throw. Idempotent. */
  close(): void;
  /** Records written so far. */
  readonly count: number;
  /** Paths of the files being written. */
  readonly files: { jsonl: string; cbor: string | null };
}

/**
 * cbor-x with every extension off: objects become plain CBOR maps (no record structures,
 * no tag 259, no packing, no string bundling, no structured-clone references), so any
 * RFC 8949 decoder reads the sequence.
 */
export function plainCborEncoder(): Encoder {
  return new Encoder({
    useRecords: false,
    structuredClone: false,
    pack: false,
    bundleStrings: false,
    sequential: false,
    tagUint8Array: false,
    variableMapSize: true,
  });
}

/** Opens `outDir/uplinks.jsonl` (and `uplinks.cbor`), truncating them; creates `outDir`. */
export function createUplinkLog(outDir: string, options: UplinkLogOptions): UplinkLog {
  mkdirSync(outDir, { recursive: true });
  const chunk = Math.max(4096, Math.floor(options.chunkBytes ?? 256 * 1024));
  const jsonlPath = join(outDir, UPLINKS_JSONL);
  const cborPath = options.cbor ? join(outDir, UPLINKS_CBOR) : null;
  const jsonl = createChunkedFile(jsonlPath, chunk);
  const cbor = cborPath === null ? null : createChunkedFile(cborPath, chunk);
  const encoder = cbor === null ? null : plainCborEncoder();
  let count = 0;
  let closed = false;

  return {
    write(u: DecodedUplink): void {
      if (closed) throw new Error('uplink log is closed');
      const record = canonical(u);
      jsonl.append(Buffer.from(`${JSON.stringify(record)}\n`, 'utf8'));
      // encode() returns a view into the encoder's reusable buffer: append copies it out
      if (cbor !== null && encoder !== null) cbor.append(encoder.encode(record));
      count++;
    },
    close(): void {
      if (closed) return;
      closed = true;
      jsonl.close();
      if (cbor !== null) cbor.close();
    },
    get count(): number {
      return count;
    },
    files: { jsonl: jsonlPath, cbor: cborPath },
  };
}

interface ChunkedFile {
  append(bytes: Uint8Array): void;
  close(): void;
}

function createChunkedFile(path: string, chunkBytes: number): ChunkedFile {
  const fd = openSync(path, 'w');
  const buf = Buffer.allocUnsafe(chunkBytes);
  let used = 0;
  const flush = (): void => {
    let off = 0;
    while (off < used) off += writeSync(fd, buf, off, used - off);
    used = 0;
  };
  return {
    append(bytes: Uint8Array): void {
      if (used + bytes.length > buf.length) flush();
      if (bytes.length > buf.length) {
        let off = 0;
        while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
        return;
      }
      buf.set(bytes, used);
      used += bytes.length;
    },
    close(): void {
      try {
        flush();
      } finally {
        closeSync(fd);
      }
    },
  };
}
