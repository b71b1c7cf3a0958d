// The data path: identify the device by DevAddr + MIC, rebuild the 32-bit FCnt,
// reject replays, decrypt, act on MAC commands (LinkCheck, LinkADR, DevStatus,
// DutyCycle), decode, and answer in RX1/RX2 with ACK, MAC answers and queued data.
import {
  buildDataFrameWith,
  decryptScannedWith,
  fOptsOf,
  scanDataHeaderInto,
  reconstructFCnt,
  verifyDataMicWith,
  isUplink,
  MType,
  type DataLayout,
} from '../lorawan/frames.ts';
import {
  CID,
  decodeDevStatusAns,
  encodeMacCommands,
  linkAdrReq,
  linkCheckAns,
  parseMacCommands,
  type MacCommand,
} from '../lorawan/mac.ts';
import { adrDecide, type AdrInput } from './adr.ts';
import { clearSnr } from './snr.ts';
import { requiredSnrDb } from './region.ts';
import { bestGateway, clearMacQueue, gatewaysList, nwkContext, rxWindow, type Ctx, type DeviceState } from './state.ts';
import type { Downlink, GatewayRx, ReceiveResult, RxMeta } from './types.ts';

/** The frame being handled (scanDataHeaderInto): one reused object; its fields are copied to locals at once. */
const H: DataLayout = { mType: 2, devAddr: 0, fCnt16: 0, fCtrl: 0, fOptsLen: 0, fPort: -1, payloadAt: 0, micAt: 0 };

/** No MAC commands (read only: never handed out). */
const NO_COMMANDS: readonly MacCommand[] = Object.freeze([]);

/** The largest counter <= last with these low 16 bits (what a replayed frame would carry). */
function pastFCnt(fCnt16: number, last: number): number {
  let v = last - (last & 0xffff) + fCnt16;
  if (v > last) v -= 0x10000;
  return v;
}

/** What identify() found besides the device: its 32-bit FCnt, or why no device matched. */
const found = { fCnt: 0, reason: 'mic' as 'mic' | 'replay' | 'fcnt-gap' };

/**
 * The device among those bound to the frame's DevAddr (`first` and its chain) whose
 * session verifies the MIC, with the reconstructed counter in found.fCnt; null when none
 * does, with the reason in found.reason. (Results in `found` spare an object per frame.)
 */
function identify(ctx: Ctx, phy: Uint8Array, fCnt16: number, first: DeviceState): DeviceState | null {
  let reason: 'mic' | 'replay' | 'fcnt-gap' = 'mic';
  for (let dev: DeviceState | null = first; dev !== null; dev = dev.nextSameAddr) {
    const last = dev.lastFCntUp;
    const f = reconstructFCnt(fCnt16, last, ctx.opts.maxFCntGap);
    if (f !== null && verifyDataMicWith(phy, nwkContext(dev), f)) {
      found.fCnt = f;
      return dev;
    }
    if (f === null && last !== undefined) {
      const old = pastFCnt(fCnt16, last);
      if (old >= 0 && verifyDataMicWith(phy, nwkContext(dev), old)) {
        found.reason = 'replay';
        return null;
      }
      reason = 'fcnt-gap';
    }
  }
  found.reason = reason;
  return null;
}

