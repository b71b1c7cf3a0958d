// A plausible SimReport made from a seed, without running a fleet: for the report's
// tests, for previewing the layout, and as an example of a filled model. Numbers follow
// simple rules (SF from the distance to the nearest gateway, delivery falling with SF
// and load, EU868 sub-bands and real time on air), and every summary figure is derived
// from the per-node rows, so the report is self-consistent.

import { loraTimeOnAir, phyPayloadBytes } from '../../firmware/lorawan/airtime.ts';
import { EU868 } from '../../firmware/lorawan/regions/eu868.ts';
import { createRng } from '../channel/rng.ts';
import type { Violation, ViolationKind } from '../types.ts';
import type { AppDelivery, GatewayReport, NodeReport, SfDelivery, SimReport, SubBandUse, TimelineBucket } from './types.ts';
import { REPORT_SCHEMA_VERSION } from './types.ts';

export interface SyntheticOptions {
  seed: number | string;
  nodes: number;
  gateways: number;
  durationMs: number;
  /** Timeline bucket width (default 15 min). */
  bucketMs?: number;
  /** Violations to invent (default 6). */
  violations?: number;
}

const APPS: Array<{ app: string; periodMs: number; appBytes: number }> = [
  { app: 'env-monitor', periodMs: 900_000, appBytes: 11 },
  { app: 'soil-moisture', periodMs: 1_800_000, appBytes: 6 },
  { app: 'water-level', periodMs: 600_000, appBytes: 4 },
  { app: 'bin-level', periodMs: 3_600_000, appBytes: 5 },
];
const BOARDS = ['pico-rn2483', 'mdbt42q-rak3172', 'wifi-rn2483'];
const AREA_M = { w: 6000, h: 4000 };

/** A synthetic report (deterministic for a seed). */
export function syntheticReport(o: SyntheticOptions): SimReport {
  const rng = createRng(o.seed, 'synthetic-report');
  const bucketMs = o.bucketMs ?? 900_000;
  const gateways: GatewayReport[] = [];
  for (let g = 0; g < o.gateways; g++) {
    gateways.push({ id: `gw-${String(g + 1).padStart(2, '0')}`, x: 600 + rng.float() * (AREA_M.w - 1200), y: 500 + rng.float() * (AREA_M.h - 1000), received: 0 });
  }
  const nodes: NodeReport[] = [];
  const hourlyShare: number[] = [];
  for (let i = 0; i < o.nodes; i++) {
    const a = APPS[rng.int(APPS.length)];
    const x = rng.float() * AREA_M.w;
    const y = rng.float() * AREA_M.h;
    let dist = Infinity;
    let nearest = 0;
    gateways.forEach((g, gi) => {
      const d = Math.hypot(g.x - x, g.y - y);
      if (d < dist) [dist, nearest] = [d, gi];
    });
    const sf = Math.min(12, 7 + Math.max(0, Math.floor((dist - 400) / 550 + rng.gaussian(0, 0.5))));
    const sent = Math.floor(o.durationMs / a.periodMs) + rng.int(2);
    // link quality falls with SF; a few nodes sit in a radio shadow
    const shadow = rng.float() < 0.06 ? 0.35 + rng.float() * 0.5 : 0;
    const p = Math.max(0, Math.min(1, 0.995 - (sf - 7) * 0.012 - shadow - Math.abs(rng.gaussian(0, 0.01))));
    let delivered = 0;
    for (let k = 0; k < sent; k++) if (rng.float() < p) delivered++;
    const toa = loraTimeOnAir(phyPayloadBytes(a.appBytes, 0), { sf, bwKhz: 125 });
    const airtimeMs = Math.round(toa * (sent + 1) * 10) / 10;
    hourlyShare.push((toa * Math.ceil(3_600_000 / a.periodMs) * 1.4) / 3_600_000);
    gateways[nearest].received += delivered;
    const mAh = 2600 * (0.7 + rng.float() * 0.3);
    const perDayMah = 0.24 + (airtimeMs / (o.durationMs / 86_400_000)) * (40 / 3_600_000);
    nodes.push({
      id: `${a.app}-${String(i + 1).padStart(4, '0')}`,
      app: a.app,
      board: BOARDS[rng.int(BOARDS.length)],
      x: Math.round(x * 10) / 10,
      y: Math.round(y * 10) / 10,
      sf,
      dr: 12 - sf,
      sent,
      delivered,
      airtimeMs,
      batteryDays: i % 97 === 5 ? null : Math.round((mAh / perDayMah) * 10) / 10,
    });
  }
  const violations = inventViolations(rng, nodes, o.violations ?? 6, o.durationMs);
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    fleet: {
      name: `synthetic-${String(o.seed)}`,
      seed: o.seed,
      region: EU868.name,
      durationMs: o.durationMs,
      nodeCount: nodes.length,
      gatewayCount: gateways.length,
      wallTimeMs: 4200,
      deviceHoursPerWallSecond: (nodes.length * o.durationMs) / 3_600_000 / 4.2,
    },
    summary: {
      uplinksSent: sum(nodes, (n) => n.sent),
      uplinksDelivered: sum(nodes, (n) => n.delivered),
      deliveryRatio: ratio(sum(nodes, (n) => n.delivered), sum(nodes, (n) => n.sent)),
      bySf: groupBy(nodes, (n) => n.sf).map(([sf, g]) => ({ sf, ...counts(g) }) as SfDelivery),
      byApp: groupBy(nodes, (n) => n.app).map(([app, g]) => ({ app, ...counts(g) }) as AppDelivery),
      collisions: Math.round(sum(nodes, (n) => n.sent - n.delivered) * 0.4),
      joins: { requests: nodes.length + rng.int(1 + (nodes.length >> 3)), accepted: nodes.length - 1, nodesNotJoined: 1 },
      downlinks: { sent: nodes.length + 40, received: nodes.length + 31 },
      dutyCycle: subBandUse(nodes, hourlyShare),
      violationCount: violations.length,
      batteryDays: batteryStats(nodes),
    },
    nodes,
    gateways,
    timeline: timeline(rng, nodes, o.durationMs, bucketMs),
    violations,
  };
}

