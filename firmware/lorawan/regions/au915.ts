// AU915-928 (RP002-1.0.4 §2.6). UplinkDwellTime is 1 until TxParamSetupReq says otherwise
// (RP002 §2.6.2); no duty cycle.
import { lora, type Region } from '../region.ts';

export const AU915: Region = {
  name: 'AU915',
  // DR7 is LR-FHSS, DR14/15 RFU.
  dataRates: [
    lora(12, 125), lora(11, 125), lora(10, 125), lora(9, 125), lora(8, 125), lora(7, 125), lora(8, 500), null,
    lora(12, 500), lora(11, 500), lora(10, 500), lora(9, 500), lora(8, 500), lora(7, 500),
  ],
  maxMacPayload: [59, 59, 59, 123, 250, 250, 250, 0, 61, 137, 250, 250, 250, 250],
  maxMacPayloadDwell: [0, 0, 19, 61, 133, 250, 250, 0, 61, 137, 250, 250, 250, 250],
  defaultUplinkDwell: true,
  dwellTimeMs: 400,
  channels: [
    { firstHz: 915200000, stepHz: 200000, count: 64, minDr: 0, maxDr: 5 },
    { firstHz: 915900000, stepHz: 1600000, count: 8, minDr: 6, maxDr: 6 },
  ],
  rx1: { base: [8, 9, 10, 11, 12, 13, 13], offsets: [0, 1, 2, 3, 4, 5], min: 8, minDwell: 8, max: 13 },
  rx1Channels: { firstHz: 923300000, stepHz: 600000, count: 8, minDr: 8, maxDr: 13 },
  rx2: { hz: 923300000, dr: 8 },
  maxEirpDbm: 30,
  maxTxPowerIndex: 14,
  subBands: [{ name: 'ISM 915-928', minHz: 915000000, maxHz: 928000000, dutyCycle: 0 }],
  lbt: false,
};
