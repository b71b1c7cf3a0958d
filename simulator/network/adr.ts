// Network-side ADR, the ChirpStack/TTN-style default algorithm, kept simple:
//   snrMax    = best SNR over the last N (20) uplinks
//   margin    = snrMax - requiredSnr(current DR) - installation margin (10 dB)
//   steps     = floor(margin / 3)
//   steps > 0: raise the DR one step per 3 dB up to the region's max ADR DR, then
//              lower the TX power (raise the power index) with the remaining steps;
//   steps < 0: raise the TX power (lower the index) one step per 3 dB, down to index 0.
// The DR is never lowered by the network (the device's ADR back-off does that).
// No decision until the history is full, so a node is judged on N uplinks: the caller
// (data.ts adrStep) asks only then, with the history's best SNR.

/** What adrDecide needs besides the best SNR. */
export interface AdrInput {
  dr: number;
  txPowerIdx: number;
  requiredSnrDb: number;
  maxDr: number;
  maxTxPowerIdx: number;
  installationMarginDb: number;
}

export interface AdrDecision {
  dr: number;
  txPowerIdx: number;
}

/** The DR and power index the device should use given the best SNR of its full history, or null when no change is due. */
export function adrDecide(snrMax: number, a: AdrInput): AdrDecision | null {
  const margin = snrMax - a.requiredSnrDb - a.installationMarginDb;
  let steps = Math.floor(margin / 3);
  let dr = a.dr;
  let pwr = a.txPowerIdx;
  while (steps > 0 && dr < a.maxDr) {
    dr++;
    steps--;
  }
  while (steps > 0 && pwr < a.maxTxPowerIdx) {
    pwr++;
    steps--;
  }
  while (steps < 0 && pwr > 0) {
    pwr--;
    steps++;
  }
  return dr === a.dr && pwr === a.txPowerIdx ? null : { dr, txPowerIdx: pwr };
}
