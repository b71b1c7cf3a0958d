// The fleet air's and the channel's fast paths give exactly what the simple versions gave:
// settleBrief against settle's loss records, the duplicate-id check that skips the set for
// increasing numeric ids, the records completed from the modem log as frames go on air, and
// the lower-case hex of decoded payloads from a byte-pair table.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { join } from 'node:path';
import { createChannel } from '../../simulator/channel/index.ts';
import type { ChannelOptions, SettledTransmission, Transmission } from '../../simulator/channel/index.ts';
import { expandFleet, loadFleet } from '../../simulator/fleet/index.ts';
import { runFleet } from '../../simulator/run/fleet.ts';
import { bytesToHex } from '../../simulator/lorawan/bytes.ts';
import { createClock } from '../../simulator/clock.ts';
import { createFleetAir, type AirNode } from '../../simulator/run/air.ts';
import { TxLog, addTx, type Air } from '../../simulator/modems/types.ts';
import type { NetworkServer } from '../../simulator/network/types.ts';

const FREQS = [868100000, 868300000, 868500000];

function options(seed: number, fading: ChannelOptions['fading'], demodulators: number): ChannelOptions {
  return {
    pathLoss: 'suburban',
    gateways: [
      { id: 'gA', x: 0, y: 0 },
      { id: 'gB', x: 900, y: 200, antennaGainDb: 3 },
      { id: 'gC', x: -500, y: 600, noiseRiseDb: 6 },
    ],
    capture: seed % 2 === 0,
    rejection: 'goursaud',
    fading,
    demodulators,
    seed,
  };
}

const frame = fc.record({
  node: fc.integer({ min: 0, max: 7 }),
  x: fc.integer({ min: -1500, max: 2000 }),
  y: fc.integer({ min: -1500, max: 2000 }),
  freq: fc.integer({ min: 0, max: 2 }),
  sf: fc.integer({ min: 7, max: 12 }),
  powerDbm: fc.constantFrom(2, 8, 14),
  gapMs: fc.integer({ min: 0, max: 300 }),
  airtimeMs: fc.integer({ min: 30, max: 900 }),
});

/** What the air made of `settle`'s loss records before settleBrief summarised them. */
const lostReason = (s: SettledTransmission): string | undefined => {
  if (s.received.length > 0) return undefined;
  const reasons = s.lost.map((l) => l.reason);
  return reasons.includes('collision') ? 'collision' : reasons[0];
};

describe('channel settleBrief', () => {
  it('gives settle’s receptions (the same records) and the loss summary the air derived from settle’s loss records', () => {
    fc.assert(
      fc.property(fc.array(frame, { minLength: 1, maxLength: 80 }), fc.integer({ min: 0, max: 1000 }), fc.constantFrom<ChannelOptions['fading']>('off', 'rayleigh'), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 9 }), (frames, seed, fading, demods, every) => {
        const full = createChannel(options(seed, fading, demods));
        const brief = createChannel(options(seed, fading, demods));
        let t = 0;
        const got: Array<{ id: string | number; received: unknown; lostReason: string | undefined }> = [];
        const want: typeof got = [];
        const take = (now: number) => {
          for (const s of full.settle(now)) want.push({ id: s.tx.id, received: s.received, lostReason: lostReason(s) });
          for (const s of brief.settleBrief(now)) got.push({ id: s.tx.id, received: s.received, lostReason: s.lostReason });
        };
        frames.forEach((f, i) => {
          t += f.gapMs;
          if (i % every === 0) take(t);
          const tx: Transmission = { id: i, nodeId: `n${f.node}`, x: f.x, y: f.y, freqHz: FREQS[f.freq]!, sf: f.sf, bwKhz: 125, powerDbm: f.powerDbm, startMs: t, airtimeMs: f.airtimeMs };
          full.transmit({ ...tx });
          brief.transmit({ ...tx });
        });
        take(Infinity);
        expect(got).toEqual(want);
        expect(got.length).toBe(frames.length);
      }),
      { numRuns: 200 },
    );
  });
});

