// The shapes that tie a firmware app together: its settings, its definition, and
// what the node reports about itself.
import type { Hal } from '../hal.ts';
import type { Region } from '../lorawan/region.ts';
import type { FairUseConfig } from '../lorawan/fairuse.ts';
import type { Modem, ModemConfig } from '../radio/modem.ts';
import type { CApp, DecodedCommand, Readings } from '../../codecs/device/types.ts';
import type { PersistConfig } from './persist.ts';

export type Activation =
  | { mode: 'otaa'; devEui: string; joinEui: string; appKey: string }
  | { mode: 'abp'; devAddr: string; nwkSKey: string; appSKey: string };

/** Everything a maker configures for one node (keys, region, intervals). */
export interface NodeSettings {
  region: Region;
  activation: Activation;
  /** Uplink data rate until ADR changes it. */
  dataRate: number;
  adr: boolean;
  /** Sampling (and normal reporting) interval in seconds; a downlink may change it. */
  intervalS: number;
  /** Send ordinary uplinks confirmed. */
  confirmed: boolean;
  /** Send alarm uplinks confirmed. */
  alarmConfirmed: boolean;
  /** Application thresholds (meaning defined by the app), changeable by downlink. */
  thresholds: number[];
  /** Fair-use budget (TTN: 30 s uplink airtime per 24 h), or null for none. */
  fairUse: FairUseConfig | null;
  /** Keep the firmware's own duty-cycle ledger (turn off only to test the auditor). */
  enforceDutyCycle: boolean;
  /** Samples kept while uplinks are blocked; the oldest are dropped beyond it (counted). */
  queueCapacity: number;
  modem: ModemConfig;
}

/** Where the reference wiring puts the sensors (scripts/build/boards.ts `pins`). */
export interface SensorPins {
  oneWire: string;
  analog: string;
  trig: string;
  echo: string;
  tilt: string;
}

/** A node's sensors, read together into one reading. Never throws; failed sensors are missing. */
export interface SensorSet {
  read(cb: (r: Readings) => void): void;
}

export type ModemFactory = (hal: Hal, cfg: ModemConfig) => Modem;

/** What an app file in firmware/apps/ defines. */
export interface AppDefinition {
  name: string;
  /** The app's compiled payload tables (codecs/device). */
  codec: CApp;
  /** fPort of the payload this app sends (its batch form goes on that payload's batch port). */
  uplinkPort: number;
  settings: NodeSettings;
  /** `config` gives the current configuration (thresholds a sensor set may need). */
  createSensors(hal: Hal, pins: SensorPins, config: () => PersistConfig): SensorSet;
  /** True when a reading must jump the queue (threshold crossing). */
  alarm?(r: Readings, thresholds: number[]): boolean;
  /** Applies an app-specific downlink command to the configuration; false if unknown. */
  applyCommand?(cmd: DecodedCommand, cfg: PersistConfig): boolean;
}

export interface NodeStats {
  samples: number;
  uplinks: number;
  samplesSent: number;
  alarms: number;
  joins: number;
  joinAttempts: number;
  downlinks: number;
  configApplied: number;
  downlinksRejected: number;
  dutyCycleWaits: number;
  retries: number;
  modemResets: number;
  drops: number;
}
