// CRC-32 (IEEE 802.3, what Espruino's E.CRC32 computes) of a binary string (one byte
// per character, as Storage holds data) or of bytes, for the virtual boards.
import { crc32 as zlibCrc32 } from 'node:zlib';

export function crc32(data: string | Uint8Array): number {
  return zlibCrc32(typeof data === 'string' ? Buffer.from(data, 'latin1') : data) >>> 0;
}