export function handleData(ctx: Ctx, phy: Uint8Array, meta: RxMeta): ReceiveResult {
  // The frame is read in place (offsets, no copies of its parts) into H, then into locals.
  const err = scanDataHeaderInto(phy, H);
  if (err !== null) {
    ctx.stats.malformed++;
    return { accepted: false, kind: 'data', reason: 'malformed', detail: err };
  }
  const mType = H.mType;
  const addr = H.devAddr;
  const fCtrl = H.fCtrl;
  const fPort = H.fPort;
  const fOptsLen = H.fOptsLen;
  if (!isUplink(mType)) return { accepted: false, kind: 'data', reason: 'not-uplink', detail: 'downlink frame received' };
  const first = ctx.byAddr.get(addr);
  if (first === undefined) {
    ctx.stats.unknownDevices++;
    return { accepted: false, kind: 'data', devAddr: addr, reason: 'unknown-device', detail: 'no session with this DevAddr' };
  }
  const dev = identify(ctx, phy, H.fCnt16, first);
  if (dev === null) {
    const reason = found.reason;
    if (reason === 'mic') ctx.stats.micFailures++;
    else if (reason === 'replay') ctx.stats.replays++;
    else ctx.stats.fCntGaps++;
    const detail = reason === 'mic' ? 'MIC mismatch' : reason === 'replay' ? 'frame counter already used' : 'frame counter jump too large';
    return { accepted: false, kind: 'data', devAddr: addr, reason, detail };
  }
  const fCnt = found.fCnt;
  const confirmed = mType === MType.ConfirmedUp;
  const gateways = gatewaysList(meta.gateways);
  const best = bestGateway(gateways);

  if (dev.lastFCntUp === fCnt) {
    ctx.stats.retransmissions++;
    const base: ReceiveResult = { accepted: true, kind: 'data', devEui: dev.devEui, devAddr: dev.devAddr, fCnt, confirmed, gateways };
    if (best) base.bestGateway = best; // the last key, as the conditional spread placed it
    if (!confirmed) return { ...base, accepted: false, reason: 'retransmission', detail: 'repeated unconfirmed frame' };
    const downlink = buildDownlink(ctx, dev, meta, best, true, []);
    return { ...base, retransmission: true, ...(downlink ? { downlink } : {}) };
  }

  // identify() verified the MIC with this counter: decrypt without checking it again
  const payload = decryptScannedWith(phy, H, dev.nwk!, dev.app!, fCnt);
  if (typeof payload === 'string') {
    ctx.stats.malformed++;
    return { accepted: false, kind: 'data', devEui: dev.devEui, reason: 'malformed', detail: payload };
  }
  dev.lastFCntUp = fCnt;
  ctx.stats.uplinks++;
  if (best) {
    ctx.snr.push(dev, best.snr); // the last historyLength SNRs
  }

  // MAC commands ride in FOpts, or alone in the payload on port 0 (most frames carry none: no parse)
  const macLen = fPort === 0 ? payload.length : fOptsLen;
  const commands = macLen === 0 ? NO_COMMANDS : parseMacCommands(fPort === 0 ? payload : fOptsOf(phy, H), 'up').commands;
  let answers = commands.length === 0 ? null : macAnswers(ctx, dev, commands, meta, gateways);
  if ((fCtrl & 0x80) !== 0 && ctx.adr.enabled) {
    const adr = adrStep(ctx, dev, meta.dr);
    if (adr) (answers ??= []).push(adr);
  }
  const macCommands: string[] = [];
  for (let i = 0; i < commands.length; i++) macCommands.push(commands[i]!.name);

  if (best && fPort > 0 && !ctx.opts.decode) {
    // the common shape, in one literal: the keys and order the general path below gives
    const downlink = buildDownlink(ctx, dev, meta, best, confirmed, answers);
    const r: ReceiveResult = { accepted: true, kind: 'data', devEui: dev.devEui, devAddr: dev.devAddr, fCnt, confirmed, gateways, bestGateway: best, macCommands, fPort, payload };
    if (downlink) r.downlink = downlink;
    return r;
  }
  const result: ReceiveResult = { accepted: true, kind: 'data', devEui: dev.devEui, devAddr: dev.devAddr, fCnt, confirmed, gateways };
  if (best) result.bestGateway = best;
  result.macCommands = macCommands;
  if (fPort >= 0) result.fPort = fPort;
  if (fPort > 0) {
    result.payload = payload;
    if (ctx.opts.decode) {
      try {
        result.decoded = ctx.opts.decode(fPort, payload);
      } catch (e) {
        result.decodeError = e instanceof Error ? e.message : String(e);
      }
    }
  }
  const downlink = buildDownlink(ctx, dev, meta, best, confirmed, answers);
  if (downlink) result.downlink = downlink;
  return result;
}

function macAnswers(ctx: Ctx, dev: DeviceState, cmds: readonly MacCommand[], meta: RxMeta, gws: GatewayRx[]): MacCommand[] {
  const out: MacCommand[] = [];
  const best = bestGateway(gws);
  for (const c of cmds) {
    if (c.cid === CID.LinkCheck) {
      const floor = requiredSnrDb(ctx.region.spreadingFactor(meta.dr));
      out.push(linkCheckAns(best ? best.snr - floor : 0, gws.length));
    } else if (c.cid === CID.LinkADR) {
      // status bits: power, DR, channel mask all acknowledged -> the device applied it
      const status = c.payload[0]! & 0x07;
      if (status === 0x07 && dev.adrPending) dev.txPowerIdx = dev.pendingAdrPower ?? dev.txPowerIdx;
      // power not acknowledged: the device cannot do that power; never ask for it again
      else if ((status & 0x04) === 0 && dev.adrPending && dev.pendingAdrPower !== undefined && dev.pendingAdrPower > dev.txPowerIdx) {
        dev.maxPowerIdx = dev.pendingAdrPower - 1;
      }
      dev.adrPending = false;
    } else if (c.cid === CID.DevStatus) {
      dev.lastDevStatus = decodeDevStatusAns(c.payload);
    } else if (c.cid === CID.DutyCycle) {
      if (dev.pendingDutyCycle !== undefined) dev.maxDutyCycle = dev.pendingDutyCycle;
      dev.pendingDutyCycle = undefined;
    }
  }
  return out;
}

