// soil-moisture: volumetric water content, soil temperature, battery; plus a probe-info payload.
import type { AppSchema } from '../schema/types.ts';
import { batteryField, rebootCommand, setIntervalCommand } from './common.ts';

export const soilMoisture: AppSchema = {
  name: 'soil-moisture',
  description: 'Park and street-tree soil probe: volumetric moisture, soil temperature, battery',
  uplinks: [
    {
      name: 'soil',
      version: 1,
      fPort: 1,
      batchFPort: 2,
      fields: [
        { name: 'moisture', type: 'unsigned', unit: '%vol', min: 0, max: 100, resolution: 0.1, description: 'volumetric water content', normalized: { path: 'soil.moisture' }, lpp: { type: 'percentage', channel: 1 } },
        { name: 'soilTemperature', type: 'signed', unit: 'degC', min: -30, max: 60, resolution: 0.1, description: 'soil temperature', normalized: { path: 'soil.temperature' }, lpp: { type: 'temperature', channel: 2 } },
        batteryField(10, 3),
      ],
    },
    {
      name: 'probeInfo',
      version: 1,
      fPort: 5,
      description: 'sent after boot: which probe is connected',
      fields: [
        { name: 'probeId', type: 'bytes', length: 6, description: 'probe serial number' },
        { name: 'probeType', type: 'enum', values: ['capacitive', 'resistive', 'tdr'] },
        { name: 'depth', type: 'unsigned', unit: 'cm', min: 0, max: 120, resolution: 5, description: 'installation depth' },
      ],
    },
  ],
  downlink: { fPort: 10, commands: [setIntervalCommand, rebootCommand] },
};
