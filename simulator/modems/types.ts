// Shared types of the modem emulators: the radio ("air") they transmit through,
// their transmission log, fault injection, and the MAC engine's configuration and interface.
import type { Clock } from '../clock.ts';
import type { Region } from '../../firmware/lorawan/region.ts';

/** One transmission handed to the air. */
export interface AirTx {
  phy: Uint8Array;
  freqHz: number;
  dr: number;
  sf: number;
  bwKhz: number;
  powerDbm: number;
  startMs: number;
  airtimeMs: number;
  devEui: string;
}

/**
 * A downlink delivered back by the air. Call the `rx` callback at the start of the
 * receive window (the downlink's start time); the modem models the reception time and
 * receives it only when frequency and data rate match an open window.
 */
export interface AirRx {
  phy: Uint8Array;
  freqHz: number;
  dr: number;
  rssi: number;
  snr: number;
}

export interface Air {
  transmit(tx: AirTx, rx: (dl: AirRx) => void): void;
}

export interface Channel {
  freqHz: number;
  minDr: number;
  maxDr: number;
  enabled: boolean;
  /** RN2483-style duty-cycle prescaler: this channel may be used 1/(dcycle+1) of the time. */
  dcycle: number;
  /** The channel (per-channel mode) may transmit again from this time. */
  freeAt: number;
}

export interface MacConfig {
  devEui: string;
  joinEui: string;
  appKey: Uint8Array | null;
  devAddr: number;
  nwkSKey: Uint8Array | null;
  appSKey: Uint8Array | null;
  dr: number;
  adr: boolean;
  txPowerIdx: number;
  /** Retransmissions of a confirmed uplink without ACK. */
  retx: number;
  rx1DelayMs: number;
  rx1DrOffset: number;
  rx2Dr: number;
  rx2FreqHz: number;
  fCntUp: number;
  fCntDown: number;
  /** Next DevNonce for counter-based modems (LoRaWAN 1.0.4 style). */
  devNonce: number;
  joined: boolean;
  channels: Channel[];
  /** Aggregated duty cycle 1/2^maxDCycle set by DutyCycleReq (0 = none). */
  maxDCycle: number;
  /** Duty-cycle enforcement on (RN2483 always; RUI3 AT+DCS). */
  dutyCycle: boolean;
  /** Ask for a LinkCheck in the next uplink. */
  linkCheck: boolean;
}

/** One line of the transmission log, for auditors (independent of the firmware's ledger). */
export interface TxLogEntry {
  timeMs: number;
  freqHz: number;
  /** Index into the modem's channel list. */
  channel: number;
  dr: number;
  airtimeMs: number;
  powerDbm: number;
  bytes: number;
  type: 'join' | 'unconfirmed' | 'confirmed';
  /** Uplink FCnt (data frames) or DevNonce (joins). */
  fCnt?: number;
  devNonce?: number;
  /** 0 for a first transmission, n for the n-th retransmission of a confirmed frame. */
  retry: number;
}

// ---- the MAC engine's interface (mac-engine.ts) ----

export type StartError = 'busy' | 'no_free_ch' | 'not_joined' | 'keys_not_init' | 'invalid_data_len' | 'fcnt_rollover' | 'invalid_param';
export type StartResult = { ok: true } | { ok: false; error: StartError; waitMs?: number };

export interface TxOutcome {
  /** False only for a confirmed uplink that got no ACK after all retransmissions. */
  delivered: boolean;
  downlink?: { port: number; payload: Uint8Array; window: 1 | 2; rssi: number; snr: number };
  /** Set when the uplink carried a LinkCheckReq: the answer, or null when none came. */
  linkCheck?: { margin: number; gwCnt: number } | null;
}

export interface MacEngineOptions {
  clock: Clock;
  air: Air;
  region: Region;
  rng: () => number;
  /** 'channel': RN2483 per-channel prescalers; 'subband': LoRaMac-node per-band off-time. */
  dutyCycleMode: 'channel' | 'subband';
  /** RN2483 default channel prescaler (302 -> 0.33 % per channel). */
  defaultDcycle: number;
  /** Where transmissions are logged (kept by the emulator across reboots). */
  txLog: TxLog;
}

