// Battery-life estimate per node from the simulator's log: charge per activity (TX, RX
// windows, modem awake between them, MCU running and waiting on the modem, sensor reads,
// sleep for the rest of the time), average current, mAh a day, days on a battery.
import { loraSymbolMs } from '../../firmware/lorawan/airtime.ts';
import { dataRate, rx1DataRate, type Region } from '../../firmware/lorawan/region.ts';
import type { DownlinkRecord, TxRecord } from '../types.ts';
import { MCUS, MODEMS, SENSORS, txCurrentMa, type McuCurrents, type ModemCurrents } from './currents.ts';

/** JOIN_ACCEPT_DELAY1 (TS001 / RP002): 5 s; RX2 opens 1 s after RX1 (RECEIVE_DELAY2 - RECEIVE_DELAY1). */
export const JOIN_RX1_DELAY_MS = 5000;
export const RX2_AFTER_RX1_MS = 1000;

export interface EnergyProfile {
  modem: ModemCurrents;
  mcu: McuCurrents;
  /** MCU running time per wake-up (ms): sensor driver, encoder, modem commands. */
  awakeMsPerWake: number;
  /** Sensor readings per wake-up and the charge of one (µC). */
  readsPerWake: number;
  sensorUcPerRead: number;
  /** Symbols an RX window stays open without a downlink (preamble detection; the emulators use 8). */
  rxWindowSymbols: number;
  /** RX1 delay of data frames (ms): 1 s by default, the network may set another (TTN: 5 s). */
  rx1DelayMs: number;
  rx1DrOffset: number;
  /** RX2 data rate of data frames; null: the region's default. */
  rx2Dr: number | null;
}

export interface Battery {
  capacityMah: number;
  /**
   * Usable fraction of the rated capacity: self-discharge over the years of service, cold,
   * and the cut-off voltage of the regulator. 0.8 by default (see docs/AUDIT.md).
   */
  derating: number;
}

export const DEFAULT_BATTERY: Battery = { capacityMah: 2400, derating: 0.8 };

function profile(modem: ModemCurrents, mcu: McuCurrents): EnergyProfile {
  return {
    modem,
    mcu,
    awakeMsPerWake: 50,
    readsPerWake: 1,
    sensorUcPerRead: SENSORS.bme280.perReadUc,
    rxWindowSymbols: 8,
    rx1DelayMs: 1000,
    rx1DrOffset: 0,
    rx2Dr: null,
  };
}

/** The two board combinations lorakit targets. */
export const PROFILES: Record<'pico-rn2483' | 'nrf52-rak3172', EnergyProfile> = {
  'pico-rn2483': profile(MODEMS.rn2483, MCUS.pico),
  'nrf52-rak3172': profile(MODEMS.rak3172, MCUS.nrf52),
};

/** Charge per activity over the run, in mAh. */
export interface ChargeBreakdown {
  tx: number;
  rx: number;
  modemIdle: number;
  modemSleep: number;
  mcuRun: number;
  mcuWait: number;
  mcuSleep: number;
  sensor: number;
}

export interface NodeEnergy {
  durationMs: number;
  wakeUps: number;
  txMs: number;
  rxMs: number;
  chargeMah: ChargeBreakdown;
  totalMah: number;
  avgCurrentUa: number;
  mAhPerDay: number;
  batteryDays: number;
}

export interface NodeEnergyInput {
  txs: TxRecord[];
  downlinks: DownlinkRecord[];
  /** Wake-ups in the run; default: one per first transmission (retry 0). */
  wakeUps?: number;
  durationMs: number;
}

const MS_PER_H = 3600000;
const mah = (ma: number, ms: number): number => (ma * ms) / MS_PER_H;

/** Time an RX window listens when no downlink comes: `symbols` LoRa symbols at `dr` (5 ms for FSK). */
export function rxWindowMs(region: Region, dr: number, symbols: number): number {
  const d = dataRate(region, dr);
  if (d === null) return 0;
  return d.mod === 'lora' ? symbols * loraSymbolMs(d.sf, d.bwKhz) : 5;
}

/** Days a battery lasts at an average current (µA). Infinity at 0 µA; a RangeError for a negative or non-finite current. */
export function batteryDays(avgCurrentUa: number, battery: Battery = DEFAULT_BATTERY): number {
  if (!(avgCurrentUa >= 0) || avgCurrentUa === Infinity) throw new RangeError(`average current must be a finite number >= 0 µA, got ${avgCurrentUa}`);
  if (avgCurrentUa === 0) return Infinity;
  return (battery.capacityMah * battery.derating) / ((avgCurrentUa / 1000) * 24);
}

