// The simulator's records: what happened on air and in the network during a fleet
// run. The auditor, the energy model, the report and the sinks all read these, so
// they are the contract between those parts.

/** One transmission a node's modem put on air (from the modem emulator's log). */
export interface TxRecord {
  nodeId: string;
  devEui: string;
  app: string;
  kind: 'join' | 'unconfirmed' | 'confirmed';
  startMs: number;
  airtimeMs: number;
  freqHz: number;
  dr: number;
  sf: number;
  bwKhz: number;
  powerDbm: number;
  /** PHYPayload bytes. */
  phyBytes: number;
  /** FRMPayload bytes (0 for joins). */
  appBytes: number;
  /** 32-bit uplink FCnt (data frames). */
  fCnt?: number;
  fPort?: number;
  devNonce?: number;
  /** 0 for a first transmission, n for the n-th retransmission of a confirmed frame. */
  retry: number;
  /** Gateways that demodulated it (empty: lost). */
  receivedBy: Array<{ gatewayId: string; rssi: number; snr: number }>;
  /** Why no gateway got it, when none did: below-sensitivity, collision, ... (most common reason). */
  lostReason?: string;
}

/** One downlink a gateway transmitted (join accept, ACK, data, MAC). */
export interface DownlinkRecord {
  nodeId: string;
  gatewayId: string;
  startMs: number;
  airtimeMs: number;
  freqHz: number;
  dr: number;
  window: 1 | 2;
  kind: 'join-accept' | 'ack' | 'data';
  /** Did the node's modem receive it in its RX window. */
  received: boolean;
}

/** An application uplink that reached the network server, decoded with the app's codec. */
export interface DecodedUplink {
  timeMs: number;
  nodeId: string;
  devEui: string;
  app: string;
  fCnt: number;
  fPort: number;
  /** Hex FRMPayload. */
  payload: string;
  /** TS013 decodeUplink result. */
  data: unknown;
  warnings: string[];
  errors: string[];
  gateways: Array<{ gatewayId: string; rssi: number; snr: number }>;
  dr: number;
}

export type ViolationKind = 'duty-cycle' | 'fair-use' | 'join-backoff' | 'fcnt-reuse' | 'devnonce-reuse' | 'payload-size' | 'dwell-time';

/** A broken rule found by the auditor, from the transmission log alone. */
export interface Violation {
  kind: ViolationKind;
  nodeId: string;
  atMs: number;
  detail: string;
}