const ADR_INPUT: AdrInput = { dr: 0, txPowerIdx: 0, requiredSnrDb: 0, maxDr: 0, maxTxPowerIdx: 0, installationMarginDb: 0 };

function adrStep(ctx: Ctx, dev: DeviceState, dr: number): MacCommand | null {
  if (dev.adrPending) {
    // The last LinkADRReq went unanswered: allow a new one on the next uplink.
    dev.adrPending = false;
    return null;
  }
  if (dev.snrCount < ctx.adr.historyLength) return null; // no decision before the history is full
  // one reused input object (adrDecide keeps no reference to it)
  const a = ADR_INPUT;
  a.dr = dr;
  a.txPowerIdx = dev.txPowerIdx;
  a.requiredSnrDb = requiredSnrDb(ctx.region.spreadingFactor(dr));
  a.maxDr = ctx.region.maxAdrDr;
  a.maxTxPowerIdx = dev.maxPowerIdx !== undefined ? Math.min(dev.maxPowerIdx, ctx.region.maxTxPowerIdx) : ctx.region.maxTxPowerIdx;
  a.installationMarginDb = ctx.adr.installationMarginDb;
  const d = adrDecide(ctx.snr.max(dev), a);
  if (!d) return null;
  dev.adrPending = true;
  dev.pendingAdrPower = d.txPowerIdx;
  // judge the device afresh on a full history at its new settings: at most one LinkADRReq per
  // `historyLength` uplinks, which keeps ADR within TTN's 10 downlinks a day
  clearSnr(dev);
  ctx.stats.adrRequests++;
  return linkAdrReq({ dr: d.dr, txPowerIdx: d.txPowerIdx, ...ctx.region.adrChMask, nbTrans: 1 });
}

function buildDownlink(
  ctx: Ctx,
  dev: DeviceState,
  meta: RxMeta,
  best: GatewayRx | undefined,
  ack: boolean,
  given: MacCommand[] | null,
): Downlink | undefined {
  if (!ack && (given === null || given.length === 0) && dev.macQueue.length === 0 && dev.queue.length === 0) return undefined; // nothing to send
  const answers = given ?? [];
  const mac = dev.macQueue.length === 0 ? answers : answers.concat(dev.macQueue);
  if (dev.macQueue.length > 0) clearMacQueue(dev);
  for (const c of mac) if (c.cid === CID.DutyCycle) dev.pendingDutyCycle = c.payload[0]! & 0x0f;
  const macBytes = encodeMacCommands(mac);
  // MAC commands ride in FOpts when they fit and data is queued; otherwise alone on port 0.
  const item = macBytes.length <= 15 && dev.queue.length > 0 ? dev.queue.shift() : undefined;
  if (!ack && macBytes.length === 0 && !item) return undefined;
  const fCnt = dev.fCntDown;
  dev.fCntDown = (dev.fCntDown + 1) >>> 0;
  const confirmed = !!item?.confirmed;
  const frame = {
    mType: confirmed ? MType.ConfirmedDown : MType.UnconfirmedDown,
    devAddr: dev.devAddr,
    fCnt,
    ack,
    adr: ctx.adr.enabled,
    fPending: dev.queue.length > 0,
    ...(item
      ? { fOpts: macBytes, fPort: item.fPort, payload: item.payload }
      : macBytes.length > 0
        ? { fPort: 0, payload: macBytes }
        : {}),
  } as const;
  ctx.stats.downlinks++;
  return {
    phy: buildDataFrameWith(frame, nwkContext(dev), dev.app!),
    ...rxWindow(ctx, meta, Math.max(1, ctx.opts.rxDelaySec) * 1000, ctx.opts.rxWindow, ctx.opts.rx1DrOffset),
    ...(best ? { gatewayId: best.id } : {}),
    kind: 'data',
    fCnt,
    ...(item ? { fPort: item.fPort } : macBytes.length > 0 ? { fPort: 0 } : {}),
    ack,
    confirmed,
  };
}
