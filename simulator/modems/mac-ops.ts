// The operations of the MAC engine (mac-engine.ts) and a transmission's receive windows:
// a join or a data uplink (with its retransmissions) is one object with shared methods, and
// the clock's events are module functions called with a record, rather than closures made
// for every uplink (fewer objects for the garbage collector; see mac-engine.ts).
import { drTimeOnAir } from '../../firmware/lorawan/region.ts';
import { decryptJoinAccept, deriveSessionKeys } from '../lorawan/frames.ts';
import { handleDownlinkMac, openDownlink } from './downlink.ts';
import type { Engine } from './mac-engine.ts';
import type { AirRx, Received, TxOutcome } from './types.ts';
import { CID, type MacCommand } from '../lorawan/mac.ts';
import { NO_BYTES } from '../lorawan/bytes.ts';
import type { KeyContext } from '../lorawan/crypto.ts';

// Engine.pickChannel's answers besides a channel index
export const NO_CHANNEL = -1;
export const WAIT = -2;

/** Pending MAC answers when there are none (shared: the answers are only read, never changed in place). */
export const NO_ANSWERS: MacCommand[] = [];
/** The outcomes without downlink or LinkCheck (shared: callers only read them). */
const DELIVERED: TxOutcome = { delivered: true };
const NOT_DELIVERED: TxOutcome = { delivered: false };

/** What one transmission listens for in its receive windows (see Engine.transmit). */
export class Listening {
  /** The window of the downlink being received, 0 when none is. */
  receiving: 1 | 2 | 0 = 0;
  finished = false;
  /** The downlink being received (a copy). */
  rx: AirRx | null = null;
  /** The engine's generation at the transmission: a later abort makes the record stale. */
  gen = 0;
  // the windows, set by Engine.transmit
  w1Open = 0;
  w1Freq = 0;
  w1Dr = 0;
  w2Open = 0;
  w2Freq = 0;
  w2Dr = 0;
  /** The operation that gets the downlink (the record itself when it is the operation). */
  readonly op: Operation;
  constructor(
    readonly eng: Engine,
    op: Operation | null,
  ) {
    this.op = op ?? (this as unknown as Operation);
  }
}

/**
 * What a transmission's receive windows are for: the operation (a join, an uplink) that gets
 * the downlink. An operation is also the Listening record of its first transmission (one
 * object less per uplink: most operations have exactly one transmission); a retransmission
 * gets a fresh record, since the earlier transmission's events and air callback may still
 * come and must find their own (finished) record.
 */
export abstract class Operation extends Listening {
  /** The operation's own record is taken (by its first transmission). */
  private listened = false;
  constructor(eng: Engine) {
    super(eng, null);
  }
  /** A downlink fully received: true when it is the awaited one (it ends the listening). */
  abstract accept(dl: AirRx): boolean;
  /** The listening ended: the accepted downlink with its window, or null. */
  abstract done(r: Received | null): void;
  /** The Listening record of the next transmission. */
  listening(): Listening {
    if (this.listened) return new Listening(this.eng, this);
    this.listened = true;
    return this;
  }
}

/** An OTAA join in progress. */
export class Join<T> extends Operation {
  accepted: ReturnType<typeof decryptJoinAccept> | null = null;
  constructor(
    eng: Engine,
    readonly appKey: Uint8Array,
    readonly deny: boolean,
    readonly devNonce: number,
    readonly cb: (accepted: boolean, arg: T) => void,
    readonly arg: T,
  ) {
    super(eng);
  }

  accept(dl: AirRx): boolean {
    if (this.deny) return false;
    this.accepted = decryptJoinAccept(dl.phy, this.appKey);
    return this.accepted.ok;
  }

  done(r: Received | null): void {
    const eng = this.eng;
    const cfg = eng.cfg;
    const accepted = this.accepted;
    eng.ended();
    if (!r || !accepted || !accepted.ok) return this.cb(false, this.arg);
    const ja = accepted.value;
    const keys = deriveSessionKeys(this.appKey, ja.joinNonce, ja.netId, this.devNonce);
    cfg.devAddr = ja.devAddr;
    cfg.nwkSKey = keys.nwkSKey;
    cfg.appSKey = keys.appSKey;
    cfg.fCntUp = 0;
    cfg.fCntDown = 0;
    cfg.rx1DrOffset = ja.rx1DrOffset;
    cfg.rx2Dr = ja.rx2Dr;
    cfg.rx1DelayMs = Math.max(1, ja.rxDelaySec) * 1000;
    if (ja.cfList && ja.cfList[15] === 0) eng.applyCfList(ja.cfList);
    cfg.joined = true;
    eng.macAnswers = NO_ANSWERS;
    eng.ackDownlink = false;
    eng.rxInfo = { rssi: r.rx.rssi, snr: r.rx.snr };
    this.cb(true, this.arg);
  }
}

/**
 * A data uplink in progress: its transmissions (the first and any retransmissions). It holds
 * the key contexts of the frame's session keys (a downlink in its windows is opened with them).
 */
