// The example applications' schemas, by name.
import type { AppSchema } from '../schema/types.ts';
import { binLevel } from './bin-level.ts';
import { envMonitor } from './env-monitor.ts';
import { soilMoisture } from './soil-moisture.ts';
import { waterLevel } from './water-level.ts';

export const APPS: readonly AppSchema[] = [envMonitor, binLevel, waterLevel, soilMoisture];

export function appNames(): string[] {
  return APPS.map((a) => a.name);
}

/** The schema called `name`, or undefined. */
export function findApp(name: string): AppSchema | undefined {
  return APPS.find((a) => a.name === name);
}

export { binLevel, envMonitor, soilMoisture, waterLevel };