export interface MacEngine {
  cfg: MacConfig;
  readonly txLog: TxLog;
  busy(): boolean;
  /** `cb(accepted, arg)` when the join ends (a shared function and its argument: no closure per join). */
  join<T>(cb: (accepted: boolean, arg: T) => void, arg: T, deny: boolean, devNonce: number): StartResult;
  /** `cb(outcome, arg)` when the uplink (with its retransmissions) ends. */
  send<T>(confirmed: boolean, port: number, payload: Uint8Array, cb: (o: TxOutcome, arg: T) => void, arg: T): StartResult;
  /** Cancels the operation in progress (reset, sleep): its callback never fires. */
  abort(): void;
  /** Earliest time any channel usable at `dr` is free (duty cycle). */
  nextFreeMs(dr: number): number;
  resetChannels(): void;
  /** To be called after changing a channel of cfg.channels in place (the engine caches their numbers). */
  channelsChanged(): void;
  lastRx(): { rssi: number; snr: number } | null;
  lastLinkCheck(): { margin: number; gwCnt: number } | null;
}

/** A downlink received in a window. */
export type Received = { rx: AirRx; window: 1 | 2 };

const TX_TYPES: readonly TxLogEntry['type'][] = ['join', 'unconfirmed', 'confirmed'];
/** Numbers per transmission in TxLog.data. */
const TX_FIELDS = 10;

/**
 * A modem's transmission log, kept as numbers (TX_FIELDS per transmission, in the order of
 * `addTx`'s parameters, the type as 0 join / 1 unconfirmed / 2 confirmed) in one array of
 * doubles rather than as an object per transmission: every entry lives to the end of a run,
 * and a long-lived object per uplink was a steady cost for the garbage collector.
 * `addTx` appends; `entries()` gives the TxLogEntry objects, building only those added since its last call
 * and returning the same array each time.
 */
export class TxLog {
  readonly data: number[] = [];
  private readonly built: TxLogEntry[] = [];

  /** Transmissions logged. */
  count(): number {
    return this.data.length / TX_FIELDS;
  }
  /** Start time (virtual ms) of transmission k. */
  timeMs(k: number): number {
    return this.data[k * TX_FIELDS]!;
  }
  /** DevNonce of a join, FCnt of a data frame (transmission k). */
  counter(k: number): number {
    return this.data[k * TX_FIELDS + 8]!;
  }
  isJoin(k: number): boolean {
    return this.data[k * TX_FIELDS + 7] === 0;
  }
  retry(k: number): number {
    return this.data[k * TX_FIELDS + 9]!;
  }

  entries(): TxLogEntry[] {
    const out = this.built;
    const b = this.data;
    for (let k = out.length; k < b.length / TX_FIELDS; k++) {
      const i = k * TX_FIELDS;
      const type = TX_TYPES[b[i + 7]!]!;
      const timeMs = b[i]!;
      const freqHz = b[i + 1]!;
      const channel = b[i + 2]!;
      const dr = b[i + 3]!;
      const airtimeMs = b[i + 4]!;
      const powerDbm = b[i + 5]!;
      const bytes = b[i + 6]!;
      const counter = b[i + 8]!;
      const retry = b[i + 9]!;
      // the same objects, keys in the same order, as the entries made directly before
      out.push(
        type === 'join'
          ? { timeMs, freqHz, channel, dr, airtimeMs, powerDbm, bytes, type, devNonce: counter, retry }
          : { timeMs, freqHz, channel, dr, airtimeMs, powerDbm, bytes, type, fCnt: counter, retry },
      );
    }
    return out;
  }
}

/** Appends one transmission to a TxLog's `data` (the MAC engine keeps the array itself: one object less to reach per uplink). */
export function addTx(data: number[], timeMs: number, freqHz: number, channel: number, dr: number, airtimeMs: number, powerDbm: number, bytes: number, type: TxLogEntry['type'], counter: number, retry: number): void {
  data.push(timeMs, freqHz, channel, dr, airtimeMs, powerDbm, bytes, type === 'join' ? 0 : type === 'unconfirmed' ? 1 : 2, counter, retry);
}

