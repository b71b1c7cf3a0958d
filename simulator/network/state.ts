// Internal state of the network side, shared by the join and data paths.
import { loraCrypto, type KeyContext } from '../lorawan/crypto.ts';
import type { SessionKeys } from '../lorawan/frames.ts';
import type { MacCommand } from '../lorawan/mac.ts';
import type { NetworkRegion } from './region.ts';
import type { SnrHistories } from './snr.ts';
import type { DeviceRegistration, GatewayRx, NetworkServerOptions, NetworkStats, QueuedDownlink, RxMeta, Downlink } from './types.ts';

/**
 * A registered device with its session in place: one object per device, so an uplink
 * touches as few (cold) objects as possible at thousands of devices. The session's key
 * contexts (keyctx.ts: AES round keys, CMAC subkeys, memos) are found once, at the first
 * use after a join, and kept here (no key lookup per frame).
 */
export interface DeviceState {
  // The fields an uplink reads come first: an object's fields lie in the order of its
  // literal (newDevice), so these share the object's first cache lines.
  /** The next device bound to the same DevAddr (ctx.byAddr holds the first; the order of binding). */
  nextSameAddr: DeviceState | null;
  /** Last accepted 32-bit uplink counter (undefined before the first uplink). */
  lastFCntUp: number | undefined;
  /** Contexts of the session keys, made on first use (nwkContext). */
  nwk: KeyContext | null;
  app: KeyContext | null;
  devAddr: number;
  devEui: string;
  /** The SNR history for ADR: a ring at ctx.snr.buf[snrAt, snrAt + ring) holding snrCount values, the next one at snrNext (snr.ts). */
  snrAt: number;
  snrCount: number;
  snrNext: number;
  adrPending: boolean;
  txPowerIdx: number;
  /** Highest TX power index the device has accepted or not refused (refusals lower it). */
  maxPowerIdx: number | undefined;
  /** Queued downlinks and MAC commands: NOTHING_QUEUED (shared, frozen) while none ever was. */
  queue: QueuedDownlink[];
  macQueue: MacCommand[];
  /** Next downlink counter. */
  fCntDown: number;
  // ---- the rest of the session (valid while `joined`) ----
  joined: boolean;
  /** The session keys until their contexts are made (then null). */
  nwkSKey: Uint8Array | null;
  appSKey: Uint8Array | null;
  // ---- registration, join server, ADR ----
  reg: DeviceRegistration;
  appKey: Uint8Array | undefined;
  joinEui: string | undefined;
  /**
   * DevNonces already used in accepted joins (TS001: a join server never accepts one twice):
   * the first in a number (-1: none yet), the others in a Set made at the second join
   * (most devices join once: no Set for them).
   */
  firstDevNonce: number;
  devNonces: Set<number> | null;
  pendingAdrPower: number | undefined;
  lastDevStatus: { battery: number; marginDb: number } | undefined;
  maxDutyCycle: number | undefined;
  pendingDutyCycle: number | undefined;
}

/**
 * The empty queue of every device that never had anything queued: checking a device's
 * queues on each uplink then reads this one (hot) array instead of two cold ones per
 * device. Frozen, so a push into it fails loudly: use queueOf / macQueueOf to add.
 */
const NOTHING_QUEUED: never[] = Object.freeze([]) as unknown as never[];

/** The device's downlink queue, made its own on first use. */
export function queueOf(dev: DeviceState): QueuedDownlink[] {
  if (dev.queue === NOTHING_QUEUED) dev.queue = [];
  return dev.queue;
}

/** The device's MAC command queue, made its own on first use. */
export function macQueueOf(dev: DeviceState): MacCommand[] {
  if (dev.macQueue === NOTHING_QUEUED) dev.macQueue = [];
  return dev.macQueue;
}

/** Empties the device's MAC command queue. */
export function clearMacQueue(dev: DeviceState): void {
  dev.macQueue = NOTHING_QUEUED;
}

/** A new device, not joined; every field present from the start (one hidden class, no later transitions). */
export function newDevice(ctx: Ctx, devEui: string, reg: DeviceRegistration): DeviceState {
  return {
    nextSameAddr: null,
    lastFCntUp: undefined,
    nwk: null,
    app: null,
    devAddr: 0,
    devEui,
    snrAt: ctx.snr.alloc(),
    snrCount: 0,
    snrNext: 0,
    adrPending: false,
    txPowerIdx: 0,
    maxPowerIdx: undefined,
    queue: NOTHING_QUEUED,
    macQueue: NOTHING_QUEUED,
    fCntDown: 0,
    joined: false,
    nwkSKey: null,
    appSKey: null,
    reg,
    appKey: undefined,
    joinEui: undefined,
    firstDevNonce: -1,
    devNonces: null,
    pendingAdrPower: undefined,
    lastDevStatus: undefined,
    maxDutyCycle: undefined,
    pendingDutyCycle: undefined,
  };
}

/** Starts a session (join accept or ABP registration): new keys, counters from 0. Bind the DevAddr first (bindAddr). */
export function startSession(dev: DeviceState, devAddr: number, keys: SessionKeys): void {
  dev.joined = true;
  dev.devAddr = devAddr;
  dev.nwkSKey = keys.nwkSKey;
  dev.appSKey = keys.appSKey;
  dev.nwk = null;
  dev.app = null;
  dev.lastFCntUp = undefined;
  dev.fCntDown = 0;
}

