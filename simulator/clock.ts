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
 * A 4-ary min-heap of events keyed by (time, id). Entry i is h[3i..3i+2] = time, id and
 * the pool slot of the event's callback: one array of numbers, so sifting moves no
 * object pointers, and a node's four children are adjacent in memory.
 */
class EventHeap {
  h = new Float64Array(3 * 256);
  size = 0;

  push(t: number, id: number, slot: number): void {
    if (3 * this.size === this.h.length) {
      const g = new Float64Array(2 * this.h.length);
      g.set(this.h);
      this.h = g;
    }
    const i = this.size++;
    const h = this.h;
    h[3 * i] = t;
    h[3 * i + 1] = id;
    h[3 * i + 2] = slot;
    this.siftUp(i, i);
  }

  /**
   * Moves the entry stored at index `from` into hole `i` or above it: each step copies one parent
   * down. The entry is read here rather than passed in: a time (a fractional double) passed to a
   * call that is not inlined is boxed into a new heap number, one per event.
   */
  siftUp(i: number, from: number): void {
    const h = this.h;
    const t = h[3 * from]!;
    const id = h[3 * from + 1]!;
    const slot = h[3 * from + 2]!;
    while (i > 0) {
      const p = (i - 1) >> 2;
      const pt = h[3 * p]!;
      if (pt < t || (pt === t && h[3 * p + 1]! < id)) break;
      h[3 * i] = pt;
      h[3 * i + 1] = h[3 * p + 1]!;
      h[3 * i + 2] = h[3 * p + 2]!;
      i = p;
    }
    h[3 * i] = t;
    h[3 * i + 1] = id;
    h[3 * i + 2] = slot;
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
      let ct = h[3 * c]!;
      const end = first + 4 < n ? first + 4 : n;
      for (let k = first + 1; k < end; k++) {
        const tk = h[3 * k]!;
        if (tk < ct || (tk === ct && h[3 * k + 1]! < h[3 * c + 1]!)) {
          c = k;
          ct = tk;
        }
      }
      h[3 * i] = ct;
      h[3 * i + 1] = h[3 * c + 1]!;
      h[3 * i + 2] = h[3 * c + 2]!;
      i = c;
    }
    // the last entry (still stored at index n) rises from the hole
    this.siftUp(i, n);
  }

  /** Keeps the entries whose id passes `keep` (rebuilt in place); `drop` gets the others' slots. */
  filter(keep: (id: number) => boolean, drop: (slot: number) => void): void {
    const h = this.h;
    const n = this.size;
    this.size = 0;
    for (let i = 0; i < n; i++) {
      if (!keep(h[3 * i + 1]!)) {
        drop(h[3 * i + 2]! | 0);
        continue;
      }
      // kept entries move down to index size (never past i), then rise from there
      const k = this.size++;
      h[3 * k] = h[3 * i]!;
      h[3 * k + 1] = h[3 * i + 1]!;
      h[3 * k + 2] = h[3 * i + 2]!;
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
  // The callback pool: fns[slot], args[slot]; `free` is a stack of unused slots.
  let cap = 1024;
  const fns: Array<Callback | null> = new Array(cap).fill(null);
  const args: unknown[] = new Array(cap).fill(undefined);
  let free = new Int32Array(cap);
  let freeTop = 0;
  for (let s = cap - 1; s >= 0; s--) free[freeTop++] = s;
  // Which ids are live (scheduled, neither run nor cancelled): a direct-mapped table,
  // slot id & mask holds the id while it is live and 0 otherwise. Ids are consecutive,
  // so live ids collide only when more than `tableSize` ids separate the oldest live one
  // from the newest; the table then doubles. Cheaper than a Set on every schedule and run.
  let tableSize = 1 << 12;
  let liveIds = new Int32Array(tableSize);
  let liveCount = 0;
  const isLive = (id: number): boolean => liveIds[id & (tableSize - 1)] === id;
  const setLive = (id: number): void => {
    while (liveIds[id & (tableSize - 1)] !== 0) {
      // the slot holds an older live id: double the table and place every live id again
      const old = liveIds;
      tableSize *= 2;
      liveIds = new Int32Array(tableSize);
      for (let i = 0; i < old.length; i++) {
        const v = old[i]!;
        if (v !== 0) liveIds[v & (tableSize - 1)] = v;
      }
    }
    liveIds[id & (tableSize - 1)] = id;
    liveCount++;
  };
  const unsetLive = (id: number): boolean => {
    const k = id & (tableSize - 1);
    if (liveIds[k] !== id) return false;
    liveIds[k] = 0;
    liveCount--;
    return true;
  };

  /** A free pool slot holding fn and arg. */
  const take = (fn: Callback, arg: unknown): number => {
    if (freeTop === 0) {
      // every slot is in use: double the pool
      const old = cap;
      cap *= 2;
      free = new Int32Array(cap);
      for (let k = cap - 1; k >= old; k--) free[freeTop++] = k;
      for (let k = old; k < cap; k++) {
        fns.push(null);
        args.push(undefined);
      }
    }
    const slot = free[--freeTop]!;
    fns[slot] = fn;
    args[slot] = arg;
    return slot;
  };
  const release = (slot: number): void => {
    fns[slot] = null;
    args[slot] = undefined;
    free[freeTop++] = slot;
  };

  /** The heap holding the next live event (cancelled tops are dropped first); null when none. */
  const next = (): EventHeap | null => {
    while (near.size > 0 && !isLive(near.h[1]!)) {
      release(near.h[2]! | 0);
      near.pop();
    }
    while (far.size > 0 && !isLive(far.h[1]!)) {
      release(far.h[2]! | 0);
      far.pop();
    }
    if (far.size === 0) return near.size > 0 ? near : null;
    if (near.size === 0) return far;
    const a = near.h;
    const b = far.h;
    return a[0]! < b[0]! || (a[0] === b[0] && a[1]! < b[1]!) ? near : far;
  };

  /** Rebuilds the heaps when cancelled entries dominate them (keeps memory bounded). */
  const compact = (): void => {
    const size = near.size + far.size;
    if (size < 1024 || liveCount * 2 > size) return;
    near.filter(isLive, release);
    far.filter(isLive, release);
  };

  const runTop = (q: EventHeap): void => {
    const h = q.h;
    const t = h[0]!;
    const id = h[1]!;
    const slot = h[2]! | 0;
    const fn = fns[slot]!;
    const arg = args[slot];
    release(slot);
    q.pop();
    unsetLive(id);
    if (t > now) now = t;
    fn(arg);
  };

  const callThunk = (fn: unknown): void => (fn as () => void)();

  const scheduleCall = <T>(atMs: number, fn: (arg: T) => void, arg: T): number => {
    let t = atMs > now ? atMs : now; // NaN fails the test: now
    if (t === Infinity) t = now;
    const id = ++seq;
    if (id > 0x7fffffff) throw new RangeError('clock: more than 2^31 events in one run');
    setLive(id);
    (t - now >= FAR_MS ? far : near).push(t, id, take(fn as Callback, arg));
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
      if (typeof id === 'number' && id > 0 && id <= seq && unsetLive(id)) compact();
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
