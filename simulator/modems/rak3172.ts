// RAK3172 (RUI3 AT firmware) emulator on the peer end of a virtual UART: 115200
// baud, `AT+CMD=?` queries answered `AT+CMD=<value>` then `OK`, status words
// OK / AT_ERROR / AT_PARAM_ERROR / AT_BUSY_ERROR / AT_NO_NETWORK_JOINED, and the
// asynchronous `+EVT:` lines (RAKwireless RUI3 AT Command Manual; RUI3 service_lora:
// a duty-cycle refusal prints `Restricted_Wait_<ms>_ms` then AT_BUSY_ERROR).
// Settings live in "flash" (survive ATZ); the DevNonce is a persisted counter
// (LoRaMac-node 1.0.4 style); an OTAA session does not survive a reset. Duty cycle
// per sub-band with LoRaMac-node's off-time. Keys are write-only here.
import type { Clock } from '../clock.ts';
import type { SerialPeer } from '../hardware/serial.ts';
import { regionByName } from '../../firmware/lorawan/regions.ts';
import { dataRate, type Region } from '../../firmware/lorawan/region.ts';
import { bytesToHex, hexToBytes } from '../lorawan/frames.ts';
import { createSeededRng } from '../lorawan/rng.ts';
import { atNameEnd, createLineReader, createReplier, decIn, isHex } from './line.ts';
import { createMacEngine, defaultChannels, type MacConfig, type MacEngine, type StartResult } from './mac-engine.ts';
import { createFaultPlan, modemState, type ModemEmulator, type ModemEmulatorOptions, TxLog } from './types.ts';

export const RAK3172_VERSION = 'RUI_4.0.6_RAK3172-E';
export const RAK3172_BANNER = ['RAKwireless RAK3172-E Example', '------------------------------------------------------', 'Current Work Mode: LoRaWAN.'];

/** RUI3 band numbers (AT+BAND) of the regions lorakit has tables for. */
const BANDS: Record<number, string> = { 3: 'IN865', 4: 'EU868', 5: 'US915', 6: 'AU915', 7: 'KR920', 8: 'AS923-1', 9: 'AS923-2', 10: 'AS923-3', 11: 'AS923-4' };

interface Flash {
  band: number;
  njm: 0 | 1;
  cfm: boolean;
  linkCheck: 0 | 1 | 2;
}

