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

export function createVirtualHal(p: VirtualHalParts): VirtualHal {
  // false once the board reset: the timers of a dead boot never run
  let alive = true;
  let wakeups = 0;
  const clock = p.clock;
  const sensorsTouch = p.touch;
  const touch = (): void => {
    if (sensorsTouch) sensorsTouch(clock.now());
  };
  const i2c = p.i2c; // read once: each transfer goes straight to the bus
  const fire = (fn: () => void): void => {
    if (!alive) return;
    wakeups++;
    fn();
  };
  const hal: VirtualHal = {
    now: () => clock.now(),
    setTimeout: (fn, ms) => clock.afterCall(ms, fire, fn),
    clearTimeout(id) {
      clock.cancel(id);
    },
    modemSerial: p.serial,
    i2c: i2c
      ? {
          writeTo: (a, d) => (touch(), i2c.writeTo(a, d)),
          readFrom: (a, n) => (touch(), i2c.readFrom(a, n)),
        }
      : undefined,
    oneWire(pin) {
      if (!p.oneWire) throw new Error(`no 1-Wire bus on ${pin}`);
      touch();
      return p.oneWire(pin);
    },
    analogRead: (pin) => (touch(), p.analogRead ? p.analogRead(pin) : 0),
    analogVRef: () => 3.3,
    digitalWrite: () => undefined,
    digitalRead: (pin) => (touch(), p.digitalRead ? p.digitalRead(pin) : false),
    pulseEcho(trig, echo, us, timeout, cb) {
      touch();
      if (p.pulseEcho) p.pulseEcho(trig, echo, us, timeout, cb);
      else hal.setTimeout(() => cb(-1), timeout);
    },
    batteryMv: () => (p.batteryMv ? p.batteryMv() : undefined),
    storage: p.storage,
    random: () => p.random() >>> 0,
    crc32,
    sleep: () => undefined,
    watchdog: () => undefined,
    kickWatchdog: () => undefined,
    reboot: () => p.onReboot(),
    log: (line) => p.log?.(line),
    shutdown() {
      // the board reset: its pending timers fire into nothing (no wake-up, no callback)
      alive = false;
    },
    wakeups: () => wakeups,
  };
  return hal;
}
