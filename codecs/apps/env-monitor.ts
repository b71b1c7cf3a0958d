// env-monitor: air temperature, humidity, optional pressure, battery, an event counter.
import type { AppSchema } from '../schema/types.ts';
import { batteryField, rebootCommand, setIntervalCommand } from './common.ts';

const temperature = {
  name: 'temperature',
  type: 'signed',
  unit: 'degC',
  min: -40,
  max: 85,
  resolution: 0.1,
  description: 'air temperature',
  normalized: { path: 'air.temperature' },
  lpp: { type: 'temperature', channel: 1 },
} as const;

const humidity = {
  name: 'humidity',
  type: 'unsigned',
  unit: '%RH',
  min: 0,
  max: 100,
  resolution: 0.5,
  description: 'relative humidity',
  normalized: { path: 'air.relativeHumidity' },
  lpp: { type: 'humidity', channel: 2 },
} as const;

export const envMonitor: AppSchema = {
  name: 'env-monitor',
  description: 'Municipal air monitor: temperature, humidity, pressure (when a BME280 is fitted), battery',
  uplinks: [
    {
      name: 'climate',
      version: 1,
      fPort: 1,
      description: 'first field-trial firmware: no pressure, no counter, battery in 10 mV',
      fields: [temperature, humidity, batteryField(10, 4)],
    },
    {
      name: 'climate',
      version: 2,
      fPort: 2,
      batchFPort: 3,
      fields: [
        temperature,
        humidity,
        {
          name: 'pressure',
          type: 'unsigned',
          unit: 'hPa',
          min: 300,
          max: 1100,
          resolution: 0.1,
          // optional sensor, often absent: a presence bit costs 1 bit when absent, a sentinel 13
          missing: 'presence',
          description: 'barometric pressure',
          normalized: { path: 'air.pressure' },
          lpp: { type: 'barometer', channel: 3 },
        },
        batteryField(1, 4),
        {
          name: 'counter',
          type: 'unsigned',
          unit: 'count',
          min: 0,
          max: 65534,
          resolution: 1,
          description: 'events counted since boot, wrapping modulo 65535 (65535 is the missing-value code)',
          lpp: { type: 'generic', channel: 5 },
        },
      ],
    },
  ],
  downlink: {
    fPort: 10,
    commands: [
      setIntervalCommand,
      {
        name: 'setThresholds',
        id: 2,
        description: 'temperature alarm thresholds; an omitted one is left unchanged',
        fields: [
          { name: 'high', type: 'signed', unit: 'degC', min: -40, max: 85, resolution: 0.5, optional: true },
          { name: 'low', type: 'signed', unit: 'degC', min: -40, max: 85, resolution: 0.5, optional: true },
        ],
      },
      rebootCommand,
    ],
  },
};
