// Microchip RN2483 emulator on the peer end of a virtual UART: 57600 baud, CRLF
// lines, the `sys` / `mac` / `radio` command subset documented in docs/MODEMS.md
// (RN2483 LoRa Technology Module Command Reference User's Guide, DS40001784).
// Two-stage replies for `mac join` and `mac tx`, `mac save` persistence across
// `sys reset`, per-channel duty-cycle prescalers (-> no_free_ch), random DevNonce,
// sleep with wake by timer or break + 0x55 (auto-baud). Keys are write-only.
import type { Clock } from '../clock.ts';
import type { SerialPeer } from '../hardware/serial.ts';
import { EU868 } from '../../firmware/lorawan/regions/eu868.ts';
import type { Region } from '../../firmware/lorawan/region.ts';
import { bytesToHex, hexToBytes } from '../lorawan/frames.ts';
import { createSeededRng } from '../lorawan/rng.ts';
import { createLineReader, createReplier, decIn, words } from './line.ts';
import { DEFAULT_DCYCLE, rnMacGet, rnMacSet } from './rn2483-params.ts';
import { createMacEngine, defaultChannels, type MacConfig, type MacEngine, type StartResult, type TxOutcome } from './mac-engine.ts';
import { createFaultPlan, modemState, type ModemEmulator, type ModemEmulatorOptions, TxLog } from './types.ts';

export type { ModemEmulator, ModemState } from './types.ts';

export const RN2483_VERSION = 'RN2483 1.0.5 Oct 31 2018 15:06:52';
const MAX_PAUSE_MS = 4294967245;

export interface Rn2483Options extends ModemEmulatorOptions {
  region?: Region;
}

type Saved = Pick<MacConfig, 'devEui' | 'joinEui' | 'appKey' | 'devAddr' | 'nwkSKey' | 'appSKey' | 'fCntUp' | 'fCntDown' | 'rx2Dr' | 'rx2FreqHz' | 'channels'>;

