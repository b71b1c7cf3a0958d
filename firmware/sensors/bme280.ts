// Bosch BME280 (temperature, pressure, humidity) over I2C, forced mode.
// Register map and compensation: BME280 datasheet (BST-BME280-DS002) §4.2.2,
// §4.2.3 (32-bit integer temperature and humidity), §8.2 (32-bit integer
// pressure; the 64-bit variant needs BigInt, which Espruino lacks), §5.4.
//
// One read: [first time: chip id 0xD0 == 0x60, calibration 0x88..0xA1 and
// 0xE1..0xE7] -> ctrl_hum 0xF2 = x1 -> ctrl_meas 0xF4 = T x1, P x1, forced
// (ctrl_hum only takes effect on the ctrl_meas write) -> wait 10 ms (max
// measurement time at x1/x1/x1 is 9.3 ms, §9.1), poll status 0xF3 bit 3 ->
// burst-read 0xF7..0xFE -> compensate. The reset value 0x80000 (0x8000 for
// humidity) in the data registers means "no measurement" and gives undefined.
import type { Hal, I2cBus } from '../hal.ts';
import type { Sensor, SensorCallback } from './types.ts';
import { readRegs, writeReg } from './i2c-regs.ts';
import { poller } from './wait.ts';

export type Bme280Hal = Pick<Hal, 'i2c' | 'setTimeout'>;

export interface Bme280Reading {
  /** Degrees Celsius, 0.01 resolution. */
  temperature: number;
  /** Pascal, 1 Pa resolution. */
  pressure: number;
  /** Percent relative humidity, 1/1024 resolution. */
  humidity: number;
}

/** Trimming parameters dig_T1..dig_H6 (datasheet table 16). */
export interface Bme280Calibration {
  T1: number; T2: number; T3: number;
  P1: number; P2: number; P3: number; P4: number; P5: number; P6: number; P7: number; P8: number; P9: number;
  H1: number; H2: number; H3: number; H4: number; H5: number; H6: number;
}

export const BME280_CHIP_ID = 0x60;

function u16(b: Uint8Array, i: number): number {
  return b[i] | (b[i + 1] << 8);
}
function s16(b: Uint8Array, i: number): number {
  return (u16(b, i) << 16) >> 16;
}

/** Parses the 26 bytes read from 0x88 and the 7 bytes read from 0xE1. */
export function bme280ParseCalibration(a: Uint8Array, h: Uint8Array): Bme280Calibration {
  return {
    T1: u16(a, 0), T2: s16(a, 2), T3: s16(a, 4),
    P1: u16(a, 6), P2: s16(a, 8), P3: s16(a, 10), P4: s16(a, 12), P5: s16(a, 14),
    P6: s16(a, 16), P7: s16(a, 18), P8: s16(a, 20), P9: s16(a, 22),
    H1: a[25], H2: s16(h, 0), H3: h[2],
    // dig_H4 = 0xE4[7:0] << 4 | 0xE5[3:0]; dig_H5 = 0xE6[7:0] << 4 | 0xE5[7:4] (signed 12-bit)
    H4: (((h[3] << 24) >> 20) | (h[4] & 0x0f)),
    H5: (((h[5] << 24) >> 20) | (h[4] >> 4)),
    H6: (h[6] << 24) >> 24,
  };
}

/** t_fine from the 20-bit raw temperature (§4.2.3); temperature in 0.01 degC is (t_fine*5+128)>>8. */
export function bme280TFine(adcT: number, c: Bme280Calibration): number {
  const var1 = ((((adcT >> 3) - (c.T1 << 1))) * c.T2) >> 11;
  const d = (adcT >> 4) - c.T1;
  const var2 = (((d * d) >> 12) * c.T3) >> 14;
  return var1 + var2;
}

/** Pressure in Pa from the 20-bit raw pressure (§8.2, 32-bit); 0 when the calibration makes it undefined. */
export function bme280Pressure(adcP: number, tFine: number, c: Bme280Calibration): number {
  let var1 = (tFine >> 1) - 64000;
  let var2 = (((var1 >> 2) * (var1 >> 2)) >> 11) * c.P6;
  var2 = var2 + ((var1 * c.P5) << 1);
  var2 = (var2 >> 2) + (c.P4 << 16);
  var1 = (((c.P3 * (((var1 >> 2) * (var1 >> 2)) >> 13)) >> 3) + ((c.P2 * var1) >> 1)) >> 18;
  var1 = ((32768 + var1) * c.P1) >> 15;
  if (var1 === 0) return 0;
  // unsigned 32-bit arithmetic from here on, as in the datasheet
  let p = (((1048576 - adcP) - (var2 >> 12)) >>> 0) * 3125 % 4294967296;
  const div = var1 >>> 0;
  p = p < 0x80000000 ? Math.floor((p * 2) / div) : Math.floor(p / div) * 2;
  var1 = (c.P9 * ((((p >>> 3) * (p >>> 3)) >>> 0) >>> 13)) >> 12;
  var2 = ((p >>> 2) * c.P8) >> 13;
  return ((p | 0) + ((var1 + var2 + c.P7) >> 4)) >>> 0;
}

