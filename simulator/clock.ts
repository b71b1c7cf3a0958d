// The simulator's discrete-event clock. Virtual time only moves when events run:
// sleeping a node costs no wall time. Events are ordered by (time, insertion
// sequence) in a binary heap, so two runs with the same inputs fire the same
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

export function createClock(startMs = 0): Clock {
  let now = startMs;
  let seq = 0;
  // The heap, as parallel arrays: time, sequence (also the event id), callback and its argument.
  let cap = 1024;
  let times = new Float64Array(cap);
  let seqs = new Float64Array(cap);
  let fns: Array<((arg: unknown) => void) | null> = new Array(cap).fill(null);
  let args: unknown[] = new Array(cap).fill(undefined);
  let size = 0;
  // Which ids are live (scheduled, neither run nor cancelled): a direct-mapped table,
  // slot id & mask holds the id while it is live and 0 otherwise. Ids are consecutive,
  // so live ids collide only when more than `slots` ids separate the oldest live one from
  // the newest; the table then doubles. Cheaper than a Set on every schedule and run.
  let slots = 1 << 12;
  let liveIds = new Float64Array(slots);
  let liveCount = 0;
  const isLive = (id: number): boolean => liveIds[id & (slots - 1)] === id;
  const setLive = (id: number): void => {
    while (liveIds[id & (slots - 1)] !== 0) {
      // the slot holds an older live id: double the table and place every live id again
      const old = liveIds;
      slots *= 2;
      liveIds = new Float64Array(slots);
      for (let i = 0; i < old.length; i++) {
        const v = old[i]!;
        if (v !== 0) liveIds[v & (slots - 1)] = v;
      }
    }
    liveIds[id & (slots - 1)] = id;
    liveCount++;
  };
  const unsetLive = (id: number): boolean => {
    const k = id & (slots - 1);
    if (liveIds[k] !== id) return false;
    liveIds[k] = 0;
    liveCount--;
    return true;
  };

  const grow = (): void => {
    cap *= 2;
    const t = new Float64Array(cap);
    t.set(times);
    times = t;
    const s = new Float64Array(cap);
    s.set(seqs);
    seqs = s;
    for (let i = fns.length; i < cap; i++) {
      fns.push(null);
      args.push(undefined);
    }
  };

  /** Inserts with a hole moving up: each step copies one parent down. */
  const push = (t: number, id: number, fn: (arg: unknown) => void, arg: unknown): void => {
    if (size === cap) grow();
    let i = size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = times[p]!;
      if (pt < t || (pt === t && seqs[p]! < id)) break;
      times[i] = pt;
      seqs[i] = seqs[p]!;
      fns[i] = fns[p]!;
      args[i] = args[p];
      i = p;
    }
    times[i] = t;
    seqs[i] = id;
    fns[i] = fn;
    args[i] = arg;
  };

  /** Removes the top: the last entry sinks from the root through a hole. */
  const popTop = (): void => {
    const n = --size;
    const t = times[n]!;
    const id = seqs[n]!;
    const fn = fns[n]!;
    const arg = args[n];
    fns[n] = null;
    args[n] = undefined;
    if (n === 0) return;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      const r = c + 1;
      if (r < n && (times[r]! < times[c]! || (times[r] === times[c] && seqs[r]! < seqs[c]!))) c = r;
      const ct = times[c]!;
      if (t < ct || (t === ct && id < seqs[c]!)) break;
      times[i] = ct;
      seqs[i] = seqs[c]!;
      fns[i] = fns[c]!;
      args[i] = args[c];
      i = c;
    }
    times[i] = t;
    seqs[i] = id;
    fns[i] = fn;
    args[i] = arg;
  };

  /** Drops cancelled events sitting at the top of the heap. */
  const skipCancelled = (): void => {
    while (size > 0 && !isLive(seqs[0]!)) popTop();
  };

  /** Rebuilds the heap when cancelled entries dominate it (keeps memory bounded). */
  const compact = (): void => {
    if (size < 1024 || liveCount * 2 > size) return;
    const old = { times: times.slice(0, size), seqs: seqs.slice(0, size), fns: fns.slice(0, size), args: args.slice(0, size) };
    for (let i = 0; i < size; i++) {
      fns[i] = null;
      args[i] = undefined;
    }
    size = 0;
    for (let i = 0; i < old.times.length; i++) {
      if (isLive(old.seqs[i]!)) push(old.times[i]!, old.seqs[i]!, old.fns[i]!, old.args[i]);
    }
  };

  const runTop = (): void => {
    const t = times[0]!;
    const id = seqs[0]!;
    const fn = fns[0]!;
    const arg = args[0];
    popTop();
    unsetLive(id);
    if (t > now) now = t;
    fn(arg);
  };

  const callThunk = (fn: unknown): void => (fn as () => void)();

  const scheduleCall = <T>(atMs: number, fn: (arg: T) => void, arg: T): number => {
    const t = atMs > now ? atMs : now; // NaN fails the test: now
    const id = ++seq;
    if (id > 0x7fffffff) throw new RangeError('clock: more than 2^31 events in one run');
    setLive(id);
    push(t === Infinity ? now : t, id, fn as (arg: unknown) => void, arg);
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
        skipCancelled();
        if (size === 0 || times[0]! > tMs) break;
        runTop();
      }
      if (tMs > now) now = tMs;
    },
    step() {
      skipCancelled();
      if (size === 0) return false;
      runTop();
      return true;
    },
    pending: () => liveCount,
  };
  return clock;
}
