import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createClock } from '../../simulator/clock.ts';

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
});
