// The device-side LoRaWAN 1.0.x MAC shared by the modem emulators: OTAA join,
// uplinks with real frames (frames.ts / lora-packet), 32-bit counters, RX1/RX2
// windows, confirmed-uplink retransmissions, the core MAC commands, pseudo-random
// channel choice (seeded) and the modem's own duty-cycle enforcement. Regional facts
// (channels, data rates, airtime, sub-bands) come from firmware/lorawan/.
import { offTimeMs } from '../../firmware/lorawan/dutycycle.ts';
import {
  channelCount,
  channelFrequency,
  dataRate,
  drTimeOnAir,
  maxAppPayload,
  rx1DataRate,
  rx1Frequency,
  subBandIndex,
  txPowerDbm,
  type Region,
} from '../../firmware/lorawan/region.ts';
import { loraSymbolMs } from '../../firmware/lorawan/airtime.ts';
import { addTx, type AirRx, type Channel, type Listening, type MacConfig, type MacEngine, type MacEngineOptions, type Received, type StartResult, type TxLogEntry, type TxOutcome } from './types.ts';
import { buildDataFrame, buildJoinRequest, decryptJoinAccept, deriveSessionKeys, hexToBytes } from '../lorawan/frames.ts';
import { CID, encodeMacCommands, type MacCommand } from '../lorawan/mac.ts';
import { handleDownlinkMac, openDownlink } from './downlink.ts';

export type { Channel, MacConfig, MacEngine, MacEngineOptions, StartError, StartResult, TxOutcome } from './types.ts';

/**
 * Pure functions of the region, filled on first use and shared by all engines of the region
 * (computed once, and kept in the CPU cache): uplink time on air by data rate (0-15) and
 * PHY length (0-255), NaN until computed; RX window timeout by data rate.
 */
interface RegionTables {
  airtimes: Float64Array;
  rxTimeouts: number[];
}
const regionTables = new WeakMap<Region, RegionTables>();
function tablesOf(region: Region): RegionTables {
  let t = regionTables.get(region);
  if (!t) regionTables.set(region, (t = { airtimes: new Float64Array(16 * 256).fill(NaN), rxTimeouts: [] }));
  return t;
}
function uplinkAirtimeMs(table: Float64Array, region: Region, dr: number, bytes: number): number {
  if (!(dr >= 0 && dr < 16 && (dr | 0) === dr && bytes < 256)) return drTimeOnAir(region, dr, bytes, true);
  const k = dr * 256 + bytes;
  let v = table[k]!;
  if (v !== v) v = table[k] = drTimeOnAir(region, dr, bytes, true); // NaN: not computed yet
  return v;
}

/** Work list of pickChannel (indices of the free channels); one for all engines, so it stays in the CPU cache. */
const freeList: number[] = [];

const JOIN_ACCEPT_DELAY1_MS = 5000;
const NO_FOPTS = new Uint8Array(0);
/** The result of every accepted start (shared: callers only read it). */
const STARTED: StartResult = { ok: true };
// pickChannel's answers besides a channel index
const NO_CHANNEL = -1;
const WAIT = -2;

export function defaultChannels(region: Region, dcycle: number): Channel[] {
  const out: Channel[] = [];
  for (let i = 0; i < channelCount(region); i++) {
    let minDr = 0;
    let maxDr = 0;
    let k = i;
    for (const b of region.channels) {
      if (k < b.count) {
        minDr = b.minDr;
        maxDr = b.maxDr;
        break;
      }
      k -= b.count;
    }
    out.push({ freqHz: channelFrequency(region, i), minDr, maxDr, enabled: true, dcycle, freeAt: 0 });
  }
  return out;
}