export class Uplink<T> extends Operation {
  /** The current transmission's retransmission number (0 for the first). */
  retry = 0;
  /** The downlink the current transmission's accept opened. */
  opened: ReturnType<typeof openDownlink> = null;
  /** The frame (set by Engine.send once built with this object's keys). */
  phy: Uint8Array = NO_BYTES;
  constructor(
    eng: Engine,
    readonly confirmed: boolean,
    readonly fCnt: number,
    /** NwkSKey's and AppSKey's contexts. */
    readonly nwk: KeyContext,
    readonly app: KeyContext,
    /** The uplink carries a LinkCheckReq. */
    readonly link: boolean,
    readonly cb: (o: TxOutcome, arg: T) => void,
    readonly arg: T,
  ) {
    super(eng);
  }

  attempt(ch: number, retry: number): void {
    const cfg = this.eng.cfg;
    this.retry = retry;
    this.opened = null;
    this.eng.transmit(this.phy, ch, this.confirmed ? 'confirmed' : 'unconfirmed', this.fCnt, retry, cfg.rx1DelayMs, cfg.rx1DrOffset, cfg.rx2FreqHz, cfg.rx2Dr, this);
  }

  accept(dl: AirRx): boolean {
    this.opened = openDownlink(dl.phy, this.eng.cfg, this.nwk, this.app);
    return this.opened !== null;
  }

  done(r: Received | null): void {
    const eng = this.eng;
    const cfg = eng.cfg;
    const confirmed = this.confirmed;
    const dn = r ? this.opened : null;
    if (r && dn) {
      eng.rxInfo = { rssi: r.rx.rssi, snr: r.rx.snr };
      cfg.fCntDown = (dn.fCnt + 1) >>> 0;
      eng.ackDownlink = dn.mType === 5;
      const res = handleDownlinkMac(dn.mac, cfg, eng.region, r.rx.snr);
      // LinkADRReq (channel mask) and NewChannelReq change channels in place
      for (let i = 0; i < dn.mac.length; i++) if (dn.mac[i]!.cid === CID.LinkADR || dn.mac[i]!.cid === CID.NewChannel) eng.channelsChanged();
      eng.macAnswers = res.answers;
      if (res.linkCheck) eng.linkInfo = res.linkCheck;
    }
    if (confirmed && !(dn && dn.ack) && this.retry < cfg.retx) {
      // ACK_TIMEOUT 2 s +- 1 s, then the next free channel
      const again = eng.clock.now() + 1000 + (eng.rng() % 2001);
      eng.atCall(again, retryUplink, this);
      return;
    }
    eng.ended();
    const delivered = !confirmed || !!(dn && dn.ack);
    const withDownlink = dn && dn.port !== undefined && dn.port > 0;
    if (!withDownlink && !this.link) return this.cb(delivered ? DELIVERED : NOT_DELIVERED, this.arg);
    const out: TxOutcome = { delivered };
    if (withDownlink) {
      out.downlink = { port: dn.port!, payload: dn.payload, window: r!.window, rssi: r!.rx.rssi, snr: r!.rx.snr };
    }
    if (this.link) out.linkCheck = eng.linkInfo;
    this.cb(out, this.arg);
  }
}

/** Event: a confirmed uplink's retransmission is due (on the next free channel). */
function retryUplink<T>(u: Uplink<T>): void {
  const eng = u.eng;
  const p = eng.pickChannel(eng.cfg.dr);
  if (p >= 0) u.attempt(p, u.retry + 1);
  else eng.atCall(eng.clock.now() + (p === WAIT ? eng.pickWaitMs : 1000), retryUplink, u);
}

// A transmission's listening, as functions of its Listening record rather than closures
// made for every transmission: the clock calls the event ones with the record.
function finish(l: Listening, r: Received | null): void {
  if (l.finished || l.gen !== l.eng.generation) return;
  l.finished = true;
  l.op.done(r);
}
/** A downlink reaches the antenna: received when it matches an open window. */
export function heard(l: Listening, dl: AirRx): void {
  const eng = l.eng;
  if (l.gen !== eng.generation || l.finished || l.receiving) return;
  const t = eng.clock.now();
  let w: 1 | 2 | 0 = 0;
  if (t >= l.w1Open - 1 && t <= l.w1Open + eng.timeout(l.w1Dr) && dl.freqHz === l.w1Freq && dl.dr === l.w1Dr) w = 1;
  else if (t >= l.w2Open - 1 && t <= l.w2Open + eng.timeout(l.w2Dr) && dl.freqHz === l.w2Freq && dl.dr === l.w2Dr) w = 2;
  if (!w) return;
  l.receiving = w;
  // a literal, not `{ ...dl }` (a spread copy can get a hidden class of its own, see rn2483.ts);
  // the air's downlinks have exactly these fields
  l.rx = { phy: new Uint8Array(dl.phy), freqHz: dl.freqHz, dr: dl.dr, rssi: dl.rssi, snr: dl.snr };
  eng.atCall(t + Math.max(0, drTimeOnAir(eng.region, dl.dr, dl.phy.length, false)), receptionEnd, l);
}
/** Event: the downlink being received (one at a time) has fully arrived. */
function receptionEnd(l: Listening): void {
  const w = l.receiving as 1 | 2;
  const copy = l.rx!;
  l.receiving = 0;
  if (l.op.accept(copy)) finish(l, { rx: copy, window: w });
  else if (w === 2) finish(l, null);
}
/** Event: RX2 has timed out. */
export function windowsClosed(l: Listening): void {
  if (!l.receiving) finish(l, null);
}
