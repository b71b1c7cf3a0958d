// Sensirion SHT4x (SHT40/41/45) temperature and humidity over I2C.
// Datasheet (SHT4x, v6.x) §4.4-4.6: command 0xFD = measure T and RH with high
// repeatability (max 8.3 ms); the answer is 6 bytes T[msb,lsb,crc] RH[msb,lsb,crc];
// CRC-8 poly 0x31, init 0xFF, no reflection, no final XOR (CRC(0xBEEF) = 0x92).
// T = -45 + 175 * S_T / 65535; RH = -6 + 125 * S_RH / 65535, cropped to 0..100.
// While measuring the chip NACKs its address: the read then throws and gives undefined.
import type { Hal } from '../hal.ts';
import type { Sensor, SensorCallback } from './types.ts';

export type Sht4xHal = Pick<Hal, 'i2c' | 'setTimeout'>;

export interface Sht4xReading {
  /** Degrees Celsius. */
  temperature: number;
  /** Percent relative humidity, 0..100. */
  humidity: number;
}

/** Sensirion CRC-8 of the two bytes at `d[i]`, `d[i+1]`. */
export function sht4xCrc8(d: Uint8Array | number[], i: number): number {
  let crc = 0xff;
  for (let k = i; k < i + 2; k++) {
    crc ^= d[k];
    for (let b = 0; b < 8; b++) crc = crc & 0x80 ? ((crc << 1) ^ 0x31) & 0xff : (crc << 1) & 0xff;
  }
  return crc;
}

/** Converts the 6-byte answer; undefined on a CRC error or a temperature outside the sensor's range. */
export function sht4xConvert(d: Uint8Array): Sht4xReading | undefined {
  if (d.length < 6 || sht4xCrc8(d, 0) !== d[2] || sht4xCrc8(d, 3) !== d[5]) return undefined;
  const t = -45 + (175 * ((d[0] << 8) | d[1])) / 65535;
  let h = -6 + (125 * ((d[3] << 8) | d[4])) / 65535;
  if (h < 0) h = 0;
  if (h > 100) h = 100;
  // specified range -40..125 degC with a margin; S_T 0x0000 / 0xFFFF (-45 / 130) are a stuck bus
  if (!(t >= -41 && t <= 126)) return undefined;
  return { temperature: t, humidity: h };
}

/** An SHT4x at `addr` (0x44 for SHT4x-A, 0x45 for -B, 0x46 for -C). */
export function createSht4x(hal: Sht4xHal, addr?: number): Sensor<Sht4xReading> {
  const a = addr !== undefined ? addr : 0x44;
  function read(cb: SensorCallback<Sht4xReading>): void {
    const i2c = hal.i2c;
    if (!i2c) return cb(undefined);
    try {
      i2c.writeTo(a, [0xfd]);
    } catch {
      return cb(undefined);
    }
    hal.setTimeout(function () {
      let r: Sht4xReading | undefined;
      try {
        r = sht4xConvert(i2c.readFrom(a, 6));
      } catch {
        r = undefined;
      }
      cb(r);
    }, 10);
  }
  return { read: read };
}
