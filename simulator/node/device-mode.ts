// Device mode: one node for full fidelity. The bundle runs in its own Espruino-like
// vm context exactly as on a board: no simulator host, so it binds its HAL to the
// Espruino globals (getTime, setTimeout, Serial1, I2C1, OneWire, pins, Storage)
// that this context provides on virtual hardware. Slower than the fleet's shared
// load (one context per node), but nothing of the firmware is bypassed.
import type { Clock } from '../clock.ts';
import { createEspruinoContext, runBundle } from '../device/espruino-context.ts';
import { createSerialPair } from '../hardware/serial.ts';
import { createVirtualStorage, type VirtualStorage } from '../hardware/storage.ts';
import { createRn2483 } from '../modems/rn2483.ts';
import { createRak3172 } from '../modems/rak3172.ts';
import type { Air, ModemEmulator } from '../modems/types.ts';
import { createRng, type Seed } from '../channel/rng.ts';
import type { BoardProfile } from '../../scripts/build/boards.ts';
import { DEVICE_FILE, type SettingsOverride } from '../../firmware/core/app.ts';
import { createSensorHardware, type Signals } from './sensors.ts';
import { clockTimers } from './virtual-node.ts';

export interface DeviceModeOptions {
  id: string;
  app: string;
  board: BoardProfile;
  /** The bundle's source, exactly as `lorakit flash` uploads it. */
  code: string;
  clock: Clock;
  air: Air;
  seed: Seed;
  hwEui: string;
  /** Written to Storage "lorakit.json" before boot, as a maker would upload it. */
  settings?: SettingsOverride;
  signals?: Signals;
  log?: (line: string) => void;
}

export interface DeviceModeNode {
  readonly modem: ModemEmulator;
  readonly storage: VirtualStorage;
  /** Powers the board up: the bundle loads and starts. */
  start(): void;
}

export function createDeviceModeNode(o: DeviceModeOptions): DeviceModeNode {
  const rng = createRng(o.seed, 'node', o.id);
  const pair = createSerialPair(o.clock, { peerBaud: o.board.modem === 'rn2483' ? 57600 : 115200 });
  const emuOpts = { seed: rng.next32(), air: o.air, hwEui: o.hwEui };
  const modem = o.board.modem === 'rn2483' ? createRn2483(o.clock, pair.peer, emuOpts) : createRak3172(o.clock, pair.peer, emuOpts);
  const storage = createVirtualStorage();
  if (o.settings) storage.write(DEVICE_FILE, JSON.stringify(o.settings));
  const hw = createSensorHardware(o.app, o.board.pins, clockTimers(o.clock), o.signals ?? {});
  const battery = o.board.battery;
  const touch = (): void => hw.touch();
  return {
    modem,
    storage,
    start() {
      const ctx = createEspruinoContext({
        clock: o.clock,
        log: o.log ?? (() => undefined),
        chip: o.board.chip === 'NRF52832' ? 'nrf52' : 'stm32',
        serials: { [o.board.modemSerial]: pair.device },
        i2c: hw.i2c ? { [o.board.i2c.bus]: { writeTo: (a, d) => (touch(), hw.i2c!.writeTo(a, d)), readFrom: (a, n) => (touch(), hw.i2c!.readFrom(a, n)) } } : {},
        oneWire: hw.oneWire ? (pin) => (touch(), hw.oneWire!(pin)) : undefined,
        storage,
        analog(pin) {
          touch();
          if (battery.kind === 'analog' && pin === battery.pin) return (hw.batteryMv?.() ?? 0) / 1000 / battery.divider / 3.3;
          return hw.analogRead ? hw.analogRead(pin) : 0;
        },
        digital: { write: () => undefined, read: (pin) => (hw.digitalRead ? hw.digitalRead(pin) : false) },
        random: () => rng.next32() / 4294967296,
        batteryVolts: () => (hw.batteryMv?.() ?? 0) / 1000,
      });
      runBundle(ctx, o.code, `${o.app}.${o.board.id}.js`);
    },
  };
}
