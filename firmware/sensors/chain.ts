// Reads several sensors one after another into one reading (one bus user at a time).
// Everything here is made once per node, not on every read: the chain's `next`, and each
// step's sensor callback (the reading and the chain's `next` wait in the step while its
// sensor reads; a sensor runs one read at a time). Fewer allocations per uplink in the
// simulator, fewer JsVars churned on the device.
import type { Readings } from '../../codecs/device/types.ts';
import type { Sensor } from './types.ts';

/** A step reads one sensor and stores what it got into the reading, then calls `next`. */
export type ReadStep = (r: Readings, next: () => void) => void;

/**
 * A step that reads sensor `s`: `put` is the name the value (a number) is stored under (a
 * failure stays missing), or a function that stores what it wants of the value (undefined: failed).
 */
export function step<T>(s: Sensor<T>, put: string | ((r: Readings, v: T | undefined) => void)): ReadStep {
  let cr: Readings | null = null;
  let cn: (() => void) | null = null;
  function got(v: T | undefined): void {
    const r = cr!;
    const next = cn!;
    // released before going on: the reading must not outlive its read here
    cr = cn = null;
    if (typeof put !== 'string') put(r, v);
    else if (v !== undefined) r[put] = v as number;
    next();
  }
  return (r, next) => {
    cr = r;
    cn = next;
    s.read(got);
  };
}

/** The reader of a chain: `read(cb)` runs the steps in order on a new reading, then `cb(reading)`. */
export function chain(steps: ReadStep[]): (cb: (r: Readings) => void) => void {
  let r: Readings | null = null;
  let i = 0;
  let done: ((r: Readings) => void) | null = null;
  function next(): void {
    if (i < steps.length) return steps[i++]!(r!, next);
    const x = r!;
    const cb = done!;
    r = done = null;
    cb(x);
  }
  return (cb) => {
    r = {};
    i = 0;
    done = cb;
    next();
  };
}
