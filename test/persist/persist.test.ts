import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  createPersist,
  DEVNONCE_MAX,
  MODE_ABP,
  MODE_NONE,
  MODE_OTAA,
  type PersistConfig,
  type PersistOptions,
} from '../../firmware/core/persist.ts';
import { hex, idOf, makeHal, makeStorage, sampleOf, type TestHal } from './harness.ts';

const CONFIG: PersistConfig = { intervalS: 600, confirmed: false, thresholds: [21.5, -3] };
const opts = (o: Partial<PersistOptions> = {}): PersistOptions => ({ config: CONFIG, ...o });
const key = (seed: number): Uint8Array => Uint8Array.from({ length: 16 }, (_, i) => (seed * 31 + i * 7) & 255);
const reboot = (hal: TestHal, o: PersistOptions = opts()) => {
  const p = createPersist(hal, o);
  return { p, state: p.load() };
};

describe('persist: first boot and reload', () => {
  it('starts fresh with the default config and no session, without writing', () => {
    const hal = makeHal();
    const { p, state } = reboot(hal);
    expect(state.restoredState).toBe(false);
    expect(state.restoredQueue).toBe(false);
    expect(state.session.mode).toBe(MODE_NONE);
    expect(state.config).toEqual(CONFIG);
    expect(state.devNonce).toBe(0);
    expect(p.nextFCntUp()).toBe(-1); // no session: no counter
    expect(hal.storage.stats().writes).toBe(0);
  });

  it('restores session, keys, config and resumes counters at the reservation', () => {
    const hal = makeHal();
    const { p } = reboot(hal, opts({ fcntBlock: 10, nonceBlock: 4 }));
    expect(p.nextDevNonce()).toBe(0);
    expect(p.nextDevNonce()).toBe(1);
    expect(p.saveSession(MODE_OTAA, 0x26011234, key(1), key(2))).toBe(true);
    for (let i = 0; i < 13; i++) expect(p.nextFCntUp()).toBe(i);
    const cfg = { intervalS: 900, confirmed: true, thresholds: [0.1 + 0.2, 1e-300, -0] };
    expect(p.saveConfig(cfg)).toBe(true);
    p.setFCntDown(7);
    const { state } = reboot(hal, opts({ fcntBlock: 10, nonceBlock: 4 }));
    expect(state.restoredState).toBe(true);
    expect(state.session.mode).toBe(MODE_OTAA);
    expect(state.session.devAddr).toBe(0x26011234);
    expect(hex(state.session.nwkSKey!)).toBe(hex(key(1)));
    expect(hex(state.session.appSKey!)).toBe(hex(key(2)));
    expect(state.fcntUp).toBe(20); // second block of 10 was reserved at counter 10
    expect(state.devNonce).toBe(4);
    expect(state.config).toEqual(cfg);
    state.config.thresholds.forEach((t, i) => expect(Object.is(t, cfg.thresholds[i])).toBe(true)); // bit-exact, -0 too
    expect(state.fcntDown).toBe(0); // setFCntDown is lazy: no state write happened after it
  });

  it('writes fcntDown with the next state write', () => {
    const hal = makeHal();
    const { p } = reboot(hal, opts({ fcntBlock: 2 }));
    p.saveSession(MODE_OTAA, 1, null, null);
    p.setFCntDown(41);
    p.nextFCntUp();
    p.nextFCntUp();
    p.nextFCntUp(); // reserves: state write
    expect(reboot(hal).state.fcntDown).toBe(41);
  });
});

