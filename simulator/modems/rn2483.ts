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
import { bytesToHex } from '../lorawan/frames.ts';
import { decIn, hexPayload, macTxSplit, precomputeReplies, words } from './line.ts';
import { DEFAULT_DCYCLE, rnMacGet, rnMacSet } from './rn2483-params.ts';
import { createMacEngine, defaultChannels, type Channel, type MacConfig, type MacEngine, type StartResult, type TxOutcome } from './mac-engine.ts';
import { modemState, type ModemEmulator, type ModemEmulatorOptions, type ModemState } from './types.ts';
import { EmulatorBase } from './emulator-base.ts';

export type { ModemEmulator, ModemState } from './types.ts';

export const RN2483_VERSION = 'RN2483 1.0.5 Oct 31 2018 15:06:52';
const MAX_PAUSE_MS = 4294967245;

// the replies of every uplink and of the boot-time set-up, written without a string per reply
precomputeReplies(['ok', 'mac_tx_ok', 'mac_err', 'accepted', 'denied', 'busy', 'no_free_ch', 'invalid_param', 'not_joined', 'keys_not_init']);
precomputeReplies(Array.from({ length: 16 }, (_, dr) => String(dr)));

export interface Rn2483Options extends ModemEmulatorOptions {
  region?: Region;
}

type Saved = Pick<MacConfig, 'devEui' | 'joinEui' | 'appKey' | 'devAddr' | 'nwkSKey' | 'appSKey' | 'fCntUp' | 'fCntDown' | 'rx2Dr' | 'rx2FreqHz' | 'channels'>;

export function createRn2483(clock: Clock, peer: SerialPeer, opts: Rn2483Options): ModemEmulator {
  return new Rn2483(clock, peer, opts);
}

// Configurations and channels are written as literals, never spread (`{ ...s }`): once V8's
// clone cache for a spread site goes generic, every copy gets a hidden class (map and
// descriptor array, ~0.7 KB) of its own, and every property read of such an object on the
// MAC's paths sees a new map (megamorphic inline caches). A literal shares one map.

/**
 * The persisted part of a configuration (`mac save`), its channels copied with freeAt 0: a whole
 * configuration of the one boot shape, of which a later boot reads only the saved fields.
 */
const copySaved = (s: Saved): MacConfig => bootConfig(s, s.channels.map(freshChannel));

/** The factory settings of the saved part (without channels: bootConfig is given those). */
const factorySaved = (region: Region): Saved => ({
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
  channels: NO_CHANNELS,
});
const NO_CHANNELS: Channel[] = [];

const freshChannel = (c: Channel): Channel => ({ freqHz: c.freqHz, minDr: c.minDr, maxDr: c.maxDr, enabled: c.enabled, dcycle: c.dcycle, freeAt: 0 });

/**
 * The configuration after a boot: the saved part from `s` (its key arrays) with `channels`, the
 * rest at the module's defaults. Keys in the order of the former `{ ...saved, dr, ... }`.
 */
