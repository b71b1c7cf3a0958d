// The simulated network side: device registry, join server, network server and
// application hook in one deterministic object. `receive` takes one PHYPayload
// with its reception metadata (all gateways that heard it, or one gateway per call:
// identical frames within the de-duplication window count once) and returns what
// the network did, including the downlink to transmit in RX1 or RX2.
import { hexToBytes, MType } from '../lorawan/frames.ts';
import type { MacCommand } from '../lorawan/mac.ts';
import { handleData } from './data.ts';
import { handleJoin } from './join.ts';
import { EU868_NETWORK } from './region.ts';
import { SnrHistories } from './snr.ts';
import { bestGateway, bindAddr, macQueueOf, newDevice, normEui, queueOf, startSession, unbindAddr, type Ctx, type DeviceState } from './state.ts';
import type {
  DeviceRegistration,
  NetworkServer,
  NetworkServerOptions,
  NetworkStats,
  ReceiveResult,
  RxMeta,
} from './types.ts';

export type * from './types.ts';

const key16 = (hex: string, what: string, devEui: string): Uint8Array => {
  const k = hexToBytes(normEui(hex));
  if (!k || k.length !== 16) throw new Error(`device ${devEui}: ${what} must be 32 hex digits`);
  return k;
};

/**
 * A frame received lately, for de-duplication: a copy of its bytes (in a buffer reused
 * once the entry expires: no key string or record allocated per frame), when it came
 * and what the network made of it.
 */
interface Seen {
  bytes: Uint8Array;
  len: number;
  atMs: number;
  result: ReceiveResult | null;
}

/** `e` holds exactly the bytes of `phy`. */
function sameFrame(e: Seen, phy: Uint8Array): boolean {
  const n = phy.length;
  if (e.len !== n) return false;
  const b = e.bytes;
  for (let i = 0; i < n; i++) if (b[i] !== phy[i]) return false;
  return true;
}

