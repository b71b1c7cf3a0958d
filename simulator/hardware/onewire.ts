// A virtual 1-Wire bus for the simulator, with Espruino OneWire semantics:
// reset() is true when some device answers with a presence pulse; select(rom)
// (Match ROM) or skip() (Skip ROM) chooses who listens; write/read move bytes.
// The line is wired-AND: with nobody driving it reads 0xFF (pull-up); a device
// that holds it low (a short) makes every byte 0x00.
import type { OneWireBus } from '../../firmware/hal.ts';

/** One 1-Wire slave. */
export interface OneWireDevice {
  /** ROM code as 16 hex characters, family code first (as Espruino's OneWire.search). */
  readonly rom: string;
  /** Answers a reset with a presence pulse. */
  present(): boolean;
  /** Holds the data line low (a shorted or failing device). */
  holdsLineLow(): boolean;
  /** A reset pulse: the device forgets the current command. */
  onReset(): void;
  /** A byte written after the device was selected; `power` = strong pull-up afterwards. */
  onWrite(byte: number, power: boolean): void;
  /** The next byte the device sends. */
  onRead(): number;
}

export class VirtualOneWireBus implements OneWireBus {
  private readonly devices: OneWireDevice[] = [];
  private selected: OneWireDevice[] = [];
  /** Number of transactions with a strong pull-up (for energy accounting). */
  powerWrites = 0;

  attach(device: OneWireDevice): void {
    if (!/^[0-9a-f]{16}$/.test(device.rom)) throw new Error(`bad 1-Wire ROM code "${device.rom}"`);
    this.devices.push(device);
  }

  detach(device: OneWireDevice): void {
    const i = this.devices.indexOf(device);
    if (i >= 0) this.devices.splice(i, 1);
  }

  reset(): boolean {
    this.selected = [];
    let presence = false;
    for (const d of this.devices) {
      d.onReset();
      if (d.present() || d.holdsLineLow()) presence = true; // a line held low looks like a presence pulse
    }
    return presence;
  }

  select(rom: string): void {
    this.selected = this.devices.filter((d) => d.rom === rom.toLowerCase() && d.present());
  }

  skip(): void {
    this.selected = this.devices.filter((d) => d.present());
  }

  write(data: number | number[], power?: boolean): void {
    const bytes = typeof data === 'number' ? [data] : data;
    if (power) this.powerWrites++;
    for (let i = 0; i < bytes.length; i++) {
      const last = i === bytes.length - 1;
      for (const d of this.selected) d.onWrite(bytes[i] & 0xff, power === true && last);
    }
  }

  read(count: number): Uint8Array {
    const out = new Uint8Array(count);
    const low = this.devices.some((d) => d.holdsLineLow());
    for (let i = 0; i < count; i++) {
      let v = 0xff;
      for (const d of this.selected) v &= d.onRead();
      out[i] = low ? 0 : v;
    }
    return out;
  }

  search(): string[] {
    if (this.devices.some((d) => d.holdsLineLow())) return [];
    return this.devices.filter((d) => d.present()).map((d) => d.rom);
  }
}