function sum<T>(xs: T[], f: (x: T) => number): number {
  let s = 0;
  for (const x of xs) s += f(x);
  return s;
}

function ratio(a: number, b: number): number | null {
  return b > 0 ? a / b : null;
}

function counts(g: NodeReport[]): { sent: number; delivered: number; ratio: number | null } {
  const sent = sum(g, (n) => n.sent);
  const delivered = sum(g, (n) => n.delivered);
  return { sent, delivered, ratio: ratio(delivered, sent) };
}

function groupBy<K extends string | number>(nodes: NodeReport[], key: (n: NodeReport) => K): Array<[K, NodeReport[]]> {
  const m = new Map<K, NodeReport[]>();
  for (const n of nodes) {
    const k = key(n);
    const list = m.get(k);
    if (list) list.push(n);
    else m.set(k, [n]);
  }
  return [...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function subBandUse(nodes: NodeReport[], hourlyShare: number[]): SubBandUse[] {
  // default channels 868.1/.3/.5 are in M; the extra 867.x channels in L (5 of 8)
  const split: Record<string, number> = { 'L 865-868': 5 / 8, 'M 868.0-868.6': 3 / 8 };
  return EU868.subBands.map((b) => {
    let worst = 0;
    let who: string | null = null;
    const f = split[b.name] ?? 0;
    nodes.forEach((n, i) => {
      if (f > 0 && hourlyShare[i] * f > worst) [worst, who] = [hourlyShare[i] * f, n.id];
    });
    return { band: b.name, limit: b.dutyCycle, worstShare: worst, worstNodeId: who, headroom: b.dutyCycle > 0 ? b.dutyCycle - worst : null };
  });
}

function batteryStats(nodes: NodeReport[]): { min: number | null; median: number | null } {
  const d = nodes.map((n) => n.batteryDays).filter((x): x is number => x !== null).sort((a, b) => a - b);
  if (d.length === 0) return { min: null, median: null };
  const mid = d.length >> 1;
  return { min: d[0], median: d.length % 2 ? d[mid] : (d[mid - 1] + d[mid]) / 2 };
}

function timeline(rng: ReturnType<typeof createRng>, nodes: NodeReport[], durationMs: number, bucketMs: number): { bucketMs: number; buckets: TimelineBucket[] } {
  const n = Math.max(1, Math.ceil(durationMs / bucketMs));
  const buckets: TimelineBucket[] = [];
  for (let b = 0; b < n; b++) buckets.push({ startMs: b * bucketMs, sent: 0, delivered: 0 });
  for (const node of nodes) {
    // spread each node's uplinks over the buckets, its losses clustered a little
    for (let k = 0; k < node.sent; k++) buckets[Math.min(n - 1, Math.floor(((k + rng.float()) / node.sent) * n))].sent++;
    for (let k = 0; k < node.delivered; k++) buckets[Math.min(n - 1, Math.floor(((k + rng.float()) / node.delivered) * n))].delivered++;
  }
  for (const b of buckets) b.delivered = Math.min(b.delivered, b.sent);
  return { bucketMs, buckets };
}

function inventViolations(rng: ReturnType<typeof createRng>, nodes: NodeReport[], count: number, durationMs: number): Violation[] {
  const kinds: ViolationKind[] = ['duty-cycle', 'fair-use', 'join-backoff', 'payload-size'];
  const out: Violation[] = [];
  for (let i = 0; i < count && nodes.length > 0; i++) {
    const node = nodes[rng.int(nodes.length)];
    const kind = kinds[i % kinds.length];
    out.push({ kind, nodeId: node.id, atMs: Math.floor(rng.float() * durationMs), detail: `${kind} rule broken by ${node.id} (synthetic)` });
  }
  return out.sort((a, b) => a.atMs - b.atMs);
}
