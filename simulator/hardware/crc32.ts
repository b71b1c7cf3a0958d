// CRC-32 (IEEE 802.3, what Espruino's E.CRC32 computes) of a binary string (one byte
// per character, as Storage holds data) or of bytes, for the virtual boards.
//
// Computed in JavaScript with a 256-entry table rather than by node:zlib: the firmware checks
// short Storage records (tens of bytes) at every boot and write, and zlib needed a Buffer per
// string (an allocation and a native call for what is a few dozen table steps).
// Equal to zlib's crc32 (test/simulator/hw-fast-paths.test.ts); anything but a string or an
// array of bytes (other typed arrays, DataViews, bad arguments) still goes to zlib.
import { crc32 as zlibCrc32 } from 'node:zlib';

/** The reflected polynomial 0xEDB88320's table: the CRC of each byte value. */
const TABLE = new Int32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  TABLE[n] = c;
}

export function crc32(data: string | Uint8Array): number {
  let c = -1;
  if (typeof data === 'string') {
    // one byte per character: the low 8 bits, as Buffer.from(data, 'latin1') takes them
    for (let i = 0; i < data.length; i++) c = TABLE[(c ^ data.charCodeAt(i)) & 0xff]! ^ (c >>> 8);
  } else if (ArrayBuffer.isView(data) && (data as Uint8Array).BYTES_PER_ELEMENT === 1) {
    // Uint8Array (also from another realm), Int8Array, Uint8ClampedArray: its bytes
    for (let i = 0; i < data.length; i++) c = TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  } else return zlibCrc32(data) >>> 0;
  return ~c >>> 0;
}
