// The join server: verifies a join request (MIC with AppKey), refuses a DevNonce
// it has accepted before, assigns a DevAddr (NwkID prefix + random bits) and a
// random JoinNonce from the seeded RNG, derives the session keys and answers with
// an encrypted join accept for RX1 (JoinAcceptDelay1 = 5 s) or RX2 (6 s).
import { buildJoinAccept, bytesToHex, deriveSessionKeys, parseJoinRequest, verifyJoinRequest } from '../lorawan/frames.ts';
import { bestGateway, bindAddr, clearMacQueue, rxWindow, startSession, type Ctx } from './state.ts';
import type { ReceiveResult, RxMeta } from './types.ts';

const JOIN_ACCEPT_DELAY1_MS = 5000;

/** NwkID (the DevAddr prefix) of a NetID: type 0 (7 MSBs 000) uses 6 bits. */
function devAddrFor(netId: number, random: number): number {
  const type = (netId >>> 21) & 0x07;
  if (type === 0) return (((netId & 0x3f) << 25) | (random & 0x01ffffff)) >>> 0;
  // Other NetID types: keep it simple, use the low bits of the NetID as a 7-bit prefix.
  return (((netId & 0x7f) << 25) | (random & 0x01ffffff)) >>> 0;
}

export function handleJoin(ctx: Ctx, phy: Uint8Array, meta: RxMeta): ReceiveResult {
  const req = parseJoinRequest(phy);
  if (!req.ok) {
    ctx.stats.malformed++;
    return { accepted: false, kind: 'join', reason: 'malformed', detail: req.error };
  }
  const devEui = bytesToHex(req.value.devEui);
  const dev = ctx.byEui.get(devEui);
  if (!dev || !dev.appKey) {
    ctx.stats.unknownDevices++;
    ctx.stats.joinRejects++;
    return { accepted: false, kind: 'join', devEui, reason: 'unknown-device', detail: `no OTAA device ${devEui}` };
  }
  if (dev.joinEui !== undefined && dev.joinEui !== bytesToHex(req.value.joinEui)) { // joinEui: normalized at registration
    ctx.stats.joinRejects++;
    return { accepted: false, kind: 'join', devEui, reason: 'join-eui-mismatch', detail: 'JoinEUI does not match the registration' };
  }
  if (!verifyJoinRequest(phy, dev.appKey)) {
    ctx.stats.micFailures++;
    ctx.stats.joinRejects++;
    return { accepted: false, kind: 'join', devEui, reason: 'mic', detail: 'join request MIC mismatch' };
  }
  const devNonce = req.value.devNonce;
  if (dev.devNonces.has(devNonce)) {
    ctx.stats.devNonceReplays++;
    ctx.stats.joinRejects++;
    return { accepted: false, kind: 'join', devEui, reason: 'devnonce-replay', detail: `DevNonce ${devNonce} already used` };
  }
  dev.devNonces.add(devNonce);

  let devAddr = devAddrFor(ctx.opts.netId, ctx.opts.rng());
  for (let i = 0; i < 8 && ctx.byAddr.has(devAddr); i++) devAddr = devAddrFor(ctx.opts.netId, ctx.opts.rng());
  const joinNonce = ctx.opts.rng() & 0xffffff;
  const keys = deriveSessionKeys(dev.appKey, joinNonce, ctx.opts.netId, devNonce);
  bindAddr(ctx, dev, devAddr);
  // Simplification: the new session replaces the old one at once (1.0.x keeps the old
  // one until the first uplink of the new session).
  startSession(dev, devAddr, keys);
  dev.snrHistory = [];
  dev.txPowerIdx = 0;
  dev.adrPending = false;
  clearMacQueue(dev);

  const accept = buildJoinAccept(
    {
      joinNonce,
      netId: ctx.opts.netId,
      devAddr,
      rx1DrOffset: ctx.opts.rx1DrOffset,
      rx2Dr: ctx.region.rx2.dr,
      rxDelaySec: ctx.opts.rxDelaySec,
    },
    dev.appKey,
  );
  ctx.stats.joins++;
  ctx.stats.downlinks++;
  const best = bestGateway(meta.gateways);
  return {
    accepted: true,
    kind: 'join',
    devEui,
    devAddr,
    gateways: meta.gateways.slice(),
    ...(best ? { bestGateway: best } : {}),
    downlink: {
      phy: accept,
      ...rxWindow(ctx, meta, JOIN_ACCEPT_DELAY1_MS, ctx.opts.rxWindow, 0),
      ...(best ? { gatewayId: best.id } : {}),
      kind: 'join-accept',
    },
  };
}
