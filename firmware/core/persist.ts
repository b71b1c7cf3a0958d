// Power-loss-safe persistent state of a LoRaWAN node (device profile).
//
// Two records, each in its own pair of alternating Storage files (persist-record.ts):
//   <prefix>.s0/.s1  state: counter reservations, session, configuration
//   <prefix>.q0/.q1  the queue of samples awaiting uplink (persist-queue.ts)
// Frame counters and DevNonces are never reused: before a value is handed out, a
// reservation above it is committed (`next = current + block`); after a reboot counting
// resumes at the committed reservation. So a state write happens once per `fcntBlock`
// uplinks and once per `nonceBlock` join requests, plus session and configuration changes.
// Keys are stored only when the caller passes them, and are never logged.
// See docs/PERSISTENCE.md for the guarantees and the trade-offs.
import type { Hal } from '../hal.ts';
import { createSlotPair } from './persist-record.ts';
import { createSampleQueue } from './persist-queue.ts';
import type { PersistConfig, PersistSession, StateImage } from './persist-state.ts';
import {
  copyConfig,
  copyKey,
  decodeState,
  DEVNONCE_MAX,
  encodeState,
  FCNT_MAX,
  isU32,
  MODE_ABP,
  MODE_NONE,
  MODE_OTAA,
  sameConfig,
  sameKey,
  validConfig,
  validKey,
} from './persist-state.ts';

export type { PersistConfig, PersistSession } from './persist-state.ts';
export { DEVNONCE_MAX, FCNT_MAX, MAX_THRESHOLDS, MODE_ABP, MODE_NONE, MODE_OTAA } from './persist-state.ts';

const KIND_STATE = 0x53; // 'S'
const KIND_QUEUE = 0x51; // 'Q'

export interface PersistOptions {
  /** Prefix of the Storage names (1..24 characters); default "lk". */
  prefix?: string;
  /** Uplink counters reserved per state write; default 64 (keep far below 16384). */
  fcntBlock?: number;
  /** DevNonces reserved per state write; default 8 (a reboot wastes at most this many). */
  nonceBlock?: number;
  /** Samples the queue holds (1..255); default 24. */
  queueCapacity?: number;
  /** Unsaved samples that trigger a queue commit (1..capacity); default 8. */
  queueSaveEvery?: number;
  /** `beforeSleep(ms)` commits the queue when it is about to sleep at least this long; default 3,600,000 (1 h). */
  longSleepMs?: number;
  /** The configuration used while none is stored. */
  config: PersistConfig;
}

/** What `load()` found. */
export interface PersistState {
  /** The next uplink counter `nextFCntUp()` will hand out. */
  fcntUp: number;
  /** The last stored downlink counter (written lazily, see setFCntDown). */
  fcntDown: number;
  /** The next DevNonce `nextDevNonce()` will hand out. */
  devNonce: number;
  session: PersistSession;
  config: PersistConfig;
  queued: number;
  /** False when no valid state record was found (first boot, or flash erased). */
  restoredState: boolean;
  restoredQueue: boolean;
}

export interface PersistStats {
  /** Storage writes attempted (state + queue). */
  writes: number;
  stateWrites: number;
  queueWrites: number;
  /** Writes that did not complete (flash full, power cut). */
  failedWrites: number;
  bytesWritten: number;
  /** Samples dropped because the queue was full. */
  drops: number;
  queued: number;
  /** Samples a power cut now would lose. */
  atRisk: number;
  /** Already-sent samples a power cut now would bring back. */
  stale: number;
}

