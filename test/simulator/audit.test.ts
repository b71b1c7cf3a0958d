// The fleet auditor on hand-built logs with known answers.
import { describe, expect, it } from 'vitest';
import { audit } from '../../simulator/audit/index.ts';
import { phyPayloadBytes } from '../../firmware/lorawan/airtime.ts';
import { drTimeOnAir } from '../../firmware/lorawan/region.ts';
import { EU868 } from '../../firmware/lorawan/regions/eu868.ts';
import { US915 } from '../../firmware/lorawan/regions/us915.ts';
import { AS923_1 } from '../../firmware/lorawan/regions/as923.ts';
import type { DownlinkRecord, TxRecord, ViolationKind } from '../../simulator/types.ts';

const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;
const DAY = 24 * H;
const BAND_M = 'M 868.0-868.6';

function tx(p: Partial<TxRecord> & { startMs: number }): TxRecord {
  return {
    nodeId: 'a',
    devEui: '0000000000000001',
    app: 'test',
    kind: 'unconfirmed',
    airtimeMs: 1000,
    freqHz: 868100000,
    dr: 0,
    sf: 12,
    bwKhz: 125,
    powerDbm: 14,
    phyBytes: 23,
    appBytes: 10,
    retry: 0,
    receivedBy: [],
    ...p,
  };
}

/** `count` frames of `airMs` every `everyMs` from `fromMs`, FCnts counting on from `fCnt0`. */
function burst(fromMs: number, count: number, everyMs: number, airMs: number, fCnt0 = 0, extra: Partial<TxRecord> = {}): TxRecord[] {
  return Array.from({ length: count }, (_, i) => tx({ startMs: fromMs + i * everyMs, airtimeMs: airMs, fCnt: fCnt0 + i, ...extra }));
}

function joins(fromMs: number, count: number, everyMs: number, airMs: number, nonce0: number, extra: Partial<TxRecord> = {}): TxRecord[] {
  return Array.from({ length: count }, (_, i) => tx({ kind: 'join', startMs: fromMs + i * everyMs, airtimeMs: airMs, devNonce: nonce0 + i, appBytes: 0, ...extra }));
}

const base = { region: EU868, joinBackoff: false };
const kinds = (r: ReturnType<typeof audit>, k: ViolationKind) => r.violations.filter((v) => v.kind === k);

describe('duty cycle (sliding hour per sub-band and device)', () => {
  it('exactly at the 1% limit is allowed; 1 ms more is a violation', () => {
    const atLimit = burst(0, 36, MIN, 1000);
    const r1 = audit(atLimit, [], base);
    expect(kinds(r1, 'duty-cycle')).toEqual([]);
    expect(r1.perNode.a.maxHourShareBySubBand[BAND_M]).toBeCloseTo(0.01, 12);
    expect(r1.perNode.a.airtimeMs).toBe(36000);

    const over = burst(0, 36, MIN, 1000);
    over[20] = { ...over[20], airtimeMs: 1001 };
    const r2 = audit(over, [], base);
    const v = kinds(r2, 'duty-cycle');
    expect(v).toHaveLength(1);
    expect(v[0].nodeId).toBe('a');
    expect(v[0].atMs).toBe(0);
    expect(v[0].detail).toBe(`sub-band ${BAND_M} (1%): 36.001 s in the hour from 00:00:00 (limit 36 s)`);
  });

  it('catches a burst across a clock-hour boundary that fixed hours would miss', () => {
    // 20 s in 00:50-01:00 and 20 s in 01:00-01:10: each clock hour holds 20 s, the hour from 00:50 holds 40 s
    const log = [...burst(50 * MIN, 20, 30 * S, 1000, 0), ...burst(60 * MIN, 20, 30 * S, 1000, 20)];
    const perClockHour = [0, 1, 2].map((h) => log.filter((t) => t.startMs >= h * H && t.startMs < (h + 1) * H).reduce((s, t) => s + t.airtimeMs, 0));
    expect(Math.max(...perClockHour)).toBeLessThanOrEqual(36000);
    const v = kinds(audit(log, [], base), 'duty-cycle');
    expect(v).toHaveLength(1);
    expect(v[0].detail).toBe(`sub-band ${BAND_M} (1%): 40 s in the hour from 00:50:00 (limit 36 s)`);
  });

  it('reports separate runs separately, and the worst device per sub-band', () => {
    const a = [...burst(0, 40, 10 * S, 1000), ...burst(5 * H, 38, 10 * S, 1000, 100)];
    const b = burst(0, 10, MIN, 1000, 0, { nodeId: 'b', freqHz: 869525000 });
    const r = audit([...a, ...b], [], base);
    expect(kinds(r, 'duty-cycle').map((v) => [v.atMs, v.detail.split(': ')[1]])).toEqual([
      [0, '40 s in the hour from 00:00:00 (limit 36 s)'],
      [5 * H, '38 s in the hour from 05:00:00 (limit 36 s)'],
    ]);
    const m = r.subBands.find((s) => s.name === BAND_M)!;
    expect(m).toEqual({ name: BAND_M, limit: 0.01, maxHourUse: 40000 / H, worstNodeId: 'a' });
    const p = r.subBands.find((s) => s.name.startsWith('P '))!;
    expect(p.worstNodeId).toBe('b');
    expect(p.maxHourUse).toBeCloseTo(10000 / H, 12);
    expect(r.subBands.find((s) => s.name.startsWith('K '))).toEqual({ name: 'K 863-865', limit: 0.001, maxHourUse: 0, worstNodeId: null });
  });

  it('flags a frequency outside every sub-band once per node and frequency', () => {
    const r = audit([tx({ startMs: 0, freqHz: 870500000 }), tx({ startMs: H, freqHz: 870500000, fCnt: 1 })], [], base);
    expect(kinds(r, 'duty-cycle').map((v) => v.detail)).toEqual(['transmission on 870.5 MHz is outside every EU868 sub-band']);
  });
});