export function createMacEngine(o: MacEngineOptions, cfg: MacConfig): MacEngine {
  const { clock, region, rng } = o;
  const txLog = o.txLog;
  const txData = txLog.data;
  const { airtimes, rxTimeouts } = tablesOf(region);
  const bandFreeAt: number[] = region.subBands.map(() => 0);
  let globalFreeAt = 0;
  let radioFreeAt = 0;
  let active = false;
  const timers: number[] = []; // emptied in place (length = 0) when an operation ends
  let generation = 0; // bumps on abort: stale air callbacks are ignored
  let macAnswers: MacCommand[] = [];
  let ackDownlink = false;
  let rxInfo: { rssi: number; snr: number } | null = null;
  let linkInfo: { margin: number; gwCnt: number } | null = null;

  const at = (t: number, fn: () => void): void => {
    timers.push(clock.schedule(t, fn));
  };
  /** `at` with a shared callback and its argument (no closure per event; same event order). */
  const atCall = <T>(t: number, fn: (arg: T) => void, arg: T): void => {
    timers.push(clock.scheduleCall(t, fn, arg));
  };

  const channelFree = (c: Channel, t: number): number => {
    let free = Math.max(globalFreeAt, radioFreeAt);
    if (!cfg.dutyCycle) return free;
    if (o.dutyCycleMode === 'channel') free = Math.max(free, c.freeAt);
    else {
      const b = subBandIndex(region, c.freqHz);
      if (b >= 0) free = Math.max(free, bandFreeAt[b]!);
    }
    return Math.max(free, t);
  };

  /**
   * A free channel at `dr` chosen pseudo-randomly (its index), or NO_CHANNEL when no channel
   * allows `dr`, or WAIT with the wait until one frees up in `pickWaitMs` (a number, not a
   * result object: this runs for every uplink).
   */
  const pickChannel = (dr: number): number => {
    const now = clock.now();
    const chs = cfg.channels;
    let usable = 0;
    let soonest = Infinity;
    freeList.length = 0;
    for (let i = 0; i < chs.length; i++) {
      const c = chs[i]!;
      if (!(c.enabled && dr >= c.minDr && dr <= c.maxDr)) continue;
      usable++;
      const free = channelFree(c, now);
      if (free <= now) freeList.push(i);
      else if (free < soonest) soonest = free;
    }
    if (usable === 0) return NO_CHANNEL;
    if (freeList.length === 0) {
      pickWaitMs = soonest - now;
      return WAIT;
    }
    return freeList[rng() % freeList.length]!;
  };
  let pickWaitMs = 0;

  const nextFreeMs = (dr: number): number => {
    const now = clock.now();
    let soonest = Infinity;
    for (const c of cfg.channels) {
      if (!(c.enabled && dr >= c.minDr && dr <= c.maxDr)) continue;
      const free = channelFree(c, now);
      if (free < soonest) soonest = free;
    }
    return soonest;
  };

  // RX window timeout per data rate: 8 symbols (LoRa), 5 ms (FSK)
  const timeout = (wdr: number): number => {
    let t = rxTimeouts[wdr];
    if (t === undefined) {
      const x = dataRate(region, wdr);
      t = x && x.mod === 'lora' ? 8 * loraSymbolMs(x.sf, x.bwKhz) : 5;
      if (wdr >= 0 && wdr < 64 && wdr === Math.floor(wdr)) rxTimeouts[wdr] = t;
    }
    return t;
  };

  /** Transmits `phy` on channel `ch` and listens in RX1/RX2; `done` gets the first valid downlink. */
  const transmit = (
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
    accept: (dl: AirRx) => boolean,
    done: (dl: Received | null) => void,
  ): void => {
    const c = cfg.channels[ch]!;
    const dr = cfg.dr;
    const d = dataRate(region, dr)!;
    const now = clock.now();
    const airtimeMs = uplinkAirtimeMs(airtimes, region, dr, phy.length);
    const powerDbm = txPowerDbm(region, cfg.txPowerIdx);
    const end = now + airtimeMs;
    addTx(txData, now, c.freqHz, ch, dr, airtimeMs, powerDbm, phy.length, type, counter, retry);
    radioFreeAt = end;
    c.freeAt = now + airtimeMs * (c.dcycle + 1);
    const b = subBandIndex(region, c.freqHz);
    if (b >= 0) bandFreeAt[b] = end + offTimeMs(region.subBands[b]!.dutyCycle, airtimeMs);
    if (cfg.maxDCycle > 0) globalFreeAt = end + offTimeMs(1 / Math.pow(2, cfg.maxDCycle), airtimeMs);

    const w1Open = end + rx1DelayMs;
    const l: Listening = {
      gen: generation,
      w1Open,
      w1Freq: rx1Frequency(region, c.freqHz),
      w1Dr: rx1DataRate(region, dr, rx1Offset, false),
      w2Open: w1Open + 1000,
      w2Freq: rx2FreqHz,
      w2Dr: rx2Dr,
      receiving: 0,
      finished: false,
      rx: null,
      accept,
      done,
    };
    o.air.transmit(
      { phy, freqHz: c.freqHz, dr, sf: d.sf, bwKhz: d.bwKhz, powerDbm, startMs: now, airtimeMs, devEui: cfg.devEui },
      (dl) => heard(l, dl),
    );
    atCall(l.w2Open + timeout(rx2Dr), windowsClosed, l);
  };

  // A transmission's listening, as functions of its Listening record rather than closures
  // made for every transmission: the clock calls the event ones with the record.
  const finish = (l: Listening, r: Received | null): void => {
    if (l.finished || l.gen !== generation) return;
    l.finished = true;
    l.done(r);
  };
  /** A downlink reaches the antenna: received when it matches an open window. */
  const heard = (l: Listening, dl: AirRx): void => {
    if (l.gen !== generation || l.finished || l.receiving) return;
    const t = clock.now();
    let w: 1 | 2 | 0 = 0;
    if (t >= l.w1Open - 1 && t <= l.w1Open + timeout(l.w1Dr) && dl.freqHz === l.w1Freq && dl.dr === l.w1Dr) w = 1;
    else if (t >= l.w2Open - 1 && t <= l.w2Open + timeout(l.w2Dr) && dl.freqHz === l.w2Freq && dl.dr === l.w2Dr) w = 2;
    if (!w) return;
    l.receiving = w;
    l.rx = { ...dl, phy: new Uint8Array(dl.phy) };
    atCall(t + Math.max(0, drTimeOnAir(region, dl.dr, dl.phy.length, false)), receptionEnd, l);
  };
  /** Event: the downlink being received (one at a time) has fully arrived. */
  const receptionEnd = (l: Listening): void => {
    const w = l.receiving as 1 | 2;
    const copy = l.rx!;
    l.receiving = 0;
    if (l.accept(copy)) finish(l, { rx: copy, window: w });
    else if (w === 2) finish(l, null);
  };
  /** Event: RX2 has timed out. */
  const windowsClosed = (l: Listening): void => {
    if (!l.receiving) finish(l, null);
  };

  const engine: MacEngine = {
    cfg,
    txLog,
    busy: () => active,
    nextFreeMs,
    lastRx: () => rxInfo,
    lastLinkCheck: () => linkInfo,
    resetChannels() {
      cfg.channels = defaultChannels(region, o.defaultDcycle);
    },
    abort() {
      for (const id of timers) clock.cancel(id);
      timers.length = 0;
      generation++;
      active = false;
    },
    join(cb, deny, devNonce) {
      if (active) return { ok: false, error: 'busy' };
      if (!cfg.appKey || !hexToBytes(cfg.devEui) || !hexToBytes(cfg.joinEui)) return { ok: false, error: 'keys_not_init' };
      const ch = pickChannel(cfg.dr);
      if (ch === NO_CHANNEL) return { ok: false, error: 'invalid_param' };
      if (ch === WAIT) return { ok: false, error: 'no_free_ch', waitMs: pickWaitMs };
      const appKey = cfg.appKey;
      const phy = buildJoinRequest({ joinEui: hexToBytes(cfg.joinEui)!, devEui: hexToBytes(cfg.devEui)!, devNonce }, appKey);
      active = true;
      cfg.joined = false;
      let accepted: ReturnType<typeof decryptJoinAccept> | null = null;
      transmit(
        phy,
        ch,
        'join',
        devNonce,
        0,
        JOIN_ACCEPT_DELAY1_MS,
        0,
        region.rx2.hz,
        region.rx2.dr,
        (dl) => {
          if (deny) return false;
          accepted = decryptJoinAccept(dl.phy, appKey);
          return accepted.ok;
        },
        (r) => {
          active = false;
          timers.length = 0;
          if (!r || !accepted || !accepted.ok) return cb(false);
          const ja = accepted.value;
          const keys = deriveSessionKeys(appKey, ja.joinNonce, ja.netId, devNonce);
          cfg.devAddr = ja.devAddr;
          cfg.nwkSKey = keys.nwkSKey;
          cfg.appSKey = keys.appSKey;
          cfg.fCntUp = 0;
          cfg.fCntDown = 0;
          cfg.rx1DrOffset = ja.rx1DrOffset;
          cfg.rx2Dr = ja.rx2Dr;
          cfg.rx1DelayMs = Math.max(1, ja.rxDelaySec) * 1000;
          if (ja.cfList && ja.cfList[15] === 0) applyCfList(ja.cfList);
          cfg.joined = true;
          macAnswers = [];
          ackDownlink = false;
          rxInfo = { rssi: r.rx.rssi, snr: r.rx.snr };
          cb(true);
        },
      );
      return STARTED;
    },
    send(confirmed, port, payload, cb) {
      if (active) return { ok: false, error: 'busy' };
      if (!cfg.joined || !cfg.nwkSKey || !cfg.appSKey) return { ok: false, error: 'not_joined' };
      if (port < 1 || port > 223) return { ok: false, error: 'invalid_param' };
      if (cfg.fCntUp > 0xffffffff) return { ok: false, error: 'fcnt_rollover' };
      const link = cfg.linkCheck;
      let fOpts: Uint8Array = NO_FOPTS;
      if (link || macAnswers.length > 0) {
        const all = link ? macAnswers.concat([{ cid: CID.LinkCheck, name: 'LinkCheck', payload: new Uint8Array(0) }]) : macAnswers;
        // whole commands only, as many as fit in the 15 FOpts bytes
        const mac: MacCommand[] = [];
        let len = 0;
        for (const c of all) if (len + 1 + c.payload.length <= 15) (mac.push(c), (len += 1 + c.payload.length));
        if (mac.length > 0) fOpts = encodeMacCommands(mac);
      }
      const max = maxAppPayload(region, cfg.dr, fOpts.length, false);
      if (max < 0 || payload.length > max) return { ok: false, error: 'invalid_data_len' };
      const ch = pickChannel(cfg.dr);
      if (ch === NO_CHANNEL) return { ok: false, error: 'invalid_param' };
      if (ch === WAIT) return { ok: false, error: 'no_free_ch', waitMs: pickWaitMs };
      const fCnt = cfg.fCntUp;
      const keys = { nwkSKey: cfg.nwkSKey, appSKey: cfg.appSKey };
      const phy = buildDataFrame(
        { mType: confirmed ? 4 : 2, devAddr: cfg.devAddr, fCnt, adr: cfg.adr, ack: ackDownlink, fOpts, fPort: port, payload },
        keys,
      );
      cfg.fCntUp = fCnt + 1;
      macAnswers = [];
      ackDownlink = false;
      cfg.linkCheck = false;
      linkInfo = link ? null : linkInfo;
      active = true;
      const attempt = (ch: number, retry: number): void => {
        let opened: ReturnType<typeof openDownlink> = null;
        transmit(
          phy,
          ch,
          confirmed ? 'confirmed' : 'unconfirmed',
          fCnt,
          retry,
          cfg.rx1DelayMs,
          cfg.rx1DrOffset,
          cfg.rx2FreqHz,
          cfg.rx2Dr,
          (dl) => {
            opened = openDownlink(dl.phy, cfg, keys);
            return opened !== null;
          },
          (r) => {
            const dn = r ? opened : null;
            if (r && dn) {
              rxInfo = { rssi: r.rx.rssi, snr: r.rx.snr };
              cfg.fCntDown = (dn.fCnt + 1) >>> 0;
              ackDownlink = dn.mType === 5;
              const res = handleDownlinkMac(dn.mac, cfg, region, r.rx.snr);
              macAnswers = res.answers;
              if (res.linkCheck) linkInfo = res.linkCheck;
            }
            if (confirmed && !(dn && dn.ack) && retry < cfg.retx) {
              // ACK_TIMEOUT 2 s +- 1 s, then the next free channel
              const again = clock.now() + 1000 + (rng() % 2001);
              const retryAt = (): void => {
                const p = pickChannel(cfg.dr);
                if (p >= 0) attempt(p, retry + 1);
                else at(clock.now() + (p === WAIT ? pickWaitMs : 1000), retryAt);
              };
              at(again, retryAt);
              return;
            }
            active = false;
            timers.length = 0;
            const out: TxOutcome = { delivered: !confirmed || !!(dn && dn.ack) };
            if (dn && dn.port !== undefined && dn.port > 0) {
              out.downlink = { port: dn.port, payload: dn.payload, window: r!.window, rssi: r!.rx.rssi, snr: r!.rx.snr };
            }
            if (link) out.linkCheck = linkInfo;
            cb(out);
          },
        );
      };
      attempt(ch, 0);
      return STARTED;
    },
  };

  const applyCfList = (cf: Uint8Array): void => {
    engine.resetChannels();
    for (let i = 0; i < 5; i++) {
      const f = (cf[i * 3]! | (cf[i * 3 + 1]! << 8) | (cf[i * 3 + 2]! << 16)) * 100;
      if (f > 0) cfg.channels.push({ freqHz: f, minDr: 0, maxDr: 5, enabled: true, dcycle: o.defaultDcycle, freeAt: 0 });
    }
  };

  return engine;
}
