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
import type { Region } from '../../firmware/lorawan/region.ts';
import { bytesToHex } from '../lorawan/frames.ts';
import { atNameEnd, decIn, hexPayload, precomputeReplies } from './line.ts';
import { createMacEngine, type MacConfig, type MacEngine, type StartResult, type TxOutcome } from './mac-engine.ts';
import { type Flash, freshConfig, param, RAK3172_VERSION } from './rak3172-params.ts';
import { modemState, type ModemEmulator, type ModemEmulatorOptions, type ModemState } from './types.ts';
import { EmulatorBase } from './emulator-base.ts';

export { RAK3172_VERSION };
export const RAK3172_BANNER = ['RAKwireless RAK3172-E Example', '------------------------------------------------------', 'Current Work Mode: LoRaWAN.'];

// the replies of every uplink and of the boot-time set-up, written without a string per reply
precomputeReplies(['OK', '+EVT:TX_DONE', '+EVT:SEND_CONFIRMED_OK', '+EVT:JOINED', 'AT_ERROR', 'AT_PARAM_ERROR', 'AT_BUSY_ERROR', 'AT_NO_NETWORK_JOINED']);

/** An `AT+JOIN` in progress: attempts left, the interval between them, the pending retry. */
interface Joining {
  m: Rak3172;
  left: number;
  intervalMs: number;
  timer: number | null;
}

export function createRak3172(clock: Clock, peer: SerialPeer, opts: ModemEmulatorOptions): ModemEmulator {
  return new Rak3172(clock, peer, opts);
}

// The emulator is a class rather than closures over the module's state: with ten thousand
// emulators their state is rarely in the CPU cache, and an instance is one object to reach
// (its methods are shared) where closures are one each plus a context. It is its own
// line-reader target and serial handlers (onLine, onData, onBreak), and the clock and the
// MAC engine call module functions with it (or its Joining) as the argument.
class Rak3172 extends EmulatorBase implements ModemEmulator {
  readonly opts: ModemEmulatorOptions;
  readonly flash: Flash = { band: 4, njm: 1, cfm: false, linkCheck: 0 };
  region: Region;
  cfg: MacConfig;
  engine!: MacEngine;
  asleep: number | null = null;
  hung = false;
  joining: Joining | null = null;

  constructor(clock: Clock, peer: SerialPeer, opts: ModemEmulatorOptions) {
    super(clock, peer, opts.seed, opts.faults);
    this.opts = opts;
    this.region = regionByName('EU868')!;
    this.cfg = freshConfig(this.region, opts.hwEui.toUpperCase());
    peer.setBaud(115200);
    peer.attach(this);
    this.boot();
  }

  hardwareReset(): void {
    this.hung = false;
    this.clearLine();
    this.boot();
  }
  state(): ModemState {
    return modemState(this.cfg, { asleep: this.asleep !== null, hung: this.hung, busy: this.engine.busy() || this.joining !== null, baud: this.peer.baud() });
  }

  newEngine(): void {
    this.engine = createMacEngine({ clock: this.clock, air: this.opts.air, region: this.region, rng: this.rng, dutyCycleMode: 'subband', defaultDcycle: 0, txLog: this.log }, this.cfg);
  }

  boot(): void {
    if (this.engine) this.engine.abort();
    if (this.asleep !== null) this.clock.cancel(this.asleep);
    if (this.joining?.timer) this.clock.cancel(this.joining.timer);
    this.asleep = null;
    this.joining = null;
    // RAM state is lost; an ABP session is re-activated from flash, an OTAA one is not
    const cfg = this.cfg;
    cfg.joined = this.flash.njm === 0 && !!cfg.nwkSKey && !!cfg.appSKey;
    for (const c of cfg.channels) c.freeAt = 0;
    this.newEngine();
    for (const l of RAK3172_BANNER) this.writeRaw(l);
  }

  reply(s: string): void {
    if (!this.hung) this.writeReply(s);
  }
  ok(): void {
    this.reply('OK');
  }

  /** Maps a refused start to RUI3's replies. */
  refuse(r: StartResult & { ok: false }): void {
    if (r.error === 'no_free_ch') {
      this.reply(`Restricted_Wait_${Math.max(1, Math.ceil(r.waitMs ?? 1000))}_ms`);
      return this.reply('AT_BUSY_ERROR');
    }
    if (r.error === 'busy') return this.reply('AT_BUSY_ERROR');
    if (r.error === 'not_joined') return this.reply('AT_NO_NETWORK_JOINED');
    if (r.error === 'invalid_data_len' || r.error === 'invalid_param') return this.reply('AT_PARAM_ERROR');
    this.reply('AT_ERROR');
  }