export function createRak3172(clock: Clock, peer: SerialPeer, opts: ModemEmulatorOptions): ModemEmulator {
  const rng = createSeededRng(opts.seed);
  const faults = createFaultPlan(opts.faults ?? {}, rng);
  const out = createReplier(peer, faults, rng);
  const txLog = new TxLog();
  const flash: Flash = { band: 4, njm: 1, cfm: false, linkCheck: 0 };
  let region: Region = regionByName('EU868')!;
  let cfg = freshConfig(region, opts.hwEui.toUpperCase());
  let engine!: MacEngine;
  let asleep: number | null = null;
  let hung = false;
  let joining: { left: number; intervalMs: number; timer: number | null } | null = null;

  const newEngine = (): void => {
    engine = createMacEngine({ clock, air: opts.air, region, rng, dutyCycleMode: 'subband', defaultDcycle: 0, txLog }, cfg);
  };

  const boot = (): void => {
    if (engine) engine.abort();
    if (asleep !== null) clock.cancel(asleep);
    if (joining?.timer) clock.cancel(joining.timer);
    asleep = null;
    joining = null;
    // RAM state is lost; an ABP session is re-activated from flash, an OTAA one is not
    cfg.joined = flash.njm === 0 && !!cfg.nwkSKey && !!cfg.appSKey;
    for (const c of cfg.channels) c.freeAt = 0;
    newEngine();
    for (const l of RAK3172_BANNER) out.raw(l);
  };

  const reply = (s: string): void => {
    if (!hung) out.reply(s);
  };
  const ok = (): void => reply('OK');

  /** Maps a refused start to RUI3's replies. */
  const refuse = (r: StartResult & { ok: false }): void => {
    if (r.error === 'no_free_ch') {
      reply(`Restricted_Wait_${Math.max(1, Math.ceil(r.waitMs ?? 1000))}_ms`);
      return reply('AT_BUSY_ERROR');
    }
    if (r.error === 'busy') return reply('AT_BUSY_ERROR');
    if (r.error === 'not_joined') return reply('AT_NO_NETWORK_JOINED');
    if (r.error === 'invalid_data_len' || r.error === 'invalid_param') return reply('AT_PARAM_ERROR');
    reply('AT_ERROR');
  };

  const injected = (): boolean => {
    if (faults.take('busy')) {
      reply('AT_BUSY_ERROR');
      return true;
    }
    if (faults.take('no-free-ch')) {
      refuse({ ok: false, error: 'no_free_ch', waitMs: 1000 });
      return true;
    }
    return false;
  };

  const joinAttempt = (): void => {
    const j = joining;
    if (!j) return;
    j.timer = null;
    j.left--;
    const deny = faults.take('deny-join');
    const r = engine.join(
      (accepted) => {
        if (accepted) {
          joining = null;
          return reply('+EVT:JOINED');
        }
        if (j.left > 0 && joining === j) j.timer = clock.after(j.intervalMs, joinAttempt);
        else {
          joining = null;
          reply('+EVT:JOIN_FAILED_TX_TIMEOUT');
        }
      },
      deny,
      cfg.devNonce,
    );
    if (r.ok) {
      cfg.devNonce = (cfg.devNonce + 1) & 0xffff; // persisted before the request leaves
      return;
    }
    // duty cycle or busy at a retry: wait and try again without spending an attempt
    j.left++;
    j.timer = clock.after(Math.max(1000, r.waitMs ?? 1000), joinAttempt);
  };

  const join = (arg: string | undefined): void => {
    const p = arg === undefined ? ['1', '0', '8', '0'] : arg.split(':');
    const start = decIn(p[0], 0, 1);
    const interval = decIn(p[2] ?? '8', 7, 255);
    const attempts = decIn(p[3] ?? '0', 0, 255);
    if (start === null || decIn(p[1] ?? '0', 0, 1) === null || interval === null || attempts === null || p.length > 4) {
      return reply('AT_PARAM_ERROR');
    }
    if (start === 0) {
      if (joining?.timer) clock.cancel(joining.timer);
      joining = null;
      return ok();
    }
    if (joining || engine.busy()) return reply('AT_BUSY_ERROR');
    if (injected()) return;
    if (flash.njm === 0) {
      cfg.joined = !!cfg.nwkSKey && !!cfg.appSKey;
      ok();
      return reply(cfg.joined ? '+EVT:JOINED' : '+EVT:JOIN_FAILED_TX_TIMEOUT');
    }
    if (!cfg.appKey) return reply('AT_ERROR');
    const wait = engine.nextFreeMs(cfg.dr) - clock.now();
    if (wait > 0) return refuse({ ok: false, error: 'no_free_ch', waitMs: wait });
    ok();
    joining = { left: Math.max(1, attempts), intervalMs: interval * 1000, timer: null };
    joinAttempt();
  };

  const send = (arg: string | undefined): void => {
    // `<port>:<hex>`: 1-3 digits (decIn checks them), a colon, an even number of hex
    // digits (hexToBytes checks those) -- /^(\d{1,3}):([0-9a-fA-F]*)$/ without a regex
    const colon = arg === undefined ? -1 : arg.indexOf(':');
    const port = colon >= 1 && colon <= 3 ? decIn(arg!.substring(0, colon), 1, 223) : null;
    const data = port === null ? null : hexToBytes(arg!.substring(colon + 1));
    if (port === null || data === null) return reply('AT_PARAM_ERROR');
    if (!cfg.joined) return reply('AT_NO_NETWORK_JOINED');
    if (joining) return reply('AT_BUSY_ERROR');
    if (injected()) return;
    if (flash.linkCheck !== 0) cfg.linkCheck = true;
    if (flash.linkCheck === 1) flash.linkCheck = 0;
    const confirmed = flash.cfm;
    const r = engine.send(confirmed, port, data, (o) => {
      if (o.downlink) {
        const d = o.downlink;
        reply(`+EVT:RX_${d.window}:${Math.round(d.rssi)}:${Math.round(d.snr)}:UNICAST:${d.port}:${bytesToHex(d.payload)}`);
      }
      if (o.linkCheck !== undefined) {
        const rx = engine.lastRx();
        const l = o.linkCheck;
        reply(l ? `+EVT:LINKCHECK:0,${l.margin},${l.gwCnt},${Math.round(rx?.rssi ?? 0)},${Math.round(rx?.snr ?? 0)}` : '+EVT:LINKCHECK:1,0,0,0,0');
      }
      if (!confirmed) reply('+EVT:TX_DONE');
      else reply(o.delivered ? '+EVT:SEND_CONFIRMED_OK' : '+EVT:SEND_CONFIRMED_FAILED(4)');
    });
    if (!r.ok) return refuse(r);
    ok();
  };

  /** AT+NAME=? queries and AT+NAME=value settings; false when NAME is unknown. */
  const param = (name: string, v: string): boolean => {
    const q = v === '?';
    const show = (val: string | number): void => {
      reply(`AT+${name}=${val}`);
      ok();
    };
    const setNum = (min: number, max: number, apply: (n: number) => boolean | void): void => {
      const n = decIn(v, min, max);
      if (n === null || apply(n) === false) return reply('AT_PARAM_ERROR');
      ok();
    };
    const setHex = (n: number, apply: (h: string) => void): void => {
      if (!isHex(v, n)) return reply('AT_PARAM_ERROR');
      apply(v.toUpperCase());
      ok();
    };
    switch (name) {
      case 'VER':
        q ? show(RAK3172_VERSION) : reply('AT_PARAM_ERROR');
        return true;
      case 'DEVEUI':
        q ? show(cfg.devEui) : setHex(16, (h) => (cfg.devEui = h));
        return true;
      case 'APPEUI':
        q ? show(cfg.joinEui) : setHex(16, (h) => (cfg.joinEui = h));
        return true;
      case 'DEVADDR':
        q ? show(cfg.devAddr.toString(16).toUpperCase().padStart(8, '0')) : setHex(8, (h) => (cfg.devAddr = parseInt(h, 16) >>> 0));
        return true;
      case 'APPKEY':
      case 'NWKSKEY':
      case 'APPSKEY':
        // write-only in the emulator: a key never leaves the module
        q
          ? reply('AT_ERROR')
          : setHex(32, (h) => {
              const k = hexToBytes(h);
              if (name === 'APPKEY') cfg.appKey = k;
              else if (name === 'NWKSKEY') cfg.nwkSKey = k;
              else cfg.appSKey = k;
            });
        return true;
      case 'NJM':
        q ? show(flash.njm) : setNum(0, 1, (n) => void ((flash.njm = n as 0 | 1), (cfg.joined = false)));
        return true;
      case 'NJS':
        q ? show(cfg.joined ? 1 : 0) : reply('AT_PARAM_ERROR');
        return true;
      case 'CFM':
        q ? show(flash.cfm ? 1 : 0) : setNum(0, 1, (n) => void (flash.cfm = n === 1));
        return true;
      case 'ADR':
        q ? show(cfg.adr ? 1 : 0) : setNum(0, 1, (n) => void (cfg.adr = n === 1));
        return true;
      case 'DCS':
        q ? show(cfg.dutyCycle ? 1 : 0) : setNum(0, 1, (n) => void (cfg.dutyCycle = n === 1));
        return true;
      case 'DR':
        q ? show(cfg.dr) : setNum(0, 15, (n) => (dataRate(region, n) ? void (cfg.dr = n) : false));
        return true;
      case 'TXP':
        q ? show(cfg.txPowerIdx) : setNum(0, region.maxTxPowerIndex, (n) => void (cfg.txPowerIdx = n));
        return true;
      case 'RETY':
        q ? show(cfg.retx) : setNum(0, 7, (n) => void (cfg.retx = n));
        return true;
      case 'LINKCHECK':
        q ? show(flash.linkCheck) : setNum(0, 2, (n) => void (flash.linkCheck = n as 0 | 1 | 2));
        return true;
      case 'RX1DL':
        q ? show(cfg.rx1DelayMs) : setNum(1000, 15000, (n) => void (cfg.rx1DelayMs = n));
        return true;
      case 'RX2DL':
        q ? show(cfg.rx1DelayMs + 1000) : reply('AT_PARAM_ERROR');
        return true;
      case 'RX2DR':
        q ? show(cfg.rx2Dr) : setNum(0, 15, (n) => void (cfg.rx2Dr = n));
        return true;
      case 'RX2FQ':
        q ? show(cfg.rx2FreqHz) : setNum(100000000, 1000000000, (n) => void (cfg.rx2FreqHz = n));
        return true;
      case 'RSSI':
      case 'SNR': {
        const rx = engine.lastRx();
        q ? show(Math.round(rx ? (name === 'RSSI' ? rx.rssi : rx.snr) : 0)) : reply('AT_PARAM_ERROR');
        return true;
      }
      case 'BAND':
        q
          ? show(flash.band)
          : setNum(0, 12, (n) => {
              const r = BANDS[n] ? regionByName(BANDS[n]!) : null;
              if (!r || engine.busy() || joining) return false;
              flash.band = n;
              region = r;
              const keep = cfg;
              cfg = { ...freshConfig(r, keep.devEui), devEui: keep.devEui, joinEui: keep.joinEui, appKey: keep.appKey };
              newEngine();
            });
        return true;
      default:
        return false;
    }
  };

  const onLine = (line: string): void => {
    if (hung || asleep !== null) return;
    const cmd = line.trim();
    if (cmd === '') return;
    if (faults.take('hang')) {
      hung = true;
      return;
    }
    if (faults.take('reset')) return boot();
    // AT, ATZ, ATR in any case: upper-casing never shortens a string, so only short lines can be one
    if (cmd.length <= 3) {
      const up = cmd.toUpperCase();
      if (up === 'AT') return ok();
      if (up === 'ATZ') return boot();
      if (up === 'ATR') {
        Object.assign(flash, { band: 4, njm: 1, cfm: false, linkCheck: 0 });
        region = regionByName('EU868')!;
        cfg = freshConfig(region, opts.hwEui.toUpperCase());
        newEngine();
        return ok();
      }
    }
    const end = atNameEnd(cmd);
    if (end < 0) return reply('AT_ERROR');
    const name = cmd.substring(3, end);
    const arg = end === cmd.length ? undefined : cmd.substring(end + 1);
    if (name === 'JOIN') return arg === '?' ? (reply(`AT+JOIN=${joining ? 1 : 0}:0:8:0`), ok()) : join(arg);
    if (name === 'SEND') return send(arg);
    if (name === 'SLEEP') {
      const ms = arg === undefined ? 0 : decIn(arg, 1, 4294967295);
      if (ms === null) return reply('AT_PARAM_ERROR');
      ok();
      asleep = ms > 0 ? clock.after(ms, () => (asleep = null)) : -1; // -1: until UART activity
      return;
    }
    if (arg === undefined || !param(name, arg)) reply('AT_ERROR');
  };

  const reader = createLineReader(onLine);
  peer.setBaud(115200);
  peer.attach({
    onData(chunk) {
      if (asleep !== null) {
        // UART activity wakes the module; the characters that woke it are lost
        clock.cancel(asleep);
        asleep = null;
        reader.clear();
        return;
      }
      if (!hung) reader.push(chunk);
    },
    onBreak() {
      hung = false;
      reader.clear();
    },
  });
  boot();

  return {
    log: txLog,
    get txLog() {
      return txLog.entries();
    },
    inject: (k) => faults.inject(k),
    hardwareReset() {
      hung = false;
      reader.clear();
      boot();
    },
    state: () => modemState(cfg, { asleep: asleep !== null, hung, busy: engine.busy() || joining !== null, baud: peer.baud() }),
  };
}

function freshConfig(region: Region, devEui: string): MacConfig {
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