export interface Persist {
  /** Reads Storage and returns the restored state (called implicitly by the first other call). */
  load(): PersistState;
  /** The uplink counter to use now, never handed out before in this session; -1 if it cannot be made durable, no session, or exhausted. */
  nextFCntUp(): number;
  /** The next DevNonce, never handed out before on this device; -1 if it cannot be made durable or all 65536 are used. */
  nextDevNonce(): number;
  /** Records the downlink counter; stored with the next state write (not on its own). */
  setFCntDown(n: number): void;
  session(): PersistSession;
  /**
   * Stores a session. OTAA (after a join accept): always a new session, counters restart at 0.
   * ABP: counters continue if devAddr and keys equal the stored ABP session, else restart at 0.
   * Keys may be null where the modem keeps them. False on invalid input or a failed write.
   */
  saveSession(mode: number, devAddr: number, nwkSKey: Uint8Array | null, appSKey: Uint8Array | null): boolean;
  config(): PersistConfig;
  /** Validates and stores the configuration (no write if unchanged); false if invalid or not written. */
  saveConfig(c: PersistConfig): boolean;
  /** Queues a copy of `sample`; `own`: a Uint8Array itself, handed over (see SampleQueue.push). */
  queuePush(sample: Uint8Array | number[], own?: boolean): boolean;
  queuePeek(n: number): Uint8Array[];
  /** The oldest queued sample itself, not a copy (read only: the queue keeps it), or null when empty. */
  queueOldest(): Uint8Array | null;
  queueDrop(n: number): number;
  queueLength(): number;
  /** Commits the queue now if it differs from the committed image. False if that write failed. */
  flush(): boolean;
  /**
   * Call before every sleep: commits the queue (as flush) only when `ms` is at least
   * `longSleepMs`, so a node that reports often does not write on every cycle. False if a write failed.
   */
  beforeSleep(ms: number): boolean;
  stats(): PersistStats;
}

function intOpt(v: number | undefined, def: number, lo: number, hi: number): number {
  if (typeof v !== 'number' || !(v >= lo)) return def;
  const n = Math.floor(v);
  return n > hi ? hi : n;
}