describe('fair use (sliding 24 h per device)', () => {
  const fairUse = { uplinkAirtimeMs: 30000, downlinksPerWindow: 10, windowMs: DAY };

  it('30 s of uplink airtime in 24 h is allowed; 30.001 s is not, also across midnight', () => {
    // one 1 s uplink an hour from 12:00 on day 1 to 17:00 on day 2: no calendar day holds 30 s
    const ok = burst(12 * H, 30, H, 1000);
    expect(kinds(audit(ok, [], { ...base, fairUse }), 'fair-use')).toEqual([]);
    expect(audit(ok, [], { ...base, fairUse }).perNode.a.maxDayAirtimeMs).toBe(24000);

    const dense = burst(12 * H, 30, 40 * MIN, 1000);
    expect(audit(dense, [], { ...base, fairUse }).perNode.a.maxDayAirtimeMs).toBe(30000);
    expect(kinds(audit(dense, [], { ...base, fairUse }), 'fair-use')).toEqual([]);
    dense[29] = { ...dense[29], airtimeMs: 1001 };
    const v = kinds(audit(dense, [], { ...base, fairUse }), 'fair-use');
    expect(v).toHaveLength(1);
    expect(v[0].detail).toBe('fair use: 30.001 s of uplink airtime in the 24 h from 12:00:00 (limit 30 s)');
  });

  it('counts downlinks per device in any 24 h: 10 allowed, 11 not', () => {
    const up = [tx({ startMs: 0, fCnt: 0 })];
    const dl = (i: number): DownlinkRecord => ({ nodeId: 'a', gatewayId: 'g', startMs: 20 * H + i * H, airtimeMs: 50, freqHz: 869525000, dr: 0, window: 2, kind: 'ack', received: true });
    const ten = Array.from({ length: 10 }, (_, i) => dl(i));
    expect(kinds(audit(up, ten, { ...base, fairUse }), 'fair-use')).toEqual([]);
    const eleven = [...ten, dl(10)];
    const v = kinds(audit(up, eleven, { ...base, fairUse }), 'fair-use');
    expect(v.map((x) => x.detail)).toEqual(['fair use: 11 downlinks in the 24 h from 20:00:00 (limit 10)']);
    expect(kinds(audit(up, eleven, base), 'fair-use')).toEqual([]);
  });
});

