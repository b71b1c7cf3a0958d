// Command-level model of a Sensirion SHT4x for the simulator. It holds the
// physical temperature and humidity; a measurement command starts a conversion
// (0xFD high repeatability 8.3 ms, 0xF6 medium 4.5 ms, 0xE0 low 1.7 ms: maximum
// durations, datasheet table 5); until it ends, and when no result is waiting,
// a read is NACKed. The answer is T[msb,lsb,crc] RH[msb,lsb,crc] with
// S_T = (T + 45) * 65535 / 175 and S_RH = (RH + 6) * 65535 / 125.
// Also 0x94 soft reset and 0x89 serial number.
// Faults: absent / busError (I2C throws), badCrc (checksum bytes inverted),
// stuck (the conversion never ends: every read is NACKed).
import { sht4xCrc8 } from '../../../firmware/sensors/sht4x.ts';
import { I2cNackError, checkI2cFault, type I2cDevice, type SensorFault } from '../i2c.ts';
import type { TwinClock } from './clock.ts';

const DURATION_MS: Record<number, number> = { 0xfd: 8.3, 0xf6: 4.5, 0xe0: 1.7 };

export class Sht4xTwin implements I2cDevice {
  /** Degrees Celsius. */
  temperature = 20;
  /** Percent relative humidity. */
  humidity = 50;
  serial = 0x12345678;
  fault: SensorFault = 'none';
  private readyAt = Infinity;
  private answer: number[] | undefined;

  constructor(private readonly clock: TwinClock, readonly addr = 0x44) {}

  setTemperature(c: number): void {
    this.temperature = c;
  }
  setHumidity(rh: number): void {
    this.humidity = rh;
  }

  write(data: ArrayLike<number>): void {
    checkI2cFault(this.fault, this.addr);
    if (this.clock.now() < this.readyAt && this.answer) throw new I2cNackError(this.addr); // busy
    const cmd = data[0];
    const ms = DURATION_MS[cmd];
    if (ms !== undefined) {
      const st = clamp16(Math.round(((this.temperature + 45) * 65535) / 175));
      const srh = clamp16(Math.round(((this.humidity + 6) * 65535) / 125));
      this.answer = words(st, srh);
      this.readyAt = this.clock.now() + ms;
    } else if (cmd === 0x89) {
      this.answer = words(this.serial >>> 16, this.serial & 0xffff);
      this.readyAt = this.clock.now();
    } else if (cmd === 0x94) {
      this.answer = undefined;
      this.readyAt = Infinity;
    } else {
      throw new I2cNackError(this.addr); // unknown command
    }
  }

  read(count: number): Uint8Array {
    checkI2cFault(this.fault, this.addr);
    if (!this.answer || this.clock.now() < this.readyAt || this.fault === 'stuck') throw new I2cNackError(this.addr);
    const a = this.answer.slice();
    this.answer = undefined;
    if (this.fault === 'badCrc') {
      a[2] ^= 0xff;
      a[5] ^= 0xff;
    }
    return Uint8Array.from(a.slice(0, count));
  }
}

function clamp16(v: number): number {
  return v < 0 ? 0 : v > 0xffff ? 0xffff : v;
}

function words(w1: number, w2: number): number[] {
  const a = [w1 >> 8, w1 & 0xff, 0, w2 >> 8, w2 & 0xff, 0];
  a[2] = sht4xCrc8(a, 0);
  a[5] = sht4xCrc8(a, 3);
  return a;
}
