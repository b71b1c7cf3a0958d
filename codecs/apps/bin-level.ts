// bin-level: waste-bin fill level (ultrasonic distance), tilt/fire alarm, battery.
import type { AppSchema } from '../schema/types.ts';
import { batteryField, rebootCommand, setIntervalCommand } from './common.ts';

export const binLevel: AppSchema = {
  name: 'bin-level',
  description: 'Waste-bin fill sensor: distance to the contents, fill percent, tilt or fire alarm, battery',
  uplinks: [
    {
      name: 'fill',
      version: 1,
      fPort: 1,
      batchFPort: 2,
      fields: [
        { name: 'distance', type: 'unsigned', unit: 'mm', min: 0, max: 4000, resolution: 10, description: 'sensor to contents', lpp: { type: 'distance', channel: 1, factor: 0.001 } },
        { name: 'fillPercent', type: 'unsigned', unit: '%', min: 0, max: 100, resolution: 1, description: 'fill level', lpp: { type: 'percentage', channel: 2 } },
        { name: 'alarm', type: 'enum', values: ['none', 'tilt', 'fire', 'tiltAndFire'], description: 'bin tipped over and/or temperature rise' },
        batteryField(10, 3),
      ],
    },
  ],
  downlink: {
    fPort: 10,
    commands: [
      setIntervalCommand,
      {
        name: 'setFullThreshold',
        id: 2,
        description: 'fill percent from which the bin reports as full',
        fields: [{ name: 'fullPercent', type: 'unsigned', unit: '%', min: 50, max: 100, resolution: 1 }],
      },
      rebootCommand,
    ],
  },
};
