// What the network side needs to know about a region: receive-window parameters,
// the DR -> spreading-factor mapping (for the demodulation floor used by
// LinkCheckAns and ADR) and the ADR limits. The channel plans themselves live in
// firmware/lorawan/ (one source of truth); this is only the network's view.
import { dataRate, rx1DataRate, rx1Frequency, type Region } from '../../firmware/lorawan/region.ts';
import { EU868 } from '../../firmware/lorawan/regions/eu868.ts';

export interface NetworkRegion {
  name: string;
  /** RX1 frequency for an uplink on `upFreqHz` (EU-like plans: the same frequency). */
  rx1FreqHz(upFreqHz: number): number;
  /** RX1 data rate for an uplink DR and the RX1DROffset. */
  rx1Dr(upDr: number, offset: number): number;
  rx2: { freqHz: number; dr: number };
  /** LoRa spreading factor of a DR, or 0 for FSK. */
  spreadingFactor(dr: number): number;
  /** Highest DR the ADR algorithm assigns. */
  maxAdrDr: number;
  /** Highest TXPower index (lowest power) of the region. */
  maxTxPowerIdx: number;
  /** LinkADRReq channel-mask fields that keep every defined channel enabled. */
  adrChMask: { chMask: number; chMaskCntl: number };
}

/** Demodulation floor (dB SNR) of a LoRa spreading factor (Semtech SX127x/SX126x datasheets). */
export function requiredSnrDb(sf: number): number {
  switch (sf) {
    case 5:
      return -2.5;
    case 6:
      return -5;
    case 7:
      return -7.5;
    case 8:
      return -10;
    case 9:
      return -12.5;
    case 10:
      return -15;
    case 11:
      return -17.5;
    case 12:
      return -20;
    default:
      return 0; // FSK: no processing gain below the noise floor
  }
}

/** The network's view of a firmware regional table (firmware/lorawan, the one source of truth). */
export function networkRegion(region: Region): NetworkRegion {
  let maxAdrDr = 0;
  for (const b of region.channels) {
    for (let dr = b.minDr; dr <= b.maxDr; dr++) if (dataRate(region, dr)?.mod === 'lora' && dr > maxAdrDr) maxAdrDr = dr;
  }
  return {
    name: region.name,
    rx1FreqHz: (f) => rx1Frequency(region, f),
    rx1Dr: (dr, offset) => {
      const r = rx1DataRate(region, dr, offset, false);
      return r < 0 ? region.rx2.dr : r;
    },
    rx2: { freqHz: region.rx2.hz, dr: region.rx2.dr },
    spreadingFactor: (dr) => {
      const d = dataRate(region, dr);
      return d && d.mod === 'lora' ? d.sf : 0;
    },
    maxAdrDr,
    maxTxPowerIdx: region.maxTxPowerIndex,
    // ChMaskCntl 6: every defined (125 kHz) channel on; ChMask then covers the 500 kHz block where one exists.
    adrChMask: { chMask: region.rx1Channels ? 0x00ff : 0x0000, chMaskCntl: 6 },
  };
}

export const EU868_NETWORK: NetworkRegion = networkRegion(EU868);
