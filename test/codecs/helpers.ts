// Shared test helpers: the frozen vector files and small utilities.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CApp, Readings } from '../../codecs/index.ts';

export const APP_NAMES = ['env-monitor', 'bin-level', 'water-level', 'soil-moisture'] as const;

export interface VectorFile {
  app: string;
  compiled: CApp;
  uplinks: { name: string; fPort: number; readings: Readings; hex: string; data: Record<string, unknown>; warnings: string[] }[];
  batches: { name: string; fPort: number; samples: Readings[]; ages: number[]; hex: string; data: { samples: Record<string, unknown>[] }; warnings: string[] }[];
  downlinks: { name: string; data: Record<string, unknown>; fPort: number; hex: string; decoded: Record<string, unknown> }[];
  rejects: { name: string; fPort: number; hex: string; downlink?: boolean; error: string }[];
}

export function loadVectors(app: string): VectorFile {
  const file = fileURLToPath(new URL(`../vectors/codec-${app}.json`, import.meta.url));
  return JSON.parse(readFileSync(file, 'utf8')) as VectorFile;
}

export function hexToArray(hex: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < hex.length; i += 2) out.push(parseInt(hex.substr(i, 2), 16));
  return out;
}

/** Every number anywhere inside `x` that is NaN or infinite (paths), for "never NaN" checks. */
export function badNumbers(x: unknown, path = '$'): string[] {
  if (typeof x === 'number') return Number.isFinite(x) ? [] : [path];
  if (x && typeof x === 'object') return Object.entries(x).flatMap(([k, v]) => badNumbers(v, `${path}.${k}`));
  return [];
}