describe('channel settleEach and shared reception lists', () => {
  it('settleEach gives settleBrief’s outcomes, in the same order', () => {
    fc.assert(
      fc.property(fc.array(frame, { minLength: 1, maxLength: 80 }), fc.integer({ min: 0, max: 1000 }), fc.constantFrom<ChannelOptions['fading']>('off', 'rayleigh'), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 9 }), (frames, seed, fading, demods, every) => {
        const a = createChannel(options(seed, fading, demods));
        const b = createChannel(options(seed, fading, demods));
        let t = 0;
        const got: Array<{ id: string | number; received: unknown; lostReason: string | undefined }> = [];
        const want: typeof got = [];
        const take = (now: number) => {
          for (const s of a.settleBrief(now)) want.push({ id: s.tx.id, received: s.received, lostReason: s.lostReason });
          b.settleEach(now, (tx, received, lostReason) => got.push({ id: tx.id, received, lostReason }));
        };
        frames.forEach((f, i) => {
          t += f.gapMs;
          if (i % every === 0) take(t);
          const tx: Transmission = { id: i, nodeId: `n${f.node}`, x: f.x, y: f.y, freqHz: FREQS[f.freq]!, sf: f.sf, bwKhz: 125, powerDbm: f.powerDbm, startMs: t, airtimeMs: f.airtimeMs };
          a.transmit({ ...tx });
          b.transmit({ ...tx });
        });
        take(Infinity);
        expect(got).toEqual(want);
        expect(got.length).toBe(frames.length);
      }),
      { numRuns: 150 },
    );
  });

  it('settleEach hands one SharedReceptions per shared list (its memo kept), null for a frame’s own list', () => {
    fc.assert(
      fc.property(fc.array(frame, { minLength: 1, maxLength: 80 }), fc.integer({ min: 0, max: 1000 }), fc.constantFrom<ChannelOptions['fading']>('off', 'rayleigh'), fc.integer({ min: 1, max: 3 }), (frames, seed, fading, demods) => {
        const ch = createChannel(options(seed, fading, demods));
        const byList = new Map<unknown, unknown>();
        let t = 0;
        const take = (now: number) =>
          ch.settleEach(now, (_tx, received, _reason, shared) => {
            if (shared === null) {
              expect(fading).not.toBe('off'); // without fading every list is shared
              return;
            }
            expect(shared.list).toBe(received);
            if (byList.has(received)) {
              expect(byList.get(received)).toBe(shared);
              expect(shared.memo).toBe(received.length); // what the first frame with this list left
            } else {
              byList.set(received, shared);
              expect(shared.memo).toBeUndefined();
              shared.memo = received.length;
            }
          });
        frames.forEach((f, i) => {
          t += f.gapMs;
          take(t);
          ch.transmit({ id: i, nodeId: `n${f.node}`, x: f.x, y: f.y, freqHz: FREQS[f.freq]!, sf: f.sf, bwKhz: 125, powerDbm: f.powerDbm, startMs: t, airtimeMs: f.airtimeMs });
        });
        take(Infinity);
      }),
      { numRuns: 100 },
    );
  });

  it('a frame’s list (shared between frames) holds exactly the gateways that did not lose it, with the values a lone frame gets', () => {
    let disturbed = 0;
    let shared = 0;
    // Three gateways close together and four nodes around them, on two channels, busy: frames are heard
    // by one to three gateways (suburban path loss) and often lost at some of them only (capture). Each
    // node sends from one place at its own SF and power, now and then at another (new link values), as a
    // fleet's nodes do.
    const near = (seed: number, fading: ChannelOptions['fading'], demods: number): ChannelOptions => ({
      ...options(seed, fading, demods),
      gateways: [
        { id: 'gA', x: 0, y: 0 },
        { id: 'gB', x: 120, y: 0, antennaGainDb: 3 },
        { id: 'gC', x: 0, y: 120, noiseRiseDb: 6 },
      ],
    });
    const nodes = fc.array(fc.record({ x: fc.integer({ min: -60, max: 180 }), y: fc.integer({ min: -60, max: 180 }), sf: fc.integer({ min: 7, max: 9 }), powerDbm: fc.constantFrom(8, 14) }), { minLength: 4, maxLength: 4 });
    const busyFrame = fc.record({ node: fc.integer({ min: 0, max: 3 }), freq: fc.integer({ min: 0, max: 1 }), other: fc.integer({ min: 0, max: 4 }).map((k) => k === 0), gapMs: fc.integer({ min: 0, max: 500 }), airtimeMs: fc.integer({ min: 30, max: 400 }) });
    fc.assert(
      fc.property(fc.array(busyFrame, { minLength: 20, maxLength: 80 }), nodes, fc.integer({ min: 0, max: 1000 }), fc.constantFrom<ChannelOptions['fading']>('off', 'rayleigh'), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 9 }), (frames, at, seed, fading, demods, every) => {
        const busy = createChannel(near(seed, fading, demods));
        const sent = new Map<string | number, Transmission>();
        const settled: SettledTransmission[] = [];
        let t = 0;
        frames.forEach((f, i) => {
          t += f.gapMs;
          if (i % every === 0) settled.push(...busy.settle(t));
          const n = at[f.node]!;
          const tx: Transmission = { id: i, nodeId: `n${f.node}`, x: n.x, y: n.y, freqHz: FREQS[f.freq]!, sf: f.other ? 7 : n.sf, bwKhz: 125, powerDbm: f.other ? 2 : n.powerDbm, startMs: t, airtimeMs: f.airtimeMs };
          sent.set(i, tx);
          busy.transmit({ ...tx });
        });
        settled.push(...busy.settle(Infinity));
        expect(settled.length).toBe(frames.length);
        const uses = new Map<unknown, number>();
        for (const s of settled) uses.set(s.received, (uses.get(s.received) ?? 0) + 1);
        for (const s of settled) if (s.received.length > 0 && uses.get(s.received)! > 1) shared++;
        for (const s of settled) {
          if (s.received.length > 0 && s.lost.some((g) => g.reason === 'collision' || g.reason === 'no-free-demodulator')) disturbed++;
          // the same frame alone on a channel of its own: every gateway's values, nothing lost to other frames
          const lone = createChannel(near(seed, fading, demods));
          lone.transmit({ ...sent.get(s.tx.id)! });
          const [alone] = lone.settle(Infinity);
          const values = new Map([...alone!.received, ...alone!.lost].map((g) => [g.gatewayId, { gatewayId: g.gatewayId, rssi: g.rssi, snr: g.snr }]));
          const lost = new Set(s.lost.map((g) => g.gatewayId));
          const want = ['gA', 'gB', 'gC'].filter((id) => !lost.has(id)).map((id) => values.get(id));
          expect(s.received).toEqual(want);
        }
      }),
      { numRuns: 100 },
    );
    // the cases did exercise both kinds of list: frames other frames disturbed yet received, and lists shared
    expect(disturbed).toBeGreaterThan(30);
    expect(shared).toBeGreaterThan(200);
  });
});

