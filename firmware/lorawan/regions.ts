// Lookup of a region table by name (Node side and multi-region builds). A device
// bundle that knows its region imports regions/<name>.ts directly instead.
import type { Region } from './region.ts';
import { EU868 } from './regions/eu868.ts';
import { US915 } from './regions/us915.ts';
import { AU915 } from './regions/au915.ts';
import { AS923_1, AS923_2, AS923_3, AS923_4 } from './regions/as923.ts';
import { IN865 } from './regions/in865.ts';
import { KR920 } from './regions/kr920.ts';

export const REGIONS: Region[] = [EU868, US915, AU915, AS923_1, AS923_2, AS923_3, AS923_4, IN865, KR920];

/** The region called `name` (case-insensitive; "AS923" means AS923-1), or null. */
export function regionByName(name: string): Region | null {
  const n = typeof name === 'string' ? name.toUpperCase() : '';
  const key = n === 'AS923' ? 'AS923-1' : n;
  for (let i = 0; i < REGIONS.length; i++) {
    if (REGIONS[i].name === key) return REGIONS[i];
  }
  return null;
}

/** Names accepted by regionByName. */
export function regionNames(): string[] {
  const out: string[] = [];
  for (let i = 0; i < REGIONS.length; i++) out.push(REGIONS[i].name);
  return out;
}
