// HC-SR04 ultrasonic ranging: a 10 us trigger pulse, then the echo pin stays
// high for the round-trip time of the sound. distance = t * c / 2 with the speed
// of sound in dry air c = 331.3 * sqrt(1 + T / 273.15) m/s (T in degC).
// The module's range is 2..400 cm; with no echo it holds the pin high for about
// 38 ms, beyond our timeout, so hal.pulseEcho reports -1.
import type { Hal } from '../hal.ts';
import type { Sensor } from './types.ts';

export type HcSr04Hal = Pick<Hal, 'pulseEcho'>;

export const HCSR04_MIN_MM = 20;
export const HCSR04_MAX_MM = 4000;

/** Speed of sound in dry air in m/s at `tempC` degrees Celsius. */
export function speedOfSound(tempC: number): number {
  return 331.3 * Math.sqrt(1 + tempC / 273.15);
}

/** Distance in mm from an echo pulse width in microseconds. */
export function echoToMm(us: number, tempC: number): number {
  return (us * speedOfSound(tempC)) / 2000;
}

export interface HcSr04 extends Sensor<number> {
  /** Air temperature used for the speed of sound (from another sensor); 20 degC until set. */
  setAirTemperature(tempC: number): void;
}

export function createHcSr04(hal: HcSr04Hal, trigPin: string, echoPin: string): HcSr04 {
  let air = 20;
  return {
    setAirTemperature: function (tempC: number) {
      if (tempC > -50 && tempC < 80) air = tempC;
    },
    read: function (cb) {
      try {
        hal.pulseEcho(trigPin, echoPin, 10, 30, function (us) {
          const mm = us > 0 ? echoToMm(us, air) : -1;
          cb(mm >= HCSR04_MIN_MM && mm <= HCSR04_MAX_MM ? mm : undefined);
        });
      } catch {
        cb(undefined);
      }
    },
  };
}
