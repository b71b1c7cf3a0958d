// The data path: identify the device by DevAddr + MIC, rebuild the 32-bit FCnt,
// reject replays, decrypt, act on MAC commands (LinkCheck, LinkADR, DevStatus,
// DutyCycle), decode, and answer in RX1/RX2 with ACK, MAC answers and queued data.
import {
  buildDataFrame,
  decryptScanned,
  fOptsOf,
  scanDataHeader,
  reconstructFCnt,
  verifyDataMic,
  isUplink,
  MType,
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
import { adrDecide } from './adr.ts';
import { requiredSnrDb } from './region.ts';
import { bestGateway, rxWindow, type Ctx, type DeviceState } from './state.ts';
import type { Downlink, GatewayRx, ReceiveResult, RxMeta } from './types.ts';

interface Match {
  dev: DeviceState;
  fCnt: number;
}

/** The largest counter <= last with these low 16 bits (what a replayed frame would carry). */
function pastFCnt(fCnt16: number, last: number): number {
  let v = last - (last & 0xffff) + fCnt16;
  if (v > last) v -= 0x10000;
  return v;
}

function identify(ctx: Ctx, phy: Uint8Array, fCnt16: number, devs: readonly DeviceState[]): Match | { reason: 'mic' | 'replay' | 'fcnt-gap' } {
  let reason: 'mic' | 'replay' | 'fcnt-gap' = 'mic';
  for (const dev of devs) {
    const s = dev.session!;
    const f = reconstructFCnt(fCnt16, s.lastFCntUp, ctx.opts.maxFCntGap);
    if (f !== null && verifyDataMic(phy, s.keys.nwkSKey, f)) return { dev, fCnt: f };
    if (f === null && s.lastFCntUp !== undefined) {
      const old = pastFCnt(fCnt16, s.lastFCntUp);
      if (old >= 0 && verifyDataMic(phy, s.keys.nwkSKey, old)) return { reason: 'replay' };
      reason = 'fcnt-gap';
    }
  }
  return { reason };
}

export function handleData(ctx: Ctx, phy: Uint8Array, meta: RxMeta): ReceiveResult {
  // The frame is read in place (scanDataHeader: offsets, no copies of its parts).
  const h = scanDataHeader(phy);
  if (typeof h === 'string') {
    ctx.stats.malformed++;
    return { accepted: false, kind: 'data', reason: 'malformed', detail: h };
  }
  if (!isUplink(h.mType)) return { accepted: false, kind: 'data', reason: 'not-uplink', detail: 'downlink frame received' };
  const devs = ctx.byAddr.get(h.devAddr);
  if (devs === undefined) {
    ctx.stats.unknownDevices++;
    return { accepted: false, kind: 'data', devAddr: h.devAddr, reason: 'unknown-device', detail: 'no session with this DevAddr' };
  }
  const m = identify(ctx, phy, h.fCnt16, devs);
  if (!('dev' in m)) {
    if (m.reason === 'mic') ctx.stats.micFailures++;
    else if (m.reason === 'replay') ctx.stats.replays++;
    else ctx.stats.fCntGaps++;
    const detail = m.reason === 'mic' ? 'MIC mismatch' : m.reason === 'replay' ? 'frame counter already used' : 'frame counter jump too large';
    return { accepted: false, kind: 'data', devAddr: h.devAddr, reason: m.reason, detail };
  }
  const dev = m.dev;
  const s = dev.session!;
  const confirmed = h.mType === MType.ConfirmedUp;
  const gateways = meta.gateways.slice();
  const best = bestGateway(gateways);
  const base: ReceiveResult = {
    accepted: true,
    kind: 'data',
    devEui: dev.devEui,
    devAddr: s.devAddr,
    fCnt: m.fCnt,
    confirmed,
    gateways,
  };
  if (best) base.bestGateway = best; // the last key, as the conditional spread placed it

  if (s.lastFCntUp === m.fCnt) {
    ctx.stats.retransmissions++;
    if (!confirmed) return { ...base, accepted: false, reason: 'retransmission', detail: 'repeated unconfirmed frame' };
    const downlink = buildDownlink(ctx, dev, meta, best, true, []);
    return { ...base, retransmission: true, ...(downlink ? { downlink } : {}) };
  }

  // identify() verified the MIC with this counter: decrypt without checking it again
  const payload = decryptScanned(phy, h, s.keys, m.fCnt);
  if (typeof payload === 'string') {
    ctx.stats.malformed++;
    return { accepted: false, kind: 'data', devEui: dev.devEui, reason: 'malformed', detail: payload };
  }
  s.lastFCntUp = m.fCnt;
  ctx.stats.uplinks++;
  if (best) {
    dev.snrHistory.push(best.snr);
    if (dev.snrHistory.length > ctx.adr.historyLength) dev.snrHistory.shift();
  }

  const macBytes = h.fPort === 0 ? payload : fOptsOf(phy, h);
  const mac = parseMacCommands(macBytes, 'up');
  const answers = macAnswers(ctx, dev, mac.commands, meta, gateways);
  if ((h.fCtrl & 0x80) !== 0 && ctx.adr.enabled) {
    const adr = adrStep(ctx, dev, meta.dr);
    if (adr) answers.push(adr);
  }

  // base is not returned anywhere else: complete it in place (same keys, same order as a copy)
  const result = base;
  result.macCommands = mac.commands.map((c) => c.name);
  if (h.fPort >= 0) result.fPort = h.fPort;
  if (h.fPort > 0) {
    result.payload = payload;
    if (ctx.opts.decode) {
      try {
        result.decoded = ctx.opts.decode(h.fPort, payload);
      } catch (e) {
        result.decodeError = e instanceof Error ? e.message : String(e);
      }
    }
  }
  const downlink = buildDownlink(ctx, dev, meta, best, confirmed, answers);
  if (downlink) result.downlink = downlink;
  return result;
}

function macAnswers(ctx: Ctx, dev: DeviceState, cmds: MacCommand[], meta: RxMeta, gws: GatewayRx[]): MacCommand[] {
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
      delete dev.pendingDutyCycle;
    }
  }
  return out;
}