/** Energy of one node over `durationMs` from its transmissions and downlinks. */
export function nodeEnergy(input: NodeEnergyInput, region: Region, p: EnergyProfile, battery: Battery = DEFAULT_BATTERY): NodeEnergy {
  const txs = [...input.txs].filter((t) => Number.isFinite(t.startMs) && t.airtimeMs > 0).sort((a, b) => a.startMs - b.startMs);
  const downs = input.downlinks.filter((d) => d.received && Number.isFinite(d.startMs)).sort((a, b) => a.startMs - b.startMs);
  const duration = input.durationMs > 0 ? input.durationMs : 0;
  let wakeUps = input.wakeUps;
  if (wakeUps === undefined || !(wakeUps >= 0)) wakeUps = txs.filter((t) => t.retry === 0).length;

  let txMs = 0;
  let txMah = 0;
  let rxMs = 0;
  let idleMs = 0; // modem awake between TX end and its last RX activity
  let waitMs = 0; // MCU waiting on the modem: TX start to the end of the last RX activity
  let d = 0;
  for (let i = 0; i < txs.length; i++) {
    const t = txs[i];
    const end = t.startMs + t.airtimeMs;
    const join = t.kind === 'join';
    const rx1Delay = join ? JOIN_RX1_DELAY_MS : p.rx1DelayMs;
    const rx1Dr = rx1DataRate(region, t.dr, join ? 0 : p.rx1DrOffset, false);
    const rx2Dr = join || p.rx2Dr === null ? region.rx2.dr : p.rx2Dr;
    const w1 = rxWindowMs(region, rx1Dr, p.rxWindowSymbols);
    const w2 = rxWindowMs(region, rx2Dr, p.rxWindowSymbols);
    // the first received downlink between this uplink's end and the next uplink's start
    const nextStart = i + 1 < txs.length ? txs[i + 1].startMs : Infinity;
    while (d < downs.length && downs[d].startMs < end) d++;
    const dl = d < downs.length && downs[d].startMs < nextStart ? downs[d] : null;
    if (dl) d++;
    let rx: number;
    let span: number; // TX end to the end of the last RX activity
    if (dl && dl.window === 1) {
      rx = Math.max(dl.airtimeMs, w1);
      span = rx1Delay + rx;
    } else if (dl) {
      rx = w1 + Math.max(dl.airtimeMs, w2);
      span = rx1Delay + RX2_AFTER_RX1_MS + Math.max(dl.airtimeMs, w2);
    } else {
      rx = w1 + w2;
      span = rx1Delay + RX2_AFTER_RX1_MS + w2;
    }
    txMs += t.airtimeMs;
    txMah += mah(txCurrentMa(p.modem, t.powerDbm), t.airtimeMs);
    rxMs += rx;
    idleMs += span - rx;
    waitMs += t.airtimeMs + span;
  }
  const runMs = wakeUps * p.awakeMsPerWake;
  const modemActive = txMs + rxMs + idleMs;
  const mcuActive = runMs + waitMs;
  const c: ChargeBreakdown = {
    tx: txMah,
    rx: mah(p.modem.rxMa, rxMs),
    modemIdle: mah(p.modem.idleMa, idleMs),
    modemSleep: mah(p.modem.sleepUa / 1000, Math.max(0, duration - modemActive)),
    mcuRun: mah(p.mcu.runMa, runMs),
    mcuWait: mah(p.mcu.waitMa, waitMs),
    mcuSleep: mah(p.mcu.sleepUa / 1000, Math.max(0, duration - mcuActive)),
    sensor: (wakeUps * p.readsPerWake * p.sensorUcPerRead) / 3.6e6,
  };
  const total = c.tx + c.rx + c.modemIdle + c.modemSleep + c.mcuRun + c.mcuWait + c.mcuSleep + c.sensor;
  const avgUa = duration > 0 ? (total / (duration / MS_PER_H)) * 1000 : 0;
  return {
    durationMs: duration,
    wakeUps,
    txMs,
    rxMs,
    chargeMah: c,
    totalMah: total,
    avgCurrentUa: avgUa,
    mAhPerDay: (avgUa / 1000) * 24,
    batteryDays: batteryDays(avgUa, battery),
  };
}

export interface Spread {
  min: number;
  median: number;
  mean: number;
}

export interface FleetEnergy {
  perNode: Record<string, NodeEnergy>;
  batteryDays: Spread;
  avgCurrentUa: Spread;
  /** The node with the fewest battery days (null for an empty fleet). */
  worstNodeId: string | null;
}

function spread(xs: number[]): Spread {
  if (xs.length === 0) return { min: 0, median: 0, mean: 0 };
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 === 1 ? s[mid] : s[mid - 1] === s[mid] ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  let sum = 0;
  for (const x of s) sum += x;
  return { min: s[0], median, mean: sum / s.length };
}

export interface FleetEnergyOptions {
  region: Region;
  /** One profile for every node, or a profile per node id. */
  profile: EnergyProfile | ((nodeId: string) => EnergyProfile);
  durationMs: number;
  /** Wake-ups per node; nodes without an entry: one per first transmission. */
  wakeUps?: Record<string, number>;
  battery?: Battery;
}

/** Energy of every node in the log, and the fleet's min/median/mean battery days and current. */
export function fleetEnergy(txs: TxRecord[], downlinks: DownlinkRecord[], o: FleetEnergyOptions): FleetEnergy {
  const up = new Map<string, TxRecord[]>();
  const down = new Map<string, DownlinkRecord[]>();
  for (const t of txs) (up.get(t.nodeId) ?? up.set(t.nodeId, []).get(t.nodeId)!).push(t);
  for (const dl of downlinks) (down.get(dl.nodeId) ?? down.set(dl.nodeId, []).get(dl.nodeId)!).push(dl);
  for (const id of Object.keys(o.wakeUps ?? {})) if (!up.has(id)) up.set(id, []);
  const perNode: Record<string, NodeEnergy> = {};
  let worst: string | null = null;
  for (const [id, list] of up) {
    const p = typeof o.profile === 'function' ? o.profile(id) : o.profile;
    const e = nodeEnergy({ txs: list, downlinks: down.get(id) ?? [], wakeUps: o.wakeUps?.[id], durationMs: o.durationMs }, o.region, p, o.battery ?? DEFAULT_BATTERY);
    perNode[id] = e;
    if (worst === null || e.batteryDays < perNode[worst].batteryDays) worst = id;
  }
  const nodes = Object.values(perNode);
  return {
    perNode,
    batteryDays: spread(nodes.map((e) => e.batteryDays)),
    avgCurrentUa: spread(nodes.map((e) => e.avgCurrentUa)),
    worstNodeId: worst,
  };
}
