// Link-budget helpers for the simulator's radio channel and an ADR-aware scheduler.
// Demodulator floor: SX1276 datasheet table 13 (SNR limit -7.5 dB at SF7 to -20 dB at
// SF12, 2.5 dB per step; SF6 -5 dB). Sensitivity: S = -174 + 10 log10(BW) + NF + SNR
// (thermal noise floor at 290 K, receiver noise figure NF, default 6 dB as AN1200.22).

/** Receiver noise figure lorakit assumes (dB). */
export const DEFAULT_NOISE_FIGURE_DB = 6;

/** Minimum SNR (dB) the LoRa demodulator needs at spreading factor `sf` (6..12); 0 when `sf` is out of range. */
export function demodFloorSnr(sf: number): number {
  if (!(sf >= 6 && sf <= 12) || Math.floor(sf) !== sf) return 0;
  return -5 - 2.5 * (sf - 6);
}

/** Receiver sensitivity (dBm) at `sf` and `bwKhz` for noise figure `nfDb`; 0 when out of range. */
export function sensitivityDbm(sf: number, bwKhz: number, nfDb: number): number {
  if (demodFloorSnr(sf) === 0 || !(bwKhz > 0) || !isFinite(nfDb)) return 0;
  return -174 + (10 * Math.log(bwKhz * 1000)) / Math.LN10 + nfDb + demodFloorSnr(sf);
}

/** Margin (dB) of a received SNR over the demodulation floor of `sf`. */
export function snrMarginDb(snrDb: number, sf: number): number {
  return snrDb - demodFloorSnr(sf);
}

/** Whether a frame at `sf` arriving with `snrDb` can be demodulated. */
export function canDemodulate(snrDb: number, sf: number): boolean {
  return demodFloorSnr(sf) !== 0 && snrDb >= demodFloorSnr(sf);
}
