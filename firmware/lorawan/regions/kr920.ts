// KR920-923 (RP002-1.0.4 §2.11). Korea requires listen-before-talk instead of a duty cycle.
import { lora, type Region } from '../region.ts';

export const KR920: Region = {
  name: 'KR920',
  dataRates: [lora(12, 125), lora(11, 125), lora(10, 125), lora(9, 125), lora(8, 125), lora(7, 125)],
  maxMacPayload: [59, 59, 59, 123, 250, 250],
  maxMacPayloadDwell: null,
  defaultUplinkDwell: false,
  dwellTimeMs: 0,
  channels: [{ firstHz: 922100000, stepHz: 200000, count: 3, minDr: 0, maxDr: 5 }],
  rx1: { base: [0, 1, 2, 3, 4, 5], offsets: [0, 1, 2, 3, 4, 5], min: 0, minDwell: 0, max: 5 },
  rx1Channels: null,
  rx2: { hz: 921900000, dr: 0 },
  maxEirpDbm: 14,
  maxTxPowerIndex: 7,
  subBands: [{ name: 'KR 920.9-923.3', minHz: 920900000, maxHz: 923300000, dutyCycle: 0 }],
  lbt: true,
};
