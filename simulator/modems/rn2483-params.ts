// RN2483 `mac set` / `mac get` parameters (Command Reference DS40001784 §2.4.9-2.4.10).
// Keys are write-only: `mac get appkey|nwkskey|appskey` answer invalid_param.
import { hexToBytes } from '../lorawan/frames.ts';
import { decIn, isHex } from './line.ts';
import type { MacConfig, MacEngine } from './mac-engine.ts';

/** RN2483 default channel prescaler: 0.33 % per default channel, 1 % over the three. */
export const DEFAULT_DCYCLE = 302;

const hexKey = (v: string | undefined, n: number): Uint8Array | null => (v !== undefined && isHex(v, n) ? hexToBytes(v) : null);

/** `a`: the command's words, `mac set <param> <value>...` (indices from 2 on are read). */
/** `owner.armLinkCheck` is called for `mac set linkchk` (the emulator passes itself). */
export function rnMacSet(a: string[], cfg: MacConfig, owner: { armLinkCheck(sec: number): void }): string {
  const p = a[2];
  const v = a[3];
  const w = a[4];
  switch (p) {
    case 'deveui':
    case 'appeui':
      if (!v || !isHex(v, 16)) return 'invalid_param';
      if (p === 'deveui') cfg.devEui = v.toUpperCase();
      else cfg.joinEui = v.toUpperCase();
      return 'ok';
    case 'appkey':
    case 'nwkskey':
    case 'appskey': {
      const k = hexKey(v, 32);
      if (!k) return 'invalid_param';
      if (p === 'appkey') cfg.appKey = k;
      else if (p === 'nwkskey') cfg.nwkSKey = k;
      else cfg.appSKey = k;
      return 'ok';
    }
    case 'devaddr':
      if (!v || !isHex(v, 8)) return 'invalid_param';
      cfg.devAddr = parseInt(v, 16) >>> 0;
      return 'ok';
    case 'adr':
    case 'ar':
      if (v !== 'on' && v !== 'off') return 'invalid_param';
      if (p === 'adr') cfg.adr = v === 'on';
      return 'ok';
    case 'dr': {
      const n = decIn(v, 0, 7);
      if (n === null || !cfg.channels.some((c) => c.enabled && n >= c.minDr && n <= c.maxDr)) return 'invalid_param';
      cfg.dr = n;
      return 'ok';
    }
    case 'pwridx': {
      const n = decIn(v, 1, 5);
      if (n === null) return 'invalid_param';
      cfg.txPowerIdx = n;
      return 'ok';
    }
    case 'retx':
    case 'rxdelay1':
    case 'linkchk':
    case 'upctr':
    case 'dnctr':
    case 'bat': {
      const max = p === 'retx' || p === 'bat' ? 255 : p === 'upctr' || p === 'dnctr' ? 4294967295 : 65535;
      const n = decIn(v, 0, max);
      if (n === null) return 'invalid_param';
      if (p === 'retx') cfg.retx = n;
      else if (p === 'rxdelay1') cfg.rx1DelayMs = n;
      else if (p === 'upctr') cfg.fCntUp = n;
      else if (p === 'dnctr') cfg.fCntDown = n;
      else if (p === 'linkchk') owner.armLinkCheck(n);
      return 'ok';
    }
    case 'rx2': {
      const dr = decIn(v, 0, 7);
      const f = decIn(w, 863000000, 870000000);
      if (dr === null || f === null) return 'invalid_param';
      cfg.rx2Dr = dr;
      cfg.rx2FreqHz = f;
      return 'ok';
    }
    case 'ch':
      return chSet(a.slice(3), cfg);
    case 'sync':
      return v && isHex(v, 2) ? 'ok' : 'invalid_param';
    default:
      return 'invalid_param';
  }
}

function chSet(a: string[], cfg: MacConfig): string {
  const id = decIn(a[1], 0, 15);
  if (id === null || (id < 3 && a[0] === 'freq')) return 'invalid_param';
  while (cfg.channels.length <= id) cfg.channels.push({ freqHz: 0, minDr: 0, maxDr: 5, enabled: false, dcycle: DEFAULT_DCYCLE, freeAt: 0 });
  const ch = cfg.channels[id]!;
  if (a[0] === 'freq') {
    const f = decIn(a[2], 863000000, 870000000);
    if (f === null) return 'invalid_param';
    ch.freqHz = f;
  } else if (a[0] === 'dcycle') {
    const n = decIn(a[2], 0, 65535);
    if (n === null) return 'invalid_param';
    ch.dcycle = n;
  } else if (a[0] === 'drrange') {
    const lo = decIn(a[2], 0, 7);
    const hi = decIn(a[3], 0, 7);
    if (lo === null || hi === null || lo > hi) return 'invalid_param';
    ch.minDr = lo;
    ch.maxDr = hi;
  } else if (a[0] === 'status') {
    if ((a[2] !== 'on' && a[2] !== 'off') || (a[2] === 'on' && ch.freqHz === 0)) return 'invalid_param';
    ch.enabled = a[2] === 'on';
  } else return 'invalid_param';
  return 'ok';
}

/** `a`: the command's words, `mac get <param>...` (indices from 2 on are read). */
/** `owner.status()` is called only for `mac get status` (it reads module state the other parameters don't need). */
export function rnMacGet(a: string[], cfg: MacConfig, engine: MacEngine, owner: { status(): number }): string {
  switch (a[2]) {
    case 'deveui':
      return cfg.devEui;
    case 'appeui':
      return cfg.joinEui;
    case 'devaddr':
      return cfg.devAddr.toString(16).toUpperCase().padStart(8, '0');
    case 'dr':
      return String(cfg.dr);
    case 'band':
      return '868';
    case 'pwridx':
      return String(cfg.txPowerIdx);
    case 'adr':
      return cfg.adr ? 'on' : 'off';
    case 'ar':
      return 'off';
    case 'retx':
      return String(cfg.retx);
    case 'rxdelay1':
      return String(cfg.rx1DelayMs);
    case 'rxdelay2':
      return String(cfg.rx1DelayMs + 1000);
    case 'rx2':
      return `${cfg.rx2Dr} ${cfg.rx2FreqHz}`;
    case 'upctr':
      return String(cfg.fCntUp);
    case 'dnctr':
      return String(cfg.fCntDown);
    case 'status':
      return owner.status().toString(16).toUpperCase().padStart(8, '0');
    case 'dcycleps':
      return String(Math.pow(2, cfg.maxDCycle));
    case 'mrgn':
      return String(engine.lastLinkCheck()?.margin ?? 255);
    case 'gwnb':
      return String(engine.lastLinkCheck()?.gwCnt ?? 0);
    case 'sync':
      return '34';
    case 'ch': {
      const c = cfg.channels[decIn(a[4], 0, 15) ?? 99];
      if (!c) return 'invalid_param';
      if (a[3] === 'freq') return String(c.freqHz);
      if (a[3] === 'dcycle') return String(c.dcycle);
      if (a[3] === 'drrange') return `${c.minDr} ${c.maxDr}`;
      if (a[3] === 'status') return c.enabled ? 'on' : 'off';
      return 'invalid_param';
    }
    default:
      return 'invalid_param'; // includes appkey / nwkskey / appskey: write-only
  }
}
