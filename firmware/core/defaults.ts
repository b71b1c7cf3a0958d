// Settings every example app starts from: EU868, OTAA with placeholder keys (put the
// real ones in Storage "lorakit.json", see README), TTN's fair-use policy.
import { EU868 } from '../lorawan/regions/eu868.ts';
import { TTN_FAIR_USE } from '../lorawan/fairuse.ts';
import type { NodeSettings } from './types.ts';

export function defaultSettings(intervalS: number, thresholds: number[]): NodeSettings {
  return {
    region: EU868,
    activation: { mode: 'otaa', devEui: '0000000000000000', joinEui: '0000000000000000', appKey: '00000000000000000000000000000000' },
    dataRate: 5,
    adr: true,
    intervalS: intervalS,
    confirmed: false,
    alarmConfirmed: true,
    thresholds: thresholds,
    fairUse: TTN_FAIR_USE,
    enforceDutyCycle: true,
    queueCapacity: 24,
    modem: {},
  };
}
