// Maxim DS18B20 temperature over 1-Wire (datasheet 19-7487 rev 6).
// One read: reset (presence pulse) -> Match ROM 0x55 + ROM, or Skip ROM 0xCC for
// a single sensor -> Convert T 0x44 with strong pull-up (parasite power) ->
// wait 750 ms (t_conv at 12 bit) -> reset -> select -> Read Scratchpad 0xBE ->
// 9 bytes, byte 8 = Dallas CRC-8 (x^8+x^5+x^4+1, LSB first, init 0) of bytes 0..7.
// Rejected: no presence, CRC error, a configuration byte without its fixed bits
// (an all-zero scratchpad from a shorted line passes the CRC), the power-on
// value +85.0 degC (0x0550: the conversion did not run) and values outside -55..125.
import type { Hal, OneWireBus } from '../hal.ts';
import type { Sensor, SensorCallback } from './types.ts';

export type Ds18b20Hal = Pick<Hal, 'oneWire' | 'setTimeout'>;

/** Dallas/Maxim 1-Wire CRC-8 of `d[0..n-1]` (Application Note 27). */
export function dallasCrc8(d: Uint8Array | number[], n: number): number {
  let crc = 0;
  for (let i = 0; i < n; i++) {
    let b = d[i];
    for (let k = 0; k < 8; k++) {
      const mix = (crc ^ b) & 1;
      crc >>= 1;
      if (mix) crc ^= 0x8c;
      b >>= 1;
    }
  }
  return crc;
}

/** Degrees Celsius from a 9-byte scratchpad, or undefined when it is not a valid reading. */
export function ds18b20Convert(d: Uint8Array): number | undefined {
  if (d.length < 9 || dallasCrc8(d, 8) !== d[8] || (d[4] & 0x9f) !== 0x1f) return undefined;
  let raw = ((d[1] << 24) >> 16) | d[0];
  if (raw === 0x0550) return undefined;
  // at 9..11 bit resolution the lowest 3..1 bits are undefined (config bits R1 R0)
  raw &= ~((1 << (3 - ((d[4] >> 5) & 3))) - 1);
  const t = raw / 16;
  return t >= -55 && t <= 125 ? t : undefined;
}

/**
 * A DS18B20 on the 1-Wire bus at `pin`; `rom` (16 hex chars, as OneWire.search
 * returns) selects one of several sensors, omit it for a single sensor (Skip ROM).
 */
export function createDs18b20(hal: Ds18b20Hal, pin: string, rom?: string): Sensor<number> {
  function select(ow: OneWireBus): boolean {
    if (!ow.reset()) return false;
    if (rom !== undefined) ow.select(rom);
    else ow.skip();
    return true;
  }
  function read(cb: SensorCallback<number>): void {
    let ow: OneWireBus;
    let ok = false;
    try {
      ow = hal.oneWire(pin);
      if (select(ow)) {
        ow.write(0x44, true);
        ok = true;
      }
    } catch {
      ok = false;
    }
    if (!ok) return cb(undefined);
    hal.setTimeout(function () {
      let t: number | undefined;
      try {
        if (select(ow)) {
          ow.write(0xbe);
          t = ds18b20Convert(ow.read(9));
        }
      } catch {
        t = undefined;
      }
      cb(t);
    }, 750);
  }
  return { read: read };
}
