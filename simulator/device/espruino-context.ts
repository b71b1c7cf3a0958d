// A node:vm context that looks like an Espruino interpreter from the inside: the
// Espruino globals lorakit's board binding uses (getTime, timers on a virtual
// clock, Serial1, I2C1, OneWire, pins, E.*, require("Storage"), NRF on nRF52
// boards) and none of Node's (no require of Node modules, no process.exit, no
// Buffer). The JavaScript built-ins Espruino lacks (ESPRUINO.md) are deleted, so
// a bundle that leans on one fails here as it would on the board.
import vm from 'node:vm';
import type { I2cBus, OneWireBus, SerialLine, Storage } from '../../firmware/hal.ts';
import { crc32 } from '../hardware/crc32.ts';

export interface TimerClock {
  now(): number;
  after(ms: number, fn: () => void): number;
  cancel(id: number): void;
}

export interface EspruinoContextOptions {
  clock: TimerClock;
  /** Console output, one call per console.log line. */
  log: (line: string) => void;
  chip: 'stm32' | 'nrf52';
  serials?: Record<string, SerialLine>;
  i2c?: Record<string, I2cBus>;
  oneWire?: (pin: string) => OneWireBus;
  storage?: Storage;
  analog?: (pin: string) => number;
  digital?: { write(pin: string, v: boolean): void; read(pin: string): boolean };
  random?: () => number;
  batteryVolts?: () => number;
  /** Called by E.reboot() / load(). */
  onReboot?: () => void;
  /** Extra globals (e.g. `__lorakit_host`). */
  globals?: Record<string, unknown>;
}

/** Built-ins ESPRUINO.md lists as missing; removed from the context. */
export const MISSING_GLOBALS = ['Map', 'Set', 'WeakMap', 'WeakSet', 'WeakRef', 'FinalizationRegistry', 'Symbol', 'Proxy', 'Reflect', 'BigInt', 'Atomics', 'SharedArrayBuffer'];
const MISSING_STATICS: Record<string, string[]> = {
  Array: ['from', 'of'],
  Number: ['isInteger', 'isFinite', 'isNaN', 'isSafeInteger', 'parseFloat', 'EPSILON', 'MAX_SAFE_INTEGER', 'MIN_SAFE_INTEGER'],
  Math: ['fround', 'imul', 'clz32', 'trunc', 'log2', 'log10', 'hypot'],
  Object: ['freeze', 'is', 'hasOwn'],
  Promise: ['race', 'any', 'allSettled'],
};
const MISSING_PROTO: Record<string, string[]> = {
  Array: ['lastIndexOf', 'reduceRight', 'flat', 'flatMap', 'at', 'findLast', 'findLastIndex', 'entries', 'keys', 'values'],
  Number: ['toPrecision'],
  Promise: ['finally'],
  ArrayBuffer: ['slice'],
};

/** A pin object: Espruino pins are globals named like B6 or D14. */
class VirtualPin {
  constructor(readonly name: string) {}
  toString(): string {
    return this.name;
  }
}

const PIN_NAMES_STM32 = ['A', 'B', 'C'].flatMap((p) => Array.from({ length: 16 }, (_, i) => `${p}${i}`));
const PIN_NAMES_NRF52 = Array.from({ length: 32 }, (_, i) => `D${i}`);

function espruinoStorage(storage: Storage) {
  return {
    read: (name: string) => storage.read(name),
    readJSON(name: string, noExceptions?: boolean) {
      const s = storage.read(name);
      if (s === undefined) return undefined;
      try {
        return JSON.parse(s);
      } catch (e) {
        if (noExceptions) return undefined;
        throw e;
      }
    },
    write: (name: string, data: string | Uint8Array) => storage.write(name, typeof data === 'string' ? data : String.fromCharCode(...data)),
    writeJSON: (name: string, data: unknown) => storage.write(name, JSON.stringify(data)),
    erase: (name: string) => storage.erase(name),
    list: () => storage.list(''),
    getFree: () => storage.getFree(),
    compact: () => undefined,
  };
}

function serialObject(line: SerialLine | undefined, name: string) {
  let listener: ((d: string) => void) | undefined;
  let open = false;
  return {
    setup(baud: number) {
      if (!line) throw new Error(`${name} is not wired in this simulation`);
      line.open(baud, (chunk) => listener?.(chunk));
      open = true;
    },
    unsetup() {
      if (open) line?.close();
      open = false;
    },
    on(event: string, cb: (d: string) => void) {
      if (event === 'data') listener = cb;
    },
    removeAllListeners() {
      listener = undefined;
    },
    write(data: string | number | number[] | Uint8Array) {
      if (!open || !line) return;
      if (typeof data === 'string') line.write(data);
      else if (typeof data === 'number') line.write(String.fromCharCode(data & 0xff));
      else line.write(String.fromCharCode(...Array.prototype.slice.call(data)));
    },
  };
}

