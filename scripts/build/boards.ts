// Board profiles: the Espruino boards lorakit builds for, with their memory
// (JsVars: 13-byte blocks on these builds; ESPRUINO.md's table) and how the
// LoRa modem is wired. One source of truth for the build, flash and the simulator.

import type { BoardWiring } from '../../firmware/boards/wiring.ts';

export type ModemType = 'rn2483' | 'rak3172';

export interface BoardProfile extends BoardWiring {
  id: BoardId;
  /** The board name the espruino CLI and Web IDE use (`BOARD` in process.env). */
  espruinoBoard: string;
  jsVars: number;
  /** The modem this board carries by default in lorakit's reference wiring. */
  modem: ModemType;
  chip: 'STM32F401' | 'STM32F411' | 'STM32F103' | 'NRF52832';
}

export const BOARD_IDS = ['PICO', 'WIFI', 'ORIGINAL', 'MDBT42Q', 'PUCKJS', 'PIXLJS'] as const;
export type BoardId = (typeof BOARD_IDS)[number];

/** The reference wiring shared by the Pico and the Espruino WiFi (same pinout): RN2483 on Serial1. */
const STM32_RN2483: Omit<BoardProfile, 'id' | 'espruinoBoard' | 'jsVars' | 'chip'> = {
  modem: 'rn2483',
  modemSerial: 'Serial1',
  modemTx: 'B6',
  modemRx: 'B7',
  modemReset: 'B3',
  i2c: { bus: 'I2C1', scl: 'B8', sda: 'B9' },
  pins: { oneWire: 'B4', analog: 'A6', trig: 'B5', echo: 'B10', tilt: 'B13' },
  deepSleep: true,
  battery: { kind: 'analog', pin: 'A5', divider: 2 },
};

export const BOARDS: Record<BoardId, BoardProfile> = {
  PICO: { ...STM32_RN2483, id: 'PICO', espruinoBoard: 'PICO_R1_3', jsVars: 5100, chip: 'STM32F401' },
  WIFI: { ...STM32_RN2483, id: 'WIFI', espruinoBoard: 'ESPRUINOWIFI', jsVars: 8190, chip: 'STM32F411' },
  ORIGINAL: {
    id: 'ORIGINAL',
    espruinoBoard: 'ESPRUINOBOARD',
    jsVars: 2756,
    modem: 'rn2483',
    modemSerial: 'Serial1',
    modemTx: 'A9',
    modemRx: 'A10',
    modemReset: 'B3',
    i2c: { bus: 'I2C1', scl: 'B6', sda: 'B7' },
    pins: { oneWire: 'B4', analog: 'A6', trig: 'B5', echo: 'B10', tilt: 'B13' },
    deepSleep: true,
    battery: { kind: 'analog', pin: 'A1', divider: 2 },
    chip: 'STM32F103',
  },
  MDBT42Q: {
    id: 'MDBT42Q',
    espruinoBoard: 'MDBT42Q',
    jsVars: 2950,
    modem: 'rak3172',
    modemSerial: 'Serial1',
    modemTx: 'D6',
    modemRx: 'D8',
    modemReset: 'D11',
    i2c: { bus: 'I2C1', scl: 'D15', sda: 'D14' },
    pins: { oneWire: 'D25', analog: 'D29', trig: 'D26', echo: 'D27', tilt: 'D28' },
    deepSleep: false,
    battery: { kind: 'nrf' },
    chip: 'NRF52832',
  },
  PUCKJS: {
    id: 'PUCKJS',
    espruinoBoard: 'PUCKJS',
    jsVars: 2630,
    modem: 'rak3172',
    modemSerial: 'Serial1',
    modemTx: 'D1',
    modemRx: 'D2',
    i2c: { bus: 'I2C1', scl: 'D31', sda: 'D30' },
    pins: { oneWire: 'D28', analog: 'D29', trig: 'D30', echo: 'D31', tilt: 'D4' },
    deepSleep: false,
    battery: { kind: 'nrf' },
    chip: 'NRF52832',
  },
  PIXLJS: {
    id: 'PIXLJS',
    espruinoBoard: 'PIXLJS',
    jsVars: 2950,
    modem: 'rak3172',
    modemSerial: 'Serial1',
    modemTx: 'D1',
    modemRx: 'D0',
    i2c: { bus: 'I2C1', scl: 'A5', sda: 'A4' },
    pins: { oneWire: 'D9', analog: 'A0', trig: 'D10', echo: 'D11', tilt: 'D12' },
    deepSleep: false,
    battery: { kind: 'nrf' },
    chip: 'NRF52832',
  },
};

/** The board profile for a name given on the command line (case-insensitive), or undefined. */
export function findBoard(name: string): BoardProfile | undefined {
  const id = name.toUpperCase() as BoardId;
  return (BOARD_IDS as readonly string[]).includes(id) ? BOARDS[id] : undefined;
}
