// Types of the simulated network side (network server + join server).
import type { MacCommand } from '../lorawan/mac.ts';
import type { NetworkRegion } from './region.ts';

/** An OTAA device as registered on the join server. Hex strings, display order. */
export interface OtaaRegistration {
  mode?: 'otaa';
  devEui: string;
  joinEui: string;
  appKey: string;
}

/** An ABP device: session fixed at registration, counters start at 0. */
export interface AbpRegistration {
  mode: 'abp';
  devEui: string;
  devAddr: string | number;
  nwkSKey: string;
  appSKey: string;
}

export type DeviceRegistration = OtaaRegistration | AbpRegistration;

export interface GatewayRx {
  id: string;
  rssi: number;
  snr: number;
}

/** Reception metadata. `timeMs` is when the uplink ended (the RX windows count from it). */
export interface RxMeta {
  timeMs: number;
  freqHz: number;
  dr: number;
  gateways: GatewayRx[];
}

export interface Downlink {
  phy: Uint8Array;
  /** When the gateway starts transmitting (start of the receive window). */
  atMs: number;
  freqHz: number;
  dr: number;
  window: 1 | 2;
  /** The gateway chosen to send it (best SNR). */
  gatewayId?: string;
  kind: 'join-accept' | 'data';
  fCnt?: number;
  fPort?: number;
  ack?: boolean;
  confirmed?: boolean;
}

export type RejectReason =
  | 'malformed'
  | 'not-uplink'
  | 'unknown-device'
  | 'join-eui-mismatch'
  | 'mic'
  | 'devnonce-replay'
  | 'replay'
  | 'retransmission'
  | 'fcnt-gap'
  | 'duplicate'
  | 'not-joined';

export interface ReceiveResult {
  accepted: boolean;
  kind?: 'join' | 'data';
  devEui?: string;
  devAddr?: number;
  fCnt?: number;
  fPort?: number;
  /** Decrypted application payload (FPort > 0). */
  payload?: Uint8Array;
  /** What the `decode` hook returned. */
  decoded?: unknown;
  /** Set when the `decode` hook threw. */
  decodeError?: string;
  confirmed?: boolean;
  /** A confirmed uplink repeated with the same FCnt: ACKed again, not delivered again. */
  retransmission?: boolean;
  /** Names of the MAC commands the device sent. */
  macCommands?: string[];
  reason?: RejectReason;
  /** Human-readable detail for a rejection (never contains keys). */
  detail?: string;
  gateways?: GatewayRx[];
  bestGateway?: GatewayRx;
  downlink?: Downlink;
}

export interface QueuedDownlink {
  fPort: number;
  payload: Uint8Array;
  confirmed?: boolean;
}

export interface NetworkStats {
  uplinks: number;
  joins: number;
  joinRejects: number;
  devNonceReplays: number;
  micFailures: number;
  replays: number;
  retransmissions: number;
  fCntGaps: number;
  duplicates: number;
  unknownDevices: number;
  malformed: number;
  downlinks: number;
  adrRequests: number;
}

export interface NetworkServerOptions {
  /** Seeded source of unsigned 32-bit integers (DevAddr, JoinNonce). */
  rng: () => number;
  devices?: DeviceRegistration[];
  /** NetID (24-bit); its NwkID prefixes assigned DevAddrs. Default 0x000013. */
  netId?: number;
  region?: NetworkRegion;
  /** Receive window used for downlinks: 1 (default) or 2. */
  rxWindow?: 1 | 2;
  /** RX1 delay for data (s), default 1; join accepts use JoinAcceptDelay1 = 5 s. */
  rxDelaySec?: number;
  rx1DrOffset?: number;
  /** Frames identical to one seen within this window count once (default 200 ms). */
  dedupWindowMs?: number;
  /** Largest accepted FCnt jump (TS001 MAX_FCNT_GAP, default 16384). */
  maxFCntGap?: number;
  adr?: { enabled?: boolean; installationMarginDb?: number; historyLength?: number };
  /** Decodes application payloads; its result lands in `decoded`. */
  decode?: (fPort: number, bytes: Uint8Array) => unknown;
  /** Called once per accepted uplink; the record keeps growing its gateway list on duplicates. */
  onUplink?: (r: ReceiveResult) => void;
}

export interface DeviceView {
  devEui: string;
  joined: boolean;
  devAddr?: number;
  lastFCntUp?: number;
  fCntDown: number;
  queued: number;
  txPowerIdx: number;
  snrHistory: number[];
  lastDevStatus?: { battery: number; marginDb: number };
  maxDutyCycle?: number;
}

export interface NetworkServer {
  receive(phy: Uint8Array, meta: RxMeta): ReceiveResult;
  register(d: DeviceRegistration): void;
  /** Queues an application downlink (e.g. a configuration command). */
  enqueue(devEui: string, d: QueuedDownlink): void;
  /** Queues a network-initiated MAC command (DevStatusReq, DutyCycleReq, ...). */
  requestMac(devEui: string, cmd: MacCommand): void;
  device(devEui: string): DeviceView | undefined;
  stats(): NetworkStats;
}
