// US902-928 (RP002-1.0.4 §2.5). FCC 47 CFR 15.247: 400 ms dwell time on the 125 kHz
// hopping channels, so the payload table is the dwell-limited one; no duty cycle.
import { lora, type Region } from '../region.ts';

export const US915: Region = {
  name: 'US915',
  // DR5/DR6 are LR-FHSS, DR7 and DR14/15 RFU.
  dataRates: [
    lora(10, 125), lora(9, 125), lora(8, 125), lora(7, 125), lora(8, 500), null, null, null,
    lora(12, 500), lora(11, 500), lora(10, 500), lora(9, 500), lora(8, 500), lora(7, 500),
  ],
  maxMacPayload: [19, 61, 133, 250, 250, 0, 0, 0, 61, 137, 250, 250, 250, 250],
  maxMacPayloadDwell: null,
  defaultUplinkDwell: true,
  dwellTimeMs: 400,
  channels: [
    { firstHz: 902300000, stepHz: 200000, count: 64, minDr: 0, maxDr: 3 },
    { firstHz: 903000000, stepHz: 1600000, count: 8, minDr: 4, maxDr: 4 },
  ],
  rx1: { base: [10, 11, 12, 13, 13], offsets: [0, 1, 2, 3], min: 8, minDwell: 8, max: 13 },
  rx1Channels: { firstHz: 923300000, stepHz: 600000, count: 8, minDr: 8, maxDr: 13 },
  rx2: { hz: 923300000, dr: 8 },
  maxEirpDbm: 30,
  maxTxPowerIndex: 14,
  subBands: [{ name: 'ISM 902-928', minHz: 902000000, maxHz: 928000000, dutyCycle: 0 }],
  lbt: false,
};
