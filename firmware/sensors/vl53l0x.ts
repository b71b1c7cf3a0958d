// ST VL53L0X time-of-flight ranging over I2C: a minimal single-shot sequence.
// Registers follow ST's API (STSW-IMG005, vl53l0x_device.h) as used by
// VL53L0X_PerformSingleRangingMeasurement():
//   once: IDENTIFICATION_MODEL_ID 0xC0 must read 0xEE; 0x88 = 0x00 (I2C standard
//         mode); read the "stop variable" at 0x91 of the private page
//         (0x80=1, 0xFF=1, 0x00=0, read 0x91, 0x00=1, 0xFF=0, 0x80=0);
//         SYSTEM_INTERRUPT_CONFIG_GPIO 0x0A = 0x04 (new sample ready).
//   each: write the stop variable back (same page dance), SYSRANGE_START 0x00 = 0x01;
//         poll until 0x00 bit 0 clears and RESULT_INTERRUPT_STATUS 0x13 & 0x07 != 0
//         (default timing budget about 33 ms; we poll every 10 ms, give up after 150 ms);
//         read 12 bytes from RESULT_RANGE_STATUS 0x14: device range status is
//         (byte0 >> 3) & 0x0F, 11 = range valid; the range in mm is bytes 10..11
//         (big-endian); SYSTEM_INTERRUPT_CLEAR 0x0B = 0x01.
// Not done here (documented in docs/SENSORS.md): ST's tuning settings, reference
// SPAD management and VHV/phase calibration of VL53L0X_StaticInit/PerformRefCalibration;
// the module's factory NVM settings are used as they are.
import type { Hal, I2cBus } from '../hal.ts';
import type { Sensor, SensorCallback } from './types.ts';
import { readRegs, writeReg } from './i2c-regs.ts';
import { waitFor } from './wait.ts';

export type Vl53l0xHal = Pick<Hal, 'i2c' | 'setTimeout'>;

export const VL53L0X_MODEL_ID = 0xee;
/** Longest range we accept; the chip reports 8190/8191 for "no target". */
export const VL53L0X_MAX_MM = 2000;

/** Range in mm from the 12 bytes at RESULT_RANGE_STATUS, or undefined unless the status is "valid". */
export function vl53l0xConvert(d: Uint8Array): number | undefined {
  if (d.length < 12 || ((d[0] >> 3) & 0x0f) !== 11) return undefined;
  const mm = (d[10] << 8) | d[11];
  return mm > 0 && mm <= VL53L0X_MAX_MM ? mm : undefined;
}

/** A VL53L0X at `addr` (0x29 after power-up). */
export function createVl53l0x(hal: Vl53l0xHal, addr?: number): Sensor<number> {
  const a = addr !== undefined ? addr : 0x29;
  let stop = -1; // the stop variable; -1 until the chip was identified

  function page(i2c: I2cBus, write: boolean): void {
    writeReg(i2c, a, 0x80, 0x01);
    writeReg(i2c, a, 0xff, 0x01);
    writeReg(i2c, a, 0x00, 0x00);
    if (write) writeReg(i2c, a, 0x91, stop);
    else stop = readRegs(i2c, a, 0x91, 1)[0];
    writeReg(i2c, a, 0x00, 0x01);
    writeReg(i2c, a, 0xff, 0x00);
    writeReg(i2c, a, 0x80, 0x00);
  }

  function read(cb: SensorCallback<number>): void {
    const i2c = hal.i2c;
    if (!i2c) return cb(undefined);
    let started = false;
    try {
      if (stop < 0 && readRegs(i2c, a, 0xc0, 1)[0] === VL53L0X_MODEL_ID) {
        writeReg(i2c, a, 0x88, 0x00);
        page(i2c, false);
        writeReg(i2c, a, 0x0a, 0x04);
        writeReg(i2c, a, 0x0b, 0x01);
      }
      if (stop >= 0) {
        page(i2c, true);
        writeReg(i2c, a, 0x00, 0x01);
        started = true;
      }
    } catch {
      stop = -1;
    }
    if (!started) return cb(undefined);
    waitFor(hal, 10, 10, 15, function () {
      return (readRegs(i2c, a, 0x00, 1)[0] & 0x01) === 0 && (readRegs(i2c, a, 0x13, 1)[0] & 0x07) !== 0;
    }, function (ok) {
      let mm: number | undefined;
      try {
        if (ok) mm = vl53l0xConvert(readRegs(i2c, a, 0x14, 12));
        writeReg(i2c, a, 0x0b, 0x01);
      } catch {
        stop = -1;
      }
      cb(mm);
    });
  }
  return { read: read };
}