/** Relative humidity in %RH * 1024 (Q22.10) from the 16-bit raw humidity (§4.2.3). */
export function bme280Humidity(adcH: number, tFine: number, c: Bme280Calibration): number {
  let v = tFine - 76800;
  // (| 0: the product wraps to 32 bits as in C)
  v = (((((adcH << 14) - (c.H4 << 20) - (c.H5 * v)) + 16384) >> 15) *
    (((((((v * c.H6) >> 10) * (((v * c.H3) >> 11) + 32768)) >> 10) + 2097152) * c.H2 + 8192) >> 14)) | 0;
  v = v - (((((v >> 15) * (v >> 15)) >> 7) * c.H1) >> 4);
  if (v < 0) v = 0;
  if (v > 419430400) v = 419430400;
  return v >> 12;
}

/** Converts a raw burst read of 0xF7..0xFE; undefined for reset values or out-of-range results. */
export function bme280Convert(d: Uint8Array, c: Bme280Calibration): Bme280Reading | undefined {
  const adcP = (d[0] << 12) | (d[1] << 4) | (d[2] >> 4);
  const adcT = (d[3] << 12) | (d[4] << 4) | (d[5] >> 4);
  const adcH = (d[6] << 8) | d[7];
  if (adcT === 0x80000 || adcP === 0x80000 || adcH === 0x8000) return undefined;
  const tFine = bme280TFine(adcT, c);
  const t = ((tFine * 5 + 128) >> 8) / 100;
  const p = bme280Pressure(adcP, tFine, c);
  const h = bme280Humidity(adcH, tFine, c) / 1024;
  // operating range (datasheet table 1: -40..85 degC, 300..1100 hPa) with a small margin
  if (!(t >= -41 && t <= 86 && p >= 29000 && p <= 111000)) return undefined;
  return { temperature: t, pressure: p, humidity: h };
}

/** A BME280 at `addr` (0x76 with SDO low, 0x77 with SDO high). */
export function createBme280(hal: Bme280Hal, addr?: number): Sensor<Bme280Reading> {
  const a = addr !== undefined ? addr : 0x76;
  let cal: Bme280Calibration | undefined;

  // The read in flight (one at a time per sensor, see types.ts): its bus and callback, so that the
  // polling callbacks are made once per sensor, not on every read.
  let bus: I2cBus | undefined;
  let pending: SensorCallback<Bme280Reading> | null = null;
  const wait = poller(hal, 10, 5, 4, function () {
    return (readRegs(bus!, a, 0xf3, 1)[0] & 0x08) === 0;
  }, function (ok) {
    const cb = pending!;
    pending = null;
    let r: Bme280Reading | undefined;
    if (ok && cal) {
      try {
        r = bme280Convert(readRegs(bus!, a, 0xf7, 8), cal);
      } catch {
        r = undefined;
      }
    }
    // a failed read re-checks the chip id and calibration next time (replaced or reset chip)
    if (!r) cal = undefined;
    cb(r);
  });

  function read(cb: SensorCallback<Bme280Reading>): void {
    const i2c = hal.i2c;
    if (!i2c) return cb(undefined);
    let started = false;
    try {
      if (!cal && readRegs(i2c, a, 0xd0, 1)[0] === BME280_CHIP_ID) {
        const c = bme280ParseCalibration(readRegs(i2c, a, 0x88, 26), readRegs(i2c, a, 0xe1, 7));
        if (c.T1 !== 0 && c.P1 !== 0) cal = c;
      }
      if (cal) {
        writeReg(i2c, a, 0xf2, 0x01); // ctrl_hum: osrs_h x1
        writeReg(i2c, a, 0xf4, 0x25); // ctrl_meas: osrs_t x1, osrs_p x1, forced mode
        started = true;
      }
    } catch {
      cal = undefined;
    }
    if (!started) return cb(undefined);
    bus = i2c;
    pending = cb;
    wait();
  }

  return { read: read };
}
