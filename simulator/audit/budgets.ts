// Airtime budgets, checked from one node's transmission log with exact sliding windows:
// the duty cycle per sub-band (ETSI EN 300 220-2: on-time per device over any one-hour
// observation period), the network's fair use, and the join-request back-off of LoRaWAN
// TS001 1.0.4 §7.
import type { Region } from '../../firmware/lorawan/region.ts';
import { clock, mhz, percent, seconds } from './format.ts';
import { bandOf, kindOf, KIND_JOIN } from './columns.ts';
import { pushInterval, resetIntervals, scanCounts, scanWindows, LOAD_EPSILON_MS, type Intervals, type ScanScratch, type WindowScan } from './sweep.ts';
import type { FairUseLimits, NodeLog, Violation } from './types.ts';

export const HOUR_MS = 3600000;
export const DAY_MS = 86400000;

/** TS001 1.0.4 §7: join airtime since power-up/reset. */
export const JOIN_BACKOFF = {
  phase1EndMs: HOUR_MS,
  phase2EndMs: 11 * HOUR_MS,
  phaseBudgetMs: 36000,
  dayBudgetMs: 8700,
} as const;

/** Per-sub-band result of one node. */
export interface BandUse {
  band: number;
  maxMs: number;
}

/** Scratch shared by every node of one audit run. */
export interface BudgetScratch {
  iv: Intervals;
  scan: ScanScratch;
  times: Float64Array;
}

/**
 * Duty cycle per sub-band: violations for every run of over-limit hours, and each used
 * sub-band's largest airtime in any sliding hour. Transmissions outside every sub-band
 * are violations too (once per node and frequency).
 */
export function auditDutyCycle(log: NodeLog, region: Region, s: BudgetScratch, out: Violation[]): BandUse[] {
  const c = log.c;
  const uses: BandUse[] = [];
  let outside: Record<number, boolean> | null = null;
  let used = 0; // bit mask of sub-bands with traffic
  for (let i = log.lo; i < log.hi; i++) {
    const b = bandOf(c.meta[i]);
    if (b >= 0) {
      used |= 1 << b;
      continue;
    }
    const f = log.records[c.rec[i]].freqHz;
    if (outside === null) outside = {};
    if (outside[f]) continue;
    outside[f] = true;
    out.push({
      kind: 'duty-cycle',
      nodeId: log.nodeId,
      atMs: c.start[i],
      detail: `transmission on ${mhz(f)} is outside every ${region.name} sub-band`,
    });
  }
  for (let b = 0; b < region.subBands.length; b++) {
    if ((used & (1 << b)) === 0) continue;
    const iv = resetIntervals(s.iv, log.hi - log.lo);
    for (let i = log.lo; i < log.hi; i++) if (bandOf(c.meta[i]) === b) pushInterval(iv, c.start[i], c.air[i]);
    const sb = region.subBands[b];
    const limit = sb.dutyCycle > 0 ? sb.dutyCycle * HOUR_MS : Infinity;
    const r = scanWindows(iv, HOUR_MS, limit, s.scan);
    uses.push({ band: b, maxMs: r.max });
    for (const ep of r.episodes) {
      out.push({
        kind: 'duty-cycle',
        nodeId: log.nodeId,
        atMs: ep.start,
        detail: `sub-band ${sb.name} (${percent(sb.dutyCycle)}): ${seconds(ep.load, limit)} in the hour from ${clock(ep.start)} (limit ${seconds(limit)})`,
      });
    }
  }
  return uses;
}

function windowName(ms: number): string {
  return ms % HOUR_MS === 0 ? `${ms / HOUR_MS} h` : seconds(ms);
}

/**
 * Uplink airtime in any sliding window of `windowMs` (all transmissions, or all but
 * join-requests): the maximum, and violations over `limitMs` (Infinity: none).
 */
export function scanUplinkAirtime(log: NodeLog, windowMs: number, limitMs: number, includeJoins: boolean, s: BudgetScratch): WindowScan {
  const c = log.c;
  const iv = resetIntervals(s.iv, log.hi - log.lo);
  for (let i = log.lo; i < log.hi; i++) {
    if (!includeJoins && kindOf(c.meta[i]) === KIND_JOIN) continue;
    pushInterval(iv, c.start[i], c.air[i]);
  }
  return scanWindows(iv, windowMs, limitMs, s.scan);
}