/** Creates the context; run a bundle in it with `runBundle`. */
export function createEspruinoContext(opts: EspruinoContextOptions): vm.Context {
  const timers = new Map<number, number>();
  let nextTimer = 1;
  const addTimer = (fn: () => void, ms: number, repeat: boolean): number => {
    const id = nextTimer++;
    const arm = () => {
      timers.set(
        id,
        opts.clock.after(Math.max(0, ms), () => {
          if (!timers.has(id)) return;
          if (repeat) arm();
          else timers.delete(id);
          fn();
        }),
      );
    };
    arm();
    return id;
  };
  const clearTimer = (id: number) => {
    const ev = timers.get(id);
    if (ev !== undefined) opts.clock.cancel(ev);
    timers.delete(id);
  };
  const random = opts.random ?? (() => 0.5);
  const pinNames = opts.chip === 'stm32' ? PIN_NAMES_STM32 : PIN_NAMES_NRF52;
  const pins: Record<string, VirtualPin> = {};
  for (const p of pinNames) pins[p] = new VirtualPin(p);
  const sandbox: Record<string, unknown> = {
    ...pins,
    getTime: () => opts.clock.now() / 1000,
    setTimeout: (fn: () => void, ms: number) => addTimer(fn, ms, false),
    setInterval: (fn: () => void, ms: number) => addTimer(fn, ms, true),
    clearTimeout: clearTimer,
    clearInterval: clearTimer,
    console: { log: (...args: unknown[]) => opts.log(args.map(String).join(' ')) },
    print: (...args: unknown[]) => opts.log(args.map(String).join(' ')),
    E: {
      CRC32: crc32,
      hwRand: () => Math.floor(random() * 0x100000000) | 0,
      getAnalogVRef: () => 3.3,
      enableWatchdog: () => undefined,
      kickWatchdog: () => undefined,
      reboot: () => opts.onReboot?.(),
      toUint8Array: (...args: unknown[]) => new Uint8Array(args.flat() as number[]),
      getSizeOf: () => 1,
      getErrorFlags: () => [],
      on: () => undefined,
    },
    process: { memory: () => ({ free: 1000, usage: 0, total: 1000 }), env: { VERSION: '2v29' } },
    require(name: string) {
      if (name === 'Storage') {
        if (!opts.storage) throw new Error('Storage is not available in this simulation');
        return espruinoStorage(opts.storage);
      }
      throw new Error(`Module ${name} not found`);
    },
    Serial1: serialObject(opts.serials?.Serial1, 'Serial1'),
    Serial2: serialObject(opts.serials?.Serial2, 'Serial2'),
    I2C1: {
      setup: () => undefined,
      writeTo: (addr: number, data: Uint8Array | number[]) => {
        const bus = opts.i2c?.I2C1;
        if (!bus) throw new Error('I2C1 not wired');
        bus.writeTo(addr, data);
      },
      readFrom: (addr: number, n: number) => {
        const bus = opts.i2c?.I2C1;
        if (!bus) throw new Error('I2C1 not wired');
        return bus.readFrom(addr, n);
      },
    },
    OneWire: function OneWire(this: OneWireBus, pin: VirtualPin) {
      if (!opts.oneWire) throw new Error('OneWire not wired');
      return opts.oneWire(pin.name);
    },
    analogRead: (pin: VirtualPin) => opts.analog?.(pin.name) ?? 0,
    digitalWrite: (pin: VirtualPin, v: number | boolean) => opts.digital?.write(pin.name, !!v),
    digitalRead: (pin: VirtualPin) => (opts.digital?.read(pin.name) ? 1 : 0),
    digitalPulse: () => undefined,
    setWatch: () => 0,
    clearWatch: () => undefined,
    load: () => opts.onReboot?.(),
    ...(opts.chip === 'stm32' ? { setDeepSleep: () => undefined } : { NRF: { getBattery: () => opts.batteryVolts?.() ?? 3.0 } }),
    ...opts.globals,
  };
  const ctx = vm.createContext(sandbox, { codeGeneration: { strings: true, wasm: false } });
  const deletions = [
    ...MISSING_GLOBALS.map((g) => `delete globalThis.${g};`),
    ...Object.entries(MISSING_STATICS).flatMap(([o, ks]) => ks.map((k) => `delete ${o}.${k};`)),
    ...Object.entries(MISSING_PROTO).flatMap(([o, ks]) => ks.map((k) => `delete ${o}.prototype.${k};`)),
  ];
  vm.runInContext(deletions.join('\n'), ctx);
  return ctx;
}

/**
 * JavaScript built-ins a bundle reads all the time. In a vm context every global read goes
 * through the context's interceptor (a slow path V8 cannot cache), so runBundle hands the
 * bundle the context's own built-ins as function parameters: the same objects, read as
 * locals. Globals the simulator defines (Espruino's API) and the deleted built-ins are
 * still looked up on the context, so a bundle sees exactly what it saw before.
 */
const BUILTINS = ['Math', 'String', 'Number', 'Object', 'Array', 'JSON', 'Uint8Array', 'Int8Array', 'Uint16Array', 'Int16Array', 'Uint32Array', 'Int32Array', 'Float32Array', 'Float64Array', 'DataView', 'ArrayBuffer', 'Date', 'Error', 'TypeError', 'RangeError', 'parseInt', 'parseFloat', 'isNaN', 'isFinite', 'Boolean', 'Promise', 'undefined', 'NaN', 'Infinity'];

/** Runs a bundle's source in the context (as the espruino CLI would upload it). Line numbers in errors are the bundle's own. */
export function runBundle(ctx: vm.Context, code: string, filename: string): void {
  const names = BUILTINS.filter((n) => vm.runInContext(`typeof ${n} !== 'undefined' || '${n}' === 'undefined'`, ctx) === true);
  const wrapped = `(function (${names.join(', ')}) {\n${code}\n}).call(this, ${names.join(', ')});`;
  vm.runInContext(wrapped, ctx, { filename, lineOffset: -1 });
}
