// Capacitive soil-moisture probe on an analog pin (e.g. "Capacitive Soil
// Moisture Sensor v1.2"): the output voltage falls as the soil gets wetter.
// Two-point calibration with the raw readings (analogRead fractions) in dry air
// (`dry`) and in water or saturated soil (`wet`); volumetric % is interpolated
// linearly and clamped to 0..100. A railed pin (unplugged or shorted probe)
// gives undefined.
import type { Hal } from '../hal.ts';
import type { Sensor } from './types.ts';
import { ANALOG_RAIL_HIGH, ANALOG_RAIL_LOW } from './battery.ts';

export type SoilHal = Pick<Hal, 'analogRead'>;

/** Volumetric water content in % from a raw reading and the calibration points; undefined if invalid. */
export function soilPercent(f: number, dry: number, wet: number): number | undefined {
  if (!(f > ANALOG_RAIL_LOW && f < ANALOG_RAIL_HIGH) || dry === wet) return undefined;
  const p = ((dry - f) / (dry - wet)) * 100;
  if (!(p === p)) return undefined;
  return p < 0 ? 0 : p > 100 ? 100 : p;
}

export function createSoilMoisture(hal: SoilHal, pin: string, dry: number, wet: number): Sensor<number> {
  return {
    read: function (cb) {
      let p: number | undefined;
      try {
        p = soilPercent(hal.analogRead(pin), dry, wet);
      } catch {
        p = undefined;
      }
      cb(p);
    },
  };
}
