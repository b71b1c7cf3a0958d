// The HAL of a simulated node: virtual time, virtual UART, virtual sensor buses,
// virtual Storage, seeded randomness. One HAL per boot: a reboot cancels the
// timers of the old incarnation (the MCU restarted) and a new HAL is made.
import type { Hal, I2cBus, OneWireBus, SerialLine, Storage } from '../../firmware/hal.ts';
import type { Clock } from '../clock.ts';
import { crc32 } from '../hardware/crc32.ts';

export interface VirtualHalParts {
  clock: Clock;
  serial: SerialLine;
  i2c?: I2cBus;
  oneWire?: (pin: string) => OneWireBus;
  analogRead?: (pin: string) => number;
  digitalRead?: (pin: string) => boolean;
  pulseEcho?: Hal['pulseEcho'];
  batteryMv?: () => number | undefined;
  storage: Storage;
  /** Unsigned 32-bit random integers. */
  random: () => number;
  /**
   * Called before any sensor access, so physical values follow their signals. The HAL
   * passes its clock's time (the sensors' own timers read the same clock; passing it
   * saves the sensors a call through their timers when a node wakes with cold caches).
   */
  touch?: (nowMs?: number) => void;
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

/** The firmware's I2C bus: each transfer first brings the sensors to the current time. */
class TouchedI2c implements I2cBus {
  private readonly hal: VirtualHalImpl;
  private readonly bus: I2cBus;
  constructor(hal: VirtualHalImpl, bus: I2cBus) {
    this.hal = hal;
    this.bus = bus;
  }
  writeTo(a: number, d: Uint8Array | number[]): void {
    this.hal.touch();
    return this.bus.writeTo(a, d);
  }
  readFrom(a: number, n: number): Uint8Array {
    this.hal.touch();
    return this.bus.readFrom(a, n);
  }
}

class VirtualHalImpl implements VirtualHal {
  // false once the board reset: the timers of a dead boot never run
  alive = true;
  wakeupCount = 0;
  readonly modemSerial: SerialLine;
  readonly i2c: I2cBus | undefined;
  readonly storage: Storage;
  readonly crc32 = crc32;
  readonly log: (line: string) => void;
  private readonly clock: Clock;
  private readonly p: VirtualHalParts;
  /** fireTimer bound to this HAL (a bound function is smaller than a closure and its context). */
  private readonly fire: (fn: () => void) => void;

  constructor(p: VirtualHalParts) {
    this.p = p;
    this.clock = p.clock;
    this.modemSerial = p.serial;
    this.i2c = p.i2c ? new TouchedI2c(this, p.i2c) : undefined; // the bus is read once: each transfer goes straight to it
    this.storage = p.storage;
    const log = p.log;
    this.log = log ? (line) => void log(line) : noLog;
    this.fire = fireTimer.bind(this);
  }

  touch(): void {
    const t = this.p.touch;
    if (t) t(this.clock.now());
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
    if (!this.p.oneWire) throw new Error(`no 1-Wire bus on ${pin}`);
    this.touch();
    return this.p.oneWire(pin);
  }
  analogRead(pin: string): number {
    this.touch();
    return this.p.analogRead ? this.p.analogRead(pin) : 0;
  }
  analogVRef(): number {
    return 3.3;
  }
  digitalWrite(): void {
    return undefined;
  }
  digitalRead(pin: string): boolean {
    this.touch();
    return this.p.digitalRead ? this.p.digitalRead(pin) : false;
  }
  pulseEcho(trig: string, echo: string, us: number, timeout: number, cb: (ms: number) => void): void {
    this.touch();
    if (this.p.pulseEcho) this.p.pulseEcho(trig, echo, us, timeout, cb);
    else this.setTimeout(() => cb(-1), timeout);
  }
  batteryMv(): number | undefined {
    return this.p.batteryMv ? this.p.batteryMv() : undefined;
  }
  random(): number {
    return this.p.random() >>> 0;
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
    this.p.onReboot();
  }
  shutdown(): void {
    // the board reset: its pending timers fire into nothing (no wake-up, no callback)
    this.alive = false;
  }
  wakeups(): number {
    return this.wakeupCount;
  }
}
