// Shared vocabulary of the virtual gateways that talk to real network servers
// (Semtech UDP packet forwarder, ChirpStack Gateway Bridge MQTT). A gateway takes
// uplinks heard on the simulated air and hands back the downlinks a network server
// scheduled, at the virtual time the gateway would start transmitting them.

/** Modulation of a frame: LoRa (sf, bwKhz) or FSK (bitrate). */
export type Modulation = { kind: 'lora'; sf: number; bwKhz: number; codeRate: string } | { kind: 'fsk'; bitrate: number };

/** A frame the gateway demodulated. */
export interface GatewayUplink {
  phy: Uint8Array;
  /** Virtual time (ms) at which reception ended (what the concentrator timestamps). */
  timeMs: number;
  freqHz: number;
  modulation: Modulation;
  rssi: number;
  snr: number;
  /** IF channel (0..9) and RF chain (0..1) of the concentrator; default 0. */
  channel?: number;
  rfChain?: number;
}

/** Why a gateway refused a downlink (Semtech TX_ACK error names; ChirpStack's TxAckStatus differs only by OK/NONE). */
export type TxAckError =
  | 'NONE'
  | 'TOO_LATE'
  | 'TOO_EARLY'
  | 'COLLISION_PACKET'
  | 'COLLISION_BEACON'
  | 'TX_FREQ'
  | 'TX_POWER'
  | 'GPS_UNLOCKED';

export const TX_ACK_ERRORS: readonly TxAckError[] = [
  'NONE',
  'TOO_LATE',
  'TOO_EARLY',
  'COLLISION_PACKET',
  'COLLISION_BEACON',
  'TX_FREQ',
  'TX_POWER',
  'GPS_UNLOCKED',
];

/** What a network server asked a gateway to transmit. */
export interface DownlinkRequest {
  phy: Uint8Array;
  freqHz: number;
  modulation: Modulation;
  powerDbm: number;
  /** Inverted I/Q (LoRaWAN downlinks: true). */
  invertIq: boolean;
  /** When: immediately, at a concentrator counter value (µs, 32-bit), or at a GPS time (gateway needs GPS). */
  timing: { kind: 'immediate' } | { kind: 'tmst'; tmst: number } | { kind: 'gps'; gpsMs: number };
}

/** A downlink the gateway put on air. */
export interface GatewayDownlink extends DownlinkRequest {
  /** Virtual time (ms) at which the transmission starts. */
  atMs: number;
  airtimeMs: number;
  gatewayId: string;
}

/** The common face of the virtual gateways (UDP and MQTT). */
export interface VirtualGateway {
  readonly id: string;
  /** Forwards a demodulated uplink to the network server. */
  uplink(up: GatewayUplink): void;
  /** Registers a listener for transmitted downlinks (called at the start of transmission, on the virtual clock). */
  onDownlink(cb: (dl: GatewayDownlink) => void): void;
  /** Stops timers and sockets; resolves when they are closed. */
  close(): Promise<void>;
}
