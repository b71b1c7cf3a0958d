// IN865-867 (RP002-1.0.4 §2.12). No duty-cycle limit in India's 865-867 MHz band.
import { fsk, lora, type Region } from '../region.ts';

export const IN865: Region = {
  name: 'IN865',
  // DR6 is RFU.
  dataRates: [lora(12, 125), lora(11, 125), lora(10, 125), lora(9, 125), lora(8, 125), lora(7, 125), null, fsk(50)],
  maxMacPayload: [59, 59, 59, 123, 250, 250, 0, 250],
  maxMacPayloadDwell: null,
  defaultUplinkDwell: false,
  dwellTimeMs: 0,
  channels: [
    { firstHz: 865062500, stepHz: 0, count: 1, minDr: 0, maxDr: 5 },
    { firstHz: 865402500, stepHz: 0, count: 1, minDr: 0, maxDr: 5 },
    { firstHz: 865985000, stepHz: 0, count: 1, minDr: 0, maxDr: 5 },
  ],
  rx1: { base: [0, 1, 2, 3, 4, 5, 6, 7], offsets: [0, 1, 2, 3, 4, 5, -1, -2], min: 0, minDwell: 0, max: 5 },
  rx1Channels: null,
  rx2: { hz: 866550000, dr: 2 },
  maxEirpDbm: 30,
  maxTxPowerIndex: 10,
  subBands: [{ name: 'IN 865-867', minHz: 865000000, maxHz: 867000000, dutyCycle: 0 }],
  lbt: false,
};
