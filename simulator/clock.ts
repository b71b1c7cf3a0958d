// The simulator's discrete-event clock. Virtual time only moves when events run:
// sleeping a node costs no wall time. Events are ordered by (time, insertion
// sequence) in 4-ary heaps, so two runs with the same inputs fire the same
// callbacks in the same order (determinism is a project principle).

export interface Clock {
  /** Current virtual time in milliseconds. */
  now(): number;
  /** Runs `fn` at absolute time `atMs` (clamped to now); returns an id for `cancel`. */
  schedule(atMs: number, fn: () => void): number;
  /** Runs `fn(arg)` at `atMs`, as `schedule` does: one shared function instead of a closure per event. */
  scheduleCall<T>(atMs: number, fn: (arg: T) => void, arg: T): number;
  /** Runs `fn` `ms` from now (negative or NaN treated as 0). */
  after(ms: number, fn: () => void): number;
  /** Runs `fn(arg)` `ms` from now, as `after` does. */
  afterCall<T>(ms: number, fn: (arg: T) => void, arg: T): number;
  /** Cancels a pending event; unknown or already-run ids are ignored. */
  cancel(id: number): void;
  /** Runs every event due at or before `tMs`, then sets now to `tMs` (if later). */
  runUntil(tMs: number): void;
  /** Runs the next event; false when nothing is pending. */
  step(): boolean;
  /** Number of pending (not cancelled) events. */
  pending(): number;
}

type Callback = (arg: unknown) => void;

/**
 * A 4-ary min-heap of events keyed by (time, id). Entry i is h[2i], h[2i+1] = time and id:
 * one array of numbers, so sifting moves no object pointers, and a node's four children
 * are adjacent in memory. The event's callback is found from its id (see `createClock`).
 */
class EventHeap {
  h = new Float64Array(2 * 256);
  size = 0;

  push(t: number, id: number): void {
    if (2 * this.size === this.h.length) {
      const g = new Float64Array(2 * this.h.length);
      g.set(this.h);
      this.h = g;
    }
    const i = this.size++;
    const h = this.h;
    h[2 * i] = t;
    h[2 * i + 1] = id;
    this.siftUp(i, i);
  }

  /**
   * Moves the entry stored at index `from` into hole `i` or above it: each step copies one parent
   * down. The entry is read here rather than passed in: a time (a fractional double) passed to a
   * call that is not inlined is boxed into a new heap number, one per event.
   */
  siftUp(i: number, from: number): void {
    const h = this.h;
    const t = h[2 * from]!;
    const id = h[2 * from + 1]!;
    while (i > 0) {
      const p = (i - 1) >> 2;
      const pt = h[2 * p]!;
      if (pt < t || (pt === t && h[2 * p + 1]! < id)) break;
      h[2 * i] = pt;
      h[2 * i + 1] = h[2 * p + 1]!;
      i = p;
    }
    h[2 * i] = t;
    h[2 * i + 1] = id;
  }

  /**
   * Removes the top. Bottom-up: the hole at the root follows the smallest child down to
   * a leaf, then the last entry rises from there; it came from the bottom, so it rarely
   * rises far (sinking it from the root would compare it at every level as well).
   */
  pop(): void {
    const h = this.h;
    const n = --this.size;
    if (n === 0) return;
    let i = 0;
    for (;;) {
      const first = 4 * i + 1;
      if (first >= n) break;
      let c = first;
      let ct = h[2 * c]!;
      const end = first + 4 < n ? first + 4 : n;
      for (let k = first + 1; k < end; k++) {
        const tk = h[2 * k]!;
        if (tk < ct || (tk === ct && h[2 * k + 1]! < h[2 * c + 1]!)) {
          c = k;
          ct = tk;
        }
      }
      h[2 * i] = ct;
      h[2 * i + 1] = h[2 * c + 1]!;
      i = c;
    }
    // the last entry (still stored at index n) rises from the hole
    this.siftUp(i, n);
  }

  /** Keeps the entries whose id passes `keep` (rebuilt in place). */
  filter(keep: (id: number) => boolean): void {
    const h = this.h;
    const n = this.size;
    this.size = 0;
    for (let i = 0; i < n; i++) {
      if (!keep(h[2 * i + 1]!)) continue;
      // kept entries move down to index size (never past i), then rise from there
      const k = this.size++;
      h[2 * k] = h[2 * i]!;
      h[2 * k + 1] = h[2 * i + 1]!;
      this.siftUp(k, k);
    }
  }
}

/**
 * Events at least this far ahead (sleeps, long timeouts) wait in a second heap, so the
 * many short events (UART chunks, sensor waits) sift through a small heap that stays in
 * the CPU caches. The next event is the lesser of the two tops: the order is the same
 * whichever heap an event is in.
 */
const FAR_MS = 1000;

