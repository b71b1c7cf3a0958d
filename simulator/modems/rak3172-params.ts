// RAK3172 (RUI3) `AT+NAME=?` queries and `AT+NAME=<value>` settings (RAKwireless RUI3 AT
// Command Manual), the module's flash settings and its default MAC configuration.
// Keys are write-only here.
import { regionByName } from '../../firmware/lorawan/regions.ts';
import { dataRate, type Region } from '../../firmware/lorawan/region.ts';
import { hexToBytes } from '../lorawan/frames.ts';
import { decIn, isHex, precomputeReplies } from './line.ts';
import { defaultChannels, type MacConfig, type MacEngine } from './mac-engine.ts';

export const RAK3172_VERSION = 'RUI_4.0.6_RAK3172-E';

/** RUI3 band numbers (AT+BAND) of the regions lorakit has tables for. */
const BANDS: Record<number, string> = { 3: 'IN865', 4: 'EU868', 5: 'US915', 6: 'AU915', 7: 'KR920', 8: 'AS923-1', 9: 'AS923-2', 10: 'AS923-3', 11: 'AS923-4' };

/** The answers of `AT+DR=?` (asked before every uplink) by data rate, made once. */
const DR_SHOW = Array.from({ length: 16 }, (_, dr) => `AT+DR=${dr}`);
precomputeReplies(DR_SHOW);

export interface Flash {
  band: number;
  njm: 0 | 1;
  cfm: boolean;
  linkCheck: 0 | 1 | 2;
}

/** What the parameters read and change of the emulator (rak3172.ts). */
export interface RakParamHost {
  cfg: MacConfig;
  readonly flash: Flash;
  region: Region;
  readonly engine: MacEngine;
  readonly joining: unknown;
  reply(s: string): void;
  ok(): void;
  newEngine(): void;
}

/** AT+NAME=? queries and AT+NAME=value settings; false when NAME is unknown. */
export function param(m: RakParamHost, name: string, v: string): boolean {
  return v === '?' ? query(m, name) : set(m, name, v);
}

/** AT+NAME=? (false when NAME is unknown). */
function query(m: RakParamHost, name: string): boolean {
  const cfg = m.cfg;
  const flash = m.flash;
  switch (name) {
    case 'VER':
      show(m, name, RAK3172_VERSION);
      return true;
    case 'DEVEUI':
      show(m, name, cfg.devEui);
      return true;
    case 'APPEUI':
      show(m, name, cfg.joinEui);
      return true;
    case 'DEVADDR':
      show(m, name, cfg.devAddr.toString(16).toUpperCase().padStart(8, '0'));
      return true;
    case 'APPKEY':
    case 'NWKSKEY':
    case 'APPSKEY':
      // write-only in the emulator: a key never leaves the module
      m.reply('AT_ERROR');
      return true;
    case 'NJM':
      show(m, name, flash.njm);
      return true;
    case 'NJS':
      show(m, name, cfg.joined ? 1 : 0);
      return true;
    case 'CFM':
      show(m, name, flash.cfm ? 1 : 0);
      return true;
    case 'ADR':
      show(m, name, cfg.adr ? 1 : 0);
      return true;
    case 'DCS':
      show(m, name, cfg.dutyCycle ? 1 : 0);
      return true;
    case 'DR':
      m.reply(DR_SHOW[cfg.dr] ?? `AT+${name}=${cfg.dr}`);
      m.ok();
      return true;
    case 'TXP':
      show(m, name, cfg.txPowerIdx);
      return true;
    case 'RETY':
      show(m, name, cfg.retx);
      return true;
    case 'LINKCHECK':
      show(m, name, flash.linkCheck);
      return true;
    case 'RX1DL':
      show(m, name, cfg.rx1DelayMs);
      return true;
    case 'RX2DL':
      show(m, name, cfg.rx1DelayMs + 1000);
      return true;
    case 'RX2DR':
      show(m, name, cfg.rx2Dr);
      return true;
    case 'RX2FQ':
      show(m, name, cfg.rx2FreqHz);
      return true;
    case 'RSSI':
    case 'SNR': {
      const rx = m.engine.lastRx();
      show(m, name, Math.round(rx ? (name === 'RSSI' ? rx.rssi : rx.snr) : 0));
      return true;
    }
    case 'BAND':
      show(m, name, flash.band);
      return true;
    default:
      return false;
  }
}

/** AT+NAME=<v>, v not '?' (false when NAME is unknown): OK when applied, AT_PARAM_ERROR when refused. */
function set(m: RakParamHost, name: string, v: string): boolean {
  const r = apply(m, name, v);
  if (r === null) return false;
  if (r) m.ok();
  else m.reply('AT_PARAM_ERROR');
  return true;
}