export function createPersist(hal: Pick<Hal, 'storage' | 'crc32' | 'log'>, opts: PersistOptions): Persist {
  const prefix = typeof opts.prefix === 'string' && opts.prefix.length > 0 && opts.prefix.length <= 24 ? opts.prefix : 'lk';
  const fcntBlock = intOpt(opts.fcntBlock, 64, 1, 16384);
  const nonceBlock = intOpt(opts.nonceBlock, 8, 1, 4096);
  const capacity = intOpt(opts.queueCapacity, 24, 1, 255);
  const saveEvery = intOpt(opts.queueSaveEvery, 8, 1, capacity);
  const longSleepMs = intOpt(opts.longSleepMs, 3600000, 0, 0xffffffff);
  const defaults = validConfig(opts.config) ? copyConfig(opts.config) : { intervalS: 3600, confirmed: false, thresholds: [] };
  const stateSlots = createSlotPair(hal.storage, hal.crc32, prefix + '.s', KIND_STATE);
  const queueSlots = createSlotPair(hal.storage, hal.crc32, prefix + '.q', KIND_QUEUE);
  const queue = createSampleQueue(queueSlots, capacity, saveEvery);
  const none: PersistSession = { mode: MODE_NONE, devAddr: 0, nwkSKey: null, appSKey: null };
  // img: the newest committed state record; only fcntDown may be ahead of it (written lazily)
  const st = {
    loaded: false,
    restoredState: false,
    restoredQueue: false,
    fcnt: 0,
    nonce: 0,
    img: { fcntRes: 0, fcntDown: 0, nonceRes: 0, session: none, config: defaults } as StateImage,
  };

  function note(line: string): void {
    hal.log('persist: ' + line);
  }

  function getSession(): PersistSession {
    const s = st.img.session;
    return { mode: s.mode, devAddr: s.devAddr, nwkSKey: copyKey(s.nwkSKey), appSKey: copyKey(s.appSKey) };
  }

  function load(): PersistState {
    const img = stateSlots.load(decodeState, note);
    st.loaded = true;
    st.restoredState = img !== null;
    st.img = img !== null ? img : { fcntRes: 0, fcntDown: 0, nonceRes: 0, session: none, config: copyConfig(defaults) };
    st.fcnt = st.img.fcntRes;
    st.nonce = st.img.nonceRes;
    st.restoredQueue = queue.load(note);
    if (!st.restoredState) note('no valid state record, starting fresh');
    return {
      fcntUp: st.fcnt,
      fcntDown: st.img.fcntDown,
      devNonce: st.nonce,
      session: getSession(),
      config: copyConfig(st.img.config),
      queued: queue.length(),
      restoredState: st.restoredState,
      restoredQueue: st.restoredQueue,
    };
  }

  function ensure(): void {
    if (!st.loaded) load();
  }

  /** Commits `next` as the state record; the RAM image changes only if the write succeeded. */
  function commitState(next: StateImage): boolean {
    if (!stateSlots.commit(encodeState(next))) return false;
    st.img = next;
    return true;
  }

  function withChanges(fcntRes: number, nonceRes: number, session: PersistSession, config: PersistConfig): StateImage {
    return { fcntRes: fcntRes, fcntDown: st.img.fcntDown, nonceRes: nonceRes, session: session, config: config };
  }

  function nextFCntUp(): number {
    ensure();
    if (st.img.session.mode === MODE_NONE || st.fcnt > FCNT_MAX) return -1;
    if (st.fcnt >= st.img.fcntRes) {
      let res = st.fcnt + fcntBlock;
      if (res > FCNT_MAX + 1) res = FCNT_MAX + 1;
      if (!commitState(withChanges(res, st.img.nonceRes, st.img.session, st.img.config))) return -1;
    }
    return st.fcnt++;
  }

  function nextDevNonce(): number {
    ensure();
    if (st.nonce > DEVNONCE_MAX) return -1;
    if (st.nonce >= st.img.nonceRes) {
      let res = st.nonce + nonceBlock;
      if (res > DEVNONCE_MAX + 1) res = DEVNONCE_MAX + 1;
      if (!commitState(withChanges(st.img.fcntRes, res, st.img.session, st.img.config))) return -1;
    }
    return st.nonce++;
  }

  function saveSession(mode: number, devAddr: number, nwkSKey: Uint8Array | null, appSKey: Uint8Array | null): boolean {
    ensure();
    if ((mode !== MODE_ABP && mode !== MODE_OTAA) || !isU32(devAddr) || !validKey(nwkSKey) || !validKey(appSKey)) return false;
    if ((nwkSKey === null) !== (appSKey === null)) return false;
    const cur = st.img.session;
    if (mode === MODE_ABP && cur.mode === MODE_ABP && cur.devAddr === devAddr && sameKey(cur.nwkSKey, nwkSKey) && sameKey(cur.appSKey, appSKey)) {
      return true; // the same ABP session: counters continue
    }
    const session: PersistSession = { mode: mode, devAddr: devAddr, nwkSKey: copyKey(nwkSKey), appSKey: copyKey(appSKey) };
    const next = withChanges(fcntBlock, st.img.nonceRes, session, st.img.config);
    next.fcntDown = 0;
    if (!commitState(next)) return false;
    st.fcnt = 0;
    return true;
  }

  function saveConfig(c: PersistConfig): boolean {
    ensure();
    if (!validConfig(c)) return false;
    if (sameConfig(c, st.img.config)) return true;
    return commitState(withChanges(st.img.fcntRes, st.img.nonceRes, st.img.session, copyConfig(c)));
  }

  return {
    load: load,
    nextFCntUp: nextFCntUp,
    nextDevNonce: nextDevNonce,
    setFCntDown: function (n: number): void {
      ensure();
      if (isU32(n)) st.img.fcntDown = n;
    },
    session: function (): PersistSession {
      ensure();
      return getSession();
    },
    saveSession: saveSession,
    config: function (): PersistConfig {
      ensure();
      return copyConfig(st.img.config);
    },
    saveConfig: saveConfig,
    queuePush: function (sample: Uint8Array | number[], own?: boolean): boolean {
      ensure();
      return queue.push(sample, own);
    },
    queuePeek: function (n: number): Uint8Array[] {
      ensure();
      return queue.peek(n);
    },
    queueOldest: function (): Uint8Array | null {
      ensure();
      return queue.oldest();
    },
    queueDrop: function (n: number): number {
      ensure();
      return queue.drop(n);
    },
    queueLength: function (): number {
      ensure();
      return queue.length();
    },
    flush: function (): boolean {
      ensure();
      return queue.flush();
    },
    beforeSleep: function (ms: number): boolean {
      ensure();
      return ms >= longSleepMs ? queue.flush() : true;
    },
    stats: function (): PersistStats {
      const a = stateSlots.counters;
      const b = queueSlots.counters;
      return {
        writes: a.writes + b.writes,
        stateWrites: a.writes,
        queueWrites: b.writes,
        failedWrites: a.failed + b.failed,
        bytesWritten: a.bytes + b.bytes,
        drops: queue.drops(),
        queued: queue.length(),
        atRisk: queue.atRisk(),
        stale: queue.stale(),
      };
    },
  };
}
