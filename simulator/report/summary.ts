// The terminal summary of a fleet run: plain text (no colour codes, so it can be piped
// and diffed) and the same facts as JSON for scripts (`--json`).

import { canonicalJson } from './canonical.ts';
import { NONE, days, duration, fixed, int, pct, textTable } from './format.ts';
import type { SimReport } from './types.ts';

/** Plain-text summary: fleet line, totals, delivery per SF and per app, duty-cycle headroom, battery. */
export function formatSummary(report: SimReport): string {
  const f = report.fleet;
  const s = report.summary;
  const out: string[] = [];
  out.push(
    `fleet ${JSON.stringify(f.name)}  seed ${String(f.seed)}  ${f.region}  ${duration(f.durationMs)} simulated  ` +
      `${int(f.nodeCount)} nodes  ${int(f.gatewayCount)} gateways`,
  );
  out.push(
    `wall time ${fixed(f.wallTimeMs / 1000, 1)} s  (${int(f.deviceHoursPerWallSecond)} device-hours per wall second)`,
  );
  out.push('');
  const totals: Array<[string, string]> = [
    ['uplinks sent', int(s.uplinksSent)],
    ['delivered', `${int(s.uplinksDelivered)}  (${pct(s.deliveryRatio)})`],
    ['collisions', int(s.collisions)],
    ['join requests', `${int(s.joins.requests)}  (${int(s.joins.accepted)} accepted)`],
    ['not joined at end', `${int(s.joins.nodesNotJoined)} ${s.joins.nodesNotJoined === 1 ? 'node' : 'nodes'}`],
    ['downlinks', `${int(s.downlinks.sent)} sent, ${int(s.downlinks.received)} received`],
    ['violations', int(s.violationCount)],
    ['battery life', `min ${days(s.batteryDays.min)}  median ${days(s.batteryDays.median)}  (estimated)`],
  ];
  const w = Math.max(...totals.map((t) => t[0].length));
  for (const [k, v] of totals) out.push(`${k.padEnd(w)}  ${v}`);

  out.push('', 'delivery per SF');
  out.push(
    textTable(
      ['SF', 'sent', 'delivered', 'ratio'],
      s.bySf.map((r) => [`SF${r.sf}`, int(r.sent), int(r.delivered), pct(r.ratio)]),
      ['l', 'r', 'r', 'r'],
    ),
  );
  out.push('', 'delivery per app');
  out.push(
    textTable(
      ['app', 'sent', 'delivered', 'ratio'],
      s.byApp.map((r) => [r.app, int(r.sent), int(r.delivered), pct(r.ratio)]),
      ['l', 'r', 'r', 'r'],
    ),
  );
  out.push('', 'duty-cycle headroom (worst node, max share of any hour, per sub-band)');
  out.push(
    textTable(
      ['sub-band', 'limit', 'worst', 'headroom', 'node'],
      s.dutyCycle.map((b) => [
        b.band,
        b.limit > 0 ? pct(b.limit, 1) : 'none',
        pct(b.worstShare, 3),
        b.headroom === null ? NONE : `${pct(b.headroom, 3)}${b.headroom < 0 ? '  OVER' : ''}`,
        b.worstNodeId ?? NONE,
      ]),
      ['l', 'r', 'r', 'r', 'l'],
    ),
  );
  if (report.violations.length > 0) {
    const byKind = new Map<string, number>();
    for (const v of report.violations) byKind.set(v.kind, (byKind.get(v.kind) ?? 0) + 1);
    const kinds = [...byKind.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
    out.push('', `violations by kind: ${kinds.map(([k, n]) => `${k} ${int(n)}`).join(', ')}`);
  }
  return `${out.join('\n')}\n`;
}

/** The summary as canonical JSON: { fleet, summary, violationsByKind }. */
export function formatSummaryJson(report: SimReport): string {
  const byKind: Record<string, number> = {};
  for (const v of report.violations) byKind[v.kind] = (byKind[v.kind] ?? 0) + 1;
  return `${canonicalJson({ fleet: report.fleet, summary: report.summary, violationsByKind: byKind }, 2)}\n`;
}
