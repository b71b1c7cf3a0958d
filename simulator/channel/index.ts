// The simulator's radio channel: see docs/CHANNEL.md.
export { createChannel } from './channel.ts';
export { PATH_LOSS_PRESETS, medianPathLossDb, distanceForLossDb, resolvePathLoss, type PathLossModel, type PathLossPreset } from './pathloss.ts';
export { REJECTION_MATRICES, requiredSirDb, resolveRejection, type RejectionMatrix, type RejectionPreset } from './rejection.ts';
export { createRng, hashParts, type Rng, type Seed } from './rng.ts';
export { runAloha, type AlohaOptions, type AlohaResult } from './aloha.ts';
export type * from './types.ts';
