// The energy model against hand-computed charges.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EU868 } from '../../firmware/lorawan/regions/eu868.ts';
import { CURRENT_TABLE, MODEMS, txCurrentMa, type McuCurrents, type ModemCurrents } from '../../simulator/energy/currents.ts';
import { batteryDays, fleetEnergy, nodeEnergy, PROFILES, type EnergyProfile } from '../../simulator/energy/model.ts';
import type { DownlinkRecord, TxRecord } from '../../simulator/types.ts';

const H = 3600000;
const src = { ref: 'test' };
const modem: ModemCurrents = { name: 'm', txMaByDbm: [{ dbm: 14, ma: 40, source: src }], rxMa: 10, idleMa: 2, sleepUa: 1, sources: { rx: src, idle: src, sleep: src } };
const mcu: McuCurrents = { name: 'c', runMa: 20, waitMa: 5, sleepUa: 10, sources: { run: src, wait: src, sleep: src } };
const p: EnergyProfile = { modem, mcu, awakeMsPerWake: 50, readsPerWake: 1, sensorUcPerRead: 36, rxWindowSymbols: 8, rx1DelayMs: 1000, rx1DrOffset: 0, rx2Dr: null };

function up(startMs: number, extra: Partial<TxRecord> = {}): TxRecord {
  return { nodeId: 'a', devEui: 'e', app: 't', kind: 'unconfirmed', startMs, airtimeMs: 100, freqHz: 868100000, dr: 5, sf: 7, bwKhz: 125, powerDbm: 14, phyBytes: 20, appBytes: 7, fCnt: 0, retry: 0, receivedBy: [], ...extra };
}

describe('node energy', () => {
  // SF7/125 kHz symbol: 2^7/125 = 1.024 ms; RX2 in EU868 is DR0, SF12: 2^12/125 = 32.768 ms
  const w1 = 8 * 1.024;
  const w2 = 8 * 32.768;

  it('one uplink without a downlink: the hand-computed average current', () => {
    const e = nodeEnergy({ txs: [up(1000)], downlinks: [], wakeUps: 1, durationMs: H }, EU868, p);
    const rx = w1 + w2;
    const span = 1000 + 1000 + w2; // TX end -> RX1 -> RX2 closes
    const modemActive = 100 + span;
    const mcuActive = 50 + 100 + span;
    const mAms =
      40 * 100 + // TX
      10 * rx + // RX windows
      2 * (span - rx) + // modem awake between
      0.001 * (H - modemActive) + // modem sleep
      20 * 50 + // MCU run
      5 * (100 + span) + // MCU waits on the modem
      0.01 * (H - mcuActive) + // MCU deep sleep
      36; // one sensor read: 36 µC = 36 mA·ms
    expect(e.txMs).toBe(100);
    expect(e.rxMs).toBeCloseTo(rx, 9);
    expect(e.avgCurrentUa).toBeCloseTo((mAms / H) * 1000, 9);
    expect(e.avgCurrentUa).toBeCloseTo(17.5298, 3);
    expect(e.mAhPerDay).toBeCloseTo((e.avgCurrentUa / 1000) * 24, 12);
    expect(e.batteryDays).toBeCloseTo((2400 * 0.8) / e.mAhPerDay, 9);
  });

  it('a downlink in RX2 keeps the radio receiving for its airtime; one in RX1 skips RX2', () => {
    const dl = (window: 1 | 2, startMs: number): DownlinkRecord => ({ nodeId: 'a', gatewayId: 'g', startMs, airtimeMs: 500, freqHz: 869525000, dr: 0, window, kind: 'data', received: true });
    const e2 = nodeEnergy({ txs: [up(0)], downlinks: [dl(2, 2100)], wakeUps: 1, durationMs: H }, EU868, p);
    expect(e2.rxMs).toBeCloseTo(w1 + 500, 9);
    expect(e2.chargeMah.modemIdle).toBeCloseTo((2 * (2500 - (w1 + 500))) / H, 12);
    expect(e2.chargeMah.mcuWait).toBeCloseTo((5 * (100 + 2500)) / H, 12);
    const e1 = nodeEnergy({ txs: [up(0)], downlinks: [dl(1, 1100)], wakeUps: 1, durationMs: H }, EU868, p);
    expect(e1.rxMs).toBeCloseTo(500, 9);
    expect(e1.chargeMah.mcuWait).toBeCloseTo((5 * (100 + 1500)) / H, 12);
    // a downlink the modem missed changes nothing
    const missed = nodeEnergy({ txs: [up(0)], downlinks: [{ ...dl(2, 2100), received: false }], wakeUps: 1, durationMs: H }, EU868, p);
    expect(missed.rxMs).toBeCloseTo(w1 + w2, 9);
  });

  it('join-requests listen 5 s later at the region RX2 data rate', () => {
    const e = nodeEnergy({ txs: [up(0, { kind: 'join', fCnt: undefined, devNonce: 1 })], downlinks: [], wakeUps: 1, durationMs: H }, EU868, p);
    expect(e.chargeMah.mcuWait).toBeCloseTo((5 * (100 + 5000 + 1000 + w2)) / H, 12);
  });

  it('wake-ups default to first transmissions; retransmissions add radio time but no wake-up', () => {
    const e = nodeEnergy({ txs: [up(0), up(10000, { retry: 1 }), up(60000, { fCnt: 1 })], downlinks: [], durationMs: H }, EU868, p);
    expect(e.wakeUps).toBe(2);
    expect(e.txMs).toBe(300);
    expect(e.chargeMah.mcuRun).toBeCloseTo((20 * 100) / H, 12);
  });
});

