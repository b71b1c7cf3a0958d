// The wiring of a board: the one shape shared by the build's board table
// (scripts/build/boards.ts) and the Espruino HAL binding (espruino.ts). Types only.

/** How a board is wired (scripts/build/boards.ts holds one per board). */
export interface BoardWiring {
  /** UART the modem is on, and its pins (TX from the board, RX into the board). */
  modemSerial: string;
  modemTx: string;
  modemRx: string;
  /** Modem hardware reset pin (active low), if wired. */
  modemReset?: string;
  /** I2C bus for sensors: SCL, SDA. */
  i2c: { bus: string; scl: string; sda: string };
  /** Pins for the apps' sensors (firmware/core/types.ts SensorPins). */
  pins: { oneWire: string; analog: string; trig: string; echo: string; tilt: string };
  /** STM32 boards have setDeepSleep; nRF52 sleeps automatically. */
  deepSleep: boolean;
  /** Battery measurement: analog pin with divider, or NRF.getBattery(). */
  battery: { kind: 'analog'; pin: string; divider: number } | { kind: 'nrf' };
}
