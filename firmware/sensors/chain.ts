// Reads several sensors one after another into one reading (one bus user at a time).
import type { Readings } from '../../codecs/device/types.ts';
import type { Sensor } from './types.ts';

/** A step reads one sensor and stores what it got into the reading. */
export type ReadStep = (r: Readings, next: () => void) => void;

/** A step that stores sensor `s`'s value (a number) under `name`; a failure stays missing. */
export function field(name: string, s: Sensor<number>): ReadStep {
  return (r, next) =>
    s.read((v) => {
      if (v !== undefined) r[name] = v;
      next();
    });
}

export function readChain(steps: ReadStep[], cb: (r: Readings) => void): void {
  const r: Readings = {};
  let i = 0;
  const next = (): void => {
    if (i >= steps.length) {
      cb(r);
      return;
    }
    const step = steps[i++];
    step(r, next);
  };
  next();
}
