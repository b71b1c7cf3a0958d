// The readings behind the shared codec vectors (test/vectors/codec-<app>.json).
// make-vectors.ts encodes them once; the files are then frozen, so a change that
// alters bytes fails the tests.
import type { Readings } from '../../codecs/device/types.ts';

export interface UplinkCase { name: string; fPort: number; readings: Readings }
export interface BatchCase { name: string; fPort: number; samples: Readings[]; ages: number[] }
export interface DownlinkCase { name: string; data: Record<string, unknown> }
/** Payloads that must be refused: uplinks decode with an error, downlinks are rejected by the device. */
export interface RejectCase { name: string; fPort: number; hex: string; downlink?: boolean }

export interface AppCases {
  uplinks: UplinkCase[];
  batches: BatchCase[];
  downlinks: DownlinkCase[];
  rejects: RejectCase[];
}

const REF = { temperature: 21.3, humidity: 55.5, battery: 3012, counter: 40000 };

function regularAges(n: number, every: number): number[] {
  return Array.from({ length: n }, (_, i) => (n - 1 - i) * every);
}

/** n readings made by `make(i)`, oldest first. */
function drift(n: number, make: (i: number) => Readings): Readings[] {
  return Array.from({ length: n }, (_, i) => make(i));
}

const COMMON_REJECTS: RejectCase[] = [
  { name: 'unknown fPort', fPort: 99, hex: '00' },
  { name: 'empty downlink', fPort: 10, hex: '', downlink: true },
  { name: 'unknown command id', fPort: 10, hex: '09', downlink: true },
  { name: 'interval code beyond 24 h', fPort: 10, hex: '01ffe0', downlink: true },
  { name: 'truncated setInterval', fPort: 10, hex: '01', downlink: true },
];