describe('channel duplicate-id check', () => {
  // ids of all kinds: increasing numbers (the fleet's), repeats, smaller numbers, -0, strings
  const step = fc.oneof(
    fc.record({ op: fc.constant('tx' as const), id: fc.oneof(fc.integer({ min: -3, max: 12 }), fc.constant(-0), fc.constantFrom('a', 'b', '1')), airtimeMs: fc.integer({ min: 1, max: 50 }) }),
    fc.record({ op: fc.constant('settle' as const), id: fc.constant(0), airtimeMs: fc.integer({ min: 0, max: 60 }) }),
  );

  it('throws exactly when a frame with the same id (SameValueZero) is still on air, as a set of the ids on air would', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const ch = createChannel(options(1, 'off', 8));
        const onAir = new Map<string | number, number>(); // the reference: id -> end time
        let now = 0;
        for (const s of steps) {
          if (s.op === 'settle') {
            now += s.airtimeMs;
            ch.settle(now);
            for (const [id, end] of onAir) if (end <= now) onAir.delete(id);
            continue;
          }
          const tx: Transmission = { id: s.id, nodeId: 'n', x: 10, y: 10, freqHz: FREQS[0]!, sf: 7, bwKhz: 125, powerDbm: 14, startMs: now, airtimeMs: s.airtimeMs };
          if (onAir.has(s.id)) expect(() => ch.transmit(tx)).toThrow(/already on air/);
          else {
            ch.transmit(tx);
            onAir.set(s.id, now + s.airtimeMs);
          }
          expect(ch.pending()).toBe(onAir.size);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('hex of a payload from the byte-pair table (run/fleet.ts)', () => {
  it("is what Buffer's toString('hex') gives, for any view of any buffer", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.nat(8), fc.nat(8), (all, from, cut) => {
        const view = all.subarray(Math.min(from, all.length), Math.max(Math.min(from, all.length), all.length - cut));
        expect(bytesToHex(view, true)).toBe(Buffer.from(view.buffer, view.byteOffset, view.length).toString('hex'));
        expect(bytesToHex(view)).toBe(Buffer.from(view.buffer, view.byteOffset, view.length).toString('hex').toUpperCase());
      }),
    );
  });
});

describe('fleet records completed as frames go on air', () => {
  it('carry each modem log entry’s FCnt or DevNonce and retransmission number, with the keys they had when completed after the run', async () => {
    const fleet = expandFleet(loadFleet(join(import.meta.dirname, '../fixtures/small-fleet.yaml')));
    const run = await runFleet({ fleet: { ...fleet, durationMs: 2 * 3600_000 } });
    expect(run.txs.length).toBeGreaterThan(20);
    for (const n of run.nodes) {
      const mine = run.txs.filter((t) => t.nodeId === n.node.id);
      const log = n.sim.modem.log.entries();
      expect(mine.length).toBe(log.length);
      mine.forEach((t, i) => {
        const e = log[i]!;
        expect(t.startMs).toBeCloseTo(e.timeMs, 6);
        expect(t.retry).toBe(e.retry);
        const keys = Object.keys(t).filter((k) => k !== 'lostReason');
        if (e.type === 'join') {
          expect(t.devNonce).toBe(e.devNonce);
          expect(keys).toEqual(['nodeId', 'devEui', 'app', 'kind', 'startMs', 'airtimeMs', 'freqHz', 'dr', 'sf', 'bwKhz', 'powerDbm', 'phyBytes', 'appBytes', 'fPort', 'retry', 'receivedBy', 'devNonce']);
        } else {
          expect(t.fCnt).toBe(e.fCnt);
          expect(keys).toEqual(['nodeId', 'devEui', 'app', 'kind', 'startMs', 'airtimeMs', 'freqHz', 'dr', 'sf', 'bwKhz', 'powerDbm', 'phyBytes', 'appBytes', 'fPort', 'retry', 'receivedBy', 'fCnt']);
        }
      });
    }
    // the losses the air counted are the records' own
    expect(run.collisions).toBe(run.txs.filter((t) => t.lostReason === 'collision').length);
  }, 120_000);
});

describe('FleetAir.registerNode', () => {
  /** An air whose frames are recorded by node; each node's modem log says what it sent. */
  function setup() {
    const clock = createClock(0);
    const channel = createChannel(options(1, 'off', 8));
    const ns = { receive: () => ({ accepted: false }) } as unknown as NetworkServer;
    const air = createFleetAir<AirNode>(clock, channel, ns, { onReceive() {} });
    const node = (id: string): AirNode => ({ id, app: 'a', x: 10, y: 20, log: new TxLog(), sent: 0 });
    /** Sends a frame as `devEui` on `via`, logged by `logOf` (the node the air should find). */
    const send = (via: Air, devEui: string, logOf: AirNode) => {
      const startMs = clock.now();
      addTx(logOf.log.data, startMs, 868100000, 0, 5, 50, 14, 12, 'unconfirmed', logOf.log.count(), 0);
      via.transmit({ phy: new Uint8Array([0x40, 1, 2, 3, 4, 0, 0, 0, 1, 1, 2, 3, 4]), freqHz: 868100000, dr: 5, sf: 7, bwKhz: 125, powerDbm: 14, startMs, airtimeMs: 50, devEui }, () => {});
      clock.runUntil(startMs + 100);
    };
    return { air, node, send };
  }

  it('finds the node a lookup by DevEUI finds: its own, another (any case), or the last registered of a DevEUI', () => {
    const { air, node, send } = setup();
    const a = node('a');
    const b = node('b');
    const viaA = air.registerNode('00000000000000aa', a);
    air.registerNode('00000000000000BB', b);
    send(viaA, '00000000000000AA', a); // its own DevEUI
    send(viaA, '00000000000000bb', b); // another one: looked up
    expect(() => send(viaA, '00000000000000CC', a)).toThrow(/unknown device/);
    const a2 = node('a2');
    air.registerNode('00000000000000AA', a2); // the same DevEUI again: the lookup now finds a2
    send(viaA, '00000000000000AA', a2);
    expect(air.txs.map((t) => t.nodeId)).toEqual(['a', 'b', 'a2']);
    expect([a.sent, b.sent, a2.sent]).toEqual([1, 1, 1]);
  });
});
