import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { type Clock, createClock } from '../../simulator/clock.ts';

describe('discrete-event clock', () => {
  it('runs events in time order, ties in insertion order', () => {
    const c = createClock(100);
    const log: string[] = [];
    c.schedule(300, () => log.push('c'));
    c.schedule(200, () => log.push('a'));
    c.schedule(200, () => log.push('b'));
    c.after(0, () => log.push('now'));
    c.schedule(50, () => log.push('past')); // clamped to now
    c.runUntil(1000);
    expect(log).toEqual(['now', 'past', 'a', 'b', 'c']);
    expect(c.now()).toBe(1000);
  });

  it('lets callbacks schedule and cancel more events, and sees their time as now', () => {
    const c = createClock();
    const log: [string, number][] = [];
    let victim = 0;
    c.after(10, () => {
      log.push(['first', c.now()]);
      c.after(5, () => log.push(['chained', c.now()]));
      c.cancel(victim);
    });
    victim = c.after(12, () => log.push(['cancelled', c.now()]));
    c.after(20, () => log.push(['last', c.now()]));
    expect(c.pending()).toBe(3);
    c.runUntil(18);
    expect(c.now()).toBe(18);
    expect(c.pending()).toBe(1);
    while (c.step());
    expect(log).toEqual([['first', 10], ['chained', 15], ['last', 20]]);
    expect(c.step()).toBe(false);
  });

  it('runUntil stops before later events and never moves time backwards', () => {
    const c = createClock();
    let ran = false;
    c.after(100, () => (ran = true));
    c.runUntil(99.9);
    expect(ran).toBe(false);
    c.runUntil(50);
    expect(c.now()).toBe(99.9);
    c.runUntil(100);
    expect(ran).toBe(true);
  });

  it('matches a sorted reference for any schedule (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.boolean()), { maxLength: 200 }), (evs) => {
        const c = createClock();
        const fired: number[] = [];
        const ids = evs.map(([t], i) => c.schedule(t, () => fired.push(i)));
        evs.forEach(([, cancel], i) => cancel && c.cancel(ids[i]!));
        c.runUntil(100);
        const expected = evs
          .map(([t, cancel], i) => ({ t, i, cancel }))
          .filter((e) => !e.cancel)
          .sort((a, b) => a.t - b.t || a.i - b.i)
          .map((e) => e.i);
        expect(fired).toEqual(expected);
        expect(c.pending()).toBe(0);
      }),
    );
  });

  it('is deterministic: two identical runs give identical traces', () => {
    const run = () => {
      const c = createClock();
      const trace: string[] = [];
      let x = 7;
      const tick = (n: number) => () => {
        trace.push(`${n}@${c.now()}`);
        x = (x * 1103515245 + 12345) % 2147483648;
        if (n < 300) c.after(x % 17, tick(n + 1));
        if (n % 7 === 0) c.after(x % 5, tick(n + 1000));
      };
      c.after(0, tick(0));
      c.runUntil(1e6);
      return trace.join(',');
    };
    expect(run()).toBe(run());
  });

  it('handles many cancelled events without losing live ones', () => {
    const c = createClock();
    let count = 0;
    const ids: number[] = [];
    for (let i = 0; i < 5000; i++) ids.push(c.after(i, () => count++));
    for (let i = 0; i < 5000; i++) if (i % 10 !== 0) c.cancel(ids[i]!);
    expect(c.pending()).toBe(500);
    c.runUntil(10_000);
    expect(count).toBe(500);
  });

  it('keeps long-lived events live while many short ones come and go (table growth), and ignores stale cancels', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 20000 })), { minLength: 1, maxLength: 300 }), (ops) => {
        const c = createClock();
        const fired = new Set<number>();
        const want = new Map<number, boolean>(); // id -> should fire
        const all: number[] = [];
        // a long-lived event from the start: thousands of ids are created after it
        const first = c.after(1e9, () => fired.add(first));
        want.set(first, true);
        for (const [op, n] of ops) {
          if (op <= 1) {
            // a burst of short events, most cancelled at once
            for (let k = 0; k < 50; k++) {
              const id: number = c.after(n % 97, () => fired.add(id));
              all.push(id);
              const cancel = (k + n) % 3 !== 0;
              want.set(id, !cancel);
              if (cancel) c.cancel(id);
            }
          } else if (op === 2) {
            c.runUntil(c.now() + (n % 50));
            // cancelling ids that already ran (or were cancelled) changes nothing; pending ones stop
            for (let k = 0; k < all.length; k += 7) {
              const id = all[k]!;
              c.cancel(id);
              if (!fired.has(id)) want.set(id, false);
            }
          } else {
            c.cancel(-n);
            c.cancel(n + 1e7);
          }
        }
        const pendingLive = [...want].filter(([id, w]) => w && !fired.has(id)).length;
        expect(c.pending()).toBe(pendingLive);
        c.runUntil(2e9);
        for (const [id, w] of want) expect(fired.has(id)).toBe(w);
        expect(c.pending()).toBe(0);
      }),
      { numRuns: 60 },
    );
  });
  it('matches a simple reference clock under interleaved schedule/cancel/run, incl. stale ids that share a table entry (property)', () => {
    // The reference: a plain list of pending events, run in (time, id) order. The clock keys its
    // event table by id modulo a power of two, so ids that alias a live event's entry (id + 4096k,
    // already run or never issued) must be ignored, and table growth must keep every live event.
    const refClock = (): Clock => {
      let now = 0;
      let seq = 0;
      let evs: { t: number; id: number; fn: () => void }[] = [];
      const schedule = (at: number, fn: () => void): number => {
        evs.push({ t: at > now && at !== Infinity ? at : now, id: ++seq, fn });
        return seq;
      };
      const first = () => evs.reduce<(typeof evs)[0] | undefined>((b, e) => (!b || e.t < b.t || (e.t === b.t && e.id < b.id) ? e : b), undefined);
      const runOne = (e: (typeof evs)[0]): void => {
        evs = evs.filter((x) => x !== e);
        if (e.t > now) now = e.t;
        e.fn();
      };
      return {
        now: () => now,
        schedule,
        scheduleCall: (at, fn, arg) => schedule(at, () => fn(arg)),
        after: (ms, fn) => schedule(now + (ms > 0 && ms !== Infinity ? ms : 0), fn),
        afterCall: (ms, fn, arg) => schedule(now + (ms > 0 && ms !== Infinity ? ms : 0), () => fn(arg)),
        cancel: (id) => void (evs = evs.filter((e) => e.id !== id)),
        runUntil(t) {
          for (let e = first(); e && e.t <= t; e = first()) runOne(e);
          if (t > now) now = t;
        },
        step() {
          const e = first();
          if (e) runOne(e);
          return e !== undefined;
        },
        pending: () => evs.length,
      };
    };
    // the same script against any clock: returns its trace
    const drive = (c: Clock, ops: [number, number, number][]): string[] => {
      const log: string[] = [];
      const ids: number[] = [];
      const fire = (tag: number): void => {
        log.push(`${tag}@${c.now()}`);
        if (tag % 3 === 0) ids.push(c.afterCall(tag % 11, fire, tag + 1)); // callbacks schedule too
        if (tag % 5 === 0 && ids.length > 0) c.cancel(ids[tag % ids.length]!); // and cancel
      };
      let tag = 0;
      for (const [kind, a, b] of ops) {
        if (kind === 0) ids.push(c.afterCall(a % 2000, fire, tag++));
        else if (kind === 1 && ids.length > 0) c.cancel(ids[b % ids.length]!);
        else if (kind === 2 && ids.length > 0) {
          c.cancel(ids[b % ids.length]! + 4096 * (1 + (a % 3)));
          c.cancel(-a);
          c.cancel(a + 0.5);
        } else if (kind === 3) {
          // a burst: many short events, most cancelled at once (the table grows past older live ids)
          for (let k = 0; k < a; k++) {
            const id = c.afterCall(k % 50, fire, tag++);
            if (k % 5 !== 0) c.cancel(id);
            else ids.push(id);
          }
        } else if (kind === 4) c.runUntil(c.now() + (b % 300));
        else log.push(`step ${c.step()}`);
        log.push(`pending ${c.pending()} now ${c.now()}`);
      }
      c.runUntil(1e9);
      log.push(`end ${c.pending()}`);
      return log;
    };
    const op = fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 0, max: 5000 }));
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 60 }), (ops) => {
        expect(drive(createClock(), ops)).toEqual(drive(refClock(), ops));
      }),
      { numRuns: 40 },
    );
  });
});
