// defineApp: turns an app definition into what a bundle exports. On a board the
// generated entry calls `start`; the simulator calls `create` with per-node
// settings (keys, intervals) on virtual hardware.
import type { Hal } from '../hal.ts';
import type { FairUseConfig } from '../lorawan/fairuse.ts';
import { createNode, type LoraNode } from './node.ts';
import type { Activation, AppDefinition, ModemFactory, NodeSettings, SensorPins } from './types.ts';

/** Per-device settings that may come from outside the bundle (Storage "lorakit.json", or the simulator). */
export interface SettingsOverride {
  activation?: Activation;
  dataRate?: number;
  adr?: boolean;
  intervalS?: number;
  confirmed?: boolean;
  alarmConfirmed?: boolean;
  thresholds?: number[];
  /** The network's fair-use policy (TTN's by default), or null on a network without one. */
  fairUse?: FairUseConfig | null;
  enforceDutyCycle?: boolean;
  queueCapacity?: number;
}

/** Storage file with the device's own keys, so secrets need not live in the bundle. */
export const DEVICE_FILE = 'lorakit.json';

export interface FirmwareApp {
  name: string;
  definition: AppDefinition;
  create(hal: Hal, makeModem: ModemFactory, pins: SensorPins, override?: SettingsOverride): LoraNode;
  start(hal: Hal, board: { wiring: { pins: SensorPins } }, makeModem: ModemFactory): LoraNode;
}

export function withSettings(def: AppDefinition, o: SettingsOverride | undefined): AppDefinition {
  if (!o) return def;
  const s = def.settings;
  const merged: NodeSettings = {
    region: s.region,
    activation: o.activation !== undefined ? o.activation : s.activation,
    dataRate: o.dataRate !== undefined ? o.dataRate : s.dataRate,
    adr: o.adr !== undefined ? o.adr : s.adr,
    intervalS: o.intervalS !== undefined ? o.intervalS : s.intervalS,
    confirmed: o.confirmed !== undefined ? o.confirmed : s.confirmed,
    alarmConfirmed: o.alarmConfirmed !== undefined ? o.alarmConfirmed : s.alarmConfirmed,
    thresholds: o.thresholds !== undefined ? o.thresholds : s.thresholds,
    fairUse: o.fairUse !== undefined ? o.fairUse : s.fairUse,
    enforceDutyCycle: o.enforceDutyCycle !== undefined ? o.enforceDutyCycle : s.enforceDutyCycle,
    queueCapacity: o.queueCapacity !== undefined ? o.queueCapacity : s.queueCapacity,
    modem: s.modem,
  };
  return {
    name: def.name,
    codec: def.codec,
    uplinkPort: def.uplinkPort,
    settings: merged,
    createSensors: def.createSensors,
    alarm: def.alarm,
    applyCommand: def.applyCommand,
  };
}

function readDeviceFile(hal: Hal): SettingsOverride | undefined {
  const raw = hal.storage.read(DEVICE_FILE);
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as SettingsOverride;
  } catch (e) {
    hal.log('lorakit.json is not valid JSON: using the built-in settings');
    return undefined;
  }
}

export function defineApp(def: AppDefinition): FirmwareApp {
  return {
    name: def.name,
    definition: def,
    create: (hal, makeModem, pins, override) => createNode(hal, withSettings(def, override), makeModem, pins),
    start(hal, board, makeModem) {
      const node = createNode(hal, withSettings(def, readDeviceFile(hal)), makeModem, board.wiring.pins);
      node.start();
      return node;
    },
  };
}
