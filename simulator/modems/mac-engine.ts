// The device-side LoRaWAN 1.0.x MAC shared by the modem emulators: OTAA join,
// uplinks with real frames (frames.ts / lora-packet), 32-bit counters, RX1/RX2
// windows, confirmed-uplink retransmissions, the core MAC commands, pseudo-random
// channel choice (seeded) and the modem's own duty-cycle enforcement. Regional facts
// (channels, data rates, airtime, sub-bands) come from firmware/lorawan/.
import { offTimeMs } from '../../firmware/lorawan/dutycycle.ts';
import {
  dataRate,
  maxAppPayload,
  rx1DataRate,
  rx1Frequency,
  subBandIndex,
  txPowerDbm,
  type Region,
} from '../../firmware/lorawan/region.ts';
import { loraSymbolMs } from '../../firmware/lorawan/airtime.ts';
import type { Clock } from '../clock.ts';
import { addTx, type Channel, type MacConfig, type MacEngine, type MacEngineOptions, type StartResult, type TxLog, type TxLogEntry, type TxOutcome } from './types.ts';
import { buildDataFrameWith, buildJoinRequest, hexToBytes } from '../lorawan/frames.ts';
import { loraCrypto, type KeyContext } from '../lorawan/crypto.ts';
import { CID, encodeMacCommands, type MacCommand } from '../lorawan/mac.ts';
import { heard, Join, NO_ANSWERS, NO_CHANNEL, Uplink, WAIT, windowsClosed, type Operation } from './mac-ops.ts';
import type { DataFrame } from '../lorawan/frames.ts';
import { NO_BYTES } from '../lorawan/bytes.ts';
import { BAND0, CH_BAND, CH_ENABLED, CH_FIELDS, CH_FREE_AT, CH_MAX_DR, CH_MIN_DR, channelTable, defaultChannels, GLOBAL, NO_TABLE, RADIO, tablesOf, uplinkAirtimeMs } from './mac-tables.ts';

export { defaultChannels };
export type { Channel, MacConfig, MacEngine, MacEngineOptions, StartError, StartResult, TxOutcome } from './types.ts';

/**
 * When the channel whose fields are at `t[k]` (chTable) is free, for pickChannel and nextFreeMs:
 * `base` (the radio and the aggregated duty cycle), then, with the duty cycle on, the channel's
 * (per-channel mode) or its sub-band's off-time (`times`, the engine's freeAt), and not before
 * `now`. Small and monomorphic, so V8 inlines it into both loops.
 */
function channelFreeAt(t: number[], k: number, times: Float64Array, base: number, now: number, dutyCycle: boolean, perChannel: boolean): number {
  if (!dutyCycle) return base;
  let at = base;
  if (perChannel) at = Math.max(at, t[k + CH_FREE_AT]!);
  else {
    const b = t[k + CH_BAND]!;
    if (b >= 0) at = Math.max(at, times[BAND0 + b]!);
  }
  return Math.max(at, now);
}

/** Work list of pickChannel (indices of the free channels); one for all engines, so it stays in the CPU cache. */
const freeList: number[] = [];

const JOIN_ACCEPT_DELAY1_MS = 5000;
/**
 * The frame description `send` gives buildDataFrame, filled in for each frame: one object for
 * all engines rather than one per uplink (buildDataFrame only reads it, and keeps nothing).
 * The same fields as the literal it replaces (no adrAckReq / fPending: they read as absent).
 */
const FRAME: DataFrame = { mType: 2, devAddr: 0, fCnt: 0, adr: false, ack: false, fOpts: NO_BYTES, fPort: 0, payload: NO_BYTES };
/** The result of every accepted start (shared: callers only read it). */
const STARTED: StartResult = { ok: true };

export function createMacEngine(o: MacEngineOptions, cfg: MacConfig): MacEngine {
  return new Engine(o, cfg);
}

