// Register access for I2C chips with an auto-incrementing register pointer
// (BME280, VL53L0X): write the register address, then read `count` bytes.
// Both helpers let bus exceptions propagate; the drivers catch them.
import type { I2cBus } from '../hal.ts';

export function readRegs(i2c: I2cBus, addr: number, reg: number, count: number): Uint8Array {
  i2c.writeTo(addr, [reg]);
  return i2c.readFrom(addr, count);
}

export function writeReg(i2c: I2cBus, addr: number, reg: number, value: number): void {
  i2c.writeTo(addr, [reg, value]);
}
