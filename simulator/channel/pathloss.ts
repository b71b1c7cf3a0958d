// Log-distance path loss with log-normal shadowing:
//   PL(d) = PL(d0) + 10 * gamma * log10(d / d0) + X_sigma      (dB; d clamped to >= d0)
// Presets:
// - suburban: the LoRaSim / FLoRa parameters (Bor et al., MSWiM 2016, fitted to
//   measurements at Lancaster): d0 = 40 m, PL(d0) = 127.41 dB, gamma = 2.08, sigma = 3.57 dB.
// - urban: the 3GPP TR 36.942 macro-cell urban model, L = 40(1 - 4e-3 h) log10(R km)
//   - 18 log10(h) + 21 log10(f MHz) + 80, with base-station height h = 15 m at 868 MHz:
//   L = 120.5 + 37.6 log10(R km), i.e. d0 = 1000 m, PL(d0) = 120.5 dB, gamma = 3.76;
//   shadowing sigma = 8 dB (urban-macro NLOS shadow fading, WINNER C2 / TR 36.814).

/** A log-distance model: reference distance d0 (m), loss at d0 (dB), exponent, shadowing sigma (dB). */
export interface PathLossModel {
  d0: number;
  pl0: number;
  gamma: number;
  sigma: number;
}

export type PathLossPreset = 'suburban' | 'urban';

export const PATH_LOSS_PRESETS: Readonly<Record<PathLossPreset, Readonly<PathLossModel>>> = {
  suburban: { d0: 40, pl0: 127.41, gamma: 2.08, sigma: 3.57 },
  urban: { d0: 1000, pl0: 120.5, gamma: 3.76, sigma: 8 },
};

/** The model for a preset name or a custom model; throws RangeError with the offending field. */
export function resolvePathLoss(p: PathLossPreset | PathLossModel): PathLossModel {
  if (typeof p === 'string') {
    const m = PATH_LOSS_PRESETS[p];
    if (!m) throw new RangeError(`unknown path-loss preset "${String(p)}" (use suburban, urban or {d0, pl0, gamma, sigma})`);
    return { ...m };
  }
  if (p === null || typeof p !== 'object') throw new RangeError('pathLoss must be a preset name or {d0, pl0, gamma, sigma}');
  const fields: [keyof PathLossModel, boolean][] = [
    ['d0', p.d0 > 0],
    ['pl0', Number.isFinite(p.pl0)],
    ['gamma', p.gamma >= 0],
    ['sigma', p.sigma >= 0],
  ];
  for (const [name, ok] of fields) {
    if (!ok || !Number.isFinite(p[name])) throw new RangeError(`pathLoss.${name} is invalid: ${String(p[name])}`);
  }
  return { d0: p.d0, pl0: p.pl0, gamma: p.gamma, sigma: p.sigma };
}

/** Median path loss (dB, no shadowing) at `distanceM`; distances below d0 count as d0. */
export function medianPathLossDb(m: PathLossModel, distanceM: number): number {
  const d = distanceM > m.d0 ? distanceM : m.d0;
  return m.pl0 + 10 * m.gamma * Math.log10(d / m.d0);
}

/** Distance (m) at which the median path loss reaches `lossDb` (inverse of medianPathLossDb, >= d0). */
export function distanceForLossDb(m: PathLossModel, lossDb: number): number {
  if (lossDb <= m.pl0 || m.gamma === 0) return m.d0;
  return m.d0 * Math.pow(10, (lossDb - m.pl0) / (10 * m.gamma));
}
