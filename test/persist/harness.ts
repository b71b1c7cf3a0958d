// Shared helpers for the persistence tests: a minimal HAL over a virtual Storage.
import type { Hal } from '../../firmware/hal.ts';
import { createVirtualStorage, type VirtualStorage, type VirtualStorageOptions } from '../../simulator/hardware/storage.ts';
// CRC-32 as E.CRC32, computed by zlib (independent of the code under test)
import { crc32 } from '../../simulator/hardware/crc32.ts';

export { crc32 };

export interface TestHal extends Pick<Hal, 'storage' | 'crc32' | 'log'> {
  storage: VirtualStorage;
  logs: string[];
}

export function makeHal(storage: VirtualStorage = createVirtualStorage()): TestHal {
  const logs: string[] = [];
  return { storage, crc32, log: (line: string) => void logs.push(line), logs };
}

export function makeStorage(opts?: VirtualStorageOptions): VirtualStorage {
  return createVirtualStorage(opts);
}

/** A 4-byte sample that carries its id (so the tests can tell samples apart). */
export function sampleOf(id: number): Uint8Array {
  return new Uint8Array([id & 255, (id >>> 8) & 255, (id >>> 16) & 255, (id >>> 24) & 255]);
}

export function idOf(sample: Uint8Array): number {
  return (sample[0] | (sample[1] << 8) | (sample[2] << 16) | (sample[3] << 24)) >>> 0;
}

export function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}