function bootConfig(s: Saved, channels: Channel[]): MacConfig {
  return {
    devEui: s.devEui,
    joinEui: s.joinEui,
    appKey: s.appKey,
    devAddr: s.devAddr,
    nwkSKey: s.nwkSKey,
    appSKey: s.appSKey,
    fCntUp: s.fCntUp,
    fCntDown: s.fCntDown,
    rx2Dr: s.rx2Dr,
    rx2FreqHz: s.rx2FreqHz,
    channels,
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
}

// The emulator is a class rather than closures over the module's state: with ten thousand
// emulators their state is rarely in the CPU cache, and an instance is one object to reach
// (its methods are shared) where closures are one each plus a context. It is its own
// line-reader target and serial handlers (onLine, onData, onBreak), and the clock and the
// MAC engine call module functions with it as the argument.
class Rn2483 extends EmulatorBase implements ModemEmulator {
  readonly air: Rn2483Options['air'];
  readonly region: Region;
  readonly hwEui: string;
  saved: Saved | null = null;
  cfg!: MacConfig;
  engine!: MacEngine;
  booted = false;
  /** Timer id while sleeping. */
  asleep: number | null = null;
  hung = false;
  syncPending = false;
  paused = false;
  linkTimer: number | null = null;
  /** The `mac set linkchk` interval (s) while linkTimer runs. */
  linkSec = 0;

  constructor(clock: Clock, peer: SerialPeer, opts: Rn2483Options) {
    super(clock, peer, opts.seed, opts.faults);
    this.air = opts.air;
    this.region = opts.region ?? EU868;
    this.hwEui = opts.hwEui.toUpperCase();
    peer.setBaud(57600);
    peer.attach(this);
    this.boot();
  }

  hardwareReset(): void {
    this.hung = false;
    this.clearLine();
    this.peer.setBaud(57600);
    this.boot();
  }
  state(): ModemState {
    return modemState(this.cfg, { asleep: this.asleep !== null, hung: this.hung, busy: this.engine.busy(), baud: this.peer.baud() });
  }

  boot(): void {
    const clock = this.clock;
    const region = this.region;
    if (this.booted) this.engine.abort();
    this.booted = true;
    if (this.asleep !== null) clock.cancel(this.asleep);
    if (this.linkTimer !== null) clock.cancel(this.linkTimer);
    this.asleep = null;
    this.linkTimer = null;
    this.paused = false;
    this.syncPending = false;
    const saved = this.saved;
    // a boot keeps the saved part (channels copied with freeAt 0), else the factory settings
    this.cfg = saved ? copySaved(saved) : bootConfig(factorySaved(region), defaultChannels(region, DEFAULT_DCYCLE));
    this.engine = createMacEngine({ clock, air: this.air, region, rng: this.rng, dutyCycleMode: 'channel', defaultDcycle: DEFAULT_DCYCLE, txLog: this.log }, this.cfg);
    this.writeRaw(RN2483_VERSION);
  }

  reply(s: string): void {
    if (!this.hung) this.writeReply(s);
  }

  /** `mac set linkchk <sec>` (called by rnMacSet). */
  armLinkCheck(sec: number): void {
    if (this.linkTimer !== null) this.clock.cancel(this.linkTimer);
    this.linkTimer = null;
    if (sec === 0) return;
    this.cfg.linkCheck = true;
    this.linkSec = sec;
    this.linkTimer = this.clock.afterCall(sec * 1000, linkTick, this);
  }

  /** `mac get status` (called by rnMacGet). */
  status(): number {
    const cfg = this.cfg;
    return (cfg.joined ? 1 : 0) | (this.engine.busy() ? 1 << 1 : 0) | (cfg.adr ? 1 << 5 : 0) | (this.paused ? 1 << 7 : 0) | (this.linkTimer !== null ? 1 << 9 : 0);
  }

  macJoin(mode: string | undefined): void {
    const cfg = this.cfg;
    if (mode !== 'otaa' && mode !== 'abp') return this.reply('invalid_param');
    if (this.paused) return this.reply('mac_paused');
    if (this.fault('busy') || this.engine.busy()) return this.reply('busy');
    if (this.fault('no-free-ch')) return this.reply('no_free_ch');
    if (mode === 'abp') {
      if (!cfg.nwkSKey || !cfg.appSKey) return this.reply('keys_not_init');
      cfg.joined = true;
      this.reply('ok');
      return this.reply('accepted');
    }
    const deny = this.fault('deny-join');
    const err = startError(this.engine.join(joinDone, this, deny, this.rng() & 0xffff));
    this.reply(err ?? 'ok');
  }

  /**
   * `mac tx <cnf|uncnf> <port> [<hex>]`: `type` the third word, `portWord` the fourth, `data` the
   * fifth's bytes (empty when absent, null when not hex), `extra` when more words follow.
   */
  macTx(type: string | undefined, portWord: string | undefined, data: Uint8Array | null, extra: boolean): void {
    const port = decIn(portWord, 1, 223);
    if ((type !== 'cnf' && type !== 'uncnf') || port === null || data === null || extra) return this.reply('invalid_param');
    if (this.paused) return this.reply('mac_paused');
    if (!this.cfg.joined) return this.reply('not_joined');
    if (this.fault('busy')) return this.reply('busy');
    if (this.fault('no-free-ch')) return this.reply('no_free_ch');
    const err = startError(this.engine.send(type === 'cnf', port, data, txDone, this));
    this.reply(err ?? 'ok');
  }

  /**
   * The commands of every uplink without splitting the line into words: `mac get dr`, and
   * `mac tx <cnf|uncnf> <port> <hex>` written with single spaces (what words() would give
   * exactly five words for). False when the line is not one of these (the general path answers).
   */
  uplinkCommand(line: string): boolean {
    if (line === 'mac get dr') {
      this.reply(String(this.cfg.dr));
      return true;
    }
    const sp = macTxSplit(line);
    if (sp < 0) return false;
    const confirmed = line.charCodeAt(7) === 0x63; // 'c'nf, 'u'ncnf
    this.macTx(confirmed ? 'cnf' : 'uncnf', line.substring(confirmed ? 11 : 13, sp), hexPayload(line, sp + 1, line.length), false);
    return true;
  }

  sleep(v: string | undefined): void {
    const ms = decIn(v, 100, 4294967295);
    if (ms === null) return this.reply('invalid_param');
    this.engine.abort();
    this.asleep = this.clock.afterCall(ms, wake, this);
  }

  wake(): void {
    if (this.asleep === null) return;
    this.clock.cancel(this.asleep);
    this.asleep = null;
    this.reply('ok');
  }

  /** A command line from the line reader. */
  onLine(line: string): void {
    if (this.hung || this.asleep !== null) return;
    if (this.fault('hang')) {
      this.hung = true;
      return;
    }
    if (this.fault('reset')) return this.boot();
    if (this.uplinkCommand(line)) return;
    const a = words(line);
    const c0 = a[0];
    const c1 = a[1];
    if (c0 === 'sys') {
      if (c1 === 'get' && a[2] === 'ver') return this.reply(RN2483_VERSION);
      if (c1 === 'get' && a[2] === 'hweui') return this.reply(this.hwEui);
      if (c1 === 'get' && a[2] === 'vdd') return this.reply('3300');
      if (c1 === 'reset' && a.length === 2) return this.boot();
      if (c1 === 'factoryRESET' && a.length === 2) {
        this.saved = null;
        return this.boot();
      }
      if (c1 === 'sleep') return this.sleep(a[2]);
      return this.reply('invalid_param');
    }
    if (c0 === 'mac') {
      const cfg = this.cfg;
      switch (c1) {
        case 'reset':
          if (a[2] !== undefined && a[2] !== '868') return this.reply('invalid_param');
          this.engine.abort();
          Object.assign(cfg, { dr: 5, adr: false, txPowerIdx: 1, retx: 7, rx1DelayMs: 1000, rx1DrOffset: 0, joined: false, fCntUp: 0, fCntDown: 0 });
          cfg.rx2Dr = this.region.rx2.dr;
          cfg.rx2FreqHz = this.region.rx2.hz;
          this.engine.resetChannels();
          return this.reply('ok');
        case 'set': {
          const r = rnMacSet(a, cfg, this);
          if (a[2] === 'ch') this.engine.channelsChanged(); // `mac set ch ...` changes channels in place
          return this.reply(r);
        }
        case 'get':
          return this.reply(rnMacGet(a, cfg, this.engine, this));
        case 'join':
          return this.macJoin(a[2]);
        case 'tx':
          return this.macTx(a[2], a[3], a[4] === undefined ? new Uint8Array(0) : hexPayload(a[4], 0, a[4].length), a.length > 5);
        case 'save':
          this.saved = copySaved(cfg);
          return this.reply('ok');
        case 'forceENABLE':
          return this.reply('ok');
        case 'pause':
          if (this.engine.busy()) return this.reply('0');
          this.paused = true;
          return this.reply(String(MAX_PAUSE_MS));
        case 'resume':
          this.paused = false;
          return this.reply('ok');
        default:
          return this.reply('invalid_param');
      }
    }
    if (c0 === 'radio' && c1 === 'get' && a[2] === 'snr') return this.reply(String(Math.round(this.engine.lastRx()?.snr ?? -128)));
    this.reply('invalid_param');
  }

  /** Serial handler: characters from the device. */
  onData(chunk: string): void {
    if (this.syncPending) {
      // after a break the module measures the 0x55 auto-baud character
      this.syncPending = false;
      if (chunk.charCodeAt(0) === 0x55) chunk = chunk.slice(1);
      this.clearLine();
      if (this.asleep !== null) this.wake();
    }
    if (this.asleep !== null || this.hung) return; // the UART is off while asleep
    this.pushChars(chunk);
  }

  /** Serial handler: a break on the device's TX line has ended. */
  onBreak(): void {
    this.hung = false;
    this.syncPending = true;
    this.peer.autobaud();
  }
}

function startError(r: StartResult): string | null {
  if (r.ok) return null;
  return r.error === 'fcnt_rollover' ? 'frame_counter_err_rejoin_needed' : r.error;
}

// Functions the clock and the MAC engine call with the emulator (shared, no closure per event).
function wake(m: Rn2483): void {
  m.wake();
}
/** The periodic LinkCheck of `mac set linkchk`: asks for one in the next uplink. */
function linkTick(m: Rn2483): void {
  m.cfg.linkCheck = true;
  m.linkTimer = m.clock.afterCall(m.linkSec * 1000, linkTick, m);
}
/** The second reply of `mac join`. */
function joinDone(ok: boolean, m: Rn2483): void {
  m.reply(ok ? 'accepted' : 'denied');
}
/** The second reply of `mac tx`. */
function txDone(o: TxOutcome, m: Rn2483): void {
  if (o.downlink) m.reply(`mac_rx ${o.downlink.port} ${bytesToHex(o.downlink.payload)}`);
  else m.reply(o.delivered ? 'mac_tx_ok' : 'mac_err');
}