/**
 * The session's NwkSKey context (and AppSKey's), made on the first use after a join.
 * Not earlier: the device's modem fetches its contexts for its first frame moments
 * before, so the cache then hands both sides the same context, and its memos serve both
 * (see crypto.ts); at the join, the modem's contexts may be an hour away, and the cache
 * (bounded) may have dropped ours by then.
 */
export function nwkContext(dev: DeviceState): KeyContext {
  let nwk = dev.nwk;
  if (nwk === null) {
    // find, not get: these arrays are dropped below, so no cache entry is kept for them
    nwk = dev.nwk = loraCrypto.keys.find(dev.nwkSKey!);
    dev.app = loraCrypto.keys.find(dev.appSKey!);
    // the arrays are needed no more: let them go
    dev.nwkSKey = null;
    dev.appSKey = null;
  }
  return nwk;
}

export interface Ctx {
  opts: Required<Omit<NetworkServerOptions, 'devices' | 'decode' | 'onUplink' | 'adr'>> &
    Pick<NetworkServerOptions, 'decode' | 'onUplink'>;
  adr: { enabled: boolean; installationMarginDb: number; historyLength: number };
  /** Every device's SNR history. */
  snr: SnrHistories;
  region: NetworkRegion;
  byEui: Map<string, DeviceState>;
  /** The first device bound to each DevAddr; the rest follow through `nextSameAddr`. */
  byAddr: Map<number, DeviceState>;
  stats: NetworkStats;
}

/** Whether the join server accepted this DevNonce from the device before. */
export const devNonceUsed = (dev: DeviceState, n: number): boolean => dev.firstDevNonce === n || (dev.devNonces !== null && dev.devNonces.has(n));

/** Records a DevNonce the join server accepted. */
export function useDevNonce(dev: DeviceState, n: number): void {
  if (dev.firstDevNonce < 0) dev.firstDevNonce = n;
  else (dev.devNonces ??= new Set()).add(n);
}

/** An EUI, DevAddr or key as upper-case hex digits only (separators dropped). */
export function normEui(s: string): string {
  // the usual input is already that (a fleet's EUIs and keys): return it as it is, without a regex and two copies
  if (typeof s === 'string') {
    let i = 0;
    while (i < s.length) {
      const c = s.charCodeAt(i);
      if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 70))) break;
      i++;
    }
    if (i === s.length) return s;
  }
  return s.replace(/[^0-9a-fA-F]/g, '').toUpperCase();
}

export function bestGateway(gws: readonly GatewayRx[]): GatewayRx | undefined {
  let best: GatewayRx | undefined;
  // indexed: the list may be frozen (see gatewaysOf), and V8 iterates a frozen array with for-of far more slowly
  for (let i = 0; i < gws.length; i++) {
    const g = gws[i]!;
    if (!best || g.snr > best.snr) best = g;
  }
  return best;
}

/**
 * The result's list of receiving gateways: the caller's own list when it is frozen (nobody can
 * change it: the fleet's air hands one frozen list per set of receiving gateways, shared by
 * many frames), else a copy. Saves an array per uplink; a duplicate's merge copies a frozen list first.
 */
export function gatewaysList(gws: GatewayRx[]): GatewayRx[] {
  return Object.isFrozen(gws) ? gws : gws.slice();
}

/** Removes the device from its DevAddr's chain (if it is on one). */
export function unbindAddr(ctx: Ctx, dev: DeviceState): void {
  if (!dev.joined) return;
  const first = ctx.byAddr.get(dev.devAddr);
  if (first === undefined) return;
  if (first === dev) {
    if (dev.nextSameAddr !== null) ctx.byAddr.set(dev.devAddr, dev.nextSameAddr);
    else ctx.byAddr.delete(dev.devAddr);
  } else {
    let d = first;
    while (d.nextSameAddr !== null && d.nextSameAddr !== dev) d = d.nextSameAddr;
    if (d.nextSameAddr === dev) d.nextSameAddr = dev.nextSameAddr;
  }
  dev.nextSameAddr = null;
}

/** Binds the device to `devAddr` (last on its chain), leaving the DevAddr of its current session. */
export function bindAddr(ctx: Ctx, dev: DeviceState, devAddr: number): void {
  unbindAddr(ctx, dev); // leaves dev.nextSameAddr null
  const first = ctx.byAddr.get(devAddr);
  if (first === undefined) {
    ctx.byAddr.set(devAddr, dev);
    return;
  }
  let last = first;
  while (last.nextSameAddr !== null) last = last.nextSameAddr;
  last.nextSameAddr = dev;
}

/** Timing and radio parameters of receive window 1 or 2 after an uplink. */
export function rxWindow(
  ctx: Ctx,
  meta: RxMeta,
  rx1DelayMs: number,
  window: 1 | 2,
  rx1DrOffset: number,
): Pick<Downlink, 'atMs' | 'freqHz' | 'dr' | 'window'> {
  if (window === 1) {
    return {
      atMs: meta.timeMs + rx1DelayMs,
      freqHz: ctx.region.rx1FreqHz(meta.freqHz),
      dr: ctx.region.rx1Dr(meta.dr, rx1DrOffset),
      window: 1,
    };
  }
  return { atMs: meta.timeMs + rx1DelayMs + 1000, freqHz: ctx.region.rx2.freqHz, dr: ctx.region.rx2.dr, window: 2 };
}
