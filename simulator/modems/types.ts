// Shared types of the modem emulators: the radio ("air") they transmit through,
// their transmission log, and fault injection.

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

export function createFaultPlan(rates: FaultRates, rng: () => number): FaultPlan {
  const armed: Partial<Record<FaultKind, number>> = {};
  return {
    inject(kind) {
      armed[kind] = (armed[kind] ?? 0) + 1;
    },
    take(kind) {
      const n = armed[kind] ?? 0;
      if (n > 0) {
        armed[kind] = n - 1;
        return true;
      }
      const p = rates[kind] ?? 0;
      return p > 0 && rng() / 4294967296 < p;
    },
  };
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
  inject(kind: FaultKind): void;
  /** Pulses the reset pin: reboots (banner), clears a hang. */
  hardwareReset(): void;
  state(): ModemState;
}