export function createClock(startMs = 0): Clock {
  let now = startMs;
  let seq = 0;
  const near = new EventHeap();
  const far = new EventHeap();
  // The live events: a direct-mapped table, entry k = id & (size - 1) is
  // ev[3k], ev[3k+1], ev[3k+2] = the live id (0 when free), its function and its argument.
  // Liveness, function and argument share one entry (one memory line), so running or
  // cancelling an event scheduled long ago touches one cold line, not three (a live-id
  // table plus a callback pool). Ids are consecutive, so live ids collide only when more
  // than `size` ids separate the oldest live one from the newest; the table then doubles.
  // Ids stay below 2^31: small integers to V8, stored in the array without boxing.
  // A cancelled event's entry is freed at once; its heap entry is dropped when it surfaces.
  let size = 1 << 12;
  let ev: unknown[] = emptyTable(size);
  let liveCount = 0;
  const isLive = (id: number): boolean => ev[3 * (id & (size - 1))] === id;
  /** Doubles the table until id's entry is free, placing every live event again. */
  const grow = (id: number): void => {
    while (ev[3 * (id & (size - 1))] !== 0) {
      const old = ev;
      const oldSize = size;
      size *= 2;
      ev = emptyTable(size);
      for (let j = 0; j < oldSize; j++) {
        const v = old[3 * j] as number;
        if (v === 0) continue;
        const k = 3 * (v & (size - 1));
        ev[k] = v;
        ev[k + 1] = old[3 * j + 1];
        ev[k + 2] = old[3 * j + 2];
      }
    }
  };

  /** The heap holding the next live event (cancelled tops are dropped first); null when none. */
  const next = (): EventHeap | null => {
    while (near.size > 0 && !isLive(near.h[1]!)) near.pop();
    while (far.size > 0 && !isLive(far.h[1]!)) far.pop();
    if (far.size === 0) return near.size > 0 ? near : null;
    if (near.size === 0) return far;
    const a = near.h;
    const b = far.h;
    return a[0]! < b[0]! || (a[0] === b[0] && a[1]! < b[1]!) ? near : far;
  };

  /** Rebuilds the heaps when cancelled entries dominate them (keeps memory bounded). */
  const compact = (): void => {
    const n = near.size + far.size;
    if (n < 1024 || liveCount * 2 > n) return;
    near.filter(isLive);
    far.filter(isLive);
  };

  const runTop = (q: EventHeap): void => {
    const h = q.h;
    const t = h[0]!;
    const k = 3 * (h[1]! & (size - 1));
    const fn = ev[k + 1] as Callback;
    const arg = ev[k + 2];
    ev[k] = 0;
    ev[k + 1] = null;
    ev[k + 2] = undefined;
    liveCount--;
    q.pop();
    if (t > now) now = t;
    fn(arg);
  };

  const callThunk = (fn: unknown): void => (fn as () => void)();

  const scheduleCall = <T>(atMs: number, fn: (arg: T) => void, arg: T): number => {
    let t = atMs > now ? atMs : now; // NaN fails the test: now
    if (t === Infinity) t = now;
    const id = ++seq;
    if (id > 0x7fffffff) throw new RangeError('clock: more than 2^31 events in one run');
    let k = 3 * (id & (size - 1));
    if (ev[k] !== 0) {
      grow(id);
      k = 3 * (id & (size - 1));
    }
    ev[k] = id;
    ev[k + 1] = fn;
    ev[k + 2] = arg;
    liveCount++;
    (t - now >= FAR_MS ? far : near).push(t, id);
    return id;
  };

  const clock: Clock = {
    now: () => now,
    schedule: (atMs, fn) => scheduleCall(atMs, callThunk, fn),
    scheduleCall,
    after(ms, fn) {
      return scheduleCall(now + (ms > 0 && ms !== Infinity ? ms : 0), callThunk, fn);
    },
    afterCall(ms, fn, arg) {
      return scheduleCall(now + (ms > 0 && ms !== Infinity ? ms : 0), fn, arg);
    },
    cancel(id) {
      // (a fractional or out-of-range id never equals the id stored in its entry)
      if (typeof id !== 'number' || !(id > 0 && id <= seq)) return;
      const k = 3 * (id & (size - 1));
      if (ev[k] !== id) return;
      ev[k] = 0;
      ev[k + 1] = null;
      ev[k + 2] = undefined;
      liveCount--;
      compact();
    },
    runUntil(tMs) {
      for (;;) {
        const q = next();
        if (q === null || q.h[0]! > tMs) break;
        runTop(q);
      }
      if (tMs > now) now = tMs;
    },
    step() {
      const q = next();
      if (q === null) return false;
      runTop(q);
      return true;
    },
    pending: () => liveCount,
  };
  return clock;
}

/** A free event table of `n` entries (see `createClock`): one array, so one elements kind. */
function emptyTable(n: number): unknown[] {
  // filled by push, not `new Array(3 * n)`: V8 keeps a pushed array "packed" (no hole checks)
  const a: unknown[] = [];
  for (let k = 0; k < n; k++) a.push(0, null, undefined);
  return a;
}
