// Turns a fleet run (logs and counts), the auditor's findings and the energy model's
// estimates into the report model (simulator/report/types.ts).
import type { ExpandedFleet } from '../fleet/expand.ts';
import type { AuditResult } from '../audit/index.ts';
import { REPORT_SCHEMA_VERSION, type NodeReport, type SimReport, type SubBandUse as ReportSubBand } from '../report/types.ts';
import type { TxRecord } from '../types.ts';
import type { FleetRunResult } from './fleet.ts';

function ratio(a: number, b: number): number | null {
  return b > 0 ? a / b : null;
}

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Application uplinks: data frames, first transmissions only (a confirmed frame's retries count once). */
export function isFirstUplink(t: TxRecord): boolean {
  return t.kind !== 'join' && t.retry === 0;
}

export function buildReport(fleet: ExpandedFleet, run: FleetRunResult, audit: AuditResult, batteryDays: Record<string, number | null>): SimReport {
  const ups = run.txs.filter(isFirstUplink);
  // delivery per SF and per app: a frame counts as delivered when the network accepted one of its copies
  const perNodeSent = new Map<string, TxRecord[]>();
  for (const t of ups) {
    let l = perNodeSent.get(t.nodeId);
    if (!l) perNodeSent.set(t.nodeId, (l = []));
    l.push(t);
  }
  const bySf = new Map<number, { sent: number; delivered: number }>();
  const byApp = new Map<string, { sent: number; delivered: number }>();
  const add = (m: Map<number | string, { sent: number; delivered: number }>, k: number | string, ok: boolean) => {
    const c = m.get(k) ?? { sent: 0, delivered: 0 };
    c.sent++;
    if (ok) c.delivered++;
    m.set(k, c);
  };
  const accepted = (t: TxRecord) => run.isDelivered(t.nodeId, t.fCnt);
  for (const t of ups) {
    add(bySf as Map<number | string, { sent: number; delivered: number }>, t.sf, accepted(t));
    add(byApp as Map<number | string, { sent: number; delivered: number }>, t.app, accepted(t));
  }
  const sent = ups.length;
  const deliveredTotal = run.nodes.reduce((s, n) => s + n.delivered, 0);

  const nodes: NodeReport[] = run.nodes.map((n) => {
    const mine = perNodeSent.get(n.node.id) ?? [];
    const last = mine[mine.length - 1];
    return {
      id: n.node.id,
      app: n.node.app,
      board: n.node.board,
      x: n.node.x,
      y: n.node.y,
      sf: last ? last.sf : 0,
      dr: last ? last.dr : -1,
      sent: mine.length,
      delivered: n.delivered,
      airtimeMs: audit.perNode[n.node.id]?.airtimeMs ?? 0,
      batteryDays: batteryDays[n.node.id] ?? null,
    };
  });

  const bucketMs = fleet.durationMs <= 6 * 3600_000 ? 600_000 : 3600_000;
  const buckets = Array.from({ length: Math.ceil(fleet.durationMs / bucketMs) }, (_, i) => ({ startMs: i * bucketMs, sent: 0, delivered: 0 }));
  for (const t of ups) {
    const b = buckets[Math.min(buckets.length - 1, Math.floor(t.startMs / bucketMs))];
    b.sent++;
    if (accepted(t)) b.delivered++;
  }

  const dutyCycle: ReportSubBand[] = audit.subBands.map((b) => ({
    band: b.name,
    limit: b.limit,
    worstShare: b.maxHourUse,
    worstNodeId: b.worstNodeId,
    headroom: b.limit > 0 ? b.limit - b.maxHourUse : null,
  }));
  const days = Object.values(batteryDays).filter((d): d is number => typeof d === 'number');
  const joinRequests = run.txs.filter((t) => t.kind === 'join').length;
  const nodeCount = fleet.nodes.length;
  const deviceHours = (nodeCount * fleet.durationMs) / 3_600_000;

  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    fleet: {
      name: fleet.name,
      seed: fleet.seed,
      region: fleet.region.name,
      durationMs: fleet.durationMs,
      nodeCount,
      gatewayCount: fleet.gateways.length,
      wallTimeMs: run.wallTimeMs,
      deviceHoursPerWallSecond: run.wallTimeMs > 0 ? deviceHours / (run.wallTimeMs / 1000) : 0,
    },
    summary: {
      uplinksSent: sent,
      uplinksDelivered: deliveredTotal,
      deliveryRatio: ratio(deliveredTotal, sent),
      bySf: [...bySf].sort((a, b) => a[0] - b[0]).map(([sf, c]) => ({ sf, ...c, ratio: ratio(c.delivered, c.sent) })),
      byApp: [...byApp].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([app, c]) => ({ app, ...c, ratio: ratio(c.delivered, c.sent) })),
      collisions: run.collisions,
      joins: { requests: joinRequests, accepted: run.joinsAccepted, nodesNotJoined: run.nodes.filter((n) => n.stats.joins === 0).length },
      downlinks: { sent: run.downlinks.length, received: run.downlinks.filter((d) => d.received).length },
      dutyCycle,
      violationCount: audit.violations.length,
      batteryDays: { min: days.length ? Math.min(...days) : null, median: median(days) },
    },
    nodes,
    gateways: fleet.gateways.map((g) => ({ id: g.id, x: g.x, y: g.y, received: run.gatewayReceived[g.id] ?? 0 })),
    timeline: { bucketMs, buckets },
    violations: audit.violations,
  };
}
