// Types of a regional parameter table (LoRaWAN Regional Parameters RP002) and the
// pure helpers that read one. Each region lives in regions/<name>.ts as its own
// const, so a device bundle carries only the region it uses.
import { fskTimeOnAir, isWhole, loraTimeOnAir } from './airtime.ts';

/** One data rate: LoRa (sf, bwKhz) or FSK (kbps). */
export interface DataRate {
  mod: 'lora' | 'fsk';
  sf: number;
  bwKhz: number;
  kbps: number;
}

/** `count` channels at `firstHz + i * stepHz`, usable at data rates minDr..maxDr. */
export interface ChannelBlock {
  firstHz: number;
  stepHz: number;
  count: number;
  minDr: number;
  maxDr: number;
}

/** A regulatory sub-band [minHz, maxHz) and its duty-cycle limit as a fraction (0 = none). */
export interface SubBand {
  name: string;
  minHz: number;
  maxHz: number;
  dutyCycle: number;
}

/** RX1 data rate = clamp(base[upDr] - offsets[RX1DROffset], min (minDwell with downlink dwell time), max). */
export interface Rx1Rule {
  base: number[];
  offsets: number[];
  min: number;
  minDwell: number;
  max: number;
}

export interface Region {
  name: string;
  /** Index = DR; null = RFU or a modulation lorakit does not drive (LR-FHSS). */
  dataRates: (DataRate | null)[];
  /** Maximum MACPayload size M per DR (UplinkDwellTime = 0, or the only table); 0 = DR not allowed. */
  maxMacPayload: number[];
  /** M per DR when UplinkDwellTime = 1 (AS923, AU915); null when the region has no such variant. */
  maxMacPayloadDwell: number[] | null;
  /** The UplinkDwellTime a device assumes until TxParamSetupReq says otherwise. */
  defaultUplinkDwell: boolean;
  /** Maximum dwell time per uplink in ms when dwell time applies (0 = no dwell limit). */
  dwellTimeMs: number;
  /** Default uplink channels (join channels included). */
  channels: ChannelBlock[];
  rx1: Rx1Rule;
  /** Downlink channels for RX1 when they differ from the uplink frequency (US915, AU915). */
  rx1Channels: ChannelBlock | null;
  rx2: { hz: number; dr: number };
  /** Default maximum EIRP in dBm; TXPower i = maxEirpDbm - 2 * i for i = 0..maxTxPowerIndex. */
  maxEirpDbm: number;
  maxTxPowerIndex: number;
  subBands: SubBand[];
  /** Listen-before-talk required by the regulator. */
  lbt: boolean;
}

/** LoRa data rate (table helper). */
export function lora(sf: number, bwKhz: number): DataRate {
  return { mod: 'lora', sf: sf, bwKhz: bwKhz, kbps: 0 };
}

/** FSK data rate (table helper). */
export function fsk(kbps: number): DataRate {
  return { mod: 'fsk', sf: 0, bwKhz: 0, kbps: kbps };
}

/** The data rate `dr`, or null when it is RFU/unsupported/out of range. */
export function dataRate(region: Region, dr: number): DataRate | null {
  if (!isWhole(dr) || dr < 0 || dr >= region.dataRates.length) return null;
  return region.dataRates[dr];
}

/** Maximum MACPayload size M at `dr` for the given UplinkDwellTime; -1 when the DR is not allowed. */
export function maxMacPayload(region: Region, dr: number, uplinkDwell: boolean): number {
  if (dataRate(region, dr) === null) return -1;
  const table = uplinkDwell && region.maxMacPayloadDwell !== null ? region.maxMacPayloadDwell : region.maxMacPayload;
  const m = dr < table.length ? table[dr] : 0;
  return m > 0 ? m : -1;
}

/**
 * Maximum FRMPayload (application bytes) at `dr` when the frame carries `foptsLen` bytes of
 * FOpts: M - 8 - FOptsLen (FHDR 7 + FOpts, FPort 1). -1 when the DR is not allowed.
 */
