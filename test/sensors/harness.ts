// Test helpers: the simulator's discrete-event clock (virtual milliseconds, no
// wall time) seen through the HAL's timer calls, and a one-shot reader that
// checks the driver's callback runs exactly once.
import type { Sensor } from '../../firmware/sensors/types.ts';
import { createClock } from '../../simulator/clock.ts';

export class TestClock {
  private readonly clock = createClock(0);

  now = (): number => this.clock.now();

  setTimeout = (fn: () => void, ms: number): number => this.clock.after(ms, fn);

  /** Runs timers in time order until none is left (at most `maxEvents`, to catch endless polling). */
  run(maxEvents = 10000): void {
    for (let n = 0; this.clock.step(); n++) {
      if (n >= maxEvents) throw new Error('timer queue does not drain');
    }
  }
}

export interface ReadResult<T> {
  value: T | undefined;
  /** Virtual milliseconds from read() to the callback. */
  elapsedMs: number;
}

/** Reads once, drains the clock, and fails unless the callback ran exactly once. */
export function readOnce<T>(clock: TestClock, sensor: Sensor<T>): ReadResult<T> {
  const calls: (T | undefined)[] = [];
  const start = clock.now();
  let end = start;
  sensor.read((v) => {
    calls.push(v);
    end = clock.now();
  });
  clock.run();
  if (calls.length !== 1) throw new Error(`callback ran ${calls.length} times`);
  return { value: calls[0], elapsedMs: end - start };
}
