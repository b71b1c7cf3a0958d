// One simulated node: the firmware app (from a loaded bundle) on a virtual HAL,
// talking to an emulated modem over a virtual UART, with virtual sensors and
// virtual Storage. Reboots (asked for by the firmware, injected, or after a power
// cut in the middle of a Storage write) re-create the firmware from the same
// Storage, exactly as a board restarts; the modem, a separate chip, keeps running.
import type { Clock } from '../clock.ts';
import { createSerialPair } from '../hardware/serial.ts';
import { createVirtualStorage, type VirtualStorage } from '../hardware/storage.ts';
import { createRn2483 } from '../modems/rn2483.ts';
import { createRak3172 } from '../modems/rak3172.ts';
import type { Air, FaultRates, ModemEmulator } from '../modems/types.ts';
import type { LoraNode } from '../../firmware/core/node.ts';
import type { NodeStats } from '../../firmware/core/types.ts';
import type { SettingsOverride } from '../../firmware/core/app.ts';
import { createRng, type Seed } from '../channel/rng.ts';
import type { LoadedFirmware } from './bundle.ts';
import { createVirtualHal, type VirtualHal } from './hal.ts';
import { createSensorHardware, type Signals } from './sensors.ts';

export interface VirtualNodeOptions {
  id: string;
  firmware: LoadedFirmware;
  clock: Clock;
  air: Air;
  seed: Seed;
  /** The modem's factory EUI (also the DevEUI the fleet registers). */
  hwEui: string;
  override?: SettingsOverride;
  signals?: Signals;
  modemFaults?: FaultRates;
  storage?: VirtualStorage;
  log?: (line: string) => void;
}

export interface VirtualNode {
  readonly id: string;
  readonly modem: ModemEmulator;
  readonly storage: VirtualStorage;
  start(): void;
  /** Restarts the board now (as a watchdog or power cycle would). */
  reboot(): void;
  /** Loses power during the next flash write (torn at `at` bytes): board and modem restart. */
  cutPowerDuringNextWrite(at: number | 'before' | 'erased'): void;
  firmware(): LoraNode;
  /** Virtual times the board (re)started. */
  boots(): number[];
  /** Timer wake-ups of the MCU so far (all boots). */
  wakeups(): number;
  /** The firmware's counters summed over every boot so far. */
  totals(): NodeStats;
}

export function createVirtualNode(o: VirtualNodeOptions): VirtualNode {
  const rng = createRng(o.seed, 'node', o.id);
  const modemType = o.firmware.board.modem;
  // Espruino hands received bytes to JavaScript in chunks; one per reply line keeps events few
  const pair = createSerialPair(o.clock, { peerBaud: modemType === 'rn2483' ? 57600 : 115200, chunkBytes: 256 });
  const emuOpts = { seed: rng.next32(), air: o.air, hwEui: o.hwEui, faults: o.modemFaults };
  const modem = modemType === 'rn2483' ? createRn2483(o.clock, pair.peer, emuOpts) : createRak3172(o.clock, pair.peer, emuOpts);
  const storage = o.storage ?? createVirtualStorage();
  const pins = o.firmware.board.wiring.pins;
  const boots: number[] = [];
  let pastWakeups = 0;
  let hal: VirtualHal | undefined;
  let node: LoraNode | undefined;
  let rebootPending = false;
  const past: Record<string, number> = {};

  const clock = o.clock;
  const sensors = createSensorHardware(o.firmware.app.name, pins, { now: () => clock.now(), setTimeout: (fn, ms) => clock.after(ms, fn) }, o.signals ?? {});

  function boot(): void {
    rebootPending = false;
    if (!storage.powered()) storage.powerOn();
    boots.push(o.clock.now());
    hal = createVirtualHal({
      clock: o.clock,
      serial: pair.device,
      ...sensors,
      storage,
      random: () => rng.next32(),
      onReboot: () => scheduleReboot(),
      log: o.log,
    });
    node = o.firmware.app.create(hal, o.firmware.createModem, pins, o.override);
    node.start();
  }

  function scheduleReboot(): void {
    if (rebootPending) return;
    rebootPending = true;
    o.clock.after(0, restart);
  }

  function restart(): void {
    if (hal) {
      pastWakeups += hal.wakeups();
      hal.shutdown();
    }
    if (node) {
      const st = node.stats() as unknown as Record<string, number>;
      for (const k of Object.keys(st)) past[k] = (past[k] ?? 0) + st[k];
    }
    boot();
  }

  /** A power cut takes the modem down too: it restarts from what it had saved. */
  function powerCycle(): void {
    modem.hardwareReset();
    restart();
  }

  return {
    id: o.id,
    modem,
    storage,
    start: boot,
    reboot: restart,
    cutPowerDuringNextWrite(at) {
      const armed = storage.stats().writes + 1;
      storage.onWrite = (ev) => {
        if (ev.index !== armed) return undefined;
        storage.onWrite = null;
        // the board dies inside this write; it restarts at the next event (same virtual time)
        o.clock.after(0, powerCycle);
        return at;
      };
    },
    firmware: () => {
      if (!node) throw new Error(`node ${o.id} has not started`);
      return node;
    },
    boots: () => boots,
    wakeups: () => pastWakeups + (hal ? hal.wakeups() : 0),
    totals() {
      const cur = (node ? node.stats() : {}) as unknown as Record<string, number>;
      const out: Record<string, number> = { ...past };
      for (const k of Object.keys(cur)) out[k] = (out[k] ?? 0) + cur[k];
      return out as unknown as NodeStats;
    },
  };
}