describe('join back-off (TS001 1.0.4 §7)', () => {
  const opts = (starts?: number[]) => ({ ...base, joinBackoff: true, nodeStart: starts ? { a: starts } : undefined });

  it('hour 0-1: 36 s allowed, 37 s not', () => {
    expect(kinds(audit(joins(0, 36, MIN, 1000, 0), [], opts([0])), 'join-backoff')).toEqual([]);
    const v = kinds(audit(joins(0, 37, 90 * S, 1000, 0), [], opts([0])), 'join-backoff');
    expect(v.map((x) => [x.atMs, x.detail])).toEqual([[36 * 90 * S, 'join back-off: 37 s of join-request airtime in hours 0-1 after power-up at 00:00:00 (limit 36 s)']]);
  });

  it('hours 1-11: 36 s allowed, 36.001 s not; a power-up starts the phases again', () => {
    const phase2 = joins(2 * H, 36, 10 * MIN, 1000, 0);
    expect(kinds(audit(phase2, [], opts([0])), 'join-backoff')).toEqual([]);
    phase2[35] = { ...phase2[35], airtimeMs: 1001 };
    const v = kinds(audit(phase2, [], opts([0])), 'join-backoff');
    expect(v.map((x) => x.detail)).toEqual(['join back-off: 36.001 s of join-request airtime in hours 1-11 after power-up at 00:00:00 (limit 36 s)']);
    // the same joins after a reset at 02:00 are in hour 0-1 and 1-11 of the new power-up, each within budget
    const again = [...joins(0, 30, MIN, 1000, 0), ...joins(H, 30, MIN, 1000, 100), ...joins(2 * H, 30, MIN, 1000, 200)];
    expect(kinds(audit(again, [], opts([0])), 'join-backoff').map((x) => x.detail)).toEqual([
      'join back-off: 60 s of join-request airtime in hours 1-11 after power-up at 00:00:00 (limit 36 s)',
    ]);
    expect(kinds(audit(again, [], opts([0, 2 * H])), 'join-backoff')).toEqual([]);
  });

  it('after 11 h: 8.7 s in any 24 h allowed, 8.701 s not', () => {
    const late = [...joins(12 * H, 8, 2 * H, 1000, 0), ...joins(30 * H, 1, H, 700, 50)];
    expect(kinds(audit(late, [], opts([0])), 'join-backoff')).toEqual([]);
    late[8] = { ...late[8], airtimeMs: 701 };
    const v = kinds(audit(late, [], opts([0])), 'join-backoff');
    expect(v.map((x) => x.detail)).toEqual(['join back-off: 8.701 s of join-request airtime in the 24 h from 12:00:00, more than 11 h after power-up at 00:00:00 (limit 8.7 s)']);
  });

  it('without power-up times, phases start at the first join-request', () => {
    const v = kinds(audit(joins(5 * H, 37, MIN, 1000, 0), [], { ...base, joinBackoff: true }), 'join-backoff');
    expect(v[0].detail).toContain('hours 0-1 after power-up at 05:00:00');
  });
});

describe('frame counters and DevNonces', () => {
  it('flags an FCnt reused after a reboot without a new join, but not confirmed retransmissions', () => {
    const log = [
      ...joins(0, 1, 0, 1000, 7),
      ...burst(MIN, 3, MIN, 100, 0, { kind: 'confirmed' }),
      tx({ kind: 'confirmed', startMs: 3 * MIN + 5 * S, airtimeMs: 100, fCnt: 1, retry: 1 }),
      // reboot at 10 min: the modem lost its counter and starts again at 0 in the same session
      tx({ startMs: 10 * MIN, airtimeMs: 100, fCnt: 0 }),
      tx({ startMs: 11 * MIN, airtimeMs: 100, fCnt: 1 }),
      tx({ startMs: 12 * MIN, airtimeMs: 100, fCnt: 3 }),
    ];
    const v = kinds(audit(log, [], base), 'fcnt-reuse');
    expect(v.map((x) => [x.atMs, x.detail])).toEqual([
      [10 * MIN, 'FCnt 0 sent again in a new frame in the session joined at 00:00:00 (first sent at 00:01:00)'],
      [11 * MIN, 'FCnt 1 sent again in a new frame in the session joined at 00:00:00 (first sent at 00:02:00)'],
    ]);
  });

  it('a join starts a new session; with join accepts in the log only a received one does', () => {
    const log = [...joins(0, 1, 0, 1000, 1), ...burst(MIN, 2, MIN, 100, 0), ...joins(H, 1, 0, 1000, 2), ...burst(H + MIN, 2, MIN, 100, 0)];
    expect(kinds(audit(log, [], base), 'fcnt-reuse')).toEqual([]);
    const accept = (t: number, received: boolean): DownlinkRecord => ({ nodeId: 'a', gatewayId: 'g', startMs: t, airtimeMs: 60, freqHz: 868100000, dr: 0, window: 1, kind: 'join-accept', received });
    expect(kinds(audit(log, [accept(6 * S, true), accept(H + 6 * S, true)], base), 'fcnt-reuse')).toEqual([]);
    // the second join failed: the old session goes on, so FCnt 0 and 1 are reused
    const v = kinds(audit(log, [accept(6 * S, true), accept(H + 6 * S, false)], base), 'fcnt-reuse');
    expect(v.map((x) => x.atMs)).toEqual([H + MIN, H + 2 * MIN]);
  });

  it('flags a DevNonce used before, over the device life', () => {
    const log = [...joins(0, 3, MIN, 1000, 1), ...joins(5 * H, 1, 0, 1000, 2), ...joins(6 * H, 1, 0, 1000, 9)];
    const v = kinds(audit(log, [], base), 'devnonce-reuse');
    expect(v.map((x) => [x.atMs, x.detail])).toEqual([[5 * H, 'DevNonce 2 (0x0002) reused (first used at 00:01:00)']]);
    expect(kinds(audit(log, [], base), 'fcnt-reuse')).toEqual([]);
  });
});

