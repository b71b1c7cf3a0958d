// The join server: verifies a join request (MIC with AppKey), refuses a DevNonce
// it has accepted before, assigns a DevAddr (NwkID prefix + random bits) and a
// random JoinNonce from the seeded RNG, derives the session keys and answers with
// an encrypted join accept for RX1 (JoinAcceptDelay1 = 5 s) or RX2 (6 s).
// The request is read in place (no parsed copy of its fields) and AppKey's context is
// looked up once for the MIC check, the session keys and the accept (by the key's bytes:
// the device's modem made it moments before, for its own join request).
import { loraCrypto } from '../lorawan/crypto.ts';
import {
  buildJoinAcceptWith,
  deriveSessionKeysWith,
  euiHexLe,
  hexEqualsLe,
  isJoinRequest,
  joinRequestDevNonce,
  parseJoinRequest,
  verifyJoinRequestWith,
} from '../lorawan/frames.ts';
import { bestGateway, bindAddr, gatewaysList, clearMacQueue, devNonceUsed, rxWindow, startSession, useDevNonce, type Ctx } from './state.ts';
import { clearSnr } from './snr.ts';
import type { Downlink, ReceiveResult, RxMeta } from './types.ts';

const JOIN_ACCEPT_DELAY1_MS = 5000;

/** NwkID (the DevAddr prefix) of a NetID: type 0 (7 MSBs 000) uses 6 bits. */
function devAddrFor(netId: number, random: number): number {
  const type = (netId >>> 21) & 0x07;
  if (type === 0) return (((netId & 0x3f) << 25) | (random & 0x01ffffff)) >>> 0;
  // Other NetID types: keep it simple, use the low bits of the NetID as a 7-bit prefix.
  return (((netId & 0x7f) << 25) | (random & 0x01ffffff)) >>> 0;
}

export function handleJoin(ctx: Ctx, phy: Uint8Array, meta: RxMeta): ReceiveResult {
  if (!isJoinRequest(phy)) {
    ctx.stats.malformed++;
    const req = parseJoinRequest(phy); // (fails: says why)
    return { accepted: false, kind: 'join', reason: 'malformed', detail: req.ok ? 'not a join request' : req.error };
  }
  const devEui = euiHexLe(phy, 9);
  const dev = ctx.byEui.get(devEui);
  if (!dev || !dev.appKey) {
    ctx.stats.unknownDevices++;
    ctx.stats.joinRejects++;
    return { accepted: false, kind: 'join', devEui, reason: 'unknown-device', detail: `no OTAA device ${devEui}` };
  }
  if (dev.joinEui !== undefined && !hexEqualsLe(dev.joinEui, phy, 1, 8)) { // joinEui: normalized at registration
    ctx.stats.joinRejects++;
    return { accepted: false, kind: 'join', devEui, reason: 'join-eui-mismatch', detail: 'JoinEUI does not match the registration' };
  }
  const appKey = loraCrypto.keys.find(dev.appKey); // (find: no cache entry kept for the registration's array)
  if (!verifyJoinRequestWith(phy, appKey)) {
    ctx.stats.micFailures++;
    ctx.stats.joinRejects++;
    return { accepted: false, kind: 'join', devEui, reason: 'mic', detail: 'join request MIC mismatch' };
  }
  const devNonce = joinRequestDevNonce(phy);
  if (devNonceUsed(dev, devNonce)) {
    ctx.stats.devNonceReplays++;
    ctx.stats.joinRejects++;
    return { accepted: false, kind: 'join', devEui, reason: 'devnonce-replay', detail: `DevNonce ${devNonce} already used` };
  }
  useDevNonce(dev, devNonce);

  const netId = ctx.opts.netId;
  let devAddr = devAddrFor(netId, ctx.opts.rng());
  for (let i = 0; i < 8 && ctx.byAddr.has(devAddr); i++) devAddr = devAddrFor(netId, ctx.opts.rng());
  const joinNonce = ctx.opts.rng() & 0xffffff;
  const keys = deriveSessionKeysWith(appKey, joinNonce, netId, devNonce);
  bindAddr(ctx, dev, devAddr);
  // Simplification: the new session replaces the old one at once (1.0.x keeps the old
  // one until the first uplink of the new session).
  startSession(dev, devAddr, keys);
  clearSnr(dev);
  dev.txPowerIdx = 0;
  dev.adrPending = false;
  clearMacQueue(dev);

  const accept = buildJoinAcceptWith(
    { joinNonce, netId, devAddr, rx1DrOffset: ctx.opts.rx1DrOffset, rx2Dr: ctx.region.rx2.dr, rxDelaySec: ctx.opts.rxDelaySec },
    appKey,
  );
  ctx.stats.joins++;
  ctx.stats.downlinks++;
  const best = bestGateway(meta.gateways);
  const gateways = gatewaysList(meta.gateways);
  // JoinAcceptDelay1 or 2, RX1 DR offset 0
  const { atMs, freqHz, dr, window } = rxWindow(ctx, meta, JOIN_ACCEPT_DELAY1_MS, ctx.opts.rxWindow, 0);
  // two literals each instead of conditional spreads: the same keys in the same order
  if (best) {
    const downlink: Downlink = { phy: accept, atMs, freqHz, dr, window, gatewayId: best.id, kind: 'join-accept' };
    return { accepted: true, kind: 'join', devEui, devAddr, gateways, bestGateway: best, downlink };
  }
  const downlink: Downlink = { phy: accept, atMs, freqHz, dr, window, kind: 'join-accept' };
  return { accepted: true, kind: 'join', devEui, devAddr, gateways, downlink };
}
