// Internal state of the network side, shared by the join and data paths.
import type { SessionKeys } from '../lorawan/frames.ts';
import type { MacCommand } from '../lorawan/mac.ts';
import type { NetworkRegion } from './region.ts';
import type { DeviceRegistration, GatewayRx, NetworkServerOptions, NetworkStats, QueuedDownlink, RxMeta, Downlink } from './types.ts';

export interface Session {
  devAddr: number;
  keys: SessionKeys;
  /** Last accepted 32-bit uplink counter (undefined before the first uplink). */
  lastFCntUp?: number;
  /** Next downlink counter. */
  fCntDown: number;
}

export interface DeviceState {
  devEui: string;
  reg: DeviceRegistration;
  appKey?: Uint8Array;
  joinEui?: string;
  session?: Session;
  /** DevNonces already used in accepted joins (TS001: a join server never accepts one twice). */
  devNonces: Set<number>;
  snrHistory: number[];
  txPowerIdx: number;
  adrPending: boolean;
  pendingAdrPower?: number;
  /** Highest TX power index the device has accepted or not refused (refusals lower it). */
  maxPowerIdx?: number;
  queue: QueuedDownlink[];
  macQueue: MacCommand[];
  lastDevStatus?: { battery: number; marginDb: number };
  maxDutyCycle?: number;
  pendingDutyCycle?: number;
}

export interface Ctx {
  opts: Required<Omit<NetworkServerOptions, 'devices' | 'decode' | 'onUplink' | 'adr'>> &
    Pick<NetworkServerOptions, 'decode' | 'onUplink'>;
  adr: { enabled: boolean; installationMarginDb: number; historyLength: number };
  region: NetworkRegion;
  byEui: Map<string, DeviceState>;
  byAddr: Map<number, DeviceState[]>;
  stats: NetworkStats;
}

export const normEui = (s: string): string => s.replace(/[^0-9a-fA-F]/g, '').toUpperCase();

export function bestGateway(gws: readonly GatewayRx[]): GatewayRx | undefined {
  let best: GatewayRx | undefined;
  for (const g of gws) if (!best || g.snr > best.snr) best = g;
  return best;
}

export function bindAddr(ctx: Ctx, dev: DeviceState, devAddr: number): void {
  if (dev.session) {
    const old = ctx.byAddr.get(dev.session.devAddr);
    if (old) {
      const rest = old.filter((d) => d !== dev);
      if (rest.length) ctx.byAddr.set(dev.session.devAddr, rest);
      else ctx.byAddr.delete(dev.session.devAddr);
    }
  }
  const list = ctx.byAddr.get(devAddr) ?? [];
  list.push(dev);
  ctx.byAddr.set(devAddr, list);
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