// The engine is a class, and the state of an operation (a join, a data uplink with its
// retransmissions) one object with shared methods, rather than ~20 closures per engine
// and several per uplink: with ten thousand engines their state is rarely in the CPU cache,
// and fewer, long-lived objects mean less work for the garbage collector. The fields are
// not `private` because the module's event functions (given to the clock) read them.

export class Engine implements MacEngine {
  cfg: MacConfig;
  readonly txLog: TxLog;
  readonly o: MacEngineOptions;
  readonly clock: Clock;
  /** o.air and o.dutyCycleMode === 'channel', read on every uplink: kept here (one object less to reach). */
  readonly air: MacEngineOptions['air'];
  readonly perChannel: boolean;
  readonly region: Region;
  readonly rng: () => number;
  readonly txData: number[];
  readonly airtimes: Float64Array;
  readonly rxTimeouts: number[];
  /**
   * The engine's "free from" times in one array of doubles (slots GLOBAL, RADIO, then BAND0 + b
   * per sub-band b in 'subband' mode) rather than number fields and a per-band array: fractional
   * numbers in object fields are each a separate boxed heap number, and with ten thousand engines
   * every separate object read on an uplink is a likely cache miss. A Float64Array this small
   * keeps its data on the V8 heap next to it.
   */
  readonly freeAt: Float64Array;
  /**
   * What pickChannel and nextFreeMs read of cfg.channels, in one array of doubles (CH_FIELDS per
   * channel) rather than reaching each channel object (and the boxed heap number of its
   * fractional freeAt) on every uplink: with ten thousand engines each is a likely cache miss.
   * cfg.channels stays the truth: the table is rebuilt from it when it may differ, i.e. when
   * cfg.channels is another array or has another length than at the build (chOf, chLen), or
   * after channelsChanged() (every change of a channel in place: `mac set ch`, downlink MAC
   * commands). transmit writes freeAt to both. (A channel object is never shared by two
   * engines: each emulator's configuration has its own.)
   */
  chTable: number[] = NO_TABLE;
  chOf: Channel[] | null = null;
  chLen = 0;
  active = false;
  /**
   * The operation's clock events (for abort): nTimers, the first in timer0, the rest in moreTimers
   * (made on first need): an uplink without downlink has one and reaches no array.
   */
  nTimers = 0;
  timer0 = 0;
  moreTimers: number[] | null = null;
  /** Bumps on abort: stale air callbacks are ignored. */
  generation = 0;
  macAnswers: MacCommand[] = NO_ANSWERS;
  ackDownlink = false;
  rxInfo: { rssi: number; snr: number } | null = null;
  linkInfo: { margin: number; gwCnt: number } | null = null;
  /** pickChannel's wait when it answers WAIT. */
  pickWaitMs = 0;
  /**
   * The key contexts (crypto.ts: key schedule, CMAC subkeys, memos) of the session keys, and
   * the arrays they were fetched for: fetched at a session's first uplink (sessionContexts) and
   * kept, rather than looked up by key array (a WeakMap probe and a key check) for every frame.
   * The emulators replace cfg's key arrays (join, `mac set`, AT+...KEY) and never write into one,
   * so the array's identity says the context is still the key's.
   */
  nwkKeyOf: Uint8Array | null = null;
  nwkCtx: KeyContext | null = null;
  appKeyOf: Uint8Array | null = null;
  appCtx: KeyContext | null = null;

  constructor(o: MacEngineOptions, cfg: MacConfig) {
    this.cfg = cfg;
    this.o = o;
    this.clock = o.clock;
    this.air = o.air;
    this.perChannel = o.dutyCycleMode === 'channel';
    this.region = o.region;
    this.rng = o.rng;
    this.txLog = o.txLog;
    this.txData = o.txLog.data;
    const t = tablesOf(o.region);
    this.airtimes = t.airtimes;
    this.rxTimeouts = t.rxTimeouts;
    this.freeAt = new Float64Array(this.perChannel ? BAND0 : BAND0 + o.region.subBands.length);
  }

