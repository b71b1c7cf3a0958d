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
  // img: the newest committed state record; only fcntDown may be ahead of it (written lazily).
  // Variables of this closure rather than an object's fields: one object fewer per node, shorter code.
  let loaded = false;
  let restoredState = false;
  let restoredQueue = false;
  let fcnt = 0;
  let nonce = 0;
  let img: StateImage = { fcntRes: 0, fcntDown: 0, nonceRes: 0, session: none, config: defaults };

  function note(line: string): void {
    hal.log('persist: ' + line);
  }

  function getSession(): PersistSession {
    const s = img.session;
    return { mode: s.mode, devAddr: s.devAddr, nwkSKey: copyKey(s.nwkSKey), appSKey: copyKey(s.appSKey) };
  }

  function load(): PersistState {
    const found = stateSlots.load(decodeState, note);
    loaded = true;
    restoredState = found !== null;
    img = found !== null ? found : { fcntRes: 0, fcntDown: 0, nonceRes: 0, session: none, config: copyConfig(defaults) };
    fcnt = img.fcntRes;
    nonce = img.nonceRes;
    restoredQueue = queue.load(note);
    if (!restoredState) note('no valid state record, starting fresh');
    return {
      fcntUp: fcnt,
      fcntDown: img.fcntDown,
      devNonce: nonce,
      session: getSession(),
      config: copyConfig(img.config),
      queued: queue.length(),
      restoredState: restoredState,
      restoredQueue: restoredQueue,
    };
  }

  function ensure(): void {
    if (!loaded) load();
  }

  /** Commits `next` as the state record; the RAM image changes only if the write succeeded. */
  function commitState(next: StateImage): boolean {
    if (!stateSlots.commit(encodeState(next))) return false;
    img = next;
    return true;
  }

  function withChanges(fcntRes: number, nonceRes: number, session: PersistSession, config: PersistConfig): StateImage {
    return { fcntRes: fcntRes, fcntDown: img.fcntDown, nonceRes: nonceRes, session: session, config: config };
  }

  function nextFCntUp(): number {
    ensure();
    if (img.session.mode === MODE_NONE || fcnt > FCNT_MAX) return -1;
    if (fcnt >= img.fcntRes) {
      let res = fcnt + fcntBlock;
      if (res > FCNT_MAX + 1) res = FCNT_MAX + 1;
      if (!commitState(withChanges(res, img.nonceRes, img.session, img.config))) return -1;
    }
    return fcnt++;
  }

  function nextDevNonce(): number {
    ensure();
    if (nonce > DEVNONCE_MAX) return -1;
    if (nonce >= img.nonceRes) {
      let res = nonce + nonceBlock;
      if (res > DEVNONCE_MAX + 1) res = DEVNONCE_MAX + 1;
      if (!commitState(withChanges(img.fcntRes, res, img.session, img.config))) return -1;
    }
    return nonce++;
  }

  function saveSession(mode: number, devAddr: number, nwkSKey: Uint8Array | null, appSKey: Uint8Array | null): boolean {
    ensure();
    if ((mode !== MODE_ABP && mode !== MODE_OTAA) || !isU32(devAddr) || !validKey(nwkSKey) || !validKey(appSKey)) return false;
    if ((nwkSKey === null) !== (appSKey === null)) return false;
    const cur = img.session;
    if (mode === MODE_ABP && cur.mode === MODE_ABP && cur.devAddr === devAddr && sameKey(cur.nwkSKey, nwkSKey) && sameKey(cur.appSKey, appSKey)) {
      return true; // the same ABP session: counters continue
    }
    const session: PersistSession = { mode: mode, devAddr: devAddr, nwkSKey: copyKey(nwkSKey), appSKey: copyKey(appSKey) };
    const next = withChanges(fcntBlock, img.nonceRes, session, img.config);
    next.fcntDown = 0;
    if (!commitState(next)) return false;
    fcnt = 0;
    return true;
  }

  function saveConfig(c: PersistConfig): boolean {
    ensure();
    if (!validConfig(c)) return false;
    if (sameConfig(c, img.config)) return true;
    return commitState(withChanges(img.fcntRes, img.nonceRes, img.session, copyConfig(c)));
  }

  return {
    load: load,
    nextFCntUp: nextFCntUp,
    nextDevNonce: nextDevNonce,
    setFCntDown: function (n: number): void {
      ensure();
      if (isU32(n)) img.fcntDown = n;
    },
    session: function (): PersistSession {
      ensure();
      return getSession();
    },
    saveSession: saveSession,
    config: function (): PersistConfig {
      ensure();
      return copyConfig(img.config);
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