export type FaultKind =
  | 'drop-reply' // the next reply line is not sent
  | 'garbage' // a line of junk precedes the next reply
  | 'busy' // the next join/tx is refused as busy
  | 'no-free-ch' // the next join/tx is refused for duty cycle
  | 'deny-join' // the next join ends denied (the join accept is ignored)
  | 'reset' // spontaneous reset: prints the boot banner, volatile state lost
  | 'hang'; // stops answering until a break or a hardware reset

/** Random fault rates (0..1, per opportunity), drawn from the emulator's seeded RNG. */
export type FaultRates = Partial<Record<FaultKind, number>>;

export interface FaultPlan {
  /** Arms a one-shot fault for the next opportunity. */
  inject(kind: FaultKind): void;
  /** True when `kind` should happen now (one-shot first, then the rate). */
  take(kind: FaultKind): boolean;
}

/**
 * `owner`, when given, has `faultless` kept true exactly while no fault can happen (no rates,
 * nothing ever armed): its hot paths then skip the plan (take would answer false, drawing nothing).
 */
export function createFaultPlan(rates: FaultRates, rng: () => number, owner?: { faultless: boolean }): FaultPlan {
  return new Faults(rates, rng, owner ?? { faultless: true });
}

/**
 * A class rather than closures: `take` runs for several kinds on every command line and
 * reply, and with a thousand emulators their state is rarely in the CPU cache; a class
 * instance is one object to reach (its methods are shared), closures are one each plus
 * their context.
 */
class Faults implements FaultPlan {
  private readonly armed: Partial<Record<FaultKind, number>> = {};
  private readonly rates: FaultRates;
  private readonly rng: () => number;
  // Fast path: most emulators have no rates and nothing armed. `flag.faultless` (the owner's,
  // or the plan's own without one) says so; `take` then answers false without the keyed
  // lookups, drawing no random numbers, exactly like the full path for a zero rate.
  private readonly flag: { faultless: boolean };

  constructor(rates: FaultRates, rng: () => number, flag: { faultless: boolean }) {
    this.rates = rates;
    this.rng = rng;
    this.flag = flag;
    let any = false;
    for (const k in rates) if ((rates[k as FaultKind] ?? 0) > 0) any = true;
    flag.faultless = !any;
  }

  inject(kind: FaultKind): void {
    this.flag.faultless = false;
    this.armed[kind] = (this.armed[kind] ?? 0) + 1;
  }

  take(kind: FaultKind): boolean {
    if (this.flag.faultless) return false;
    const n = this.armed[kind] ?? 0;
    if (n > 0) {
      this.armed[kind] = n - 1;
      return true;
    }
    const p = this.rates[kind] ?? 0;
    return p > 0 && this.rng() / 4294967296 < p;
  }
}

/** Options common to both emulators. */
export interface ModemEmulatorOptions {
  /** Seed of the emulator's own randomness (channels, DevNonce, faults). */
  seed: number;
  air: Air;
  /** The module's factory EUI (hweui / default DevEUI), 16 hex digits. */
  hwEui: string;
  faults?: FaultRates;
}

export interface ModemState {
  joined: boolean;
  devAddr: number;
  fCntUp: number;
  fCntDown: number;
  dr: number;
  adr: boolean;
  asleep: boolean;
  hung: boolean;
  busy: boolean;
  baud: number;
}

/** The state an emulator reports: the MAC's part, plus the module's own (sleep, hang, busy, baud). */
export function modemState(
  cfg: { joined: boolean; devAddr: number; fCntUp: number; fCntDown: number; dr: number; adr: boolean },
  own: { asleep: boolean; hung: boolean; busy: boolean; baud: number },
): ModemState {
  return { joined: cfg.joined, devAddr: cfg.devAddr, fCntUp: cfg.fCntUp, fCntDown: cfg.fCntDown, dr: cfg.dr, adr: cfg.adr, asleep: own.asleep, hung: own.hung, busy: own.busy, baud: own.baud };
}

export interface ModemEmulator {
  readonly txLog: TxLogEntry[];
  /** The same log, read field by field without building an object per transmission. */
  readonly log: TxLog;
  inject(kind: FaultKind): void;
  /** Pulses the reset pin: reboots (banner), clears a hang. */
  hardwareReset(): void;
  state(): ModemState;
}
