// Flash writes per 1,000 uplinks: counted by the virtual Storage, asserted under bounds
// derived from the policy (one state write per fcntBlock uplinks; no queue write while
// samples leave at the next uplink; about two per queueSaveEvery samples during an outage).
import { describe, expect, it } from 'vitest';
import { createPersist, MODE_OTAA, type Persist, type PersistOptions } from '../../firmware/core/persist.ts';
import { makeHal, sampleOf, type TestHal } from './harness.ts';

const OPTS: PersistOptions = { config: { intervalS: 600, confirmed: false, thresholds: [] } }; // defaults: block 64, queue 24/8

function joined(hal: TestHal, o: PersistOptions): Persist {
  const p = createPersist(hal, o);
  p.load();
  expect(p.nextDevNonce()).toBe(0);
  expect(p.saveSession(MODE_OTAA, 0x26012345, null, null)).toBe(true);
  return p;
}

/** One reporting cycle: take a sample, send it if the network is up, sleep 10 minutes. */
function cycle(p: Persist, i: number, networkUp: boolean): void {
  p.queuePush(sampleOf(i));
  expect(p.nextFCntUp()).toBeGreaterThanOrEqual(0);
  if (networkUp) p.queueDrop(2); // the uplink carried up to two queued samples
  expect(p.beforeSleep(600_000)).toBe(true);
}

describe('flash writes per 1,000 uplinks', () => {
  it('healthy network: one state write per 64 uplinks, no queue writes', () => {
    const hal = makeHal();
    const p = joined(hal, OPTS);
    const w0 = hal.storage.stats().writes;
    for (let i = 0; i < 1000; i++) cycle(p, i, true);
    const writes = hal.storage.stats().writes - w0;
    expect(p.stats().queueWrites).toBe(0);
    expect(writes).toBeLessThanOrEqual(Math.ceil(1000 / 64));
    expect(writes).toBeGreaterThanOrEqual(Math.floor(1000 / 64) - 1); // counters really are reserved ahead
  });

  it('a reboot every 100 uplinks costs one more state write each', () => {
    const hal = makeHal();
    let p = joined(hal, OPTS);
    const w0 = hal.storage.stats().writes;
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) {
      if (i > 0 && i % 100 === 0) {
        hal.storage.cutPower();
        hal.storage.powerOn();
        p = createPersist(hal, OPTS);
        p.load();
      }
      p.queuePush(sampleOf(i));
      const f = p.nextFCntUp();
      expect(seen.has(f)).toBe(false);
      seen.add(f);
      p.queueDrop(1);
    }
    const writes = hal.storage.stats().writes - w0;
    expect(writes).toBeLessThanOrEqual(Math.ceil(1000 / 64) + 10);
  });

  it('lossy network (30% of uplinks fail, backlog stays short): no queue writes', () => {
    const hal = makeHal();
    const p = joined(hal, OPTS);
    const w0 = hal.storage.stats().writes;
    for (let i = 0; i < 1000; i++) cycle(p, i, (i * 7919) % 10 >= 3);
    expect(p.stats().queueWrites).toBe(0);
    expect(hal.storage.stats().writes - w0).toBeLessThanOrEqual(Math.ceil(1000 / 64));
  });

  it('network down half the time (100-uplink outages): queue writes stay near 2 per 8 queued samples', () => {
    const hal = makeHal();
    const p = joined(hal, OPTS);
    const w0 = hal.storage.stats().writes;
    for (let i = 0; i < 1000; i++) cycle(p, i, i % 200 >= 100);
    const s = p.stats();
    const writes = hal.storage.stats().writes - w0;
    // 500 samples queued during outages: at most one commit per 8 of them, plus one per 8
    // leaving the queue, plus one per outage when the backlog drains, plus the state writes.
    expect(s.queueWrites).toBeLessThanOrEqual(Math.ceil(500 / 8) * 2 + 5);
    expect(writes).toBeLessThanOrEqual(s.queueWrites + Math.ceil(1000 / 64));
    expect(s.drops).toBeGreaterThan(0); // 100-sample outages overflow a 24-sample queue
  });
});
