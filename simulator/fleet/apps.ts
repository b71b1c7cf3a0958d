// What a fleet file may say about each firmware app: its default board and the
// physical quantities its virtual sensors take (unit, valid range, default signal).
// The fleet runner feeds each quantity to the matching sensor twin; values are
// clamped to the range before that.
import type { BoardId } from '../../scripts/build/boards.ts';
import type { SignalSpec } from './types.ts';

export const APP_NAMES = ['env-monitor', 'bin-level', 'water-level', 'soil-moisture'] as const;
export type AppName = (typeof APP_NAMES)[number];

export interface QuantityProfile {
  unit: string;
  min: number;
  max: number;
  /** What the quantity drives in the simulator. */
  sensor: string;
  default: SignalSpec;
}

export interface AppProfile {
  board: BoardId;
  quantities: Record<string, QuantityProfile>;
}

const H = 3600000;
const constant = (value: number, noise = 0): SignalSpec => ({ kind: 'constant', value, noise, spread: 0 });
const daily = (mean: number, amplitude: number, peakH: number, noise: number): SignalSpec => ({
  kind: 'sine',
  mean,
  amplitude,
  periodMs: 24 * H,
  peakAtMs: peakH * H,
  noise,
  spread: 0,
});

/** Battery voltage (every app): a fresh Li-SOCl2/Li-ion pack. */
const battery: QuantityProfile = { unit: 'mV', min: 0, max: 5000, sensor: 'battery (analog divider or NRF.getBattery)', default: constant(3600) };

export const APP_PROFILES: Readonly<Record<AppName, AppProfile>> = {
  'env-monitor': {
    board: 'PICO',
    quantities: {
      temperature: { unit: 'degC', min: -40, max: 85, sensor: 'BME280 temperature', default: daily(12, 5, 15, 0.2) },
      humidity: { unit: '%RH', min: 0, max: 100, sensor: 'BME280 humidity', default: daily(70, -15, 15, 1) },
      pressure: { unit: 'hPa', min: 300, max: 1100, sensor: 'BME280 pressure', default: constant(1013, 0.3) },
      battery,
    },
  },
  'bin-level': {
    board: 'MDBT42Q',
    quantities: {
      // distance from the lid to the contents: 1100 mm empty .. 150 mm full in the app's
      // geometry (firmware/apps/bin-level.ts), so a fill of p % is 1100 - 9.5 p mm.
      // Default: fills ~3 %/h (28.5 mm/h, +-30 % per bin), emptied at 07:00 +- 30 min.
      distance: {
        unit: 'mm',
        min: 0,
        max: 10000,
        sensor: 'HC-SR04 distance to the contents',
        default: { kind: 'ramp', start: 1100, ratePerHour: -28.5, rateSpread: 0.3, min: 150, max: 1100, everyMs: 24 * H, offsetMs: 7 * H, jitterMs: 0.5 * H, noise: 0, spread: 0 },
      },
      lidTemperature: { unit: 'degC', min: -55, max: 125, sensor: 'DS18B20 in the lid (>= 70 degC: fire)', default: daily(14, 6, 15, 0.2) },
      tilt: { unit: '0/1', min: 0, max: 1, sensor: 'tilt switch (>= 0.5: tipped over)', default: constant(0) },
      battery,
    },
  },
  'water-level': {
    board: 'PICO',
    quantities: {
      distance: { unit: 'mm', min: 0, max: 10000, sensor: 'HC-SR04 distance to the water surface (alarm below 500 mm)', default: constant(1500, 5) },
      waterTemperature: { unit: 'degC', min: -55, max: 125, sensor: 'DS18B20 on a cable', default: daily(11, 1, 17, 0.05) },
      battery,
    },
  },
  'soil-moisture': {
    board: 'MDBT42Q',
    quantities: {
      moisture: { unit: '%', min: 0, max: 100, sensor: 'capacitive probe (volumetric water content)', default: constant(30, 0.5) },
      soilTemperature: { unit: 'degC', min: -55, max: 125, sensor: 'DS18B20 on the probe cable', default: daily(14, 2, 17, 0.05) },
      battery,
    },
  },
};

/** The quantity names of an app, in table order. */
export function appQuantities(app: AppName): string[] {
  return Object.keys(APP_PROFILES[app].quantities);
}
