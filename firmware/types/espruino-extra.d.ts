// Declarations for the parts of the Espruino API that lorakit's board bindings use
// and that @types/espruino (1.95, old) lacks or types too loosely. Layered on top
// of @types/espruino through firmware/tsconfig.json. Only firmware/boards/ touches
// these globals; the rest of the firmware goes through firmware/hal.ts.

interface EspruinoStorage {
  read(name: string, offset?: number, length?: number): string | undefined;
  readJSON(name: string, noExceptions?: boolean): unknown;
  write(name: string, data: string | Uint8Array, offset?: number, size?: number): boolean;
  writeJSON(name: string, data: unknown): boolean;
  erase(name: string): void;
  list(regex?: unknown, filter?: { sf?: boolean }): string[];
  getFree(): number;
  compact(): void;
}

declare function require(module: 'Storage'): EspruinoStorage;
declare function require(module: string): unknown;

declare function setTimeout(fn: () => void, ms: number): number;
declare function setInterval(fn: () => void, ms: number): number;
declare function clearTimeout(id: number): void;
declare function clearInterval(id: number): void;
declare function setWatch(
  fn: (e: { state: boolean; time: number; lastTime: number }) => void,
  pin: Pin,
  options: { repeat?: boolean; edge?: 'rising' | 'falling' | 'both'; debounce?: number },
): number;
declare function clearWatch(id: number): void;
declare function load(file?: string): void;
declare function reset(clearFlash?: boolean): void;

declare const console: { log(...args: unknown[]): void };
declare const process: { memory(): { free: number; usage: number; total: number }; env: Record<string, unknown> };

declare namespace E {
  function CRC32(data: string | Uint8Array): number;
  function enableWatchdog(timeoutSeconds: number, isAuto?: boolean): void;
  function reboot(): void;
  function getSizeOf(v: unknown, depth?: number): number;
  function on(event: 'init' | 'kill' | 'errorFlag', cb: () => void): void;
}

declare namespace NRF {
  function getBattery(): number;
}

interface Serial {
  setup(baud: number, options?: { tx?: Pin; rx?: Pin; ck?: Pin; cts?: Pin; bytesize?: number; parity?: string; stopbits?: number; flow?: string; errors?: boolean }): void;
  unsetup(): void;
  on(event: 'data', cb: (data: string) => void): void;
  removeAllListeners(event?: string): void;
  write(data: string | number | number[] | Uint8Array): void;
}

interface I2CSetupOptions {
  scl?: Pin;
  sda?: Pin;
  bitrate?: number;
}

declare class OneWire {
  constructor(pin: Pin);
  reset(): boolean;
  select(rom: string): void;
  skip(): void;
  write(data: number | number[], power?: boolean): void;
  read(count?: number): number | number[];
  search(command?: number): string[];
}

declare function digitalPulse(pin: Pin, value: boolean, time: number | number[]): void;
declare function pinMode(pin: Pin, mode: string, automatic?: boolean): void;

// Build-time generated modules (scripts/build/bundle.ts).
declare module 'lorakit:codec/*' {
  const table: import('../../codecs/device/types.ts').CApp;
  export default table;
}
