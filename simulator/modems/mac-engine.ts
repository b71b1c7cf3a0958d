// The device-side LoRaWAN 1.0.x MAC shared by the modem emulators: OTAA join,
// uplinks with real frames (frames.ts / lora-packet), 32-bit counters, RX1/RX2
// windows, confirmed-uplink retransmissions, the core MAC commands, pseudo-random
// channel choice (seeded) and the modem's own duty-cycle enforcement. Regional facts
// (channels, data rates, airtime, sub-bands) come from firmware/lorawan/.
import type { Clock } from '../clock.ts';
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
import type { Air, AirRx, TxLogEntry } from './types.ts';
import { buildDataFrame, buildJoinRequest, decryptJoinAccept, deriveSessionKeys, hexToBytes } from '../lorawan/frames.ts';
import { CID, encodeMacCommands, type MacCommand } from '../lorawan/mac.ts';
import { handleDownlinkMac, openDownlink } from './downlink.ts';

export interface Channel {
  freqHz: number;
  minDr: number;
  maxDr: number;
  enabled: boolean;
  /** RN2483-style duty-cycle prescaler: this channel may be used 1/(dcycle+1) of the time. */
  dcycle: number;
  /** The channel (per-channel mode) may transmit again from this time. */
  freeAt: number;
}

export interface MacConfig {
  devEui: string;
  joinEui: string;
  appKey: Uint8Array | null;
  devAddr: number;
  nwkSKey: Uint8Array | null;
  appSKey: Uint8Array | null;
  dr: number;
  adr: boolean;
  txPowerIdx: number;
  /** Retransmissions of a confirmed uplink without ACK. */
  retx: number;
  rx1DelayMs: number;
  rx1DrOffset: number;
  rx2Dr: number;
  rx2FreqHz: number;
  fCntUp: number;
  fCntDown: number;
  /** Next DevNonce for counter-based modems (LoRaWAN 1.0.4 style). */
  devNonce: number;
  joined: boolean;
  channels: Channel[];
  /** Aggregated duty cycle 1/2^maxDCycle set by DutyCycleReq (0 = none). */
  maxDCycle: number;
  /** Duty-cycle enforcement on (RN2483 always; RUI3 AT+DCS). */
  dutyCycle: boolean;
  /** Ask for a LinkCheck in the next uplink. */
  linkCheck: boolean;
}

export type StartError = 'busy' | 'no_free_ch' | 'not_joined' | 'keys_not_init' | 'invalid_data_len' | 'fcnt_rollover' | 'invalid_param';
export type StartResult = { ok: true } | { ok: false; error: StartError; waitMs?: number };

export interface TxOutcome {
  /** False only for a confirmed uplink that got no ACK after all retransmissions. */
  delivered: boolean;
  downlink?: { port: number; payload: Uint8Array; window: 1 | 2; rssi: number; snr: number };
  /** Set when the uplink carried a LinkCheckReq: the answer, or null when none came. */
  linkCheck?: { margin: number; gwCnt: number } | null;
}

export interface MacEngineOptions {
  clock: Clock;
  air: Air;
  region: Region;
  rng: () => number;
  /** 'channel': RN2483 per-channel prescalers; 'subband': LoRaMac-node per-band off-time. */
  dutyCycleMode: 'channel' | 'subband';
  /** RN2483 default channel prescaler (302 -> 0.33 % per channel). */
  defaultDcycle: number;
  /** Where transmissions are logged (kept by the emulator across reboots). */
  txLog: TxLogEntry[];
}

export interface MacEngine {
  cfg: MacConfig;
  readonly txLog: TxLogEntry[];
  busy(): boolean;
  join(cb: (accepted: boolean) => void, deny: boolean, devNonce: number): StartResult;
  send(confirmed: boolean, port: number, payload: Uint8Array, cb: (o: TxOutcome) => void): StartResult;
  /** Cancels the operation in progress (reset, sleep): its callback never fires. */
  abort(): void;
  /** Earliest time any channel usable at `dr` is free (duty cycle). */
  nextFreeMs(dr: number): number;
  resetChannels(): void;
  lastRx(): { rssi: number; snr: number } | null;
  lastLinkCheck(): { margin: number; gwCnt: number } | null;
}