describe('payload size and dwell time', () => {
  const frame = (region: typeof EU868, dr: number, app: number, fopts = 0): TxRecord => {
    const phy = phyPayloadBytes(app, fopts);
    return tx({ startMs: 0, dr, appBytes: app, phyBytes: phy, airtimeMs: drTimeOnAir(region, dr, phy, true), fCnt: 0, freqHz: region === EU868 ? 868100000 : 923200000 });
  };

  it('EU868 DR0 (SF12): 51 bytes fit, 52 do not; FOpts take their share', () => {
    expect(kinds(audit([frame(EU868, 0, 51)], [], base), 'payload-size')).toEqual([]);
    const v = kinds(audit([frame(EU868, 0, 52)], [], base), 'payload-size');
    expect(v.map((x) => x.detail)).toEqual(['52 application bytes at DR0 (SF12/125 kHz) exceed the EU868 limit of 51']);
    expect(kinds(audit([frame(EU868, 0, 48, 3)], [], base), 'payload-size')).toEqual([]);
    expect(kinds(audit([frame(EU868, 0, 49, 3)], [], base), 'payload-size')[0].detail).toContain('limit of 48 (with 3 bytes of FOpts)');
    expect(kinds(audit([frame(EU868, 0, 51)], [], base), 'dwell-time')).toEqual([]);
  });

  it('US915 DR0: 11 bytes stay under the 400 ms dwell time; 16 bytes exceed both limits', () => {
    const us = { region: US915, joinBackoff: false };
    const ok = { ...frame(US915, 0, 11), freqHz: 902300000 };
    expect(ok.airtimeMs).toBeLessThanOrEqual(400);
    expect(audit([ok], [], us).violations).toEqual([]);
    const big = { ...frame(US915, 0, 16), freqHz: 902300000 };
    expect(big.airtimeMs).toBeGreaterThan(400);
    const r = audit([big], [], us);
    expect(kinds(r, 'dwell-time').map((x) => x.detail)).toEqual([`${Math.round(big.airtimeMs * 1000) / 1000} ms on air at DR0 (SF10/125 kHz) exceeds the US915 dwell time of 400 ms`]);
    expect(kinds(r, 'payload-size')[0].detail).toBe('16 application bytes at DR0 (SF10/125 kHz) exceed the US915 limit of 11');
  });

  it('AS923: dwell time by default (DR0 not allowed, DR2 limited), lifted by UplinkDwellTime = 0', () => {
    const as = { region: AS923_1, joinBackoff: false };
    expect(kinds(audit([frame(AS923_1, 0, 10)], [], as), 'payload-size')[0].detail).toBe('DR0 (SF12/125 kHz) is not an allowed uplink data rate in AS923-1 with uplink dwell time');
    expect(kinds(audit([frame(AS923_1, 0, 10)], [], as), 'dwell-time')).toHaveLength(1);
    expect(audit([frame(AS923_1, 2, 11)], [], as).violations).toEqual([]);
    expect(kinds(audit([frame(AS923_1, 2, 12)], [], as), 'payload-size')[0].detail).toContain('limit of 11 with uplink dwell time');
    const free = { ...as, uplinkDwell: false };
    expect(audit([frame(AS923_1, 0, 51)], [], free).violations).toEqual([]);
  });
});

describe('robustness', () => {
  it('leaves out records it cannot audit, counts them, and never yields NaN', () => {
    const bad = [
      tx({ startMs: Number.NaN }),
      tx({ startMs: 0, airtimeMs: Number.NaN, dr: 99 }),
      { ...tx({ startMs: 5 }), nodeId: undefined } as unknown as TxRecord,
      tx({ startMs: MIN, airtimeMs: Number.NaN, phyBytes: 23, dr: 5, fCnt: 0 }),
    ];
    const r = audit(bad, [{ nodeId: 'a', startMs: Number.NaN } as DownlinkRecord], base);
    expect(r.skipped).toBe(4);
    // the last record's airtime comes from the region table (SF7, 23 bytes)
    expect(r.perNode.a.airtimeMs).toBeCloseTo(drTimeOnAir(EU868, 5, 23, true), 9);
    const numbers: number[] = [];
    JSON.stringify(r, (_k, v) => (typeof v === 'number' && numbers.push(v), v));
    expect(numbers.length).toBeGreaterThan(5);
    expect(numbers.every((x) => Number.isFinite(x))).toBe(true);
  });

  it('sorts an unsorted log per node and keeps nodes apart', () => {
    const a = burst(0, 40, 10 * S, 1000).reverse();
    const b = burst(0, 30, 10 * S, 1000, 0, { nodeId: 'b' });
    const r = audit([...a, ...b], [], base);
    expect(kinds(r, 'duty-cycle').map((v) => v.nodeId)).toEqual(['a']);
    expect(kinds(r, 'fcnt-reuse')).toEqual([]);
    expect(Object.keys(r.perNode).sort()).toEqual(['a', 'b']);
  });
});
