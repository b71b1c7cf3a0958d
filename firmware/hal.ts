// The hardware-abstraction layer: every effect the firmware has goes through one
// of these interfaces. firmware/boards/ binds them to real Espruino globals; the
// simulator binds them to virtual hardware on a virtual clock. Everything here is
// callback-based and synchronous where the hardware is (I2C, analog, Storage), so
// that it runs unchanged on Espruino and deterministically in the simulator.

/** A UART, e.g. the LoRa modem's serial line. */
export interface SerialLine {
  /** Opens the line at `baud`; received bytes are delivered to `onData` as a (binary) string. */
  open(baud: number, onData: (chunk: string) => void): void;
  /** Writes raw characters (each char code 0..255 is one byte). */
  write(data: string): void;
  /** Holds the TX line low for about `ms` (a break condition: RN2483 wake-up, auto-baud). */
  sendBreak(ms: number): void;
  /** Closes the line (on nRF52 an open UART draws about 1 mA). */
  close(): void;
}

/** An I2C bus (master). Addresses are 7-bit. Both calls may throw on a bus error. */
export interface I2cBus {
  writeTo(addr: number, data: Uint8Array | number[]): void;
  readFrom(addr: number, count: number): Uint8Array;
}

/** A 1-Wire bus. `reset` returns true when a device answered with a presence pulse. */
export interface OneWireBus {
  reset(): boolean;
  /** Selects the device with this ROM code (16 hex characters, as Espruino's OneWire). */
  select(rom: string): void;
  skip(): void;
  /** Writes bytes; `power` keeps the line driven high afterwards (parasite power). */
  write(data: number | number[], power?: boolean): void;
  read(count: number): Uint8Array;
  /** ROM codes of the devices on the bus. */
  search(): string[];
}

/** Key-value flash storage (Espruino `require("Storage")` semantics). Names up to 28 chars. */
export interface Storage {
  /** The stored string, or undefined when absent. */
  read(name: string): string | undefined;
  /** Writes the whole file; returns false when the flash is full. */
  write(name: string, data: string): boolean;
  erase(name: string): void;
  /** Names starting with `prefix`. */
  list(prefix: string): string[];
  /** Free bytes. */
  getFree(): number;
}

export interface Hal {
  /** Milliseconds on a monotonic clock (board: getTime()*1000; simulator: virtual time). */
  now(): number;
  /** Runs `fn` after `ms`; returns an id for clearTimeout. */
  setTimeout(fn: () => void, ms: number): number;
  clearTimeout(id: number): void;
  /** The modem's UART. */
  modemSerial: SerialLine;
  /** The sensor I2C bus, if the board wires one. */
  i2c?: I2cBus;
  /** A 1-Wire bus on `pin`. */
  oneWire(pin: string): OneWireBus;
  /** Analog input on `pin` as a fraction 0..1 of the ADC reference. */
  analogRead(pin: string): number;
  /** The ADC reference voltage in volts (E.getAnalogVRef on STM32, 3.3 elsewhere). */
  analogVRef(): number;
  digitalWrite(pin: string, value: boolean): void;
  digitalRead(pin: string): boolean;
  /**
   * Pulses `trigPin` high for `trigUs` microseconds, then measures how long
   * `echoPin` stays high; calls back with microseconds, or -1 on timeout.
   */
  pulseEcho(trigPin: string, echoPin: string, trigUs: number, timeoutMs: number, cb: (us: number) => void): void;
  /** Battery voltage in millivolts as the board measures it (NRF.getBattery, or an analog divider), undefined if it cannot. */
  batteryMv(): number | undefined;
  storage: Storage;
  /** A random 32-bit unsigned integer (E.hwRand on the device; seeded in the simulator). */
  random(): number;
  /** CRC-32 of a binary string (E.CRC32 on the device). */
  crc32(data: string): number;
  /**
   * Allows (true) or forbids (false) deep sleep between events, where the board has it
   * (setDeepSleep on STM32; nRF52 sleeps by itself). Forbid it while a UART reply is due:
   * deep sleep cannot wake on UART traffic.
   */
  sleep(allowDeep: boolean): void;
  /** Starts the hardware watchdog (seconds); kick it at least that often. */
  watchdog(seconds: number): void;
  kickWatchdog(): void;
  /** Restarts the board (the simulator re-creates the node from its Storage). */
  reboot(): void;
  /** A diagnostic line (console on the device). Never pass keys or secrets. */
  log(line: string): void;
}
