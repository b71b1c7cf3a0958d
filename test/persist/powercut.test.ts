// Random operation sequences interleaved with power cuts at random writes (including
// mid-write), checked against a model of what was handed out and what was committed.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createPersist, MODE_NONE, MODE_OTAA, type Persist, type PersistConfig, type PersistOptions } from '../../firmware/core/persist.ts';
import type { CutPoint } from '../../simulator/hardware/storage.ts';
import { hex, idOf, makeHal, makeStorage, sampleOf } from './harness.ts';

type Op =
  | { t: 'fcnt' }
  | { t: 'nonce' }
  | { t: 'join'; keys: boolean }
  | { t: 'config'; cfg: PersistConfig }
  | { t: 'push' }
  | { t: 'drop'; n: number }
  | { t: 'flush' }
  | { t: 'reboot' }
  /** Arms a power cut during the `after`-th flash write from now; `at` as a fraction of the write. */
  | { t: 'arm'; after: number; at: 'before' | 'erased' | number };

const DEFAULT_CONFIG: PersistConfig = { intervalS: 300, confirmed: false, thresholds: [] };
const keyFor = (addr: number, which: number): Uint8Array => Uint8Array.from({ length: 16 }, (_, i) => (addr * 13 + which * 101 + i) & 255);

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.constant<Op>({ t: 'fcnt' }) },
  { weight: 1, arbitrary: fc.constant<Op>({ t: 'nonce' }) },
  { weight: 1, arbitrary: fc.boolean().map<Op>((keys) => ({ t: 'join', keys })) },
  {
    weight: 1,
    arbitrary: fc
      .record({
        intervalS: fc.integer({ min: 1, max: 100000 }),
        confirmed: fc.boolean(),
        thresholds: fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { maxLength: 3 }),
      })
      .map<Op>((cfg) => ({ t: 'config', cfg })),
  },
  { weight: 5, arbitrary: fc.constant<Op>({ t: 'push' }) },
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 4 }).map<Op>((n) => ({ t: 'drop', n })) },
  { weight: 1, arbitrary: fc.constant<Op>({ t: 'flush' }) },
  { weight: 1, arbitrary: fc.constant<Op>({ t: 'reboot' }) },
  {
    weight: 2,
    arbitrary: fc
      .record({
        after: fc.integer({ min: 1, max: 4 }),
        at: fc.oneof(fc.constant<'before'>('before'), fc.constant<'erased'>('erased'), fc.double({ min: 0, max: 1, noNaN: true }), fc.constant(1)),
      })
      .map<Op>((a) => ({ t: 'arm', after: a.after, at: a.at })),
  },
);

const optsArb: fc.Arbitrary<PersistOptions> = fc
  .record({ fcntBlock: fc.integer({ min: 1, max: 8 }), nonceBlock: fc.integer({ min: 1, max: 5 }), queueCapacity: fc.integer({ min: 1, max: 8 }) })
  .chain((o) => fc.integer({ min: 1, max: o.queueCapacity }).map((queueSaveEvery) => ({ ...o, queueSaveEvery, config: DEFAULT_CONFIG })));

type ModelSession = { devAddr: number; nwk: Uint8Array | null; app: Uint8Array | null };

const minus = (a: number[], b: number[]): number[] => a.filter((x) => !b.includes(x));

interface Outcome {
  cuts: number;
  midWriteCuts: number;
  lostSamples: number;
  writes: number;
}

