// Model of a Maxim DS18B20 on the virtual 1-Wire bus. It holds the physical
// temperature; Convert T (0x44) samples it and, after t_conv (93.75 ms << (R-9)
// for R-bit resolution, 750 ms at 12 bit), writes it to the scratchpad, which
// Read Scratchpad (0xBE) returns with its Dallas CRC. Write Scratchpad (0x4E)
// sets TH, TL and the configuration byte. Power-on temperature register: +85 degC.
// A parasite-powered sensor converts only with the strong pull-up (write(..., true)).
// Faults: absent (no presence pulse), busError (holds the line low: everything
// reads 0x00), badCrc (CRC byte inverted), stuck (conversions never happen: the
// register keeps its power-on 85 degC).
import { dallasCrc8 } from '../../../firmware/sensors/ds18b20.ts';
import type { SensorFault } from '../i2c.ts';
import type { OneWireDevice } from '../onewire.ts';
import type { TwinClock } from './clock.ts';

export const DS18B20_FAMILY = 0x28;

/** A ROM code string (family 0x28, 48-bit serial little-endian, CRC) as Espruino prints it. */
export function ds18b20Rom(serial: number): string {
  const b = [DS18B20_FAMILY];
  for (let i = 0; i < 6; i++) b.push(Math.floor(serial / 2 ** (8 * i)) & 0xff);
  b.push(dallasCrc8(b, 7));
  return b.map((x) => x.toString(16).padStart(2, '0')).join('');
}

export class Ds18b20Twin implements OneWireDevice {
  /** Degrees Celsius. */
  temperature = 20;
  fault: SensorFault = 'none';
  readonly rom: string;
  /** Number of conversions completed. */
  conversions = 0;
  private readonly pad = new Uint8Array([0x50, 0x05, 0x4b, 0x46, 0x7f, 0xff, 0x0c, 0x10, 0]);
  /** pad[8] is not yet the CRC of pad[0..7] (set wherever they change: a read computes it once, not per byte). */
  private crcStale = true;
  private cmd = -1;
  private pos = 0;
  private convertDoneAt = -Infinity;
  private pendingRaw: number | undefined;
  /** Called when a conversion starts, before it samples the temperature (lets a simulator set it lazily). */
  beforeConversion: (() => void) | null = null;

  constructor(private readonly clock: TwinClock, serial = 1, readonly parasite = false) {
    this.rom = ds18b20Rom(serial);
  }

  setTemperature(c: number): void {
    this.temperature = c;
  }

  /** The resolution set in the configuration byte, 9..12 bits. */
  get resolution(): number {
    return 9 + ((this.pad[4] >> 5) & 3);
  }

  present(): boolean {
    return this.fault !== 'absent' && this.fault !== 'busError';
  }

  holdsLineLow(): boolean {
    return this.fault === 'busError';
  }

  onReset(): void {
    this.settle();
    this.cmd = -1;
  }

  onWrite(byte: number, power: boolean): void {
    this.settle();
    if (this.cmd === 0x4e) {
      // Write Scratchpad: TH, TL, config (only R1 R0 writable; other bits fixed)
      const at = 2 + this.pos++;
      if (at <= 4) {
        this.pad[at] = at === 4 ? (byte & 0x60) | 0x1f : byte;
        this.crcStale = true;
      }
      return;
    }
    this.cmd = byte;
    this.pos = 0;
    if (byte === 0x44 && this.fault !== 'stuck' && (power || !this.parasite)) {
      if (this.beforeConversion) this.beforeConversion();
      const t = Math.max(-55, Math.min(125, this.temperature));
      const drop = 12 - this.resolution; // undefined low bits read as 0 here
      this.pendingRaw = ((Math.round(t * 16) >> drop) << drop) & 0xffff;
      this.convertDoneAt = this.clock.now() + 93.75 * 2 ** (this.resolution - 9);
    }
  }

  onRead(): number {
    this.settle();
    if (this.cmd === 0xbe) {
      if (this.pos >= 9) return 0xff;
      if (this.crcStale) {
        this.pad[8] = dallasCrc8(this.pad, 8);
        this.crcStale = false;
      }
      const v = this.pad[this.pos++];
      return this.pos === 9 && this.fault === 'badCrc' ? v ^ 0xff : v;
    }
    if (this.cmd === 0x44) return this.clock.now() >= this.convertDoneAt ? 0xff : 0x00; // read slots: 0 while busy
    return 0xff;
  }

  /** Completes a conversion whose time has come. */
  private settle(): void {
    if (this.pendingRaw !== undefined && this.clock.now() >= this.convertDoneAt) {
      this.pad[0] = this.pendingRaw & 0xff;
      this.pad[1] = this.pendingRaw >> 8;
      this.crcStale = true;
      this.pendingRaw = undefined;
      this.conversions++;
    }
  }
}
