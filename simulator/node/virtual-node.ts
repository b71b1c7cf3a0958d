// One simulated node: the firmware app (from a loaded bundle) on a virtual HAL,
// talking to an emulated modem over a virtual UART, with virtual sensors and
// virtual Storage. Reboots (asked for by the firmware, injected, or after a power
// cut in the middle of a Storage write) re-create the firmware from the same
// Storage, exactly as a board restarts; the modem, a separate chip, keeps running.
import type { Clock } from '../clock.ts';
import { createSerialPair, type DeviceSerial } from '../hardware/serial.ts';
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
import { createSensorHardware, type SensorHardware, type Signals } from './sensors.ts';

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
  return new VirtualNodeImpl(o);
}

// A class rather than an object of closures: a fleet holds thousands of nodes, and an
// instance is one object with shared methods where closures are a dozen functions and a
// context each. Clock callbacks go through module functions that receive the node.
/** A node without signals: read only (the sensors look signals up once), so one serves all. */
const NO_SIGNALS: Signals = {};

const restartNode = (n: VirtualNodeImpl): void => n.reboot();
/** A power cut takes the modem down too: it restarts from what it had saved. */
const powerCycle = (n: VirtualNodeImpl): void => {
  n.modem.hardwareReset();
  n.reboot();
};

class VirtualNodeImpl implements VirtualNode {
  readonly id: string;
  readonly modem: ModemEmulator;
  readonly storage: VirtualStorage;
  // what start() needs of the options, as fields: the options object itself is not kept
  private readonly clock: Clock;
  private readonly fw: LoadedFirmware;
  private readonly override: SettingsOverride | undefined;
  private readonly log: ((line: string) => void) | undefined;
  private readonly serial: DeviceSerial;
  private readonly sensors: SensorHardware;
  /** The HAL's randomness and reboot request: made once, shared by every boot's HAL. */
  private readonly random: () => number;
  private readonly onReboot: () => void;
  /** Made at the first boot with its one entry (an empty array would grow room for 17 at its first push). */
  private bootTimes: number[] | null = null;
  private pastWakeups = 0;
  private hal: VirtualHal | undefined = undefined;
  private node: LoraNode | undefined = undefined;
  private rebootPending = false;
  /** The counters of the boots before this one (made at the first reboot). */
  private past: Record<string, number> | null = null;

  constructor(o: VirtualNodeOptions) {
    this.id = o.id;
    this.clock = o.clock;
    this.fw = o.firmware;
    this.override = o.override;
    this.log = o.log;
    const rng = createRng(o.seed, 'node', o.id);
    const modemType = o.firmware.board.modem;
    // Espruino hands received bytes to JavaScript in chunks; one per reply line keeps events few
    const pair = createSerialPair(o.clock, { peerBaud: modemType === 'rn2483' ? 57600 : 115200, chunkBytes: 256 });
    const emuOpts = { seed: rng.next32(), air: o.air, hwEui: o.hwEui, faults: o.modemFaults };
    this.modem = modemType === 'rn2483' ? createRn2483(o.clock, pair.peer, emuOpts) : createRak3172(o.clock, pair.peer, emuOpts);
    this.serial = pair.device;
    this.storage = o.storage ?? createVirtualStorage();
    this.sensors = createSensorHardware(o.firmware.app.name, o.firmware.board.wiring.pins, clockTimers(o.clock), o.signals ?? NO_SIGNALS);
    // bound functions: two small objects per node where two closures share a context as well
    this.random = rng.next32.bind(rng);
    this.onReboot = this.scheduleReboot.bind(this);
  }

  start(): void {
    const clock = this.clock;
    this.rebootPending = false;
    const storage = this.storage;
    if (!storage.powered()) storage.powerOn();
    const times = this.bootTimes;
    if (times === null) this.bootTimes = [clock.now()];
    else times.push(clock.now());
    const hal = createVirtualHal({
      clock,
      serial: this.serial,
      sensors: this.sensors,
      storage,
      random: this.random,
      onReboot: this.onReboot,
      log: this.log,
    });
    this.hal = hal;
    const fw = this.fw;
    const node = fw.app.create(hal, fw.createModem, fw.board.wiring.pins, this.override);
    this.node = node;
    node.start();
  }

  private scheduleReboot(): void {
    if (this.rebootPending) return;
    this.rebootPending = true;
    this.clock.afterCall(0, restartNode, this);
  }

  reboot(): void {
    const hal = this.hal;
    if (hal) {
      this.pastWakeups += hal.wakeups();
      hal.shutdown();
    }
    if (this.node) {
      const past = (this.past ??= {});
      const st = this.node.stats() as unknown as Record<string, number>;
      for (const k of Object.keys(st)) past[k] = (past[k] ?? 0) + st[k];
    }
    this.start();
  }

  cutPowerDuringNextWrite(at: number | 'before' | 'erased'): void {
    const storage = this.storage;
    const armed = storage.stats().writes + 1;
    storage.onWrite = (ev) => {
      if (ev.index !== armed) return undefined;
      storage.onWrite = null;
      // the board dies inside this write; it restarts at the next event (same virtual time)
      this.clock.afterCall(0, powerCycle, this);
      return at;
    };
  }

  firmware(): LoraNode {
    if (!this.node) throw new Error(`node ${this.id} has not started`);
    return this.node;
  }

  boots(): number[] {
    // the same array from then on: later boots are pushed onto it
    return (this.bootTimes ??= []);
  }

  wakeups(): number {
    return this.pastWakeups + (this.hal ? this.hal.wakeups() : 0);
  }

  totals(): NodeStats {
    const cur = (this.node ? this.node.stats() : {}) as unknown as Record<string, number>;
    const out: Record<string, number> = { ...this.past };
    for (const k of Object.keys(cur)) out[k] = (out[k] ?? 0) + cur[k];
    return out as unknown as NodeStats;
  }
}

/**
 * The sensors' view of the clock: a class (two shared methods instead of two closures), and one
 * instance per clock, shared by every node on it, so it stays in the CPU caches.
 */
class ClockTimers {
  private readonly clock: Clock;
  constructor(clock: Clock) {
    this.clock = clock;
  }
  now(): number {
    return this.clock.now();
  }
  setTimeout(fn: () => void, ms: number): number {
    return this.clock.after(ms, fn);
  }
}

const timersOfClock = new WeakMap<Clock, ClockTimers>();

/** The one ClockTimers of `clock`. */
export function clockTimers(clock: Clock): ClockTimers {
  let t = timersOfClock.get(clock);
  if (t === undefined) {
    t = new ClockTimers(clock);
    timersOfClock.set(clock, t);
  }
  return t;
}
