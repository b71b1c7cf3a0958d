// The simulator's discrete-event clock. Virtual time only moves when events run:
// sleeping a node costs no wall time. Events are ordered by (time, insertion
// sequence) in a binary heap, so two runs with the same inputs fire the same
// callbacks in the same order (determinism is a project principle).

export interface Clock {
  /** Current virtual time in milliseconds. */
  now(): number;
  /** Runs `fn` at absolute time `atMs` (clamped to now); returns an id for `cancel`. */
  schedule(atMs: number, fn: () => void): number;
  /** Runs `fn` `ms` from now (negative or NaN treated as 0). */
  after(ms: number, fn: () => void): number;
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
  // Parallel arrays form the heap: time, sequence (also the event id) and callback.
  let times: number[] = [];
  let seqs: number[] = [];
  let fns: (() => void)[] = [];
  // Ids of events that are scheduled and neither run nor cancelled.
  const live = new Set<number>();

  const less = (i: number, j: number): boolean =>
    times[i]! < times[j]! || (times[i] === times[j] && seqs[i]! < seqs[j]!);

  const swap = (i: number, j: number): void => {
    const t = times[i]!;
    times[i] = times[j]!;
    times[j] = t;
    const s = seqs[i]!;
    seqs[i] = seqs[j]!;
    seqs[j] = s;
    const f = fns[i]!;
    fns[i] = fns[j]!;
    fns[j] = f;
  };

  const push = (t: number, id: number, fn: () => void): void => {
    let i = times.length;
    times.push(t);
    seqs.push(id);
    fns.push(fn);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(i, p)) break;
      swap(i, p);
      i = p;
    }
  };

  const popTop = (): void => {
    const last = times.length - 1;
    swap(0, last);
    times.pop();
    seqs.pop();
    fns.pop();
    const n = times.length;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && less(l, m)) m = l;
      if (r < n && less(r, m)) m = r;
      if (m === i) break;
      swap(i, m);
      i = m;
    }
  };

  /** Drops cancelled events sitting at the top of the heap. */
  const skipCancelled = (): void => {
    while (times.length > 0 && !live.has(seqs[0]!)) popTop();
  };

  /** Rebuilds the heap when cancelled entries dominate it (keeps memory bounded). */
  const compact = (): void => {
    if (times.length < 1024 || live.size * 2 > times.length) return;
    const old = { times, seqs, fns };
    times = [];
    seqs = [];
    fns = [];
    for (let i = 0; i < old.times.length; i++) {
      if (live.has(old.seqs[i]!)) push(old.times[i]!, old.seqs[i]!, old.fns[i]!);
    }
  };

  const runTop = (): void => {
    const t = times[0]!;
    const id = seqs[0]!;
    const fn = fns[0]!;
    popTop();
    live.delete(id);
    if (t > now) now = t;
    fn();
  };

  const clock: Clock = {
    now: () => now,
    schedule(atMs, fn) {
      const t = Number.isFinite(atMs) && atMs > now ? atMs : now;
      const id = ++seq;
      live.add(id);
      push(t, id, fn);
      return id;
    },
    after(ms, fn) {
      return clock.schedule(now + (Number.isFinite(ms) && ms > 0 ? ms : 0), fn);
    },
    cancel(id) {
      if (live.delete(id)) compact();
    },
    runUntil(tMs) {
      for (;;) {
        skipCancelled();
        if (times.length === 0 || times[0]! > tMs) break;
        runTop();
      }
      if (tMs > now) now = tMs;
    },
    step() {
      skipCancelled();
      if (times.length === 0) return false;
      runTop();
      return true;
    },
    pending: () => live.size,
  };
  return clock;
}
