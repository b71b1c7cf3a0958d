// The validated, normalised form of a fleet file (see docs/FLEET.md): what
// parseFleet/loadFleet return and expandFleet reads. Durations are milliseconds here.
import type { FairUseConfig } from '../../firmware/lorawan/fairuse.ts';
import type { FaultRates } from '../modems/types.ts';
import type { SensorFault } from '../hardware/i2c.ts';
import type { Fading } from '../channel/types.ts';
import type { PathLossModel, PathLossPreset } from '../channel/pathloss.ts';
import type { RejectionMatrix, RejectionPreset } from '../channel/rejection.ts';
import type { Seed } from '../channel/rng.ts';
import type { BoardId, ModemType } from '../../scripts/build/boards.ts';
import type { AppName } from './apps.ts';

export type Point = [number, number];

export type Placement =
  | { kind: 'grid'; origin: Point; spacing: Point; columns: number; jitter: number }
  | { kind: 'random'; center: Point; radius: number }
  | { kind: 'polygon'; polygon: Point[] }
  | { kind: 'points'; points: Point[] };

export type Interpolation = 'step' | 'linear';

/** A recorded series: times (ms, strictly increasing) and values. */
export interface CsvSeries {
  times: Float64Array;
  values: Float64Array;
}

/** Shared by every signal: per-sample noise and a per-node constant offset (both Gaussian sigmas). */
interface SignalCommon {
  noise: number;
  spread: number;
}

export type SignalSpec =
  | ({ kind: 'constant'; value: number } & SignalCommon)
  | ({ kind: 'sine'; mean: number; amplitude: number; periodMs: number; peakAtMs: number } & SignalCommon)
  | ({
      kind: 'ramp';
      start: number;
      ratePerHour: number;
      /** Per-node rate factor drawn uniformly in [1 - rateSpread, 1 + rateSpread]. */
      rateSpread: number;
      min: number;
      max: number;
      /** Reset period (null: never resets), first reset time, and the per-reset jitter (uniform +-). */
      everyMs: number | null;
      offsetMs: number;
      jitterMs: number;
    } & SignalCommon)
  | ({ kind: 'steps'; initial: number; events: Point[]; interpolate: Interpolation; jitterMs: number } & SignalCommon)
  | ({
      kind: 'csv';
      /** As written in the fleet file (relative to it). */
      file: string;
      interpolate: Interpolation;
      periodMs: number | null;
      scale: number;
      offset: number;
      /** Filled by the loader. */
      data: CsvSeries | null;
    } & SignalCommon);

export interface SettingsOverrides {
  intervalS?: number;
  confirmed?: boolean;
  alarmConfirmed?: boolean;
  dataRate?: number;
  adr?: boolean;
  enforceDutyCycle?: boolean;
  thresholds?: number[];
}

export interface SensorFaultSpec {
  /** The quantity whose sensor fails (e.g. distance: the ultrasonic ranger). */
  quantity: string;
  fault: Exclude<SensorFault, 'none'>;
  /** Fraction of the group's nodes affected, 0..1. */
  fraction: number;
  /** When it starts (null: a uniformly random time in the run, per node) and ends (null: never). */
  fromMs: number | null;
  untilMs: number | null;
}

export interface FaultSpec {
  reboots: { meanIntervalMs: number | null; atMs: number[] };
  modem: FaultRates;
  sensors: SensorFaultSpec[];
}

export interface GroupSpec {
  name: string;
  app: AppName;
  count: number;
  board: BoardId;
  /** Null: the board's reference modem. */
  modem: ModemType | null;
  placement: Placement;
  activation: 'otaa' | 'abp';
  settings: SettingsOverrides;
  /** Only the quantities the file sets; the app's defaults fill the rest at expansion. */
  signals: Record<string, SignalSpec>;
  faults: FaultSpec;
}

export type GatewaySpec =
  | { kind: 'fixed'; id: string; x: number; y: number; radio: GatewayRadio }
  | { kind: 'generated'; prefix: string; count: number; placement: Placement; radio: GatewayRadio };

export interface GatewayRadio {
  antennaGainDb?: number;
  cableLossDb?: number;
  noiseFigureDb?: number;
  noiseRiseDb?: number;
}

export interface ChannelSpec {
  pathLoss: PathLossPreset | PathLossModel;
  capture: boolean;
  captureThresholdDb?: number;
  rejection: RejectionPreset | RejectionMatrix;
  fading: Fading;
  demodulators?: number;
}

export interface FleetDefinition {
  name: string;
  description: string;
  /** Canonical region name (regionNames()). */
  region: string;
  durationMs: number;
  seed: Seed;
  channel: ChannelSpec;
  /** null: no fair-use budget. */
  fairUse: FairUseConfig | null;
  gateways: GatewaySpec[];
  groups: GroupSpec[];
  /** The file name used in error messages, and the folder CSV paths are relative to. */
  source: string;
  baseDir: string;
}