export function createRn2483(clock: Clock, peer: SerialPeer, opts: Rn2483Options): ModemEmulator {
  const region = opts.region ?? EU868;
  const rng = createSeededRng(opts.seed);
  const faults = createFaultPlan(opts.faults ?? {}, rng);
  const out = createReplier(peer, faults, rng);
  const hwEui = opts.hwEui.toUpperCase();
  const txLog = new TxLog();
  let saved: Saved | null = null;
  let cfg!: MacConfig;
  let engine!: MacEngine;
  let booted = false;
  let asleep: number | null = null; // timer id while sleeping
  let hung = false;
  let syncPending = false;
  let paused = false;
  let linkTimer: number | null = null;

  const copy = (s: Saved): Saved => ({ ...s, channels: s.channels.map((c) => ({ ...c, freeAt: 0 })) });

  const boot = (): void => {
    if (booted) engine.abort();
    booted = true;
    if (asleep !== null) clock.cancel(asleep);
    if (linkTimer !== null) clock.cancel(linkTimer);
    asleep = null;
    linkTimer = null;
    paused = false;
    syncPending = false;
    const base: Saved = saved
      ? copy(saved)
      : {
          devEui: '0000000000000000',
          joinEui: '0000000000000000',
          appKey: null,
          devAddr: 0,
          nwkSKey: null,
          appSKey: null,
          fCntUp: 0,
          fCntDown: 0,
          rx2Dr: region.rx2.dr,
          rx2FreqHz: region.rx2.hz,
          channels: defaultChannels(region, DEFAULT_DCYCLE),
        };
    cfg = {
      ...base,
      dr: 5,
      adr: false,
      txPowerIdx: 1,
      retx: 7,
      rx1DelayMs: 1000,
      rx1DrOffset: 0,
      devNonce: 0,
      joined: false,
      maxDCycle: 0,
      dutyCycle: true,
      linkCheck: false,
    };
    engine = createMacEngine({ clock, air: opts.air, region, rng, dutyCycleMode: 'channel', defaultDcycle: DEFAULT_DCYCLE, txLog }, cfg);
    out.raw(RN2483_VERSION);
  };

  const reply = (s: string): void => {
    if (!hung) out.reply(s);
  };

  const startError = (r: StartResult): string | null => {
    if (r.ok) return null;
    return r.error === 'fcnt_rollover' ? 'frame_counter_err_rejoin_needed' : r.error;
  };

  const armLinkCheck = (sec: number): void => {
    if (linkTimer !== null) clock.cancel(linkTimer);
    linkTimer = null;
    if (sec === 0) return;
    cfg.linkCheck = true;
    const tick = (): void => {
      cfg.linkCheck = true;
      linkTimer = clock.after(sec * 1000, tick);
    };
    linkTimer = clock.after(sec * 1000, tick);
  };

  const status = (): number =>
    (cfg.joined ? 1 : 0) | (engine.busy() ? 1 << 1 : 0) | (cfg.adr ? 1 << 5 : 0) | (paused ? 1 << 7 : 0) | (linkTimer !== null ? 1 << 9 : 0);

  const macJoin = (mode: string | undefined): void => {
    if (mode !== 'otaa' && mode !== 'abp') return reply('invalid_param');
    if (paused) return reply('mac_paused');
    if (faults.take('busy') || engine.busy()) return reply('busy');
    if (faults.take('no-free-ch')) return reply('no_free_ch');
    if (mode === 'abp') {
      if (!cfg.nwkSKey || !cfg.appSKey) return reply('keys_not_init');
      cfg.joined = true;
      reply('ok');
      return reply('accepted');
    }
    const deny = faults.take('deny-join');
    const err = startError(engine.join((ok) => reply(ok ? 'accepted' : 'denied'), deny, rng() & 0xffff));
    reply(err ?? 'ok');
  };

  // the second reply of `mac tx` (one function for every uplink: it needs nothing from the command)
  const txDone = (o: TxOutcome): void => {
    if (o.downlink) reply(`mac_rx ${o.downlink.port} ${bytesToHex(o.downlink.payload)}`);
    else reply(o.delivered ? 'mac_tx_ok' : 'mac_err');
  };

  /** `mac tx <cnf|uncnf> <port> [<hex>]`; `a` holds the command's words. */
  const macTx = (a: string[]): void => {
    const port = decIn(a[3], 1, 223);
    const data = a[4] === undefined ? new Uint8Array(0) : hexToBytes(a[4]);
    if ((a[2] !== 'cnf' && a[2] !== 'uncnf') || port === null || data === null || a.length > 5) return reply('invalid_param');
    if (paused) return reply('mac_paused');
    if (!cfg.joined) return reply('not_joined');
    if (faults.take('busy')) return reply('busy');
    if (faults.take('no-free-ch')) return reply('no_free_ch');
    const err = startError(engine.send(a[2] === 'cnf', port, data, txDone));
    reply(err ?? 'ok');
  };

  const sleep = (v: string | undefined): void => {
    const ms = decIn(v, 100, 4294967295);
    if (ms === null) return reply('invalid_param');
    engine.abort();
    asleep = clock.after(ms, wake);
  };

  const wake = (): void => {
    if (asleep === null) return;
    clock.cancel(asleep);
    asleep = null;
    reply('ok');
  };

  const onLine = (line: string): void => {
    if (hung || asleep !== null) return;
    if (faults.take('hang')) {
      hung = true;
      return;
    }
    if (faults.take('reset')) return boot();
    const a = words(line);
    const c0 = a[0];
    const c1 = a[1];
    if (c0 === 'sys') {
      if (c1 === 'get' && a[2] === 'ver') return reply(RN2483_VERSION);
      if (c1 === 'get' && a[2] === 'hweui') return reply(hwEui);
      if (c1 === 'get' && a[2] === 'vdd') return reply('3300');
      if (c1 === 'reset' && a.length === 2) return boot();
      if (c1 === 'factoryRESET' && a.length === 2) {
        saved = null;
        return boot();
      }
      if (c1 === 'sleep') return sleep(a[2]);
      return reply('invalid_param');
    }
    if (c0 === 'mac') {
      switch (c1) {
        case 'reset':
          if (a[2] !== undefined && a[2] !== '868') return reply('invalid_param');
          engine.abort();
          Object.assign(cfg, { dr: 5, adr: false, txPowerIdx: 1, retx: 7, rx1DelayMs: 1000, rx1DrOffset: 0, joined: false, fCntUp: 0, fCntDown: 0 });
          cfg.rx2Dr = region.rx2.dr;
          cfg.rx2FreqHz = region.rx2.hz;
          engine.resetChannels();
          return reply('ok');
        case 'set':
          return reply(rnMacSet(a, cfg, armLinkCheck));
        case 'get':
          return reply(rnMacGet(a, cfg, engine, status));
        case 'join':
          return macJoin(a[2]);
        case 'tx':
          return macTx(a);
        case 'save':
          saved = copy(cfg);
          return reply('ok');
        case 'forceENABLE':
          return reply('ok');
        case 'pause':
          if (engine.busy()) return reply('0');
          paused = true;
          return reply(String(MAX_PAUSE_MS));
        case 'resume':
          paused = false;
          return reply('ok');
        default:
          return reply('invalid_param');
      }
    }
    if (c0 === 'radio' && c1 === 'get' && a[2] === 'snr') return reply(String(Math.round(engine.lastRx()?.snr ?? -128)));
    reply('invalid_param');
  };

  const reader = createLineReader(onLine);
  peer.setBaud(57600);
  peer.attach({
    onData(chunk) {
      if (syncPending) {
        // after a break the module measures the 0x55 auto-baud character
        syncPending = false;
        if (chunk.charCodeAt(0) === 0x55) chunk = chunk.slice(1);
        reader.clear();
        if (asleep !== null) wake();
      }
      if (asleep !== null || hung) return; // the UART is off while asleep
      reader.push(chunk);
    },
    onBreak() {
      hung = false;
      syncPending = true;
      peer.autobaud();
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
      peer.setBaud(57600);
      boot();
    },
    state: () => modemState(cfg, { asleep: asleep !== null, hung, busy: engine.busy(), baud: peer.baud() }),
  };
}
