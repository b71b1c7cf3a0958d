import { describe, expect, it } from 'vitest';
import { createRng } from '../../simulator/channel/rng.ts';
import { addAbpNode, addNode, createBench, firmware, sentFCnts } from './harness.ts';
import type { Bench } from './harness.ts';
import type { VirtualNode } from '../../simulator/node/virtual-node.ts';

const DAY = 86_400_000;

/** Schedules `n` reboots at seeded random times in (0, until): half plain resets, half power cuts inside a flash write. */
function scheduleReboots(b: Bench, node: VirtualNode, n: number, until: number, seed: number): { resets: number; cuts: number } {
  const rng = createRng(seed, 'reboots');
  const out = { resets: 0, cuts: 0 };
  for (let i = 0; i < n; i++) {
    const t = 60_000 + rng.int(until - 120_000);
    if (rng.float() < 0.5) {
      out.resets++;
      b.clock.schedule(t, () => node.reboot());
    } else {
      out.cuts++;
      const at = rng.int(40);
      b.clock.schedule(t, () => node.cutPowerDuringNextWrite(at));
    }
  }
  return out;
}

function strictlyIncreasing(xs: number[]): boolean {
  for (let i = 1; i < xs.length; i++) if (!(xs[i] > xs[i - 1])) return false;
  return true;
}

/** Samples that reached the network: one per single frame, the batch count for batch frames. */
function samplesDelivered(b: Bench): number {
  let n = 0;
  for (const u of b.uplinks) {
    if (u.kind !== 'data' || !u.fPort || u.retransmission) continue;
    const d = (u.decoded as { data?: { samples?: unknown[] } }).data;
    n += d && Array.isArray(d.samples) ? d.samples.length : 1;
  }
  return n;
}

describe('firmware under faults (built bundles, emulated modems, virtual clock)', () => {
  it('ABP on an RN2483: 30 days of random reboots and power cuts mid-write never reuse a frame counter and lose only what the queue bound allows', async () => {
    const b = createBench('env-monitor', 3);
    const node = addAbpNode(b, await firmware('env-monitor', 'PICO'), 7);
    node.start();
    const faults = scheduleReboots(b, node, 60, 30 * DAY, 7);
    b.clock.runUntil(30 * DAY);
    const fcnts = sentFCnts(node);
    expect(fcnts.length).toBeGreaterThan(2500);
    expect(strictlyIncreasing(fcnts)).toBe(true);
    expect(b.ns.stats().replays).toBe(0);
    // a cut armed for a write that a reset overtakes happens at a later write instead
    expect(node.boots().length).toBeGreaterThanOrEqual(1 + faults.resets);
    expect(node.boots().length).toBeLessThanOrEqual(1 + faults.resets + faults.cuts);
    const t = node.totals();
    // a reboot loses at most the samples taken since the last queue commit (fewer than 8) and the one being read
    const lostBound = (faults.resets + faults.cuts) * 9;
    expect(samplesDelivered(b)).toBeGreaterThanOrEqual(t.samples - t.drops - lostBound);
    expect(samplesDelivered(b)).toBeLessThanOrEqual(t.samples + (faults.resets + faults.cuts) * 8);
  }, 300_000);

  it('OTAA on a RAK3172: 30 days of reboots and power cuts never reuse a DevNonce or a frame counter within a session', async () => {
    const b = createBench('soil-moisture', 4);
    const node = addNode(b, await firmware('soil-moisture', 'MDBT42Q'), 8);
    node.start();
    scheduleReboots(b, node, 40, 30 * DAY, 8);
    b.clock.runUntil(30 * DAY);
    const joins = node.modem.txLog.filter((t) => t.type === 'join').map((t) => t.devNonce as number);
    expect(joins.length).toBeGreaterThan(1);
    expect(new Set(joins).size).toBe(joins.length);
    expect(b.ns.stats().devNonceReplays).toBe(0);
    // frame counters restart with each session and increase within it
    let session: number[] = [];
    for (const e of node.modem.txLog) {
      if (e.type === 'join') {
        expect(strictlyIncreasing(session)).toBe(true);
        session = [];
      } else if (e.retry === 0) session.push(e.fCnt as number);
    }
    expect(strictlyIncreasing(session)).toBe(true);
    expect(b.ns.stats().replays).toBe(0);
    expect(samplesDelivered(b)).toBeGreaterThan(30 * 24 * 0.9 - 40 * 9);
  }, 300_000);

  it.each([
    ['PICO', 'env-monitor'],
    ['MDBT42Q', 'env-monitor'],
  ] as const)('%s: recovers from every modem fault kind and keeps delivering', async (board, app) => {
    const b = createBench(app, 5);
    const faults = { 'drop-reply': 0.02, garbage: 0.05, busy: 0.05, 'no-free-ch': 0.05, 'deny-join': 0.3, reset: 0.002, hang: 0.002 };
    const node = addNode(b, await firmware(app, board), 9, { modemFaults: faults });
    node.start();
    b.clock.runUntil(7 * DAY);
    const t = node.totals();
    expect(t.samples).toBeGreaterThan(600);
    expect(t.modemResets).toBeGreaterThan(0);
    expect(t.retries + t.dutyCycleWaits).toBeGreaterThan(0);
    // nearly every sample still arrives (some ride in batches after a fault)
    expect(samplesDelivered(b), JSON.stringify(t)).toBeGreaterThan(t.samples * 0.9);
  }, 300_000);

  // one fault kind at a time, at a rate far above any real modem's, so each is met many times
  it.each([
    ['drop-reply', 0.05],
    ['garbage', 0.1],
    ['busy', 0.1],
    ['no-free-ch', 0.1],
    ['deny-join', 0.5],
    ['reset', 0.01],
    ['hang', 0.01],
  ] as const)('recovers from %s on both modems', async (kind, rate) => {
    for (const board of ['PICO', 'MDBT42Q'] as const) {
      const b = createBench('soil-moisture', 6);
      const node = addNode(b, await firmware('soil-moisture', board), 10, { modemFaults: { [kind]: rate }, override: { intervalS: 900 } });
      node.start();
      b.clock.runUntil(3 * DAY);
      const t = node.totals();
      expect(t.joins, `${board} ${kind}`).toBeGreaterThanOrEqual(1);
      // the sampling never stopped and at least 85% of the samples arrived
      expect(t.samples, `${board} ${kind}`).toBeGreaterThan(3 * 96 - 3);
      expect(samplesDelivered(b), `${board} ${kind} ${JSON.stringify(t)}`).toBeGreaterThan(t.samples * 0.85);
      if (kind === 'hang') expect(t.modemResets, `${board} hang`).toBeGreaterThan(0);
    }
  }, 300_000);
});