  injected(): boolean {
    if (this.fault('busy')) {
      this.reply('AT_BUSY_ERROR');
      return true;
    }
    if (this.fault('no-free-ch')) {
      this.refuse({ ok: false, error: 'no_free_ch', waitMs: 1000 });
      return true;
    }
    return false;
  }

  join(arg: string | undefined): void {
    const cfg = this.cfg;
    const p = arg === undefined ? ['1', '0', '8', '0'] : arg.split(':');
    const start = decIn(p[0], 0, 1);
    const interval = decIn(p[2] ?? '8', 7, 255);
    const attempts = decIn(p[3] ?? '0', 0, 255);
    if (start === null || decIn(p[1] ?? '0', 0, 1) === null || interval === null || attempts === null || p.length > 4) {
      return this.reply('AT_PARAM_ERROR');
    }
    if (start === 0) {
      if (this.joining?.timer) this.clock.cancel(this.joining.timer);
      this.joining = null;
      return this.ok();
    }
    if (this.joining || this.engine.busy()) return this.reply('AT_BUSY_ERROR');
    if (this.injected()) return;
    if (this.flash.njm === 0) {
      cfg.joined = !!cfg.nwkSKey && !!cfg.appSKey;
      this.ok();
      return this.reply(cfg.joined ? '+EVT:JOINED' : '+EVT:JOIN_FAILED_TX_TIMEOUT');
    }
    if (!cfg.appKey) return this.reply('AT_ERROR');
    const wait = this.engine.nextFreeMs(cfg.dr) - this.clock.now();
    if (wait > 0) return this.refuse({ ok: false, error: 'no_free_ch', waitMs: wait });
    this.ok();
    this.joining = { m: this, left: Math.max(1, attempts), intervalMs: interval * 1000, timer: null };
    joinAttempt(this);
  }

  /** `AT+SEND=<arg>`, the argument `cmd` from `from` (none when `from` is the end). */
  send(cmd: string, from: number): void {
    const cfg = this.cfg;
    const flash = this.flash;
    // `<port>:<hex>`: 1-3 digits (decIn checks them), a colon, an even number of hex
    // digits (hexPayload checks those) -- /^(\d{1,3}):([0-9a-fA-F]*)$/ without a regex
    // (nor substrings but the port's)
    const colon = from >= cmd.length ? -1 : cmd.indexOf(':', from) - from;
    const port = colon >= 1 && colon <= 3 ? decIn(cmd.substring(from, from + colon), 1, 223) : null;
    const data = port === null ? null : hexPayload(cmd, from + colon + 1, cmd.length);
    if (port === null || data === null) return this.reply('AT_PARAM_ERROR');
    if (!cfg.joined) return this.reply('AT_NO_NETWORK_JOINED');
    if (this.joining) return this.reply('AT_BUSY_ERROR');
    if (this.injected()) return;
    if (flash.linkCheck !== 0) cfg.linkCheck = true;
    if (flash.linkCheck === 1) flash.linkCheck = 0;
    const confirmed = flash.cfm;
    const r = this.engine.send(confirmed, port, data, confirmed ? sentConfirmed : sentUnconfirmed, this);
    if (!r.ok) return this.refuse(r);
    this.ok();
  }

  /** Tells the end of an `AT+SEND` (`confirmed`: as it was when the send started). */
  sent(o: TxOutcome, confirmed: boolean): void {
    if (o.downlink) {
      const d = o.downlink;
      this.reply(`+EVT:RX_${d.window}:${Math.round(d.rssi)}:${Math.round(d.snr)}:UNICAST:${d.port}:${bytesToHex(d.payload)}`);
    }
    if (o.linkCheck !== undefined) {
      const rx = this.engine.lastRx();
      const l = o.linkCheck;
      this.reply(l ? `+EVT:LINKCHECK:0,${l.margin},${l.gwCnt},${Math.round(rx?.rssi ?? 0)},${Math.round(rx?.snr ?? 0)}` : '+EVT:LINKCHECK:1,0,0,0,0');
    }
    if (!confirmed) this.reply('+EVT:TX_DONE');
    else this.reply(o.delivered ? '+EVT:SEND_CONFIRMED_OK' : '+EVT:SEND_CONFIRMED_FAILED(4)');
  }