/** Runs `ops`, rebooting after every power cut, and checks every invariant on the way. */
function runScenario(o: PersistOptions, ops: Op[]): Outcome {
  const storage = makeStorage();
  const hal = makeHal(storage);
  const saveEvery = o.queueSaveEvery ?? 8;
  let armed: { after: number; at: Op & { t: 'arm' } } | null = null;
  let cut: { name: string; completed: boolean } | null = null;
  storage.onWrite = (ev): CutPoint | undefined => {
    if (!armed || --armed.after > 0) return undefined;
    const at = armed.at.at;
    armed = null;
    const point = typeof at === 'number' ? Math.round(at * ev.size) : at;
    cut = { name: ev.name, completed: point === ev.size };
    return point;
  };

  // the model: what was handed out and what is committed
  let nextId = 0;
  let nextAddr = 0x26000001;
  const maxFcnt = new Map<number, number>();
  let session: ModelSession | null = null;
  let maxNonce = -1;
  let config = DEFAULT_CONFIG;
  let ram: number[] = [];
  let img: number[] = [];
  let drops = 0;
  let imgDrops = 0;
  const out: Outcome = { cuts: 0, midWriteCuts: 0, lostSamples: 0, writes: 0 };

  let p: Persist = createPersist(hal, o);
  p.load();

  const reboot = (ramBefore: number[], atRiskBefore: number, imageKept: boolean): void => {
    storage.powerOn();
    p = createPersist(hal, o);
    const st = p.load();
    if (session === null) expect(st.session.mode).toBe(MODE_NONE);
    else {
      expect(st.session.mode).toBe(MODE_OTAA);
      expect(st.session.devAddr).toBe(session.devAddr);
      expect(st.session.nwkSKey && hex(st.session.nwkSKey)).toBe(session.nwk && hex(session.nwk));
      expect(st.session.appSKey && hex(st.session.appSKey)).toBe(session.app && hex(session.app));
      expect(st.fcntUp).toBeGreaterThan(maxFcnt.get(session.devAddr)!);
    }
    expect(st.devNonce).toBeGreaterThan(maxNonce);
    expect(st.config).toEqual(config);
    expect(p.queuePeek(99).map(idOf)).toEqual(img);
    expect(p.stats().drops).toBe(imgDrops);
    const lost = minus(ramBefore, img);
    if (imageKept) expect(lost.length).toBe(atRiskBefore); // exactly the samples reported at risk
    expect(atRiskBefore).toBeLessThanOrEqual(saveEvery - 1);
    out.lostSamples += lost.length;
    ram = [...img];
    drops = imgDrops;
  };

  for (const op of ops) {
    if (op.t === 'arm') {
      armed = { after: op.after, at: op };
      continue;
    }
    const before = p.stats();
    if (op.t === 'reboot') {
      storage.cutPower();
      out.cuts++;
      reboot(ram, before.atRisk, true);
      continue;
    }
    // what the op does to the queue model, committed below unless power is cut
    let ramAfter = ram;
    let dropsAfter = drops;
    let newSession: ModelSession | null = null;
    cut = null;
    let result: number | boolean = false;
    switch (op.t) {
      case 'fcnt':
        result = p.nextFCntUp();
        break;
      case 'nonce':
        result = p.nextDevNonce();
        break;
      case 'join': {
        const addr = nextAddr++;
        const ns: ModelSession = { devAddr: addr, nwk: op.keys ? keyFor(addr, 1) : null, app: op.keys ? keyFor(addr, 2) : null };
        newSession = ns;
        result = p.saveSession(MODE_OTAA, addr, ns.nwk, ns.app);
        break;
      }
      case 'config':
        result = p.saveConfig(op.cfg);
        break;
      case 'push': {
        const id = nextId++;
        ramAfter = [...ram, id];
        if (ramAfter.length > o.queueCapacity!) {
          ramAfter = ramAfter.slice(1);
          dropsAfter++;
        }
        result = p.queuePush(sampleOf(id));
        break;
      }
      case 'drop':
        ramAfter = ram.slice(Math.min(op.n, ram.length));
        result = p.queueDrop(op.n);
        break;
      case 'flush':
        result = p.flush();
        break;
    }
    if (!storage.powered()) {
      // power was lost during a write of this op: nothing it returned reached the radio
      const c = cut as { name: string; completed: boolean } | null;
      expect(c).not.toBeNull();
      out.cuts++;
      out.midWriteCuts++;
      const queueWrite = c!.name.startsWith('lk.q');
      if (c!.completed && queueWrite) {
        img = ramAfter;
        imgDrops = dropsAfter;
      }
      if (c!.completed && !queueWrite) {
        if (op.t === 'config') config = op.cfg;
        if (op.t === 'join') {
          session = newSession;
          maxFcnt.set(session!.devAddr, -1);
        }
      }
      reboot(ram, before.atRisk, !(c!.completed && queueWrite));
      continue;
    }
    switch (op.t) {
      case 'fcnt':
        if (session === null) expect(result).toBe(-1);
        else {
          expect(result).toBeGreaterThan(maxFcnt.get(session.devAddr)!);
          maxFcnt.set(session.devAddr, result as number);
        }
        break;
      case 'nonce':
        expect(result).toBeGreaterThan(maxNonce);
        maxNonce = result as number;
        break;
      case 'join':
        expect(result).toBe(true);
        session = newSession;
        maxFcnt.set(session!.devAddr, -1);
        break;
      case 'config':
        expect(result).toBe(true);
        config = op.cfg;
        break;
      case 'push':
        expect(result).toBe(true);
        break;
      case 'drop':
        expect(result).toBe(ram.length - ramAfter.length);
        break;
      case 'flush':
        expect(result).toBe(true);
        break;
    }
    ram = ramAfter;
    drops = dropsAfter;
    const now = p.stats();
    expect(now.failedWrites).toBe(before.failedWrites);
    if (now.queueWrites > before.queueWrites) {
      img = [...ram];
      imgDrops = drops;
    }
    expect(p.queuePeek(99).map(idOf)).toEqual(ram);
    expect(now.drops).toBe(drops);
    expect(now.atRisk).toBe(minus(ram, img).length);
    expect(now.stale).toBe(minus(img, ram).length);
    expect(now.atRisk).toBeLessThanOrEqual(saveEvery - 1);
    if (op.t === 'flush') expect(now.atRisk + now.stale).toBe(0);
  }
  out.writes = storage.stats().writes;
  for (const line of hal.logs) expect(line).not.toMatch(/[0-9a-f]{32}/i); // no key material in logs
  return out;
}