export function createNetworkServer(options: NetworkServerOptions): NetworkServer {
  const stats: NetworkStats = {
    uplinks: 0,
    joins: 0,
    joinRejects: 0,
    devNonceReplays: 0,
    micFailures: 0,
    replays: 0,
    retransmissions: 0,
    fCntGaps: 0,
    duplicates: 0,
    unknownDevices: 0,
    malformed: 0,
    downlinks: 0,
    adrRequests: 0,
  };
  const ctx: Ctx = {
    opts: {
      rng: options.rng,
      netId: options.netId ?? 0x000013,
      region: options.region ?? EU868_NETWORK,
      rxWindow: options.rxWindow ?? 1,
      rxDelaySec: options.rxDelaySec ?? 1,
      rx1DrOffset: options.rx1DrOffset ?? 0,
      dedupWindowMs: options.dedupWindowMs ?? 200,
      maxFCntGap: options.maxFCntGap ?? 16384,
      ...(options.decode ? { decode: options.decode } : {}),
      ...(options.onUplink ? { onUplink: options.onUplink } : {}),
    },
    adr: {
      enabled: options.adr?.enabled ?? true,
      installationMarginDb: options.adr?.installationMarginDb ?? 10,
      historyLength: options.adr?.historyLength ?? 20,
    },
    snr: new SnrHistories(options.adr?.historyLength ?? 20),
    region: options.region ?? EU868_NETWORK,
    byEui: new Map(),
    byAddr: new Map(),
    stats,
  };
  // De-duplication: frames of the last dedupWindowMs by content, oldest first: seen[head, tail).
  // Only a few frames fall in the window, so a scan of their bytes beats hashing a key.
  // Slots outside [head, tail) are stale (their entries are in `spare`).
  const seen: Seen[] = [];
  let head = 0;
  let tail = 0;
  const spare: Seen[] = []; // expired entries, their buffers reused
  const expire = (e: Seen): void => {
    e.result = null; // hold no result past the window
    spare.push(e);
  };
  const remember = (phy: Uint8Array, atMs: number, result: ReceiveResult): void => {
    let e = spare.pop();
    if (e === undefined || e.bytes.length < phy.length) e = { bytes: new Uint8Array(Math.max(64, phy.length)), len: 0, atMs: 0, result: null };
    e.bytes.set(phy);
    e.len = phy.length;
    e.atMs = atMs;
    e.result = result;
    if (tail === seen.length) seen.push(e);
    else seen[tail] = e;
    tail++;
  };
  /** Removes seen[i] (head <= i < tail), keeping the order of the rest. */
  const removeAt = (i: number): void => {
    expire(seen[i]!);
    for (let j = i + 1; j < tail; j++) seen[j - 1] = seen[j]!;
    tail--;
  };
  const register = (d: DeviceRegistration): void => {
    const devEui = normEui(d.devEui);
    if (devEui.length !== 16) throw new Error(`DevEUI must be 16 hex digits: ${d.devEui}`);
    const dev = newDevice(ctx, devEui, d);
    if (d.mode === 'abp') {
      const devAddr = typeof d.devAddr === 'number' ? d.devAddr >>> 0 : parseInt(normEui(d.devAddr), 16) >>> 0;
      if (!Number.isFinite(devAddr)) throw new Error(`device ${devEui}: bad DevAddr`);
      const keys = { nwkSKey: key16(d.nwkSKey, 'NwkSKey', devEui), appSKey: key16(d.appSKey, 'AppSKey', devEui) };
      bindAddr(ctx, dev, devAddr);
      startSession(dev, devAddr, keys);
    } else {
      dev.appKey = key16(d.appKey, 'AppKey', devEui);
      dev.joinEui = normEui(d.joinEui);
    }
    const old = ctx.byEui.get(devEui);
    if (old !== undefined) unbindAddr(ctx, old);
    ctx.byEui.set(devEui, dev);
  };
  for (const d of options.devices ?? []) register(d);

  const mustGet = (devEui: string): DeviceState => {
    const dev = ctx.byEui.get(normEui(devEui));
    if (!dev) throw new Error(`unknown device ${devEui}`);
    return dev;
  };

  /** Drops the frames that left the window (oldest first, up to the first one still in it); the entry of `phy`, if any. */
  const lookup = (phy: Uint8Array, timeMs: number): Seen | null => {
    while (head < tail && !(timeMs - seen[head]!.atMs <= ctx.opts.dedupWindowMs)) expire(seen[head++]!);
    if (head === tail) head = tail = 0;
    else if (head > 64) {
      for (let j = head; j < tail; j++) seen[j - head] = seen[j]!;
      tail -= head;
      head = 0;
    }
    for (let i = head; i < tail; i++) if (sameFrame(seen[i]!, phy)) return seen[i]!;
    return null;
  };

  /** Same frame through another gateway: merge the metadata into the first record. */
  const duplicate = (r: ReceiveResult, meta: RxMeta): ReceiveResult => {
    // (a frozen list is the caller's, kept without a copy: see gatewaysList)
    const gws = r.gateways === undefined ? [] : Object.isFrozen(r.gateways) ? r.gateways.slice() : r.gateways;
    for (const g of meta.gateways) if (!gws.some((x) => x.id === g.id)) gws.push(g);
    r.gateways = gws;
    const best = bestGateway(gws);
    if (best) r.bestGateway = best;
    stats.duplicates++;
    return {
      accepted: false,
      reason: 'duplicate',
      detail: 'already received through another gateway',
      ...(r.kind ? { kind: r.kind } : {}),
      ...(r.devEui ? { devEui: r.devEui } : {}),
      ...(r.fCnt !== undefined ? { fCnt: r.fCnt } : {}),
    };
  };

  return {
    register,
    receive(phy, meta) {
      if (!(phy instanceof Uint8Array) || phy.length < 1) {
        stats.malformed++;
        return { accepted: false, reason: 'malformed', detail: 'empty frame' };
      }
      const prev = lookup(phy, meta.timeMs);
      if (prev !== null && !(meta.timeMs - prev.atMs > ctx.opts.dedupWindowMs)) return duplicate(prev.result!, meta);
      const prevResult = prev !== null ? prev.result : null; // (a nested receive from a hook could recycle prev)
      const mType = phy[0]! >> 5;
      const result =
        mType === MType.JoinRequest
          ? handleJoin(ctx, phy, meta)
          : mType >= MType.UnconfirmedUp && mType <= MType.ConfirmedDown
            ? handleData(ctx, phy, meta)
            : (stats.malformed++, { accepted: false, reason: 'malformed' as const, detail: `unsupported MType ${mType}` });
      if (prev !== null) {
        // a frame seen before the window: the new record goes to the end
        for (let i = head; i < tail; i++) {
          if (seen[i] === prev && prev.result === prevResult) {
            removeAt(i);
            break;
          }
        }
      }
      remember(phy, meta.timeMs, result);
      if (result.accepted && ctx.opts.onUplink) ctx.opts.onUplink(result);
      return result;
    },
    enqueue(devEui, d) {
      if (!Number.isInteger(d.fPort) || d.fPort < 1 || d.fPort > 223) throw new Error(`FPort must be 1..223, got ${d.fPort}`);
      queueOf(mustGet(devEui)).push({ fPort: d.fPort, payload: new Uint8Array(d.payload), ...(d.confirmed ? { confirmed: true } : {}) });
    },
    requestMac(devEui: string, cmd: MacCommand) {
      macQueueOf(mustGet(devEui)).push(cmd);
    },
    device(devEui) {
      const dev = ctx.byEui.get(normEui(devEui));
      if (!dev) return undefined;
      return {
        devEui: dev.devEui,
        joined: dev.joined,
        ...(dev.joined ? { devAddr: dev.devAddr } : {}),
        ...(dev.joined && dev.lastFCntUp !== undefined ? { lastFCntUp: dev.lastFCntUp } : {}),
        fCntDown: dev.joined ? dev.fCntDown : 0,
        queued: dev.queue.length,
        txPowerIdx: dev.txPowerIdx,
        snrHistory: ctx.snr.list(dev),
        ...(dev.lastDevStatus ? { lastDevStatus: { ...dev.lastDevStatus } } : {}),
        ...(dev.maxDutyCycle !== undefined ? { maxDutyCycle: dev.maxDutyCycle } : {}),
      };
    },
    stats: () => ({ ...stats }),
  };
}