  /** `clock.scheduleCall`, remembering the event for abort. */
  atCall<T>(t: number, fn: (arg: T) => void, arg: T): void {
    const id = this.clock.scheduleCall(t, fn, arg);
    const n = this.nTimers++;
    if (n === 0) this.timer0 = id;
    else (this.moreTimers ??= [])[n - 1] = id;
  }

  /** Marks the channel table stale (a channel of cfg.channels was changed in place). */
  channelsChanged(): void {
    this.chOf = null;
  }

  /** chTable, rebuilt from cfg.channels first when it may be stale. */
  channels(): number[] {
    const chs = this.cfg.channels;
    if (chs === this.chOf && chs.length === this.chLen) return this.chTable;
    const t = channelTable(chs, this.perChannel, this.region);
    this.chTable = t;
    this.chOf = chs;
    this.chLen = chs.length;
    return t;
  }

  /**
   * A free channel at `dr` chosen pseudo-randomly (its index), or NO_CHANNEL when no channel
   * allows `dr`, or WAIT with the wait until one frees up in `pickWaitMs` (a number, not a
   * result object: this runs for every uplink).
   */
  pickChannel(dr: number): number {
    const now = this.clock.now();
    const cfg = this.cfg;
    const t = this.channels();
    const times = this.freeAt;
    const base = Math.max(times[GLOBAL]!, times[RADIO]!);
    const dutyCycle = cfg.dutyCycle;
    const perChannel = this.perChannel;
    const free = freeList;
    let nFree = 0; // freeList's entries [0, nFree) are this call's (no length writes)
    let usable = 0;
    let soonest = Infinity;
    for (let i = 0, k = 0; k < t.length; i++, k += CH_FIELDS) {
      if (!(t[k + CH_ENABLED] === 1 && dr >= t[k + CH_MIN_DR]! && dr <= t[k + CH_MAX_DR]!)) continue;
      usable++;
      const at = channelFreeAt(t, k, times, base, now, dutyCycle, perChannel);
      if (at <= now) free[nFree++] = i;
      else if (at < soonest) soonest = at;
    }
    if (usable === 0) return NO_CHANNEL;
    if (nFree === 0) {
      this.pickWaitMs = soonest - now;
      return WAIT;
    }
    return free[this.rng() % nFree]!;
  }

  nextFreeMs(dr: number): number {
    const now = this.clock.now();
    const t = this.channels();
    const times = this.freeAt;
    const base = Math.max(times[GLOBAL]!, times[RADIO]!);
    const dutyCycle = this.cfg.dutyCycle;
    const perChannel = this.perChannel;
    let soonest = Infinity;
    for (let k = 0; k < t.length; k += CH_FIELDS) {
      if (!(t[k + CH_ENABLED] === 1 && dr >= t[k + CH_MIN_DR]! && dr <= t[k + CH_MAX_DR]!)) continue;
      const free = channelFreeAt(t, k, times, base, now, dutyCycle, perChannel);
      if (free < soonest) soonest = free;
    }
    return soonest;
  }

  /** RX window timeout per data rate: 8 symbols (LoRa), 5 ms (FSK). */
  timeout(wdr: number): number {
    let t = this.rxTimeouts[wdr];
    if (t === undefined) {
      const x = dataRate(this.region, wdr);
      t = x && x.mod === 'lora' ? 8 * loraSymbolMs(x.sf, x.bwKhz) : 5;
      if (wdr >= 0 && wdr < 64 && wdr === Math.floor(wdr)) this.rxTimeouts[wdr] = t;
    }
    return t;
  }