function adrStep(ctx: Ctx, dev: DeviceState, dr: number): MacCommand | null {
  if (dev.adrPending) {
    // The last LinkADRReq went unanswered: allow a new one on the next uplink.
    dev.adrPending = false;
    return null;
  }
  const d = adrDecide({
    snrHistory: dev.snrHistory,
    dr,
    txPowerIdx: dev.txPowerIdx,
    requiredSnrDb: requiredSnrDb(ctx.region.spreadingFactor(dr)),
    maxDr: ctx.region.maxAdrDr,
    maxTxPowerIdx: dev.maxPowerIdx !== undefined ? Math.min(dev.maxPowerIdx, ctx.region.maxTxPowerIdx) : ctx.region.maxTxPowerIdx,
    installationMarginDb: ctx.adr.installationMarginDb,
    historyLength: ctx.adr.historyLength,
  });
  if (!d) return null;
  dev.adrPending = true;
  dev.pendingAdrPower = d.txPowerIdx;
  // judge the device afresh on a full history at its new settings: at most one LinkADRReq per
  // `historyLength` uplinks, which keeps ADR within TTN's 10 downlinks a day
  dev.snrHistory = [];
  ctx.stats.adrRequests++;
  return linkAdrReq({ dr: d.dr, txPowerIdx: d.txPowerIdx, ...ctx.region.adrChMask, nbTrans: 1 });
}

function buildDownlink(
  ctx: Ctx,
  dev: DeviceState,
  meta: RxMeta,
  best: GatewayRx | undefined,
  ack: boolean,
  answers: MacCommand[],
): Downlink | undefined {
  const s = dev.session!;
  if (!ack && answers.length === 0 && dev.macQueue.length === 0 && dev.queue.length === 0) return undefined; // nothing to send
  const mac = dev.macQueue.length === 0 ? answers : answers.concat(dev.macQueue);
  if (dev.macQueue.length > 0) dev.macQueue = [];
  for (const c of mac) if (c.cid === CID.DutyCycle) dev.pendingDutyCycle = c.payload[0]! & 0x0f;
  const macBytes = encodeMacCommands(mac);
  // MAC commands ride in FOpts when they fit and data is queued; otherwise alone on port 0.
  const item = macBytes.length <= 15 ? dev.queue.shift() : undefined;
  if (!ack && macBytes.length === 0 && !item) return undefined;
  const fCnt = s.fCntDown;
  s.fCntDown = (s.fCntDown + 1) >>> 0;
  const confirmed = !!item?.confirmed;
  const frame = {
    mType: confirmed ? MType.ConfirmedDown : MType.UnconfirmedDown,
    devAddr: s.devAddr,
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
    phy: buildDataFrame(frame, s.keys),
    ...rxWindow(ctx, meta, Math.max(1, ctx.opts.rxDelaySec) * 1000, ctx.opts.rxWindow, ctx.opts.rx1DrOffset),
    ...(best ? { gatewayId: best.id } : {}),
    kind: 'data',
    fCnt,
    ...(item ? { fPort: item.fPort } : macBytes.length > 0 ? { fPort: 0 } : {}),
    ack,
    confirmed,
  };
}
