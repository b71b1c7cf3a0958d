// Loading a built firmware bundle for the simulator: the very file `lorakit flash`
// uploads runs in an Espruino-like vm context; because the simulator defines
// `__lorakit_host` first, the bundle hands over its app instead of starting it on
// board globals. One load serves any number of nodes (the app is a factory).
import { readFileSync } from 'node:fs';
import { createEspruinoContext, runBundle } from '../device/espruino-context.ts';
import type { FirmwareApp } from '../../firmware/core/app.ts';
import type { ModemFactory, SensorPins } from '../../firmware/core/types.ts';

export interface BundleBoard {
  id: string;
  modem: 'rn2483' | 'rak3172';
  wiring: { pins: SensorPins };
}

export interface LoadedFirmware {
  file: string;
  app: FirmwareApp;
  board: BundleBoard;
  createModem: ModemFactory;
}

const noClock = { now: () => 0, after: () => 0, cancel: () => undefined };

export function loadFirmware(file: string, code = readFileSync(file, 'utf8')): LoadedFirmware {
  let loaded: LoadedFirmware | undefined;
  const host = {
    register(app: FirmwareApp, board: BundleBoard, createModem: ModemFactory) {
      loaded = { file, app, board, createModem };
    },
  };
  const ctx = createEspruinoContext({ clock: noClock, log: () => undefined, chip: 'stm32', globals: { __lorakit_host: host } });
  runBundle(ctx, code, file);
  if (!loaded) throw new Error(`${file} did not register an app with the simulator host (not a lorakit firmware bundle?)`);
  if (typeof loaded.app.create !== 'function') throw new Error(`${file}: app "${loaded.app.name}" cannot be simulated (no create())`);
  return loaded;
}
