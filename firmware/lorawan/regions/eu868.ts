// EU863-870 (RP002-1.0.4 §2.4). Sub-bands and duty cycles: ETSI EN 300 220-2 V3.2.1
// bands K, L, M, N, P, Q (CEPT ERC/REC 70-03 annex 1, h1.x), observation period 1 hour.
import { fsk, lora, type Region } from '../region.ts';

export const EU868: Region = {
  name: 'EU868',
  // DR8..DR11 (LR-FHSS) are not driven by lorakit.
  dataRates: [lora(12, 125), lora(11, 125), lora(10, 125), lora(9, 125), lora(8, 125), lora(7, 125), lora(7, 250), fsk(50)],
  maxMacPayload: [59, 59, 59, 123, 250, 250, 250, 250],
  maxMacPayloadDwell: null,
  defaultUplinkDwell: false,
  dwellTimeMs: 0,
  channels: [{ firstHz: 868100000, stepHz: 200000, count: 3, minDr: 0, maxDr: 5 }],
  rx1: { base: [0, 1, 2, 3, 4, 5, 6, 7], offsets: [0, 1, 2, 3, 4, 5], min: 0, minDwell: 0, max: 7 },
  rx1Channels: null,
  rx2: { hz: 869525000, dr: 0 },
  maxEirpDbm: 16,
  maxTxPowerIndex: 7,
  subBands: [
    { name: 'K 863-865', minHz: 863000000, maxHz: 865000000, dutyCycle: 0.001 },
    { name: 'L 865-868', minHz: 865000000, maxHz: 868000000, dutyCycle: 0.01 },
    { name: 'M 868.0-868.6', minHz: 868000000, maxHz: 868600000, dutyCycle: 0.01 },
    { name: 'N 868.7-869.2', minHz: 868700000, maxHz: 869200000, dutyCycle: 0.001 },
    { name: 'P 869.4-869.65', minHz: 869400000, maxHz: 869650000, dutyCycle: 0.1 },
    { name: 'Q 869.7-870', minHz: 869700000, maxHz: 870000000, dutyCycle: 0.01 },
  ],
  lbt: false,
};