  /** Transmits `phy` on channel `ch` and listens in RX1/RX2; `op` gets the first valid downlink. */
  transmit(
    phy: Uint8Array,
    ch: number,
    type: TxLogEntry['type'],
    /** FCnt of a data frame, DevNonce of a join. */
    counter: number,
    retry: number,
    rx1DelayMs: number,
    rx1Offset: number,
    rx2FreqHz: number,
    rx2Dr: number,
    op: Operation,
  ): void {
    const cfg = this.cfg;
    const region = this.region;
    const c = cfg.channels[ch]!;
    const dr = cfg.dr;
    const d = dataRate(region, dr)!;
    const now = this.clock.now();
    const airtimeMs = uplinkAirtimeMs(this.airtimes, region, dr, phy.length);
    const powerDbm = txPowerDbm(region, cfg.txPowerIdx);
    const end = now + airtimeMs;
    addTx(this.txData, now, c.freqHz, ch, dr, airtimeMs, powerDbm, phy.length, type, counter, retry);
    const times = this.freeAt;
    times[RADIO] = end;
    const chFree = (c.freeAt = now + airtimeMs * (c.dcycle + 1));
    // the table too, when it is current (else its rebuild reads c.freeAt)
    if (this.chOf === cfg.channels && this.chLen === cfg.channels.length) this.chTable[ch * CH_FIELDS + CH_FREE_AT] = chFree;
    if (!this.perChannel) {
      // the sub-band's off-time (only 'subband' mode reads it)
      const b = subBandIndex(region, c.freqHz);
      if (b >= 0) times[BAND0 + b] = end + offTimeMs(region.subBands[b]!.dutyCycle, airtimeMs);
    }
    if (cfg.maxDCycle > 0) times[GLOBAL] = end + offTimeMs(1 / Math.pow(2, cfg.maxDCycle), airtimeMs);

    // the windows, in the operation's record (its first transmission) or a fresh one
    const l = op.listening();
    const w1Open = end + rx1DelayMs;
    l.gen = this.generation;
    l.w1Open = w1Open;
    l.w1Freq = rx1Frequency(region, c.freqHz);
    l.w1Dr = rx1DataRate(region, dr, rx1Offset, false);
    l.w2Open = w1Open + 1000;
    l.w2Freq = rx2FreqHz;
    l.w2Dr = rx2Dr;
    this.air.transmit(
      { phy, freqHz: c.freqHz, dr, sf: d.sf, bwKhz: d.bwKhz, powerDbm, startMs: now, airtimeMs, devEui: cfg.devEui },
      (dl) => heard(l, dl),
    );
    this.atCall(l.w2Open + this.timeout(rx2Dr), windowsClosed, l);
  }

  busy(): boolean {
    return this.active;
  }
  lastRx(): { rssi: number; snr: number } | null {
    return this.rxInfo;
  }
  lastLinkCheck(): { margin: number; gwCnt: number } | null {
    return this.linkInfo;
  }
  resetChannels(): void {
    this.cfg.channels = defaultChannels(this.region, this.o.defaultDcycle);
    this.chOf = null;
  }
  abort(): void {
    const n = this.nTimers;
    if (n > 0) this.clock.cancel(this.timer0);
    for (let i = 0; i < n - 1; i++) this.clock.cancel(this.moreTimers![i]!);
    this.nTimers = 0;
    this.generation++;
    this.active = false;
  }

  join<T>(cb: (accepted: boolean, arg: T) => void, arg: T, deny: boolean, devNonce: number): StartResult {
    const cfg = this.cfg;
    if (this.active) return { ok: false, error: 'busy' };
    // the EUIs' bytes once, for the check and the request (hexToBytes is pure)
    const devEui = hexToBytes(cfg.devEui);
    const joinEui = hexToBytes(cfg.joinEui);
    if (!cfg.appKey || !devEui || !joinEui) return { ok: false, error: 'keys_not_init' };
    const ch = this.pickChannel(cfg.dr);
    if (ch === NO_CHANNEL) return { ok: false, error: 'invalid_param' };
    if (ch === WAIT) return { ok: false, error: 'no_free_ch', waitMs: this.pickWaitMs };
    const appKey = cfg.appKey;
    const phy = buildJoinRequest({ joinEui, devEui, devNonce }, appKey);
    this.active = true;
    cfg.joined = false;
    const op = new Join<T>(this, appKey, deny, devNonce, cb, arg);
    this.transmit(phy, ch, 'join', devNonce, 0, JOIN_ACCEPT_DELAY1_MS, 0, this.region.rx2.hz, this.region.rx2.dr, op);
    return STARTED;
  }