  /** A command line from the line reader. */
  onLine(line: string): void {
    if (this.hung || this.asleep !== null) return;
    const cmd = line.trim();
    if (cmd === '') return;
    if (this.fault('hang')) {
      this.hung = true;
      return;
    }
    if (this.fault('reset')) return this.boot();
    // AT, ATZ, ATR in any case: upper-casing never shortens a string, so only short lines can be one
    if (cmd.length <= 3) {
      const up = cmd.toUpperCase();
      if (up === 'AT') return this.ok();
      if (up === 'ATZ') return this.boot();
      if (up === 'ATR') {
        Object.assign(this.flash, { band: 4, njm: 1, cfm: false, linkCheck: 0 });
        this.region = regionByName('EU868')!;
        this.cfg = freshConfig(this.region, this.opts.hwEui.toUpperCase());
        this.newEngine();
        return this.ok();
      }
    }
    const end = atNameEnd(cmd);
    if (end < 0) return this.reply('AT_ERROR');
    // AT+SEND (every uplink; the only name ending at 7 that starts with SEND) without making its name or argument strings
    if (end === 7 && cmd.startsWith('SEND', 3)) return this.send(cmd, end === cmd.length ? end : end + 1);
    const arg = end === cmd.length ? undefined : cmd.substring(end + 1);
    const name = cmd.substring(3, end);
    if (name === 'JOIN') return arg === '?' ? (this.reply(`AT+JOIN=${this.joining ? 1 : 0}:0:8:0`), this.ok()) : this.join(arg);
    if (name === 'SLEEP') {
      const ms = arg === undefined ? 0 : decIn(arg, 1, 4294967295);
      if (ms === null) return this.reply('AT_PARAM_ERROR');
      this.ok();
      this.asleep = ms > 0 ? this.clock.afterCall(ms, sleepEnd, this) : -1; // -1: until UART activity
      return;
    }
    if (arg === undefined || !param(this, name, arg)) this.reply('AT_ERROR');
  }

  /** Serial handler: characters from the device. */
  onData(chunk: string): void {
    if (this.asleep !== null) {
      // UART activity wakes the module; the characters that woke it are lost
      this.clock.cancel(this.asleep);
      this.asleep = null;
      this.clearLine();
      return;
    }
    if (!this.hung) this.pushChars(chunk);
  }

  /** Serial handler: a break on the device's TX line has ended. */
  onBreak(): void {
    this.hung = false;
    this.clearLine();
  }
}

// Functions the clock and the MAC engine call with the emulator or its Joining (shared, no closure per event).

/** Event: the timed sleep of `AT+SLEEP=<ms>` ends. */
function sleepEnd(m: Rak3172): void {
  m.asleep = null;
}
function sentConfirmed(o: TxOutcome, m: Rak3172): void {
  m.sent(o, true);
}
function sentUnconfirmed(o: TxOutcome, m: Rak3172): void {
  m.sent(o, false);
}

/** One join attempt of the `AT+JOIN` in progress (an event, or the first one). */
function joinAttempt(m: Rak3172): void {
  const j = m.joining;
  if (!j) return;
  j.timer = null;
  j.left--;
  const deny = m.fault('deny-join');
  const r = m.engine.join(joinDone, j, deny, m.cfg.devNonce);
  if (r.ok) {
    m.cfg.devNonce = (m.cfg.devNonce + 1) & 0xffff; // persisted before the request leaves
    return;
  }
  // duty cycle or busy at a retry: wait and try again without spending an attempt
  j.left++;
  j.timer = m.clock.afterCall(Math.max(1000, r.waitMs ?? 1000), joinAttempt, m);
}

/** A join attempt ended: JOINED, the next attempt, or JOIN_FAILED. */
function joinDone(accepted: boolean, j: Joining): void {
  const m = j.m;
  if (accepted) {
    m.joining = null;
    return m.reply('+EVT:JOINED');
  }
  if (j.left > 0 && m.joining === j) j.timer = m.clock.afterCall(j.intervalMs, joinAttempt, m);
  else {
    m.joining = null;
    m.reply('+EVT:JOIN_FAILED_TX_TIMEOUT');
  }
}
