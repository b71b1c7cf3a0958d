// Fields and commands several example applications share.
import type { CommandDef, NumberField } from '../schema/types.ts';

/** Battery voltage in mV, 2.0..4.0 V (Li-SOCl2, 2xAA, LiFePO4 and Li-ion cells). */
export function batteryField(resolutionMv: number, lppChannel: number): NumberField {
  return {
    name: 'battery',
    type: 'unsigned',
    unit: 'mV',
    min: 2000,
    max: 4000,
    resolution: resolutionMv,
    description: 'battery voltage',
    normalized: { path: 'battery', divisor: 1000 },
    lpp: { type: 'voltage', channel: lppChannel, factor: 0.001 },
  };
}

/** Command 1: reporting interval, 1 min .. 24 h in whole minutes (11 bits). */
export const setIntervalCommand: CommandDef = {
  name: 'setInterval',
  id: 1,
  description: 'set the reporting interval',
  fields: [{ name: 'interval', type: 'unsigned', unit: 's', min: 60, max: 86400, resolution: 60 }],
};

/** Command 3: restart the node. */
export const rebootCommand: CommandDef = { name: 'reboot', id: 3, description: 'restart the node', fields: [] };
