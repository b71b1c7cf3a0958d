// AS923 groups 1..4 (RP002-1.0.4 §2.8): the same plan shifted by AS923_FREQ_OFFSET
// (0, -1.8, -6.6, -5.9 MHz). Dwell time 400 ms applies by default (TxParamSetupReq can
// lift it). Duty cycle is a national matter; 1% over 915-928 MHz is the conservative
// default LoRaMac-node's AS923 band uses (Japan additionally requires LBT, ARIB STD-T108).
import { fsk, lora, type Region } from '../region.ts';

function as923(name: string, offsetHz: number): Region {
  return {
    name: name,
    dataRates: [lora(12, 125), lora(11, 125), lora(10, 125), lora(9, 125), lora(8, 125), lora(7, 125), lora(7, 250), fsk(50)],
    maxMacPayload: [59, 59, 59, 123, 250, 250, 250, 250],
    maxMacPayloadDwell: [0, 0, 19, 61, 133, 250, 250, 250],
    defaultUplinkDwell: true,
    dwellTimeMs: 400,
    channels: [{ firstHz: 923200000 + offsetHz, stepHz: 200000, count: 2, minDr: 0, maxDr: 5 }],
    rx1: { base: [0, 1, 2, 3, 4, 5, 6, 7], offsets: [0, 1, 2, 3, 4, 5, -1, -2], min: 0, minDwell: 2, max: 5 },
    rx1Channels: null,
    rx2: { hz: 923200000 + offsetHz, dr: 2 },
    maxEirpDbm: 16,
    maxTxPowerIndex: 7,
    subBands: [{ name: 'AS923 915-928', minHz: 915000000, maxHz: 928000000, dutyCycle: 0.01 }],
    lbt: false,
  };
}

export const AS923_1: Region = as923('AS923-1', 0);
export const AS923_2: Region = as923('AS923-2', -1800000);
export const AS923_3: Region = as923('AS923-3', -6600000);
export const AS923_4: Region = as923('AS923-4', -5900000);