export function maxAppPayload(region: Region, dr: number, foptsLen: number, uplinkDwell: boolean): number {
  const m = maxMacPayload(region, dr, uplinkDwell);
  if (m < 0 || !isWhole(foptsLen) || foptsLen < 0 || foptsLen > 15) return -1;
  const n = m - 8 - foptsLen;
  return n > 0 ? n : 0;
}

/** Time on air (ms) of a `phyBytes` frame at `dr` with LoRaWAN's PHY settings (uplink: CRC on). -1 if invalid. */
export function drTimeOnAir(region: Region, dr: number, phyBytes: number, crc: boolean): number {
  const d = dataRate(region, dr);
  if (d === null) return -1;
  if (d.mod === 'fsk') return fskTimeOnAir(phyBytes, d.kbps);
  return loraTimeOnAir(phyBytes, { sf: d.sf, bwKhz: d.bwKhz, crc: crc });
}

/** RX1 data rate for uplink `upDr` and RX1DROffset `offset`; -1 when either is invalid. */
export function rx1DataRate(region: Region, upDr: number, offset: number, downlinkDwell: boolean): number {
  const r = region.rx1;
  if (!isWhole(upDr) || upDr < 0 || upDr >= r.base.length) return -1;
  if (!isWhole(offset) || offset < 0 || offset >= r.offsets.length) return -1;
  const lo = downlinkDwell ? r.minDwell : r.min;
  const dr = r.base[upDr] - r.offsets[offset];
  return dr < lo ? lo : dr > r.max ? r.max : dr;
}

/** Number of default uplink channels. */
export function channelCount(region: Region): number {
  let n = 0;
  for (let i = 0; i < region.channels.length; i++) n += region.channels[i].count;
  return n;
}

/** Frequency (Hz) of default uplink channel `index`; -1 when out of range. */
export function channelFrequency(region: Region, index: number): number {
  if (!isWhole(index) || index < 0) return -1;
  let k = index;
  for (let i = 0; i < region.channels.length; i++) {
    const b = region.channels[i];
    if (k < b.count) return b.firstHz + k * b.stepHz;
    k -= b.count;
  }
  return -1;
}

/** Index of the default uplink channel on `hz`; -1 when none. */
export function channelIndex(region: Region, hz: number): number {
  let base = 0;
  for (let i = 0; i < region.channels.length; i++) {
    const b = region.channels[i];
    const k = b.stepHz > 0 ? (hz - b.firstHz) / b.stepHz : hz === b.firstHz ? 0 : -1;
    if (isWhole(k) && k >= 0 && k < b.count) return base + k;
    base += b.count;
  }
  return -1;
}

/** RX1 frequency for an uplink on `upHz`: the same frequency, or the region's downlink channel; -1 if unknown. */
export function rx1Frequency(region: Region, upHz: number): number {
  const d = region.rx1Channels;
  if (d === null) return upHz;
  const idx = channelIndex(region, upHz);
  return idx < 0 ? -1 : d.firstHz + (idx % d.count) * d.stepHz;
}

/** EIRP in dBm of TXPower `index`; -1 when out of range (no region's steps go below 0 dBm). */
export function txPowerDbm(region: Region, index: number): number {
  if (!isWhole(index) || index < 0 || index > region.maxTxPowerIndex) return -1;
  return region.maxEirpDbm - 2 * index;
}

/** Index of the sub-band holding `hz`; -1 when the frequency is outside every sub-band. */
export function subBandIndex(region: Region, hz: number): number {
  for (let i = 0; i < region.subBands.length; i++) {
    const b = region.subBands[i];
    if (hz >= b.minHz && hz < b.maxHz) return i;
  }
  return -1;
}

/** Whether a transmission of `airtimeMs` respects the region's dwell time (when dwell time applies). */
export function dwellAllows(region: Region, airtimeMs: number, uplinkDwell: boolean): boolean {
  return !uplinkDwell || region.dwellTimeMs <= 0 || airtimeMs <= region.dwellTimeMs;
}
