// One interface for every AT-command LoRaWAN modem (RN2483, RAK3172/RUI3).
// Every modem reply, timeout and garbage line ends in exactly one typed outcome;
// nothing here throws. Callbacks are always called once, never synchronously
// from inside the call that started the operation.

/** Something went wrong that the caller cannot fix by waiting: unexpected reply, no reply, modem error word. */
export type Fault = { kind: 'fault'; detail: string };
/** Another operation is in flight (in the driver or, as the modem says, inside the modem). */
export type Busy = { kind: 'busy' };
/** A parameter was refused (by the driver's own check or by the modem). Keys are never echoed. */
export type InvalidParam = { kind: 'invalid-param' };
/**
 * No channel is free because of duty-cycle limits. `ms` is the modem's own estimate,
 * or 0 when the modem gives none (both RN2483 and RUI3): consult the lorawan/ duty-cycle ledger.
 */
export type DutyCycleWait = { kind: 'duty-cycle-wait'; ms: number };

/** Outcome of simple operations (init, setDataRate, setAdr, save, sleep, wake, reset). */
export type Done = { kind: 'ok' } | Busy | InvalidParam | Fault;

export type JoinOutcome =
  | { kind: 'joined' }
  /** The network did not accept (RN2483 `denied`, RUI3 `+EVT:JOIN FAILED...`): back off and retry. */
  | { kind: 'join-failed' }
  | DutyCycleWait
  | Busy
  | InvalidParam
  | Fault;

export type TxOutcome =
  /** Unconfirmed uplink sent, no downlink. */
  | { kind: 'sent' }
  /** Confirmed uplink acknowledged, no downlink data. */
  | { kind: 'delivered' }
  /** A downlink arrived in RX1/RX2; `acked` is true when the uplink was confirmed (and so acknowledged). */
  | { kind: 'downlink'; port: number; data: Uint8Array; acked: boolean }
  /** Confirmed uplink, no acknowledgement after the modem's retransmissions. */
  | { kind: 'no-ack' }
  | DutyCycleWait
  | { kind: 'not-joined' }
  /** The session is unusable (RN2483 `frame_counter_err_rejoin_needed`): join again. */
  | { kind: 'rejoin-needed' }
  /** Payload too long for the current data rate (plus pending MAC commands). */
  | { kind: 'invalid-length' }
  | Busy
  | InvalidParam
  | Fault;

export type LinkCheckOutcome =
  /** LinkCheckAns: demodulation margin (dB above the demodulation floor) and gateway count. */
  | { kind: 'link'; margin: number; gateways: number }
  /** The uplink that carried the request got no LinkCheckAns. */
  | { kind: 'no-answer' }
  | Busy
  | Fault;

export type CounterOutcome = { kind: 'counter'; up: number } | { kind: 'unsupported' } | Busy | Fault;

export type JoinParams =
  | { mode: 'otaa'; devEui: string; joinEui: string; appKey: string }
  | { mode: 'abp'; devAddr: string; nwkSKey: string; appSKey: string; fCntUp: number; fCntDown: number };

/** Options shared by the drivers; every field is optional. */
export interface ModemConfig {
  /** Pin wired to the modem's RESET (active low); without it a soft reset is used. */
  resetPin?: string;
  /** Log every command and reply through hal.log (keys are redacted). */
  debug?: boolean;
  /** Consecutive timeouts after which the modem is reset (default 3). */
  maxTimeouts?: number;
  /** Timeout of an immediate reply (default 2000 ms). */
  replyMs?: number;
  /** Timeout of a join's result (default 20000 ms). */
  joinMs?: number;
  /** Timeout of an unconfirmed uplink's result (default 15000 ms). */
  txMs?: number;
  /** Timeout of a confirmed uplink's result, retransmissions included (default 60000 ms). */
  cnfMs?: number;
  /**
   * false turns the modem's own duty-cycle enforcement off (RUI3 `AT+DCS=0`; RN2483 channel
   * dcycle 0). Only for tests of the auditor: a node must never transmit without a ledger.
   */
  dutyCycle?: boolean;
  /** RUI3 band number for AT+BAND (RAK3172 only; e.g. 4 = EU868). Not sent when absent. */
  band?: number;
}

export interface Modem {
  /** 'rn2483' or 'rak3172'. */
  readonly model: string;
  /** Opens the UART, checks the modem answers, reads join state, data rate and ADR. */
  init(cb: (o: Done) => void): void;
  /** Writes the identity and keys, then joins (OTAA: over the air; ABP: activates the session). */
  join(p: JoinParams, cb: (o: JoinOutcome) => void): void;
  /**
   * Uplink on port 1..223 of `data` from byte `from` on (default 0: all of it; the node sends a
   * queued sample past its time bytes without copying it). Waits for the final result (RX windows included).
   */
  send(port: number, data: Uint8Array, confirmed: boolean, cb: (o: TxOutcome) => void, from?: number): void;
  /** Asks for a LinkCheckReq on the next uplink; `cb` is called after that uplink finishes. */
  linkCheck(cb: (o: LinkCheckOutcome) => void): void;
  setDataRate(dr: number, cb: (o: Done) => void): void;
  setAdr(on: boolean, cb: (o: Done) => void): void;
  /** The modem's uplink frame counter (for persistence); RUI3 does not report it. */
  upCounter(cb: (o: CounterOutcome) => void): void;
  /** Persists the modem's MAC settings in its own EEPROM (RN2483 `mac save`; no-op on RUI3). */
  save(cb: (o: Done) => void): void;
  /** Puts the modem to sleep for `ms`; any later operation wakes it first. */
  sleep(ms: number, cb: (o: Done) => void): void;
  wake(cb: (o: Done) => void): void;
  /** Hardware reset if a pin is configured, else soft reset (break + auto-baud as a last resort). */
  reset(cb: (o: Done) => void): void;
  /** Closes the UART (nRF52: an open UART costs about 1 mA). The next operation reopens it. */
  close(): void;
  /** Last known join state (false after a reset). */
  joined(): boolean;
  /** Last known uplink data rate, or -1 before init. Refreshed after join and after uplinks when ADR is on. */
  dataRate(): number;
  /** True while an operation is in flight. */
  busy(): boolean;
}

export const BUSY: Busy = { kind: 'busy' };
export const INVALID: InvalidParam = { kind: 'invalid-param' };
export const OK: Done = { kind: 'ok' };

export function fault(detail: string): Fault {
  return { kind: 'fault', detail: detail };
}