/**
 * Applies AT+NAME=<v>: true when applied, false when refused (bad value, read-only), null when
 * NAME is unknown. Written without a closure per setting (the set-up before a join makes
 * about eight), each value checked where it is used.
 */
function apply(m: RakParamHost, name: string, v: string): boolean | null {
  const cfg = m.cfg;
  const flash = m.flash;
  switch (name) {
    case 'VER':
    case 'NJS':
    case 'RX2DL':
    case 'RSSI':
    case 'SNR':
      return false; // read-only
    case 'DEVEUI':
      if (!isHex(v, 16)) return false;
      cfg.devEui = v.toUpperCase();
      return true;
    case 'APPEUI':
      if (!isHex(v, 16)) return false;
      cfg.joinEui = v.toUpperCase();
      return true;
    case 'DEVADDR':
      if (!isHex(v, 8)) return false;
      cfg.devAddr = parseInt(v, 16) >>> 0;
      return true;
    case 'APPKEY':
    case 'NWKSKEY':
    case 'APPSKEY': {
      if (!isHex(v, 32)) return false;
      const k = hexToBytes(v); // either case gives the same bytes
      if (name === 'APPKEY') cfg.appKey = k;
      else if (name === 'NWKSKEY') cfg.nwkSKey = k;
      else cfg.appSKey = k;
      return true;
    }
  }
  // the numeric settings
  let min = 0;
  let max = 1;
  switch (name) {
    case 'NJM':
    case 'CFM':
    case 'ADR':
    case 'DCS':
      break;
    case 'DR':
    case 'RX2DR':
      max = 15;
      break;
    case 'TXP':
      max = m.region.maxTxPowerIndex;
      break;
    case 'RETY':
      max = 7;
      break;
    case 'LINKCHECK':
      max = 2;
      break;
    case 'RX1DL':
      min = 1000;
      max = 15000;
      break;
    case 'RX2FQ':
      min = 100000000;
      max = 1000000000;
      break;
    case 'BAND':
      max = 12;
      break;
    default:
      return null;
  }
  const n = decIn(v, min, max);
  if (n === null) return false;
  switch (name) {
    case 'NJM':
      flash.njm = n as 0 | 1;
      cfg.joined = false;
      return true;
    case 'CFM':
      flash.cfm = n === 1;
      return true;
    case 'ADR':
      cfg.adr = n === 1;
      return true;
    case 'DCS':
      cfg.dutyCycle = n === 1;
      return true;
    case 'DR':
      if (!dataRate(m.region, n)) return false;
      cfg.dr = n;
      return true;
    case 'TXP':
      cfg.txPowerIdx = n;
      return true;
    case 'RETY':
      cfg.retx = n;
      return true;
    case 'LINKCHECK':
      flash.linkCheck = n as 0 | 1 | 2;
      return true;
    case 'RX1DL':
      cfg.rx1DelayMs = n;
      return true;
    case 'RX2DR':
      cfg.rx2Dr = n;
      return true;
    case 'RX2FQ':
      cfg.rx2FreqHz = n;
      return true;
    default: {
      // BAND
      const r = BANDS[n] ? regionByName(BANDS[n]!) : null;
      if (!r || m.engine.busy() || m.joining) return false;
      flash.band = n;
      m.region = r;
      // fresh settings keeping the identity (assigned rather than spread: a spread copy can get a
      // hidden class of its own, see rn2483.ts; the keys keep freshConfig's order either way)
      const next = freshConfig(r, cfg.devEui);
      next.joinEui = cfg.joinEui;
      next.appKey = cfg.appKey;
      m.cfg = next;
      m.newEngine();
      return true;
    }
  }
}

function show(m: RakParamHost, name: string, val: string | number): void {
  m.reply(`AT+${name}=${val}`);
  m.ok();
}

export function freshConfig(region: Region, devEui: string): MacConfig {
  return {
    devEui,
    joinEui: '0000000000000000',
    appKey: null,
    devAddr: 0,
    nwkSKey: null,
    appSKey: null,
    dr: 0,
    adr: true,
    txPowerIdx: 0,
    retx: 0,
    rx1DelayMs: 1000,
    rx1DrOffset: 0,
    rx2Dr: region.rx2.dr,
    rx2FreqHz: region.rx2.hz,
    fCntUp: 0,
    fCntDown: 0,
    devNonce: 0,
    joined: false,
    channels: defaultChannels(region, 0),
    maxDCycle: 0,
    dutyCycle: true,
    linkCheck: false,
  };
}
