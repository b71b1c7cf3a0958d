// Per-frame rules checked from one node's log: frame-counter reuse within a session,
// DevNonce reuse over the device's life, payload size per data rate, and dwell time.
import { maxAppPayload, type Region } from '../../firmware/lorawan/region.ts';
import { LORAWAN_OVERHEAD_BYTES } from '../../firmware/lorawan/airtime.ts';
import { appBytesOf, drOf, kindOf, phyBytesOf, retryOf, KIND_JOIN } from './columns.ts';
import { clock } from './format.ts';
import type { NodeLog, Violation } from './types.ts';

function lowerBound(xs: Float64Array, n: number, v: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Session starts of a node: received join accepts when the log has any for it, else its join-requests. */
function sessionStarts(log: NodeLog): number[] {
  const accepts: number[] = [];
  let anyAccept = false;
  for (const d of log.downlinks) {
    if (d.kind !== 'join-accept') continue;
    anyAccept = true;
    if (d.received) accepts.push(d.startMs);
  }
  if (anyAccept) return accepts;
  const joins: number[] = [];
  const c = log.c;
  for (let i = log.lo; i < log.hi; i++) if (kindOf(c.meta[i]) === KIND_JOIN) joins.push(c.start[i]);
  return joins;
}

/** Reusable buffers for auditFrameCounters. */
export interface FrameScratch {
  seen: Float64Array;
  seenAt: Float64Array;
}

export function createFrameScratch(): FrameScratch {
  return { seen: new Float64Array(256), seenAt: new Float64Array(256) };
}

/**
 * FCnt reuse: a data frame that is not a retransmission (retry 0) carrying an FCnt already
 * sent in the same session. A session starts at each join; retransmissions (retry > 0)
 * repeat their frame's FCnt by design.
 */
export function auditFrameCounters(log: NodeLog, s: FrameScratch, out: Violation[]): void {
  const c = log.c;
  const starts = sessionStarts(log);
  if (s.seen.length < log.hi - log.lo) {
    s.seen = new Float64Array((log.hi - log.lo) * 2);
    s.seenAt = new Float64Array((log.hi - log.lo) * 2);
  }
  const seen = s.seen; // FCnts in increasing order, as first sent
  const seenAt = s.seenAt;
  let count = 0;
  let late: Map<number, number> | null = null; // FCnts first sent out of order
  let next = 0;
  let sessionFrom = -Infinity;
  for (let i = log.lo; i < log.hi; i++) {
    const t0 = c.start[i];
    while (next < starts.length && starts[next] <= t0) {
      sessionFrom = starts[next++];
      count = 0;
      late = null;
    }
    const f = c.counter[i];
    if (kindOf(c.meta[i]) === KIND_JOIN || f !== f) continue;
    if (count === 0 || f > seen[count - 1]) {
      seen[count] = f;
      seenAt[count] = t0;
      count++;
      continue;
    }
    let first = -1;
    const k = lowerBound(seen, count, f);
    if (k < count && seen[k] === f) first = seenAt[k];
    else if (late !== null && late.has(f)) first = late.get(f) as number;
    if (first < 0) {
      if (late === null) late = new Map();
      late.set(f, t0);
      continue;
    }
    if (retryOf(c.meta[i]) > 0) continue;
    const session = sessionFrom === -Infinity ? 'since the log began (no join seen)' : `joined at ${clock(sessionFrom)}`;
    out.push({
      kind: 'fcnt-reuse',
      nodeId: log.nodeId,
      atMs: t0,
      detail: `FCnt ${f} sent again in a new frame in the session ${session} (first sent at ${clock(first)})`,
    });
  }
}

/** DevNonce reuse: a join-request repeating any DevNonce the device used before (over its whole life). */
export function auditDevNonces(log: NodeLog, out: Violation[]): void {
  const c = log.c;
  let used: Map<number, number> | null = null;
  for (let i = log.lo; i < log.hi; i++) {
    const n = c.counter[i];
    if (kindOf(c.meta[i]) !== KIND_JOIN || n !== n) continue;
    if (used === null) used = new Map();
    const first = used.get(n);
    if (first === undefined) {
      used.set(n, c.start[i]);
      continue;
    }
    out.push({
      kind: 'devnonce-reuse',
      nodeId: log.nodeId,
      atMs: c.start[i],
      detail: `DevNonce ${n} (0x${n.toString(16).padStart(4, '0')}) reused (first used at ${clock(first)})`,
    });
  }
}

function drName(region: Region, dr: number): string {
  const d = Number.isInteger(dr) && dr >= 0 && dr < region.dataRates.length ? region.dataRates[dr] : null;
  if (d === null) return `DR${dr}`;
  return d.mod === 'lora' ? `DR${dr} (SF${d.sf}/${d.bwKhz} kHz)` : `DR${dr} (FSK ${d.kbps} kbps)`;
}

/**
 * Payload size per data rate (FRMPayload against the region's M - 8 - FOptsLen, with the
 * dwell-time table where it applies; FOptsLen is what the PHY size leaves beside the
 * FRMPayload) and dwell time (uplink airtime at most the region's limit when dwell applies).
 */
export function auditFrameSizes(log: NodeLog, region: Region, uplinkDwell: boolean, out: Violation[]): void {
  const c = log.c;
  const dwellMs = uplinkDwell ? region.dwellTimeMs : 0;
  const dwellNote = uplinkDwell && region.maxMacPayloadDwell !== null ? ' with uplink dwell time' : '';
  for (let i = log.lo; i < log.hi; i++) {
    const dr = drOf(c.meta[i]);
    if (kindOf(c.meta[i]) !== KIND_JOIN) {
      const app = appBytesOf(c.bytes[i]);
      let fopts = phyBytesOf(c.bytes[i]) - app - (app > 0 ? LORAWAN_OVERHEAD_BYTES : LORAWAN_OVERHEAD_BYTES - 1);
      if (!(fopts >= 0)) fopts = 0;
      if (fopts > 15) fopts = 15;
      const max = maxAppPayload(region, dr, fopts, uplinkDwell);
      if (max < 0) {
        out.push({
          kind: 'payload-size',
          nodeId: log.nodeId,
          atMs: c.start[i],
          detail: `${drName(region, dr)} is not an allowed uplink data rate in ${region.name}${dwellNote}`,
        });
      } else if (app > max) {
        out.push({
          kind: 'payload-size',
          nodeId: log.nodeId,
          atMs: c.start[i],
          detail: `${app} application bytes at ${drName(region, dr)} exceed the ${region.name} limit of ${max}${fopts > 0 ? ` (with ${fopts} bytes of FOpts)` : ''}${dwellNote}`,
        });
      }
    }
    if (dwellMs > 0 && c.air[i] > dwellMs) {
      out.push({
        kind: 'dwell-time',
        nodeId: log.nodeId,
        atMs: c.start[i],
        detail: `${Math.round(c.air[i] * 1000) / 1000} ms on air at ${drName(region, dr)} exceeds the ${region.name} dwell time of ${dwellMs} ms`,
      });
    }
  }
}
