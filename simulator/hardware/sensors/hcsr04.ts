// Model of an HC-SR04 ultrasonic ranger for the simulator: provides the HAL's
// `pulseEcho` for its trigger/echo pins. It holds the distance to the target and
// the air temperature; after a trigger of at least 10 us the echo pin stays high
// for the round trip 2 * d / c, c = 331.3 * sqrt(1 + T/273.15) m/s, measured to
// 1 us. Beyond `maxRangeMm` (4 m) the module gives up and holds echo high for
// 38 ms. The callback comes on the simulator's clock; a pulse longer than the
// caller's timeout (or none at all) reports -1 when the timeout expires.
// Faults: absent (no echo), stuck (echo held high).
import type { SensorFault } from '../i2c.ts';
import type { TwinTimers } from './clock.ts';

export const HCSR04_NO_ECHO_US = 38000;

export class HcSr04Twin {
  /** Distance to the target in mm. */
  distanceMm = 1000;
  /** Air temperature in degrees Celsius. */
  airTemperature = 20;
  maxRangeMm = 4000;
  fault: SensorFault = 'none';
  /** Trigger pulses received. */
  triggers = 0;

  constructor(private readonly timers: TwinTimers, readonly trigPin: string, readonly echoPin: string) {}

  setDistance(mm: number): void {
    this.distanceMm = mm;
  }
  setAirTemperature(c: number): void {
    this.airTemperature = c;
  }

  /** Echo pulse width in microseconds for the current state, or -1 for no pulse. */
  echoUs(): number {
    if (this.fault === 'absent') return -1;
    if (this.fault === 'stuck') return Infinity;
    if (this.distanceMm > this.maxRangeMm) return HCSR04_NO_ECHO_US;
    const mmPerUs = (331.3 * Math.sqrt(1 + this.airTemperature / 273.15)) / 1000;
    return Math.round((2 * this.distanceMm) / mmPerUs);
  }

  /** The HAL's pulseEcho, for this module's pins. */
  pulseEcho = (trigPin: string, echoPin: string, trigUs: number, timeoutMs: number, cb: (us: number) => void): void => {
    const wired = trigPin === this.trigPin && echoPin === this.echoPin;
    if (wired && trigUs >= 10) this.triggers++;
    const us = wired && trigUs >= 10 ? this.echoUs() : -1;
    if (us < 0 || us / 1000 > timeoutMs) this.timers.setTimeout(() => cb(-1), timeoutMs);
    else this.timers.setTimeout(() => cb(us), us / 1000);
  };
}