  send<T>(confirmed: boolean, port: number, payload: Uint8Array, cb: (o: TxOutcome, arg: T) => void, arg: T): StartResult {
    const cfg = this.cfg;
    if (this.active) return { ok: false, error: 'busy' };
    if (!cfg.joined || !cfg.nwkSKey || !cfg.appSKey) return { ok: false, error: 'not_joined' };
    if (port < 1 || port > 223) return { ok: false, error: 'invalid_param' };
    if (cfg.fCntUp > 0xffffffff) return { ok: false, error: 'fcnt_rollover' };
    const link = cfg.linkCheck;
    let fOpts: Uint8Array = NO_BYTES;
    if (link || this.macAnswers.length > 0) {
      const all = link ? this.macAnswers.concat([{ cid: CID.LinkCheck, name: 'LinkCheck', payload: new Uint8Array(0) }]) : this.macAnswers;
      // whole commands only, as many as fit in the 15 FOpts bytes
      const mac: MacCommand[] = [];
      let len = 0;
      for (const c of all) if (len + 1 + c.payload.length <= 15) (mac.push(c), (len += 1 + c.payload.length));
      if (mac.length > 0) fOpts = encodeMacCommands(mac);
    }
    const max = maxAppPayload(this.region, cfg.dr, fOpts.length, false);
    if (max < 0 || payload.length > max) return { ok: false, error: 'invalid_data_len' };
    const ch = this.pickChannel(cfg.dr);
    if (ch === NO_CHANNEL) return { ok: false, error: 'invalid_param' };
    if (ch === WAIT) return { ok: false, error: 'no_free_ch', waitMs: this.pickWaitMs };
    const fCnt = cfg.fCntUp;
    if (cfg.nwkSKey !== this.nwkKeyOf || cfg.appSKey !== this.appKeyOf) this.sessionContexts(cfg.nwkSKey, cfg.appSKey);
    const u = new Uplink<T>(this, confirmed, fCnt, this.nwkCtx!, this.appCtx!, link, cb, arg);
    const f = FRAME;
    f.mType = confirmed ? 4 : 2;
    f.devAddr = cfg.devAddr;
    f.fCnt = fCnt;
    f.adr = cfg.adr;
    f.ack = this.ackDownlink;
    f.fOpts = fOpts;
    f.fPort = port;
    f.payload = payload;
    u.phy = buildDataFrameWith(f, u.nwk, u.app);
    f.payload = NO_BYTES; // keep no reference to the caller's bytes
    cfg.fCntUp = fCnt + 1;
    this.macAnswers = NO_ANSWERS;
    this.ackDownlink = false;
    cfg.linkCheck = false;
    this.linkInfo = link ? null : this.linkInfo;
    this.active = true;
    u.attempt(ch, 0);
    return STARTED;
  }

  /** Fetches the contexts of the session keys (16-byte arrays: every key setter makes those). */
  sessionContexts(nwkSKey: Uint8Array, appSKey: Uint8Array): void {
    this.nwkCtx = loraCrypto.keys.get(nwkSKey);
    this.nwkKeyOf = nwkSKey;
    this.appCtx = loraCrypto.keys.get(appSKey);
    this.appKeyOf = appSKey;
  }

  /** The end of an operation (join or uplink) that its callback is told of. */
  ended(): void {
    this.active = false;
    this.nTimers = 0;
  }

  applyCfList(cf: Uint8Array): void {
    this.resetChannels();
    for (let i = 0; i < 5; i++) {
      const f = (cf[i * 3]! | (cf[i * 3 + 1]! << 8) | (cf[i * 3 + 2]! << 16)) * 100;
      if (f > 0) this.cfg.channels.push({ freqHz: f, minDr: 0, maxDr: 5, enabled: true, dcycle: this.o.defaultDcycle, freeAt: 0 });
    }
    // (the channel table is stale: resetChannels cleared chOf, and the array is a new one)
  }
}