describe('persist: sessions', () => {
  it('OTAA join starts a new session at counter 0; DevNonce keeps counting', () => {
    const hal = makeHal();
    const { p } = reboot(hal);
    p.nextDevNonce();
    p.saveSession(MODE_OTAA, 5, null, null);
    expect([p.nextFCntUp(), p.nextFCntUp()]).toEqual([0, 1]);
    const n = p.nextDevNonce();
    expect(n).toBe(1);
    expect(p.saveSession(MODE_OTAA, 6, null, null)).toBe(true);
    expect(p.nextFCntUp()).toBe(0);
    expect(p.session()).toEqual({ mode: MODE_OTAA, devAddr: 6, nwkSKey: null, appSKey: null });
  });

  it('ABP: the same session on every boot keeps counting (no write); a new DevAddr or key restarts', () => {
    const hal = makeHal();
    let { p } = reboot(hal);
    expect(p.saveSession(MODE_ABP, 0x260b0001, key(3), key(4))).toBe(true);
    const used = [p.nextFCntUp(), p.nextFCntUp(), p.nextFCntUp()];
    for (let boot = 0; boot < 3; boot++) {
      ({ p } = reboot(hal));
      const writes = hal.storage.stats().writes;
      expect(p.saveSession(MODE_ABP, 0x260b0001, key(3), key(4))).toBe(true);
      expect(hal.storage.stats().writes).toBe(writes);
      const f = p.nextFCntUp();
      expect(f).toBeGreaterThan(Math.max(...used));
      used.push(f);
    }
    expect(p.saveSession(MODE_ABP, 0x260b0001, key(3), key(5))).toBe(true);
    expect(p.nextFCntUp()).toBe(0);
    expect(p.saveSession(MODE_ABP, 0x260b0002, key(3), key(5))).toBe(true);
    expect(p.nextFCntUp()).toBe(0);
  });

  it('rejects invalid sessions without throwing or writing', () => {
    const hal = makeHal();
    const { p } = reboot(hal);
    const bad: [number, number, Uint8Array | null, Uint8Array | null][] = [
      [MODE_NONE, 1, null, null],
      [7, 1, null, null],
      [MODE_OTAA, -1, null, null],
      [MODE_OTAA, 2 ** 32, null, null],
      [MODE_OTAA, 1.5, null, null],
      [MODE_OTAA, NaN, null, null],
      [MODE_OTAA, 1, new Uint8Array(15), new Uint8Array(16)],
      [MODE_OTAA, 1, new Uint8Array(16), null],
    ];
    for (const [m, a, k1, k2] of bad) expect(p.saveSession(m, a, k1, k2)).toBe(false);
    expect(hal.storage.stats().writes).toBe(0);
  });

  it('never logs key material', () => {
    const hal = makeHal();
    const { p } = reboot(hal);
    p.saveSession(MODE_OTAA, 9, key(11), key(12));
    hal.storage.corrupt('lk.s0', 20, 0xff);
    reboot(hal);
    hal.storage.erase('lk.s0');
    reboot(hal);
    expect(hal.logs.length).toBeGreaterThan(0);
    for (const line of hal.logs) {
      for (const k of [key(11), key(12)]) {
        expect(line.toLowerCase()).not.toContain(hex(k));
        expect(line).not.toContain(Buffer.from(k).toString('latin1').slice(0, 6));
      }
    }
  });
});

describe('persist: config', () => {
  it('validates: bad values are refused, the stored config is unchanged', () => {
    const hal = makeHal();
    const { p } = reboot(hal);
    const bad = [
      { intervalS: 0, confirmed: false, thresholds: [] },
      { intervalS: 1.5, confirmed: false, thresholds: [] },
      { intervalS: 2 ** 32, confirmed: false, thresholds: [] },
      { intervalS: 60, confirmed: 1, thresholds: [] },
      { intervalS: 60, confirmed: false, thresholds: [NaN] },
      { intervalS: 60, confirmed: false, thresholds: [Infinity] },
      { intervalS: 60, confirmed: false, thresholds: new Array(9).fill(1) },
      { intervalS: 60, confirmed: false },
      null,
    ];
    for (const c of bad) expect(p.saveConfig(c as unknown as PersistConfig)).toBe(false);
    expect(p.config()).toEqual(CONFIG);
    expect(hal.storage.stats().writes).toBe(0);
  });

  it('an unchanged config is not written again; returned configs are copies', () => {
    const hal = makeHal();
    const { p } = reboot(hal);
    expect(p.saveConfig({ ...CONFIG, thresholds: [...CONFIG.thresholds] })).toBe(true);
    expect(hal.storage.stats().writes).toBe(0);
    const c = p.config();
    c.thresholds.push(99);
    c.intervalS = 1;
    expect(p.config()).toEqual(CONFIG);
  });

  it('any valid config round-trips exactly through a reboot', () => {
    fc.assert(
      fc.property(
        fc.record({
          intervalS: fc.integer({ min: 1, max: 0xffffffff }),
          confirmed: fc.boolean(),
          thresholds: fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { maxLength: 8 }),
        }),
        (cfg) => {
          const hal = makeHal();
          expect(reboot(hal).p.saveConfig(cfg)).toBe(true);
          expect(reboot(hal).state.config).toEqual(cfg);
        },
      ),
    );
  });
});

describe('persist: counters', () => {
  it('DevNonce runs out after 65536 values and then returns -1, also after a reboot', () => {
    const hal = makeHal();
    const o = opts({ nonceBlock: 4096 });
    const { p } = reboot(hal, o);
    let last = -1;
    for (let i = 0; i <= DEVNONCE_MAX; i++) {
      const n = p.nextDevNonce();
      expect(n).toBe(last + 1);
      last = n;
    }
    expect(p.nextDevNonce()).toBe(-1);
    expect(reboot(hal, o).p.nextDevNonce()).toBe(-1);
    expect(hal.storage.stats().writes).toBe(16);
  });

  it('when flash is full, no counter is handed out beyond the durable reservation', () => {
    const st = makeStorage({ capacity: 400 });
    const hal = makeHal(st);
    const { p } = reboot(hal, opts({ fcntBlock: 4 }));
    p.saveSession(MODE_OTAA, 3, null, null); // reserves 0..3
    const cost = 32 + Math.ceil(st.read('lk.s0')!.length / 4) * 4;
    st.write('filler', 'x'.repeat(st.getFree() - 32 - cost + 4)); // leave too little for the other slot
    expect(st.getFree()).toBeLessThan(cost);
    const got: number[] = [];
    for (let i = 0; i < 10; i++) got.push(p.nextFCntUp());
    expect(got.slice(0, 4)).toEqual([0, 1, 2, 3]);
    expect(got.slice(4).every((v) => v === -1)).toBe(true);
    expect(p.stats().failedWrites).toBeGreaterThan(0);
    st.erase('filler');
    const again = reboot(hal, opts({ fcntBlock: 4 }));
    expect(again.state.fcntUp).toBeGreaterThan(3);
    expect(again.p.nextFCntUp()).toBe(again.state.fcntUp);
  });
});

