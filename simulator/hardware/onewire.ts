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

// The selection is one array per bus, refilled in place (reset, select and skip run on every
// reading of every simulated probe: a new array each time was garbage per uplink).
export class VirtualOneWireBus implements OneWireBus {
  private readonly devices: OneWireDevice[] = [];
  private readonly selected: OneWireDevice[] = [];
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
    this.selected.length = 0;
    let presence = false;
    for (const d of this.devices) {
      d.onReset();
      if (d.present() || d.holdsLineLow()) presence = true; // a line held low looks like a presence pulse
    }
    return presence;
  }

  select(rom: string): void {
    this.choose(this.devices.length > 0 ? rom.toLowerCase() : rom);
  }

  skip(): void {
    this.choose(null);
  }

  /** Selects the present devices with ROM code `rom` (null: every present device). */
  private choose(rom: string | null): void {
    const sel = this.selected;
    sel.length = 0;
    for (const d of this.devices) if ((rom === null || d.rom === rom) && d.present()) sel.push(d);
  }

  write(data: number | number[], power?: boolean): void {
    if (power) this.powerWrites++;
    if (typeof data === 'number') {
      this.writeByte(data, power === true);
      return;
    }
    for (let i = 0; i < data.length; i++) this.writeByte(data[i], power === true && i === data.length - 1);
  }

  private writeByte(byte: number, power: boolean): void {
    for (const d of this.selected) d.onWrite(byte & 0xff, power);
  }

  read(count: number): Uint8Array {
    const out = new Uint8Array(count);
    const low = this.lineHeldLow();
    for (let i = 0; i < count; i++) {
      let v = 0xff;
      for (const d of this.selected) v &= d.onRead();
      out[i] = low ? 0 : v;
    }
    return out;
  }

  search(): string[] {
    if (this.lineHeldLow()) return [];
    return this.devices.filter((d) => d.present()).map((d) => d.rom);
  }

  private lineHeldLow(): boolean {
    for (const d of this.devices) if (d.holdsLineLow()) return true;
    return false;
  }
}