describe('battery days', () => {
  it('capacity x derating / daily charge', () => {
    expect(batteryDays(100)).toBeCloseTo(800, 9); // 2400 mAh x 0.8 / 2.4 mAh a day
    expect(batteryDays(100, { capacityMah: 1000, derating: 1 })).toBeCloseTo(1000 / 2.4, 9);
    expect(batteryDays(0)).toBe(Infinity);
    expect(() => batteryDays(Number.NaN)).toThrow(RangeError);
    expect(() => batteryDays(-1)).toThrow(/finite number >= 0/);
  });
});

describe('fleet summary', () => {
  it('min/median/mean over nodes, worst node, more traffic never lasts longer', () => {
    const log = [up(0, { nodeId: 'x' }), ...[0, 1, 2].map((i) => up(i * 600000, { nodeId: 'y', fCnt: i })), ...[0, 1, 2, 3, 4, 5].map((i) => up(i * 300000, { nodeId: 'z', fCnt: i }))];
    const f = fleetEnergy(log, [], { region: EU868, profile: p, durationMs: H });
    const days = ['x', 'y', 'z'].map((id) => f.perNode[id].batteryDays);
    expect(days[0]).toBeGreaterThan(days[1]);
    expect(days[1]).toBeGreaterThan(days[2]);
    expect(f.worstNodeId).toBe('z');
    expect(f.batteryDays.min).toBe(days[2]);
    expect(f.batteryDays.median).toBe(days[1]);
    expect(f.batteryDays.mean).toBeCloseTo((days[0] + days[1] + days[2]) / 3, 9);
  });

  it('property: adding an uplink never adds battery days', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3500 }), { minLength: 1, maxLength: 20 }), fc.integer({ min: 0, max: 5 }), (secs, dr) => {
        const txs = [...new Set(secs)].sort((a, b) => a - b).map((s, i) => up(s * 1000, { fCnt: i, dr }));
        const before = nodeEnergy({ txs: txs.slice(1), downlinks: [], durationMs: H }, EU868, PROFILES['pico-rn2483']);
        const after = nodeEnergy({ txs, downlinks: [], durationMs: H }, EU868, PROFILES['pico-rn2483']);
        expect(after.batteryDays).toBeLessThanOrEqual(before.batteryDays);
        expect(Number.isFinite(after.avgCurrentUa)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});

describe('current table', () => {
  it('interpolates TX current between datasheet points and clamps outside them', () => {
    const rak = MODEMS.rak3172;
    expect(txCurrentMa(rak, 14)).toBe(92);
    expect(txCurrentMa(rak, 8)).toBeCloseTo(52.5 + (6 / 12) * (92 - 52.5), 12);
    expect(txCurrentMa(rak, -5)).toBe(46.6);
    expect(txCurrentMa(rak, 30)).toBe(114.6);
    expect(txCurrentMa(MODEMS.rn2483, 16)).toBe(38.9);
    expect(txCurrentMa(MODEMS.rn2483, Number.NaN)).toBe(38.9);
  });

  it('cites a source for every figure', () => {
    for (const m of Object.values(CURRENT_TABLE.modems)) {
      for (const pt of m.txMaByDbm) expect(pt.source.ref.length).toBeGreaterThan(10);
      for (const s of Object.values(m.sources)) expect(s.ref.length).toBeGreaterThan(10);
    }
    for (const c of Object.values(CURRENT_TABLE.mcus)) for (const s of Object.values(c.sources)) expect(s.ref.length).toBeGreaterThan(10);
  });
});
