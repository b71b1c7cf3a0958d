// What the sensor twins need from the simulator: the virtual time (conversion
// times) and, for pulse timing, a timer on the same clock.
import type { Hal } from '../../../firmware/hal.ts';

export type TwinClock = Pick<Hal, 'now'>;
export type TwinTimers = Pick<Hal, 'now' | 'setTimeout'>;
