// Imperfect spreading-factor orthogonality: a wanted LoRa signal at SF i survives the
// summed interference of co-channel signals at SF j != i when its signal-to-interference
// ratio is at least M[i][j] dB. Rows: wanted SF7..SF12; columns: interferer SF7..SF12.
// The diagonal (same SF) is not read: same-SF interference follows the capture rule
// (captureThresholdDb, 6 dB by default) in collision.ts.
//
// - goursaud: C. Goursaud, J.-M. Gorce, "Dedicated networks for IoT: PHY/MAC state of
//   the art and challenges", EAI Endorsed Trans. IoT, 2015; as the isolation matrix of
//   the ns-3 lorawan module (signs inverted from the paper's co-channel rejection).
// - croce: D. Croce et al., "Impact of LoRa Imperfect Orthogonality: Analysis of
//   Link-Level Performance", IEEE Comm. Letters 22(4), 2018 (simulated thresholds; a
//   weaker isolation than Goursaud's).
// - ideal: SFs are perfectly orthogonal (no cross-SF losses).

/** 6x6 SIR thresholds in dB; rows wanted SF7..12, columns interferer SF7..12. */
export type RejectionMatrix = readonly (readonly number[])[];

export type RejectionPreset = 'goursaud' | 'croce' | 'ideal';

export const REJECTION_MATRICES: Readonly<Record<Exclude<RejectionPreset, 'ideal'>, RejectionMatrix>> = {
  goursaud: [
    [6, -16, -18, -19, -19, -20],
    [-24, 6, -20, -22, -22, -22],
    [-27, -27, 6, -23, -25, -25],
    [-30, -30, -30, 6, -26, -28],
    [-33, -33, -33, -33, 6, -29],
    [-36, -36, -36, -36, -36, 6],
  ],
  croce: [
    [1, -8, -9, -9, -9, -9],
    [-11, 1, -11, -12, -13, -13],
    [-15, -13, 1, -13, -14, -15],
    [-19, -18, -17, 1, -17, -18],
    [-22, -22, -21, -20, 1, -20],
    [-25, -25, -25, -24, -23, 1],
  ],
};

/** Lowest SF the matrices cover; SFs outside 7..12 are treated as orthogonal to all others. */
export const MATRIX_MIN_SF = 7;
export const MATRIX_MAX_SF = 12;

/**
 * The matrix for a preset or a custom 6x6 matrix (validated, copied), or null for 'ideal'.
 * Throws RangeError on an unknown name or a malformed matrix.
 */
export function resolveRejection(r: RejectionPreset | RejectionMatrix): RejectionMatrix | null {
  if (r === 'ideal') return null;
  if (typeof r === 'string') {
    const m = (REJECTION_MATRICES as Record<string, RejectionMatrix | undefined>)[r];
    if (!m) throw new RangeError(`unknown rejection matrix "${r}" (use goursaud, croce, ideal or a 6x6 matrix)`);
    return m;
  }
  const size = MATRIX_MAX_SF - MATRIX_MIN_SF + 1;
  if (!Array.isArray(r) || r.length !== size) throw new RangeError(`rejection matrix must have ${size} rows (SF7..SF12)`);
  return r.map((row, i) => {
    if (!Array.isArray(row) || row.length !== size) throw new RangeError(`rejection matrix row ${i} must have ${size} entries`);
    return row.map((v, j) => {
      if (typeof v !== 'number' || Number.isNaN(v)) throw new RangeError(`rejection matrix entry [${i}][${j}] is not a number`);
      return v;
    });
  });
}

/**
 * SIR (dB) a wanted signal at `wantedSf` needs over summed interference at `interfererSf`,
 * or -Infinity when the pair is orthogonal (ideal matrix, or an SF outside 7..12).
 */
export function requiredSirDb(m: RejectionMatrix | null, wantedSf: number, interfererSf: number): number {
  if (m === null) return -Infinity;
  const i = wantedSf - MATRIX_MIN_SF;
  const j = interfererSf - MATRIX_MIN_SF;
  const row = m[i];
  const v = row === undefined ? undefined : row[j];
  return v === undefined ? -Infinity : v;
}