export const CASES: Record<string, AppCases> = {
  'env-monitor': {
    uplinks: [
      { name: 'reference reading (21.3 degC, 55.5 %RH, 3012 mV, counter 40000)', fPort: 2, readings: REF },
      { name: 'with pressure', fPort: 2, readings: { ...REF, pressure: 1013.2 } },
      { name: 'frost, low battery', fPort: 2, readings: { temperature: -12.3, humidity: 91, pressure: 987.6, battery: 2412, counter: 7 } },
      { name: 'rounding half up: 21.35 -> 21.4, 55.25 -> 55.5, 1013.25 -> 1013.3', fPort: 2, readings: { temperature: 21.35, humidity: 55.25, pressure: 1013.25, battery: 3012.5, counter: 1 } },
      { name: 'rounding half up below zero: -0.05 -> 0, -2.45 -> -2.4', fPort: 2, readings: { temperature: -0.05, humidity: 0.25, battery: 2000, counter: 0 } },
      { name: 'range limits', fPort: 2, readings: { temperature: 85, humidity: 100, pressure: 1100, battery: 4000, counter: 65534 } },
      { name: 'saturated high', fPort: 2, readings: { temperature: 120, humidity: 130, pressure: 1200, battery: 5000, counter: 70000 } },
      { name: 'saturated low', fPort: 2, readings: { temperature: -60, humidity: -5, pressure: 100, battery: 1500, counter: -1 } },
      { name: 'every reading missing', fPort: 2, readings: {} },
      { name: 'humidity sensor failed', fPort: 2, readings: { temperature: 18.4, battery: 2999, counter: 12 } },
      { name: 'version 1 payload (fPort 1)', fPort: 1, readings: { temperature: 19.9, humidity: 47, battery: 3300 } },
    ],
    batches: [
      { name: '12 reference readings, every 5 min', fPort: 3, samples: Array.from({ length: 12 }, () => ({ ...REF })), ages: regularAges(12, 300) },
      {
        name: '12 readings of an evening, every 10 min',
        fPort: 3,
        samples: drift(12, (i) => ({ temperature: 21.3 - 0.2 * i, humidity: 55.5 + 0.5 * i, pressure: 1013.2 - 0.1 * i, battery: 3012 - (i % 3 === 0 ? 1 : 0), counter: 40000 + 3 * i })),
        ages: regularAges(12, 600),
      },
      {
        name: 'irregular times, pressure in some samples, one missing temperature',
        fPort: 3,
        samples: [
          { temperature: 4.1, humidity: 80, battery: 2950, counter: 100 },
          { temperature: 3.9, humidity: 81, pressure: 1002.5, battery: 2950, counter: 104 },
          { humidity: 81.5, battery: 2949, counter: 109 },
          { temperature: 3.2, humidity: 83, pressure: 1001.9, battery: 2949, counter: 111 },
        ],
        ages: [5400, 3600, 1700, 20],
      },
      { name: 'one sample', fPort: 3, samples: [{ ...REF, pressure: 1020 }], ages: [65] },
    ],
    downlinks: [
      { name: 'report every 15 min', data: { command: 'setInterval', interval: 900 } },
      { name: 'both thresholds', data: { command: 'setThresholds', high: 30.5, low: -5 } },
      { name: 'high threshold only', data: { command: 'setThresholds', high: 28 } },
      { name: 'reboot', data: { command: 'reboot' } },
      { name: 'interval and reboot in one downlink', data: { commands: [{ command: 'setInterval', interval: 3600 }, { command: 'reboot' }] } },
    ],
    rejects: [
      { name: 'empty payload', fPort: 2, hex: '' },
      { name: 'too short', fPort: 2, hex: '2656f3' },
      { name: 'too long', fPort: 2, hex: '2656f3f49c400000' },
      { name: 'invalid temperature code', fPort: 2, hex: 'ffffffffffff' },
      { name: 'batch cut short', fPort: 3, hex: '2c00' },
      { name: 'threshold out of range', fPort: 10, hex: '02ff80', downlink: true },
      ...COMMON_REJECTS,
    ],
  },
  'bin-level': {
    uplinks: [
      { name: 'half full', fPort: 1, readings: { distance: 620, fillPercent: 52, alarm: 'none', battery: 3410 } },
      { name: 'fire alarm', fPort: 1, readings: { distance: 1180, fillPercent: 9, alarm: 'fire', battery: 3390 } },
      { name: 'tipped over, rounding 1235 mm -> 1240 mm', fPort: 1, readings: { distance: 1235, fillPercent: 0, alarm: 'tilt', battery: 3005 } },
      { name: 'overfull: distance saturates at 0', fPort: 1, readings: { distance: -40, fillPercent: 104, alarm: 'tiltAndFire', battery: 2000 } },
      { name: 'no echo, no alarm reading', fPort: 1, readings: { fillPercent: 61, battery: 3300 } },
    ],
    batches: [
      {
        name: 'a day of filling, hourly',
        fPort: 2,
        samples: drift(12, (i) => ({ distance: 1200 - 60 * i, fillPercent: 5 + 5 * i, alarm: 'none', battery: 3410 })),
        ages: regularAges(12, 3600),
      },
      { name: 'alarm mid-batch', fPort: 2, samples: [{ distance: 800, fillPercent: 40, alarm: 'none', battery: 3400 }, { distance: 790, fillPercent: 41, alarm: 'fire', battery: 3400 }], ages: [1800, 0] },
    ],
    downlinks: [
      { name: 'report hourly', data: { command: 'setInterval', interval: 3600 } },
      { name: 'full at 85 %', data: { command: 'setFullThreshold', fullPercent: 85 } },
      { name: 'reboot', data: { command: 'reboot' } },
    ],
    rejects: [
      { name: 'empty payload', fPort: 1, hex: '' },
      { name: 'too short', fPort: 1, hex: '1f' },
      { name: 'full threshold below 50 %', fPort: 10, hex: '02fe', downlink: true },
      ...COMMON_REJECTS,
    ],
  },
  'water-level': {
    uplinks: [
      { name: 'normal level', fPort: 1, readings: { distance: 2345, waterTemperature: 11.7, levelAlarm: false, battery: 3560 } },
      { name: 'flood alarm', fPort: 1, readings: { distance: 412, waterTemperature: 9.8, levelAlarm: true, battery: 3550 } },
      { name: 'ice: negative water temperature', fPort: 1, readings: { distance: 3010, waterTemperature: -1.25, levelAlarm: false, battery: 3100 } },
      { name: 'sensor out of range', fPort: 1, readings: { distance: 12000, waterTemperature: 55, levelAlarm: false, battery: 3100 } },
      { name: 'temperature probe missing', fPort: 1, readings: { distance: 2300, battery: 3300 } },
    ],
    batches: [
      {
        name: 'rising water, every 15 min',
        fPort: 2,
        samples: drift(12, (i) => ({ distance: 2400 - 37 * i, waterTemperature: 10.2 + (i % 2) * 0.1, levelAlarm: i > 9, battery: 3540 })),
        ages: regularAges(12, 900),
      },
    ],
    downlinks: [
      { name: 'alarm at 500 mm with 50 mm hysteresis', data: { command: 'setAlarmLevel', alarmDistance: 500, hysteresis: 50 } },
      { name: 'alarm at 800 mm', data: { command: 'setAlarmLevel', alarmDistance: 800 } },
      { name: 'report every 5 min', data: { command: 'setInterval', interval: 300 } },
    ],
    rejects: [
      { name: 'empty payload', fPort: 1, hex: '' },
      { name: 'invalid distance code', fPort: 1, hex: 'ffffffffff' },
      ...COMMON_REJECTS,
    ],
  },
  'soil-moisture': {
    uplinks: [
      { name: 'moist soil', fPort: 1, readings: { moisture: 31.4, soilTemperature: 14.2, battery: 3290 } },
      { name: 'frozen dry soil', fPort: 1, readings: { moisture: 8.05, soilTemperature: -3.35, battery: 3010 } },
      { name: 'saturated soil above 100 %', fPort: 1, readings: { moisture: 100.2, soilTemperature: 22, battery: 3300 } },
      { name: 'probe info', fPort: 5, readings: { probeId: '0a1b2c3d4e5f', probeType: 'capacitive', depth: 30 } },
      { name: 'probe info without serial', fPort: 5, readings: { probeType: 'tdr', depth: 45 } },
    ],
    batches: [
      {
        name: 'drying out, every 30 min',
        fPort: 2,
        samples: drift(12, (i) => ({ moisture: 34 - 0.3 * i, soilTemperature: 12 + 0.1 * i, battery: 3290 })),
        ages: regularAges(12, 1800),
      },
    ],
    downlinks: [
      { name: 'report every 30 min', data: { command: 'setInterval', interval: 1800 } },
      { name: 'reboot', data: { command: 'reboot' } },
    ],
    rejects: [
      { name: 'empty payload', fPort: 1, hex: '' },
      { name: 'too long', fPort: 1, hex: '00000000000000' },
      { name: 'probe info cut inside the serial', fPort: 5, hex: '4286cb' },
      ...COMMON_REJECTS,
    ],
  },
};