const JOIN_ACCEPT_DELAY1_MS = 5000;
const NO_FOPTS = new Uint8Array(0);

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
  const bandFreeAt: number[] = region.subBands.map(() => 0);
  let globalFreeAt = 0;
  let radioFreeAt = 0;
  let active = false;
  let timers: number[] = [];
  let generation = 0; // bumps on abort: stale air callbacks are ignored
  let macAnswers: MacCommand[] = [];
  let ackDownlink = false;
  let rxInfo: { rssi: number; snr: number } | null = null;
  let linkInfo: { margin: number; gwCnt: number } | null = null;

  const at = (t: number, fn: () => void): void => {
    timers.push(clock.schedule(t, fn));
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

  // work list of pickChannel (indices of the free channels)
  const freeList: number[] = [];

  /** A free channel at `dr` chosen pseudo-randomly, or the wait until one frees up. */
  const pickChannel = (dr: number): { ch: number } | { waitMs: number } | null => {
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
    if (usable === 0) return null;
    if (freeList.length === 0) return { waitMs: soonest - now };
    return { ch: freeList[rng() % freeList.length]! };
  };

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
  const rxTimeouts: number[] = [];
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
    rx2: { freqHz: number; dr: number },
    accept: (dl: AirRx) => boolean,
    done: (dl: { rx: AirRx; window: 1 | 2 } | null) => void,
  ): void => {
    const c = cfg.channels[ch]!;
    const dr = cfg.dr;
    const d = dataRate(region, dr)!;
    const now = clock.now();
    const airtimeMs = drTimeOnAir(region, dr, phy.length, true);
    const powerDbm = txPowerDbm(region, cfg.txPowerIdx);
    const end = now + airtimeMs;
    txLog.push(
      type === 'join'
        ? { timeMs: now, freqHz: c.freqHz, channel: ch, dr, airtimeMs, powerDbm, bytes: phy.length, type, devNonce: counter, retry }
        : { timeMs: now, freqHz: c.freqHz, channel: ch, dr, airtimeMs, powerDbm, bytes: phy.length, type, fCnt: counter, retry },
    );
    radioFreeAt = end;
    c.freeAt = now + airtimeMs * (c.dcycle + 1);
    const b = subBandIndex(region, c.freqHz);
    if (b >= 0) bandFreeAt[b] = end + offTimeMs(region.subBands[b]!.dutyCycle, airtimeMs);
    if (cfg.maxDCycle > 0) globalFreeAt = end + offTimeMs(1 / Math.pow(2, cfg.maxDCycle), airtimeMs);

    const w1Open = end + rx1DelayMs;
    const w1Freq = rx1Frequency(region, c.freqHz);
    const w1Dr = rx1DataRate(region, dr, rx1Offset, false);
    const w2Open = w1Open + 1000;
    const w2Freq = rx2.freqHz;
    const w2Dr = rx2.dr;
    const gen = generation;
    let receiving: 1 | 2 | 0 = 0;
    let finished = false;
    const finish = (r: { rx: AirRx; window: 1 | 2 } | null): void => {
      if (finished || gen !== generation) return;
      finished = true;
      done(r);
    };
    o.air.transmit(
      { phy, freqHz: c.freqHz, dr, sf: d.sf, bwKhz: d.bwKhz, powerDbm, startMs: now, airtimeMs, devEui: cfg.devEui },
      (dl) => {
        if (gen !== generation || finished || receiving) return;
        const t = clock.now();
        let w: 1 | 2 | 0 = 0;
        if (t >= w1Open - 1 && t <= w1Open + timeout(w1Dr) && dl.freqHz === w1Freq && dl.dr === w1Dr) w = 1;
        else if (t >= w2Open - 1 && t <= w2Open + timeout(w2Dr) && dl.freqHz === w2Freq && dl.dr === w2Dr) w = 2;
        if (!w) return;
        receiving = w;
        const copy = { ...dl, phy: new Uint8Array(dl.phy) };
        at(t + Math.max(0, drTimeOnAir(region, dl.dr, dl.phy.length, false)), () => {
          receiving = 0;
          if (accept(copy)) finish({ rx: copy, window: w as 1 | 2 });
          else if (w === 2) finish(null);
        });
      },
    );
    at(w2Open + timeout(w2Dr), () => {
      if (!receiving) finish(null);
    });
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
      timers = [];
      generation++;
      active = false;
    },
    join(cb, deny, devNonce) {
      if (active) return { ok: false, error: 'busy' };
      if (!cfg.appKey || !hexToBytes(cfg.devEui) || !hexToBytes(cfg.joinEui)) return { ok: false, error: 'keys_not_init' };
      const pick = pickChannel(cfg.dr);
      if (!pick) return { ok: false, error: 'invalid_param' };
      if ('waitMs' in pick) return { ok: false, error: 'no_free_ch', waitMs: pick.waitMs };
      const appKey = cfg.appKey;
      const phy = buildJoinRequest({ joinEui: hexToBytes(cfg.joinEui)!, devEui: hexToBytes(cfg.devEui)!, devNonce }, appKey);
      active = true;
      cfg.joined = false;
      let accepted: ReturnType<typeof decryptJoinAccept> | null = null;
      transmit(
        phy,
        pick.ch,
        'join',
        devNonce,
        0,
        JOIN_ACCEPT_DELAY1_MS,
        0,
        { freqHz: region.rx2.hz, dr: region.rx2.dr },
        (dl) => {
          if (deny) return false;
          accepted = decryptJoinAccept(dl.phy, appKey);
          return accepted.ok;
        },
        (r) => {
          active = false;
          timers = [];
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
      return { ok: true };
    },
    send(confirmed, port, payload, cb) {
      if (active) return { ok: false, error: 'busy' };
      if (!cfg.joined || !cfg.nwkSKey || !cfg.appSKey) return { ok: false, error: 'not_joined' };
      if (port < 1 || port > 223) return { ok: false, error: 'invalid_param' };
      if (cfg.fCntUp > 0xffffffff) return { ok: false, error: 'fcnt_rollover' };
      const link = cfg.linkCheck;
      const all = link ? macAnswers.concat([{ cid: CID.LinkCheck, name: 'LinkCheck', payload: new Uint8Array(0) }]) : macAnswers;
      // whole commands only, as many as fit in the 15 FOpts bytes
      const mac: MacCommand[] = [];
      let len = 0;
      for (const c of all) if (len + 1 + c.payload.length <= 15) (mac.push(c), (len += 1 + c.payload.length));
      const fOpts = mac.length === 0 ? NO_FOPTS : encodeMacCommands(mac);
      const max = maxAppPayload(region, cfg.dr, fOpts.length, false);
      if (max < 0 || payload.length > max) return { ok: false, error: 'invalid_data_len' };
      const pick = pickChannel(cfg.dr);
      if (!pick) return { ok: false, error: 'invalid_param' };
      if ('waitMs' in pick) return { ok: false, error: 'no_free_ch', waitMs: pick.waitMs };
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
          { freqHz: cfg.rx2FreqHz, dr: cfg.rx2Dr },
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
                if (p && 'ch' in p) attempt(p.ch, retry + 1);
                else at(clock.now() + (p ? p.waitMs : 1000), retryAt);
              };
              at(again, retryAt);
              return;
            }
            active = false;
            timers = [];
            const out: TxOutcome = { delivered: !confirmed || !!(dn && dn.ack) };
            if (dn && dn.port !== undefined && dn.port > 0) {
              out.downlink = { port: dn.port, payload: dn.payload, window: r!.window, rssi: r!.rx.rssi, snr: r!.rx.snr };
            }
            if (link) out.linkCheck = linkInfo;
            cb(out);
          },
        );
      };
      attempt(pick.ch, 0);
      return { ok: true };
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