/** Fair use: uplink airtime and downlink count per device in any sliding window. */
export function auditFairUse(log: NodeLog, fu: FairUseLimits, s: BudgetScratch, out: Violation[]): number {
  const w = fu.windowMs;
  const up = scanUplinkAirtime(log, w, fu.uplinkAirtimeMs, fu.includeJoins !== false, s);
  for (const ep of up.episodes) {
    out.push({
      kind: 'fair-use',
      nodeId: log.nodeId,
      atMs: ep.start,
      detail: `fair use: ${seconds(ep.load, fu.uplinkAirtimeMs)} of uplink airtime in the ${windowName(w)} from ${clock(ep.start)} (limit ${seconds(fu.uplinkAirtimeMs)})`,
    });
  }
  const m = log.downlinks.length;
  if (m > 0) {
    if (s.times.length < m) s.times = new Float64Array(Math.max(m, s.times.length * 2));
    for (let i = 0; i < m; i++) s.times[i] = log.downlinks[i].startMs;
    const dn = scanCounts(s.times, m, w, fu.downlinksPerWindow);
    for (const ep of dn.episodes) {
      out.push({
        kind: 'fair-use',
        nodeId: log.nodeId,
        atMs: ep.start,
        detail: `fair use: ${ep.load} downlinks in the ${windowName(w)} from ${clock(ep.start)} (limit ${fu.downlinksPerWindow})`,
      });
    }
  }
  return up.max;
}

function upperBound(xs: number[], t: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Join back-off (TS001 1.0.4 §7) after each power-up/reset T0: join-request airtime at most
 * 36 s in [T0, T0+1h), at most 36 s in [T0+1h, T0+11h), at most 8.7 s in any 24 hours
 * after T0+11h. A frame crossing a phase boundary counts fully in both phases; in the
 * 24-hour windows a frame counts by its part after T0+11h. Each power-up starts afresh.
 */
export function auditJoinBackoff(log: NodeLog, starts: number[] | undefined, s: BudgetScratch, out: Violation[]): void {
  const c = log.c;
  const joins: number[] = [];
  for (let i = log.lo; i < log.hi; i++) if (kindOf(c.meta[i]) === KIND_JOIN) joins.push(i);
  if (joins.length === 0) return;
  const bounds = starts === undefined ? [] : starts.filter((t) => typeof t === 'number' && Number.isFinite(t)).sort((x, y) => x - y);
  let k = 0;
  while (k < joins.length) {
    const seg = upperBound(bounds, c.start[joins[k]]) - 1;
    const t0 = seg >= 0 ? bounds[seg] : c.start[joins[k]];
    const segEnd = seg + 1 < bounds.length ? bounds[seg + 1] : Infinity;
    let e = k;
    while (e < joins.length && c.start[joins[e]] < segEnd) e++;
    auditJoinSegment(log, joins.slice(k, e), t0, s, out);
    k = e;
  }
}

function auditJoinSegment(log: NodeLog, idx: number[], t0: number, s: BudgetScratch, out: Violation[]): void {
  const c = log.c;
  const B = JOIN_BACKOFF;
  const p1 = t0 + B.phase1EndMs;
  const p2 = t0 + B.phase2EndMs;
  const phases: Array<{ from: number; to: number; name: string }> = [
    { from: t0, to: p1, name: 'hours 0-1' },
    { from: p1, to: p2, name: 'hours 1-11' },
  ];
  for (const ph of phases) {
    let sum = 0;
    let firstOver = -1;
    for (const i of idx) {
      const st = c.start[i];
      if (st < ph.to && st + c.air[i] > ph.from) {
        sum += c.air[i];
        if (firstOver < 0 && sum > B.phaseBudgetMs + LOAD_EPSILON_MS) firstOver = st;
      }
    }
    if (firstOver >= 0) {
      out.push({
        kind: 'join-backoff',
        nodeId: log.nodeId,
        atMs: firstOver,
        detail: `join back-off: ${seconds(sum, B.phaseBudgetMs)} of join-request airtime in ${ph.name} after power-up at ${clock(t0)} (limit ${seconds(B.phaseBudgetMs)})`,
      });
    }
  }
  const iv = resetIntervals(s.iv, idx.length);
  for (const i of idx) {
    const st = c.start[i];
    const en = st + c.air[i];
    if (en > p2) pushInterval(iv, st > p2 ? st : p2, st > p2 ? c.air[i] : en - p2);
  }
  if (iv.n === 0) return;
  const r = scanWindows(iv, DAY_MS, B.dayBudgetMs, s.scan);
  for (const ep of r.episodes) {
    // windows starting before T0+11h hold no more than the one starting at T0+11h
    const from = ep.start > p2 ? ep.start : p2;
    out.push({
      kind: 'join-backoff',
      nodeId: log.nodeId,
      atMs: from,
      detail: `join back-off: ${seconds(ep.load, B.dayBudgetMs)} of join-request airtime in the 24 h from ${clock(from)}, more than 11 h after power-up at ${clock(t0)} (limit ${seconds(B.dayBudgetMs)})`,
    });
  }
}
