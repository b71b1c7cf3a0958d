// water-level: distance to the water surface, water temperature, level alarm, battery.
import type { AppSchema } from '../schema/types.ts';
import { batteryField, rebootCommand, setIntervalCommand } from './common.ts';

export const waterLevel: AppSchema = {
  name: 'water-level',
  description: 'River/drain level sensor: distance to the water in mm, water temperature, level alarm, battery',
  uplinks: [
    {
      name: 'level',
      version: 1,
      fPort: 1,
      batchFPort: 2,
      fields: [
        { name: 'distance', type: 'unsigned', unit: 'mm', min: 0, max: 10000, resolution: 1, description: 'sensor to water surface', lpp: { type: 'distance', channel: 1, factor: 0.001 } },
        { name: 'waterTemperature', type: 'signed', unit: 'degC', min: -10, max: 40, resolution: 0.1, description: 'water temperature', lpp: { type: 'temperature', channel: 2 } },
        { name: 'levelAlarm', type: 'boolean', description: 'water above the alarm level', lpp: { type: 'digital_in', channel: 3 } },
        batteryField(10, 4),
      ],
    },
  ],
  downlink: {
    fPort: 10,
    commands: [
      setIntervalCommand,
      {
        name: 'setAlarmLevel',
        id: 2,
        description: 'alarm when the distance to the water falls below alarmDistance (hysteresis optional)',
        fields: [
          { name: 'alarmDistance', type: 'unsigned', unit: 'mm', min: 0, max: 10000, resolution: 10 },
          { name: 'hysteresis', type: 'unsigned', unit: 'mm', min: 0, max: 500, resolution: 10, optional: true },
        ],
      },
      rebootCommand,
    ],
  },
};
