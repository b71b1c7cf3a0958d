// The HAL of a simulated node: virtual time, virtual UART, virtual sensor buses,
// virtual Storage, seeded randomness. One HAL per boot: a reboot cancels the
// timers of the old incarnation (the MCU restarted) and a new HAL is made.
import type { Hal, I2cBus, OneWireBus, SerialLine, Storage } from '../../firmware/hal.ts';
import type { Clock } from '../clock.ts';
import { crc32 } from '../hardware/crc32.ts';
import type { SensorHardware } from './sensors.ts';

export interface VirtualHalParts {
  clock: Clock;
  serial: SerialLine;
  /**
   * The board's sensors (none: no buses, analog reads 0). Before any sensor access the HAL
   * touches them with its clock's time, so physical values follow their signals.
   */
  sensors?: SensorHardware;
  storage: Storage;
  /** Unsigned 32-bit random integers. */
  random: () => number;
  onReboot: () => void;
  log?: (line: string) => void;
}

export interface VirtualHal extends Hal {
  /** The board reset: no pending timer of this boot runs any more. */
  shutdown(): void;
  wakeups(): number;
}

// The HAL is a class, not an object of closures: a fleet holds one per node (a new one per
// boot), and an instance is one object whose methods are shared on its prototype where
// closures would be ~20 function objects plus their context per node (memory and GC copying).
// `log` stays an own function: firmware passes `hal.log` around unbound (firmware/selftest).
const noLog = (line: string): void => void line;

export function createVirtualHal(p: VirtualHalParts): VirtualHal {
  return new VirtualHalImpl(p);
}

/** Runs a timer callback of a HAL's boot unless the board has reset since (bound to the HAL). */
function fireTimer(this: VirtualHalImpl, fn: () => void): void {
  if (!this.alive) return;
  this.wakeupCount++;
  fn();
}

// The HAL doubles as the firmware's I2C bus (hal.i2c === hal when the board has one): each
// transfer first brings the sensors to the current time, then goes to the sensors' bus. A
// separate wrapper would be one more object per node to reach on every transfer.
class VirtualHalImpl implements VirtualHal, I2cBus {
  // false once the board reset: the timers of a dead boot never run
  alive = true;
  wakeupCount = 0;
  private readonly clock: Clock;
  private readonly sensors: SensorHardware | undefined;
  /** The sensors' bus, which hal.i2c transfers go to. */
  private readonly bus: I2cBus | undefined;
  readonly i2c: I2cBus | undefined;
  readonly modemSerial: SerialLine;
  readonly storage: Storage;
  readonly crc32 = crc32;
  readonly log: (line: string) => void;
  // the parts' functions are kept here rather than the parts object: one object less to reach
  private readonly randomFn: () => number;
  private readonly onReboot: () => void;
  /** fireTimer bound to this HAL (a bound function is smaller than a closure and its context). */
  private readonly fire: (fn: () => void) => void;

  constructor(p: VirtualHalParts) {
    this.clock = p.clock;
    const sensors = p.sensors;
    this.sensors = sensors;
    this.bus = sensors ? sensors.i2c : undefined; // read once: each transfer goes straight to it
    this.i2c = this.bus ? this : undefined;
    this.modemSerial = p.serial;
    this.storage = p.storage;
    const log = p.log;
    this.log = log ? (line) => void log(line) : noLog;
    this.randomFn = p.random;
    this.onReboot = p.onReboot;
    this.fire = fireTimer.bind(this);
  }

  touch(): void {
    const s = this.sensors;
    if (s) s.touch(this.clock.now());
  }
  writeTo(a: number, d: Uint8Array | number[]): void {
    this.touch();
    return this.bus!.writeTo(a, d);
  }
  readFrom(a: number, n: number): Uint8Array {
    this.touch();
    return this.bus!.readFrom(a, n);
  }
  now(): number {
    return this.clock.now();
  }
  setTimeout(fn: () => void, ms: number): number {
    return this.clock.afterCall(ms, this.fire, fn);
  }
  clearTimeout(id: number): void {
    this.clock.cancel(id);
  }
  oneWire(pin: string): OneWireBus {
    const s = this.sensors;
    if (!s || !s.oneWire) throw new Error(`no 1-Wire bus on ${pin}`);
    this.touch();
    return s.oneWire(pin);
  }
  analogRead(pin: string): number {
    this.touch();
    const s = this.sensors;
    return s && s.analogRead ? s.analogRead(pin) : 0;
  }
  analogVRef(): number {
    return 3.3;
  }
  digitalWrite(): void {
    return undefined;
  }
  digitalRead(pin: string): boolean {
    this.touch();
    const s = this.sensors;
    return s && s.digitalRead ? s.digitalRead(pin) : false;
  }
  pulseEcho(trig: string, echo: string, us: number, timeout: number, cb: (ms: number) => void): void {
    this.touch();
    const s = this.sensors;
    if (s && s.pulseEcho) s.pulseEcho(trig, echo, us, timeout, cb);
    else this.setTimeout(() => cb(-1), timeout);
  }
  batteryMv(): number | undefined {
    const s = this.sensors;
    return s ? s.batteryMv() : undefined;
  }
  random(): number {
    return this.randomFn() >>> 0;
  }
  sleep(): void {
    return undefined;
  }
  watchdog(): void {
    return undefined;
  }
  kickWatchdog(): void {
    return undefined;
  }
  reboot(): void {
    this.onReboot();
  }
  shutdown(): void {
    // the board reset: its pending timers fire into nothing (no wake-up, no callback)
    this.alive = false;
  }
  wakeups(): number {
    return this.wakeupCount;
  }
}
