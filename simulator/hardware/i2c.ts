// A virtual I2C bus for the simulator: devices attached by 7-bit address, each
// answering the bytes a real chip would. Like Espruino, a transfer to an address
// nobody acknowledges throws ("I2C got NACK"), and a device may throw to model a
// bus error or a NACK while it is busy.
import type { I2cBus } from '../../firmware/hal.ts';

/** One chip on the bus. Both calls may throw (NACK, bus error). */
export interface I2cDevice {
  /** The bytes (each 0..255) of one write; only read during the call, never kept. */
  write(data: ArrayLike<number>): void;
  read(count: number): Uint8Array;
}

/** Fault injection shared by the sensor twins. Not every chip has every fault. */
export type SensorFault =
  | 'none'
  | 'absent' // no ACK / no presence pulse / no echo
  | 'busError' // the bus is disturbed: I2C transfers throw, a 1-Wire line is held low
  | 'badCrc' // the chip's checksum bytes are corrupted (SHT4x, DS18B20)
  | 'stuck'; // the chip stops producing measurements and shows its own "no data" signature

export class I2cNackError extends Error {
  constructor(addr: number) {
    super(`I2C got NACK (address 0x${addr.toString(16)})`);
    this.name = 'I2cNackError';
  }
}

export class I2cBusError extends Error {
  constructor(addr: number) {
    super(`I2C bus error (address 0x${addr.toString(16)})`);
    this.name = 'I2cBusError';
  }
}

/** Throws what a real bus would for a device with this fault. */
export function checkI2cFault(fault: SensorFault, addr: number): void {
  if (fault === 'absent') throw new I2cNackError(addr);
  if (fault === 'busError') throw new I2cBusError(addr);
}

/** A Uint8Array, or an array of integers 0..255 (what a driver usually writes). */
function isByteArray(data: unknown): data is ArrayLike<number> {
  if (data instanceof Uint8Array) return true;
  if (!Array.isArray(data)) return false;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!(typeof v === 'number' && v >= 0 && v <= 255 && (v | 0) === v)) return false;
  }
  return true;
}

/**
 * What a device's `write` gets of a driver's `writeTo` data. Devices only read the bytes during
 * the call, so byte arrays (also from another realm) go as they are; anything else becomes bytes
 * as a Uint8Array makes them (mod 256).
 */
export function i2cWriteBytes(data: Uint8Array | number[]): ArrayLike<number> {
  return isByteArray(data) ? data : ArrayBuffer.isView(data) || Array.isArray(data) ? new Uint8Array(data) : Uint8Array.from(data);
}

export class VirtualI2cBus implements I2cBus {
  private readonly devices = new Map<number, I2cDevice>();

  attach(addr: number, device: I2cDevice): void {
    if (!(Number.isInteger(addr) && addr >= 0 && addr < 0x80)) throw new RangeError(`bad 7-bit I2C address ${addr}`);
    if (this.devices.has(addr)) throw new Error(`I2C address 0x${addr.toString(16)} already in use`);
    this.devices.set(addr, device);
  }

  detach(addr: number): void {
    this.devices.delete(addr);
  }

  writeTo(addr: number, data: Uint8Array | number[]): void {
    this.device(addr).write(i2cWriteBytes(data));
  }

  readFrom(addr: number, count: number): Uint8Array {
    return this.device(addr).read(count);
  }

  private device(addr: number): I2cDevice {
    const d = this.devices.get(addr);
    if (!d) throw new I2cNackError(addr);
    return d;
  }
}

/**
 * A chip with a 256-byte register file and an auto-incrementing register
 * pointer: a write of [reg, v0, v1...] stores v0 at reg, v1 at reg+1...; a write
 * of [reg] only moves the pointer; a read returns bytes from the pointer on.
 * Subclasses hook `onWrite` (side effects of control registers) and `regRead`.
 */
export class RegisterI2cDevice implements I2cDevice {
  readonly regs = new Uint8Array(256);
  fault: SensorFault = 'none';
  /** The register pointer (subclasses with their own `read` move it too). */
  protected ptr = 0;

  constructor(readonly addr: number) {}

  write(data: ArrayLike<number>): void {
    checkI2cFault(this.fault, this.addr);
    if (data.length === 0) return;
    this.ptr = data[0]!;
    for (let i = 1; i < data.length; i++) {
      this.onWrite(this.ptr, data[i]!);
      this.ptr = (this.ptr + 1) & 0xff;
    }
  }

  read(count: number): Uint8Array {
    checkI2cFault(this.fault, this.addr);
    const out = new Uint8Array(count);
    for (let i = 0; i < count; i++) {
      out[i] = this.regRead(this.ptr);
      this.ptr = (this.ptr + 1) & 0xff;
    }
    return out;
  }

  protected onWrite(reg: number, value: number): void {
    this.regs[reg] = value;
  }

  protected regRead(reg: number): number {
    return this.regs[reg];
  }
}
