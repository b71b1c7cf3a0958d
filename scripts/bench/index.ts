// The benchmark suites of `lorakit bench [suite...]` (npm run bench). To add a
// suite, write scripts/bench/<name>.ts exporting `suite: BenchSuite` and add one
// line to SUITES; it is imported only when it runs.
import type { MeasureOptions } from './harness.ts';

export interface BenchContext {
  /** Timing parameters (full, or quick for a smoke run). */
  timing: MeasureOptions;
  /** Prints one block of output (a heading, a table). */
  print(text: string): void;
}

export interface BenchSuite {
  name: string;
  description: string;
  run(ctx: BenchContext): Promise<void>;
}

export interface SuiteEntry {
  name: string;
  description: string;
  load(): Promise<BenchSuite>;
}

export const SUITES: readonly SuiteEntry[] = [
  {
    name: 'codecs',
    description: 'payload size and encode/decode speed: lorakit vs CayenneLPP, CBOR (cbor-x), JSON',
    load: async () => (await import('./codecs.ts')).suite,
  },
  {
    name: 'channel',
    description: 'radio channel: pure-ALOHA delivery vs e^(-2G) (model check), transmissions/s through the channel',
    load: async () => (await import('./channel.ts')).suite,
  },
  {
    name: 'frames',
    description: 'LoRaWAN frame crypto: data frames built+opened per second, lora-packet vs the fast path (ratio); AES backends; joins',
    load: async () => (await import('./frames.ts')).suite,
  },
  {
    name: 'audit',
    description: 'fleet auditor: 10k nodes x 100 uplinks/day',
    load: async () => (await import('../../simulator/audit/bench.ts')).suite,
  },
  {
    name: 'fleet',
    description: 'fleet simulator throughput at 1,000 and 10,000 nodes (device-hours per wall second), peak memory',
    load: async () => (await import('./fleet.ts')).suite,
  },
  {
    name: 'energy',
    description: 'battery life per app and board (7 simulated days, 2400 mAh derated to 80%)',
    load: async () => (await import('./energy.ts')).suite,
  },
  {
    name: 'decode-stream',
    description: 'live decoder throughput through a local mosquitto',
    load: async () => (await import('../decode-stream/bench.ts')).suite,
  },
];

/** Resolves suite names (none = all); unknown names are returned separately. */
export function selectSuites(names: readonly string[]): { suites: SuiteEntry[]; unknown: string[] } {
  if (names.length === 0) return { suites: [...SUITES], unknown: [] };
  const unknown = names.filter((n) => !SUITES.some((s) => s.name === n));
  return { suites: SUITES.filter((s) => names.includes(s.name)), unknown };
}
