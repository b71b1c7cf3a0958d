// Public types of the simulator's radio channel (see docs/CHANNEL.md).
import type { Region } from '../../firmware/lorawan/region.ts';
import type { PathLossModel, PathLossPreset } from './pathloss.ts';
import type { RejectionMatrix, RejectionPreset } from './rejection.ts';
import type { Seed } from './rng.ts';

/** A gateway at (x, y) metres. */
export interface GatewayConfig {
  id: string;
  x: number;
  y: number;
  /** Receive antenna gain, dBi (default 0). */
  antennaGainDb?: number;
  /** Feed-line loss, dB (default 0). */
  cableLossDb?: number;
  /** Receiver noise figure, dB (default DEFAULT_NOISE_FIGURE_DB of firmware/lorawan/linkbudget.ts, 6). */
  noiseFigureDb?: number;
  /**
   * Ambient (man-made) noise above the thermal floor, dB (default 0). It lowers the SNR but
   * not the receiver's sensitivity: a frame above sensitivity can still be lost as below-snr-floor.
   */
  noiseRiseDb?: number;
}

/** One uplink on air. */
export interface Transmission {
  /** Unique within a run: ties at the same start are ordered by id, and per-packet fading is keyed by it. */
  id: string | number;
  /** Shadowing is drawn once per (nodeId, gateway) link. */
  nodeId: string;
  /** Transmitter position, metres. */
  x: number;
  y: number;
  freqHz: number;
  /** Spreading factor 6..12. */
  sf: number;
  bwKhz: number;
  /** EIRP in dBm (node antenna included). */
  powerDbm: number;
  startMs: number;
  airtimeMs: number;
  /** Programmed preamble length (LoRaWAN: 8); sets the capture timing window. */
  preambleSymbols?: number;
  /** Carried through untouched (the PHY payload). */
  payload?: Uint8Array;
  /**
   * Optional: an object of the sender's that stays with the node (the same one for its frames), where
   * the channel keeps a reference to its state for the node (set `link` to undefined at first, then
   * leave it alone). It saves a lookup by nodeId per frame, with the lookup table cold in the caches;
   * the channel checks that what it finds there is for this frame's nodeId.
   */
  sender?: { link: unknown };
}

export type LossReason = 'below-sensitivity' | 'below-snr-floor' | 'no-free-demodulator' | 'collision';

/** What one gateway saw of a transmission: RSSI (dBm) and SNR (dB) over the thermal (+ambient) noise. */
export interface GatewayReception {
  gatewayId: string;
  rssi: number;
  snr: number;
}

export interface GatewayLoss extends GatewayReception {
  reason: LossReason;
}

/** The outcome of a finished transmission at every gateway (gateway order as configured). */
export interface SettledTransmission {
  /** The very object given to `transmit` (so a caller may carry its own fields on it). */
  tx: Transmission;
  /**
   * Gateways that demodulated it. Empty = not delivered. Read-only: transmissions with the same link
   * values (a node's frames without fading) that the same gateways received share one list.
   */
  received: GatewayReception[];
  /** Gateways that did not, with the reason. */
  lost: GatewayLoss[];
}

/**
 * A settled transmission without the per-gateway loss records (RadioChannel.settleBrief): the
 * fleet's air only needs why a frame nobody received was lost, and most frames are lost at most
 * gateways, so building a record per lost gateway for every frame was wasted work.
 */
export interface BriefSettlement {
  /** The very object given to `transmit`. */
  tx: Transmission;
  /** As SettledTransmission.received (the same records). */
  received: GatewayReception[];
  /**
   * When `received` is empty: 'collision' if any gateway lost it to a collision, else the first
   * gateway's reason (in gateway order as configured); undefined when a gateway received it.
   */
  lostReason: LossReason | undefined;
}

/**
 * A list of receptions that frames share (see SettledTransmission.received), as settleEach hands it:
 * one object per shared list, where the receiver may keep something it derives from the list (the
 * fleet's air keeps the network server's view of it) instead of looking the list up in a map of its
 * own for every frame.
 */
export interface SharedReceptions {
  readonly list: GatewayReception[];
  /** The receiver's: undefined until it sets it. */
  memo: unknown;
}

/**
 * The receiver of RadioChannel.settleEach: one settled transmission, as BriefSettlement's fields,
 * and `shared`, the object that stays with `received` when that list is shared (null when it is
 * this frame's own).
 */
export type SettleEach = (tx: Transmission, received: GatewayReception[], lostReason: LossReason | undefined, shared: SharedReceptions | null) => void;

/** Per-packet fast fading on top of the static per-link shadowing. */
export type Fading = 'off' | 'rayleigh' | { sigmaDb: number };

export interface ChannelOptions {
  /** When given, every transmission's frequency must lie in one of the region's sub-bands. */
  region?: Region;
  pathLoss: PathLossPreset | PathLossModel;
  gateways: GatewayConfig[];
  /** Same-SF capture effect (Bor et al. 2016). Off = pure ALOHA: any same-SF co-channel overlap destroys both. */
  capture: boolean;
  /** SIR (dB) the stronger same-SF frame needs to be captured (default 6). */
  captureThresholdDb?: number;
  /** Cross-SF interference: a preset or a 6x6 SIR matrix (rows wanted SF7..12, columns interferer SF7..12). */
  rejection: RejectionPreset | RejectionMatrix;
  /** Default 'off'. */
  fading?: Fading;
  /** Demodulation paths per gateway (default 8, as an SX1301/SX1302 concentrator). */
  demodulators?: number;
  seed: Seed;
}

/** Mean link budget from a position to one gateway (shadowing included, no fast fading). */
export interface LinkEstimate extends GatewayReception {
  /** Path loss in dB including the link's shadowing. */
  pathLossDb: number;
}

export interface RadioChannel {
  /**
   * Puts a transmission on air. It must not start before the last settle time.
   * Throws RangeError/TypeError on invalid fields (messages name the field; payloads are never printed).
   */
  transmit(tx: Transmission): void;
  /**
   * Declares that every transmission starting before `nowMs` has been submitted, and returns the
   * outcome of each transmission that ended at or before `nowMs`, ordered by (startMs, id).
   * `settle(Infinity)` flushes everything.
   */
  settle(nowMs: number): SettledTransmission[];
  /** `settle`, with each outcome summarised as a BriefSettlement (no per-gateway loss records). */
  settleBrief(nowMs: number): BriefSettlement[];
  /**
   * `settleBrief` without the arrays and objects: calls `each` with each BriefSettlement's fields, in
   * the same order (the fleet's air settles once per frame, so those were garbage per frame).
   */
  settleEach(nowMs: number, each: SettleEach): void;
  /** The mean link budget (shadowing, no fast fading) from `nodeId` at (x, y) sending `powerDbm` EIRP in `bwKhz`, per gateway. */
  link(nodeId: string, x: number, y: number, powerDbm: number, bwKhz: number): LinkEstimate[];
  /** Transmissions submitted and not yet settled. */
  pending(): number;
}
