// Binds firmware/hal.ts to a real Espruino board's globals. The build passes a
// `BoardWiring` (from scripts/build/boards.ts) so one binding serves every board.
import type { Hal, I2cBus, OneWireBus, SerialLine, Storage } from '../hal.ts';
import type { BoardWiring } from './wiring.ts';

export type { BoardWiring };


/** A pin, a Serial or an I2C object by its global name (B6, Serial1, I2C1): indirect eval, setup only. */
function globalNamed<T>(name: string): T {
  return (0, eval)(name) as T;
}

function pinNamed(name: string): Pin {
  return globalNamed<Pin>(name);
}

function espruinoSerial(w: BoardWiring): SerialLine {
  const port = globalNamed<Serial>(w.modemSerial);
  const tx = pinNamed(w.modemTx);
  const rx = pinNamed(w.modemRx);
  return {
    open(baud, onData) {
      port.setup(baud, { tx: tx, rx: rx });
      port.removeAllListeners('data');
      port.on('data', onData);
    },
    write(data) {
      port.write(data);
    },
    sendBreak(ms) {
      // hold TX low: drive the pin directly, then give it back to the UART
      digitalWrite(tx, 0);
      setTimeout(() => port.setup(57600, { tx: tx, rx: rx }), ms);
    },
    close() {
      port.removeAllListeners('data');
      port.unsetup();
    },
  };
}

function espruinoI2c(w: BoardWiring): I2cBus {
  const bus = globalNamed<I2C>(w.i2c.bus);
  bus.setup({ scl: pinNamed(w.i2c.scl), sda: pinNamed(w.i2c.sda), bitrate: 100000 });
  return {
    writeTo(addr, data) {
      bus.writeTo(addr, data);
    },
    readFrom(addr, count) {
      return bus.readFrom(addr, count);
    },
  };
}

function espruinoOneWire(pin: string): OneWireBus {
  const ow = new OneWire(pinNamed(pin));
  return {
    reset: () => ow.reset(),
    select: (rom) => ow.select(rom),
    skip: () => ow.skip(),
    write: (data, power) => ow.write(data, power),
    read(count) {
      const r = ow.read(count);
      return new Uint8Array(typeof r === 'number' ? [r] : r);
    },
    search: () => ow.search(),
  };
}

function espruinoStorage(): Storage {
  const s = require('Storage');
  return {
    read: (name) => s.read(name),
    write: (name, data) => s.write(name, data),
    erase: (name) => s.erase(name),
    list(prefix) {
      const all = s.list();
      const out: string[] = [];
      for (let i = 0; i < all.length; i++) if (all[i].indexOf(prefix) === 0) out.push(all[i]);
      return out;
    },
    getFree: () => s.getFree(),
  };
}

/** The HAL on a real Espruino board. */
export function createEspruinoHal(w: BoardWiring): Hal {
  let i2c: I2cBus | undefined;
  return {
    now: () => getTime() * 1000,
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (id) => clearTimeout(id),
    modemSerial: espruinoSerial(w),
    get i2c() {
      if (!i2c) i2c = espruinoI2c(w);
      return i2c;
    },
    oneWire: espruinoOneWire,
    analogRead: (pin) => analogRead(pinNamed(pin)),
    analogVRef: () => {
      const v = E.getAnalogVRef();
      return v > 0 ? v : 3.3;
    },
    digitalWrite: (pin, value) => digitalWrite(pinNamed(pin), value ? 1 : 0),
    digitalRead: (pin) => digitalRead(pinNamed(pin)) === 1,
    pulseEcho(trigPin, echoPin, trigUs, timeoutMs, cb) {
      const echo = pinNamed(echoPin);
      let done = false;
      const watch = setWatch(
        (e) => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          cb((e.time - e.lastTime) * 1e6);
        },
        echo,
        { edge: 'falling', repeat: false },
      );
      const timer = setTimeout(() => {
        if (done) return;
        done = true;
        clearWatch(watch);
        cb(-1);
      }, timeoutMs);
      digitalPulse(pinNamed(trigPin), true, trigUs / 1000);
    },
    batteryMv() {
      const b = w.battery;
      if (b.kind === 'nrf') return NRF.getBattery() * 1000;
      const v = E.getAnalogVRef();
      return analogRead(pinNamed(b.pin)) * (v > 0 ? v : 3.3) * b.divider * 1000;
    },
    storage: espruinoStorage(),
    random: () => E.hwRand() >>> 0,
    crc32: (data) => E.CRC32(data) >>> 0,
    sleep(allowDeep) {
      if (w.deepSleep && typeof setDeepSleep !== 'undefined') setDeepSleep(allowDeep);
    },
    // auto mode: Espruino kicks it while idle, so a JS lock-up restarts the board
    watchdog: (seconds) => E.enableWatchdog(seconds, true),
    kickWatchdog: () => E.kickWatchdog(),
    reboot: () => E.reboot(),
    log: (line) => console.log(line),
  };
}