describe('persist under power cuts', () => {
  it('random operations with cuts at random writes: counters never reused, config old-or-new, queue as guaranteed', { timeout: 120_000 }, () => {
    let cuts = 0;
    let mid = 0;
    fc.assert(
      fc.property(optsArb, fc.array(opArb, { minLength: 1, maxLength: 150, size: 'large' }), (o, ops) => {
        const r = runScenario(o, ops);
        cuts += r.cuts;
        mid += r.midWriteCuts;
      }),
      { numRuns: 300 },
    );
    // the generator really exercised cuts in the middle of writes
    expect(mid).toBeGreaterThan(300);
    expect(cuts).toBeGreaterThan(mid);
  });

  it('a fixed workload survives a cut at every write, at every kind of cut point', { timeout: 60_000 }, () => {
    const o: PersistOptions = { fcntBlock: 3, nonceBlock: 2, queueCapacity: 4, queueSaveEvery: 2, config: DEFAULT_CONFIG };
    const work: Op[] = [];
    for (let i = 0; i < 3; i++) work.push({ t: 'nonce' });
    work.push({ t: 'join', keys: true });
    for (let i = 0; i < 8; i++) work.push({ t: 'push' }, { t: 'fcnt' }, ...(i % 3 === 2 ? [{ t: 'drop', n: 3 } as Op] : []));
    work.push({ t: 'config', cfg: { intervalS: 60, confirmed: true, thresholds: [1.25] } }, { t: 'flush' });
    for (let i = 0; i < 6; i++) work.push({ t: 'fcnt' }, { t: 'push' });
    work.push({ t: 'drop', n: 4 }, { t: 'nonce' }, { t: 'join', keys: false }, { t: 'fcnt' });
    const total = runScenario(o, work).writes;
    expect(total).toBeGreaterThan(10);
    let runs = 0;
    for (let w = 1; w <= total; w++) {
      for (const at of ['before', 'erased', 0, 0.5, 1] as const) {
        const r = runScenario(o, [{ t: 'arm', after: w, at }, ...work]);
        expect(r.midWriteCuts).toBe(1);
        runs++;
      }
    }
    expect(runs).toBe(total * 5);
  });
});
