// The MAC engine's channel table (pickChannel / nextFreeMs read a cached array of numbers, not
// the channel objects) against the straightforward code over cfg.channels it replaced, through
// in-place changes announced by channelsChanged(), pushes and whole new channel arrays.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Engine, defaultChannels } from '../../simulator/modems/mac-engine.ts';
import { NO_CHANNEL, WAIT } from '../../simulator/modems/mac-ops.ts';
import { subBandIndex } from '../../firmware/lorawan/region.ts';
import { EU868 } from '../../firmware/lorawan/regions/eu868.ts';
import { TxLog, type Channel, type MacConfig } from '../../simulator/modems/types.ts';
import type { Clock } from '../../simulator/clock.ts';

// the code before the table: each channel's free time from its object
function refFree(e: Engine, c: Channel, now: number): number {
  let free = Math.max(e.freeAt[0]!, e.freeAt[1]!);
  if (!e.cfg.dutyCycle) return free;
  if (e.perChannel) free = Math.max(free, c.freeAt);
  else {
    const b = subBandIndex(EU868, c.freqHz);
    if (b >= 0) free = Math.max(free, e.freeAt[2 + b]!);
  }
  return Math.max(free, now);
}
function refNextFree(e: Engine, dr: number, now: number): number {
  let soonest = Infinity;
  for (const c of e.cfg.channels) if (c.enabled && dr >= c.minDr && dr <= c.maxDr) soonest = Math.min(soonest, refFree(e, c, now));
  return soonest;
}
function refPick(e: Engine, dr: number, now: number, r: number): { ch: number; wait?: number } {
  const free: number[] = [];
  let usable = 0;
  let soonest = Infinity;
  e.cfg.channels.forEach((c, i) => {
    if (!(c.enabled && dr >= c.minDr && dr <= c.maxDr)) return;
    usable++;
    const at = e.cfg.dutyCycle ? refFree(e, c, now) : Math.max(e.freeAt[0]!, e.freeAt[1]!);
    if (at <= now) free.push(i);
    else soonest = Math.min(soonest, at);
  });
  if (usable === 0) return { ch: NO_CHANNEL };
  if (free.length === 0) return { ch: WAIT, wait: soonest - now };
  return { ch: free[r % free.length]! };
}

const freq = fc.constantFrom(868100000, 868300000, 868500000, 867100000, 867500000, 869525000, 869850000, 863000000);
const channel = fc.record({
  freqHz: freq,
  minDr: fc.integer({ min: 0, max: 7 }),
  maxDr: fc.integer({ min: 0, max: 7 }),
  enabled: fc.boolean(),
  dcycle: fc.integer({ min: 0, max: 400 }),
  freeAt: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 2e6, noNaN: true })),
});
const time = fc.oneof(fc.constant(0), fc.double({ min: 0, max: 2e6, noNaN: true }));
const op = fc.oneof(
  fc.record({ k: fc.constant('query' as const), dr: fc.integer({ min: 0, max: 8 }), now: time, r: fc.nat() }),
  fc.record({ k: fc.constant('edit' as const), i: fc.nat(), c: channel }),
  fc.record({ k: fc.constant('push' as const), c: channel }),
  fc.record({ k: fc.constant('replace' as const), cs: fc.array(channel, { maxLength: 16 }) }),
  fc.record({ k: fc.constant('times' as const), i: fc.nat(), t: time }),
  fc.record({ k: fc.constant('reset' as const) }),
);

describe('MAC engine channel table', () => {
  it('pickChannel and nextFreeMs answer as the loops over the channel objects', () => {
    fc.assert(
      fc.property(fc.constantFrom('channel' as const, 'subband' as const), fc.boolean(), fc.array(channel, { maxLength: 16 }), fc.array(op, { maxLength: 40 }), (mode, dutyCycle, chs, ops) => {
        let now = 0;
        let r = 0;
        const clock = { now: () => now } as unknown as Clock;
        const cfg = { dr: 0, dutyCycle, channels: chs.map((c) => ({ ...c })), maxDCycle: 0 } as unknown as MacConfig;
        const e = new Engine({ clock, air: { transmit: () => undefined }, region: EU868, rng: () => r, dutyCycleMode: mode, defaultDcycle: 302, txLog: new TxLog() }, cfg);
        for (const o of ops) {
          if (o.k === 'query') {
            now = o.now;
            r = o.r;
            expect(e.nextFreeMs(o.dr)).toBe(refNextFree(e, o.dr, now));
            const want = refPick(e, o.dr, now, o.r);
            expect(e.pickChannel(o.dr)).toBe(want.ch);
            if (want.ch === WAIT) expect(e.pickWaitMs).toBe(want.wait);
          } else if (o.k === 'edit') {
            if (cfg.channels.length === 0) continue;
            Object.assign(cfg.channels[o.i % cfg.channels.length]!, o.c);
            e.channelsChanged();
          } else if (o.k === 'push') cfg.channels.push({ ...o.c });
          else if (o.k === 'replace') cfg.channels = o.cs.map((c) => ({ ...c }));
          else if (o.k === 'times') e.freeAt[o.i % e.freeAt.length] = o.t;
          else {
            e.resetChannels();
            expect(cfg.channels).toEqual(defaultChannels(EU868, 302));
          }
        }
      }),
      { numRuns: 400 },
    );
  });
});
