// Register access for I2C chips with an auto-incrementing register pointer
// (BME280, VL53L0X): write the register address, then read `count` bytes.
// Both helpers let bus exceptions propagate; the drivers catch them.
import type { I2cBus } from '../hal.ts';

// The bytes of a one- and a two-byte write, reused by every transfer instead of an array per
// transfer: writeTo is synchronous and the bus only reads them during the call, so nothing is
// kept from one transfer to the next (no state shared between nodes).
const W1 = [0];
const W2 = [0, 0];

export function readRegs(i2c: I2cBus, addr: number, reg: number, count: number): Uint8Array {
  W1[0] = reg;
  i2c.writeTo(addr, W1);
  return i2c.readFrom(addr, count);
}

export function writeReg(i2c: I2cBus, addr: number, reg: number, value: number): void {
  W2[0] = reg;
  W2[1] = value;
  i2c.writeTo(addr, W2);
}
