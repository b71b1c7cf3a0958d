// Supply currents of the parts lorakit nodes are built from, with where each figure comes
// from. Typical values at 3.0-3.3 V and 25 °C; real boards add regulator quiescent current
// and leakage (see docs/AUDIT.md). This table is data so that reports can cite it.

export interface Source {
  /** Document and place (table, section, page). */
  ref: string;
  url?: string;
  /** What the figure means, or how it was derived. */
  note?: string;
}

export interface ModemCurrents {
  name: string;
  /** TX current (mA) by output power (dBm), ascending; interpolated linearly, clamped at the ends. */
  txMaByDbm: Array<{ dbm: number; ma: number; source: Source }>;
  rxMa: number;
  /** Awake, neither transmitting nor receiving (between TX end and the RX windows). */
  idleMa: number;
  sleepUa: number;
  sources: { rx: Source; idle: Source; sleep: Source };
}

export interface McuCurrents {
  name: string;
  /** Running JavaScript. */
  runMa: number;
  /** Sleeping with the UART and clocks on, waiting for the modem's replies (no deep sleep possible). */
  waitMa: number;
  /** Deep sleep between wake-ups. */
  sleepUa: number;
  sources: { run: Source; wait: Source; sleep: Source };
}

export interface SensorCharge {
  name: string;
  /** Charge of one reading (µC = µA·s). */
  perReadUc: number;
  source: Source;
}

const RN2483_DS: Source = {
  ref: 'Microchip RN2483 data sheet DS50002346, Table 2-3 "Current consumption" (VDD 3.0 V, 25 °C)',
  url: 'https://www.microchip.com/en-us/product/RN2483',
};
const RAK3172_DS: Source = {
  ref: 'RAKwireless RAK3172 WisDuo module data sheet, "Operating current"',
  url: 'https://docs.rakwireless.com/product-categories/wisduo/rak3172-module/datasheet/',
};
const ESPRUINO_POWER: Source = {
  ref: 'Espruino "Power Consumption" page, STM32 and nRF52 mode tables',
  url: 'https://www.espruino.com/Power+Consumption',
};

export const MODEMS: Record<'rn2483' | 'rak3172', ModemCurrents> = {
  rn2483: {
    name: 'Microchip RN2483 (SX1276, PIC18 stack)',
    txMaByDbm: [{ dbm: 14, ma: 38.9, source: { ...RN2483_DS, note: 'transmit at +14 dBm (pwridx 1), 868 MHz' } }],
    rxMa: 14.2,
    idleMa: 2.8,
    sleepUa: 1.3,
    sources: {
      rx: { ...RN2483_DS, note: 'receive mode' },
      idle: { ...RN2483_DS, note: 'idle mode; users confirm about 2.8 mA (microchip.com/forums/m913217)' },
      sleep: { ...RN2483_DS, note: 'deep sleep (sys sleep); older revisions state 1.8 µA and field reports see 10-35 µA with old firmware' },
    },
  },
  rak3172: {
    name: 'RAKwireless RAK3172 (STM32WLE5, RUI3)',
    txMaByDbm: [
      { dbm: 0, ma: 46.6, source: { ref: 'RAK forum "RAK3172 versus RAK3172-SIP power consumption", RUI3 firmware, bench multimeter', url: 'https://forum.rakwireless.com/t/7754' } },
      { dbm: 2, ma: 52.5, source: { ref: 'same measurement series', url: 'https://forum.rakwireless.com/t/7754' } },
      {
        dbm: 14,
        ma: 92,
        source: {
          ref: 'ST STM32WLE5xx data sheet DS13105, radio current table (p. 69): high-power PA at +14 dBm with the matching optimised for +22 dBm',
          note: 'the RAK3172 wires only RFO_HP, so EU868 +14 dBm runs on the high-power PA (about 90 mA measured: RAK forum "RAK3172 too much consumption in transmit EU868")',
        },
      },
      { dbm: 20, ma: 114.6, source: { ref: 'RAK forum measurement series above (RUI3, +20 dBm)', url: 'https://forum.rakwireless.com/t/7754', note: 'the RAK3172 data sheet states 87 mA at 20 dBm' } },
    ],
    rxMa: 5.22,
    idleMa: 1.1,
    sleepUa: 1.69,
    sources: {
      rx: { ...RAK3172_DS, note: 'RX mode 5.22 mA (RUI3 measurements run higher, about 8.4 mA)' },
      idle: { ref: 'assumption: STM32WLE5 core running at 48 MHz between radio events (DS13105 run mode, about 1.1 mA with the radio in standby)' },
      sleep: { ...RAK3172_DS, note: 'sleep current 1.69 µA' },
    },
  },
};

export const MCUS: Record<'pico' | 'nrf52', McuCurrents> = {
  pico: {
    name: 'Espruino Pico (STM32F401, 84 MHz)',
    runMa: 32,
    waitMa: 11,
    sleepUa: 20,
    sources: {
      run: { ...ESPRUINO_POWER, note: 'Pico "Run": 32 mA executing code at full speed' },
      wait: { ...ESPRUINO_POWER, note: 'Pico "Sleep": 11 mA, CPU clock stopped, peripherals on; deep sleep cannot wake on UART, so the Pico waits in this mode for the modem' },
      sleep: { ...ESPRUINO_POWER, note: 'Pico "Stop" (setDeepSleep(1)): 0.02 mA' },
    },
  },
  nrf52: {
    name: 'Espruino on nRF52832 (MDBT42Q)',
    runMa: 5,
    waitMa: 1,
    sleepUa: 3,
    sources: {
      run: { ...ESPRUINO_POWER, note: 'nRF52 "Run": 4-8 mA processing JavaScript (5 mA taken)' },
      wait: { ...ESPRUINO_POWER, note: 'nRF52 "Sleep with HSE on": about 1 mA while a UART is open' },
      sleep: { ...ESPRUINO_POWER, note: 'nRF52 "Sleep": 0.003 mA with Bluetooth advertising off (advertising adds 17-77 µA)' },
    },
  },
};

export const SENSORS: Record<'bme280', SensorCharge> = {
  bme280: {
    name: 'Bosch BME280, one forced-mode reading of humidity, pressure and temperature',
    perReadUc: 3.6,
    source: {
      ref: 'Bosch BME280 data sheet BST-BME280-DS002, key features: 3.6 µA at 1 Hz for humidity, pressure and temperature',
      note: '3.6 µA at one reading a second is 3.6 µC per reading',
    },
  },
};

/** The whole table, for reports and the closing note. */
export const CURRENT_TABLE = { modems: MODEMS, mcus: MCUS, sensors: SENSORS };

/** TX current (mA) at `dbm`: linear between table points, clamped to the first and last. */
export function txCurrentMa(modem: ModemCurrents, dbm: number): number {
  const t = modem.txMaByDbm;
  if (t.length === 0) return 0;
  if (!(dbm > t[0].dbm)) return t[0].ma;
  for (let i = 1; i < t.length; i++) {
    if (dbm <= t[i].dbm) {
      const f = (dbm - t[i - 1].dbm) / (t[i].dbm - t[i - 1].dbm);
      return t[i - 1].ma + f * (t[i].ma - t[i - 1].ma);
    }
  }
  return t[t.length - 1].ma;
}