describe('persist: queue', () => {
  it('is bounded: the oldest samples are dropped first and counted', () => {
    const hal = makeHal();
    const { p } = reboot(hal, opts({ queueCapacity: 5, queueSaveEvery: 5 }));
    for (let i = 0; i < 12; i++) expect(p.queuePush(sampleOf(i))).toBe(true);
    expect(p.queuePeek(99).map(idOf)).toEqual([7, 8, 9, 10, 11]);
    expect(p.stats().drops).toBe(7);
    expect(p.queueDrop(2)).toBe(2);
    expect(p.queuePeek(2).map(idOf)).toEqual([9, 10]);
    expect(p.queueDrop(10)).toBe(3);
    expect(p.queueLength()).toBe(0);
  });

  it('refuses malformed samples without throwing', () => {
    const { p } = reboot(makeHal());
    const bad: unknown[] = [[], [256], [-1], [1.5], [NaN], ['a'], new Uint8Array(256), null, undefined, 'abc', 5];
    for (const b of bad) expect(p.queuePush(b as number[])).toBe(false);
    expect(p.queuePush([0, 255])).toBe(true);
    expect(p.queueDrop(-3)).toBe(0);
    expect(p.queueDrop(NaN)).toBe(0);
    expect(p.queueLength()).toBe(1);
  });

  it('samples survive a reboot once committed; flush commits everything', () => {
    const hal = makeHal();
    const o = opts({ queueCapacity: 10, queueSaveEvery: 3 });
    const { p } = reboot(hal, o);
    for (let i = 0; i < 4; i++) p.queuePush(sampleOf(i)); // commit at 3
    expect(p.stats().atRisk).toBe(1);
    expect(reboot(hal, o).p.queuePeek(10).map(idOf)).toEqual([0, 1, 2]);
    const q = reboot(hal, o).p;
    q.queuePush(sampleOf(50));
    expect(q.flush()).toBe(true);
    expect(q.stats().atRisk).toBe(0);
    const writes = hal.storage.stats().writes;
    expect(q.flush()).toBe(true); // nothing to do
    expect(hal.storage.stats().writes).toBe(writes);
    expect(reboot(hal, o).p.queuePeek(10).map(idOf)).toEqual([0, 1, 2, 50]);
  });

  it('when a queue commit fails (flash full) the samples stay reported at risk and flush says so', () => {
    const st = makeStorage({ capacity: 300 });
    const hal = makeHal(st);
    const o = opts({ queueCapacity: 6, queueSaveEvery: 2 });
    const { p } = reboot(hal, o);
    p.queuePush(sampleOf(1));
    p.queuePush(sampleOf(2)); // committed to lk.q0
    st.write('filler', 'x'.repeat(st.getFree() - 32 - 4));
    p.queuePush(sampleOf(3));
    p.queuePush(sampleOf(4)); // commit to lk.q1 fails
    const s = p.stats();
    expect(s.failedWrites).toBe(1);
    expect(s.atRisk).toBe(2);
    expect(p.flush()).toBe(false);
    expect(p.stats().atRisk).toBe(2);
    st.erase('filler');
    expect(reboot(hal, o).p.queuePeek(9).map(idOf)).toEqual([1, 2]);
  });

  it('beforeSleep commits only ahead of a long sleep', () => {
    const hal = makeHal();
    const o = opts({ queueSaveEvery: 8, longSleepMs: 3_600_000 });
    const { p } = reboot(hal, o);
    p.queuePush(sampleOf(7));
    expect(p.beforeSleep(3_599_999)).toBe(true);
    expect(hal.storage.stats().writes).toBe(0);
    expect(p.stats().atRisk).toBe(1);
    expect(p.beforeSleep(3_600_000)).toBe(true);
    expect(hal.storage.stats().writes).toBe(1);
    expect(p.stats().atRisk).toBe(0);
    expect(reboot(hal, o).p.queuePeek(5).map(idOf)).toEqual([7]);
  });

  it('a smaller capacity after a firmware update keeps the newest samples and counts the rest as drops', () => {
    const hal = makeHal();
    const { p } = reboot(hal, opts({ queueCapacity: 8, queueSaveEvery: 8 }));
    for (let i = 0; i < 8; i++) p.queuePush(sampleOf(i));
    const { p: q, state } = reboot(hal, opts({ queueCapacity: 3, queueSaveEvery: 2 }));
    expect(state.queued).toBe(3);
    expect(q.queuePeek(9).map(idOf)).toEqual([5, 6, 7]);
    expect(q.stats().drops).toBe(5);
    expect(q.flush()).toBe(true);
    expect(reboot(hal, opts({ queueCapacity: 3 })).p.stats().drops).toBe(5);
  });
});
