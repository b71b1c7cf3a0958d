// Battery voltage in millivolts: either the board's own measurement
// (hal.batteryMv(), e.g. NRF.getBattery) or an analog pin behind a resistor
// divider: mV = analogRead(pin) * analogVRef() * ratio * 1000, where
// ratio = (R_top + R_bottom) / R_bottom. A pin at either rail (disconnected
// divider, or input above the reference) gives undefined.
import type { Hal } from '../hal.ts';
import type { Sensor } from './types.ts';

export type BatteryHal = Pick<Hal, 'analogRead' | 'analogVRef' | 'batteryMv'>;

/** Fractions of full scale below/above which an analog input is taken as railed. */
export const ANALOG_RAIL_LOW = 0.005;
export const ANALOG_RAIL_HIGH = 0.995;

/** `pin` and `ratio` for a divider; omit both to use hal.batteryMv(). */
export function createBattery(hal: BatteryHal, pin?: string, ratio?: number): Sensor<number> {
  return {
    read: function (cb) {
      let mv: number | undefined;
      try {
        if (pin === undefined) {
          mv = hal.batteryMv();
        } else {
          const f = hal.analogRead(pin);
          if (f > ANALOG_RAIL_LOW && f < ANALOG_RAIL_HIGH) mv = f * hal.analogVRef() * (ratio !== undefined ? ratio : 1) * 1000;
        }
      } catch {
        mv = undefined;
      }
      cb(mv !== undefined && mv > 0 && mv < 100000 ? Math.floor(mv + 0.5) : undefined);
    },
  };
}
