// report.html: one self-contained page (inline CSS, inline SVG plots, no script, no
// external resources), readable on screen and on paper. Every string from the report
// is escaped with esc().

import { NONE, clock, days, duration, fixed, int, pct } from './format.ts';
import { airtimePlot, dutyCyclePlot, mapPlot, timelinePlot } from './plots.ts';
import { esc } from './svg.ts';
import type { SimReport } from './types.ts';

/** At most this many violations are listed in the HTML (all of them are in report.json). */
export const MAX_VIOLATION_ROWS = 1000;

type Cell = string | { html: string };

/** A table; string cells are escaped, { html } cells are trusted markup built here. */
function table(header: string[], rows: Cell[][], numeric: boolean[], cls = ''): string {
  const th = header.map((h, i) => `<th${numeric[i] ? ' class="num"' : ''}>${esc(h)}</th>`).join('');
  const body = rows
    .map((r) => `<tr>${r.map((c, i) => `<td${numeric[i] ? ' class="num"' : ''}>${typeof c === 'string' ? esc(c) : c.html}</td>`).join('')}</tr>`)
    .join('\n');
  return `<table${cls ? ` class="${esc(cls)}"` : ''}><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function section(id: string, title: string, intro: string, body: string): string {
  return `<section id="${esc(id)}"><h2>${esc(title)}</h2>${intro ? `<p class="intro">${esc(intro)}</p>` : ''}\n${body}\n</section>`;
}

/** The whole report page. */
export function renderReportHtml(r: SimReport): string {
  const f = r.fleet;
  const s = r.summary;
  const title = `lorakit fleet report: ${f.name}`;
  const kv: Array<[string, string]> = [
    ['uplinks sent', int(s.uplinksSent)],
    ['delivered', `${int(s.uplinksDelivered)} (${pct(s.deliveryRatio)})`],
    ['collisions', int(s.collisions)],
    ['join requests', `${int(s.joins.requests)} (${int(s.joins.accepted)} accepted)`],
    ['not joined at end', `${int(s.joins.nodesNotJoined)} ${s.joins.nodesNotJoined === 1 ? 'node' : 'nodes'}`],
    ['downlinks', `${int(s.downlinks.sent)} sent, ${int(s.downlinks.received)} received`],
    ['violations', int(s.violationCount)],
    ['battery life (estimated)', `min ${days(s.batteryDays.min)}, median ${days(s.batteryDays.median)}`],
  ];
  const summary = `<div class="cols"><div>${table(['metric', 'value'], kv, [false, true], 'kv')}</div>
<div>${table(['SF', 'sent', 'delivered', 'ratio'], s.bySf.map((b) => [`SF${b.sf}`, int(b.sent), int(b.delivered), pct(b.ratio)]), [false, true, true, true])}</div>
<div>${table(['app', 'sent', 'delivered', 'ratio'], s.byApp.map((b) => [b.app, int(b.sent), int(b.delivered), pct(b.ratio)]), [false, true, true, true])}</div></div>`;

  const dutyTable = table(
    ['sub-band', 'limit', 'worst node share', 'headroom', 'worst node'],
    s.dutyCycle.map((b) => [
      b.band,
      b.limit > 0 ? pct(b.limit, 1) : 'none',
      pct(b.worstShare, 3),
      b.headroom === null ? NONE : { html: `<span class="${b.headroom < 0 ? 'bad' : 'ok'}">${esc(pct(b.headroom, 3))}</span>` },
      b.worstNodeId ?? NONE,
    ]),
    [false, true, true, true, false],
  );

  const shown = r.violations.slice(0, MAX_VIOLATION_ROWS);
  const violations =
    r.violations.length === 0
      ? '<p class="ok">No violations: every budget held in the transmission log.</p>'
      : table(
          ['time', 'kind', 'node', 'detail'],
          shown.map((v) => [clock(v.atMs), v.kind, v.nodeId, v.detail]),
          [true, false, false, false],
          'violations',
        ) + (r.violations.length > shown.length ? `<p class="note">${esc(`${int(r.violations.length - shown.length)} more in report.json`)}</p>` : '');

  const gateways = table(
    ['gateway', 'x (m)', 'y (m)', 'uplinks received'],
    r.gateways.map((g) => [g.id, fixed(g.x, 0), fixed(g.y, 0), int(g.received)]),
    [false, true, true, true],
  );

  const meta = `${f.region} · seed ${String(f.seed)} · ${duration(f.durationMs)} simulated · ${int(f.nodeCount)} nodes · ${int(f.gatewayCount)} gateways · ` +
    `wall time ${fixed(f.wallTimeMs / 1000, 1)} s (${int(f.deviceHoursPerWallSecond)} device-hours per wall second)`;

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header><h1>${esc(title)}</h1><p class="meta">${esc(meta)}</p></header>
<main>
${section('summary', 'Summary', 'Delivered: received by at least one gateway and accepted by the network server.', summary)}
${section('timeline', 'Delivery over time', 'Application uplinks sent and delivered per time bucket; the pale top of a bar is what was lost.', timelinePlot(r.timeline))}
${section('airtime', 'Airtime per device', 'Total uplink airtime over the run (joins and retransmissions included).', airtimePlot(r.nodes))}
${section('duty-cycle', 'Duty-cycle use per sub-band', "The worst node's highest airtime share in any sliding hour, as a share of the sub-band's limit (dashed line: the limit).", dutyCyclePlot(s.dutyCycle) + dutyTable)}
${section('map', 'Map', 'Nodes coloured by application, hollow when fewer than 90 % of their uplinks were delivered; triangles are gateways.', mapPlot(r.nodes, r.gateways) + gateways)}
${section('violations', `Violations (${int(r.violations.length)})`, 'Rules broken, found by the auditor from the transmission log alone.', violations)}
</main>
<footer>report schema ${esc(String(r.schemaVersion))} · generated by lorakit</footer>
</body>
</html>
`;
}

const CSS = `
:root { --fg: #1d232a; --muted: #5b6672; --rule: #d9dee3; --bg: #fff; --head: #f3f5f7; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--fg); background: var(--bg); }
header, main, footer { max-width: 960px; margin: 0 auto; padding: 0 20px; }
header { padding-top: 24px; border-bottom: 2px solid var(--fg); }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 4px; padding-bottom: 3px; border-bottom: 1px solid var(--rule); }
.meta, .intro, .note, footer { color: var(--muted); }
.meta { margin: 0 0 12px; }
.intro { margin: 0 0 10px; font-size: 13px; }
footer { padding: 24px 20px; font-size: 12px; }
section { break-inside: avoid; page-break-inside: avoid; }
.cols { display: flex; flex-wrap: wrap; gap: 18px; align-items: flex-start; }
.cols > div { flex: 1 1 260px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; font-variant-numeric: tabular-nums; }
th, td { padding: 3px 8px; border-bottom: 1px solid var(--rule); text-align: left; vertical-align: top; }
th { background: var(--head); font-weight: 600; }
td.num, th.num { text-align: right; white-space: nowrap; }
table.kv td:first-child { color: var(--muted); white-space: nowrap; }
table.violations td:nth-child(4) { word-break: break-word; }
.ok { color: #1e7b4a; }
.bad { color: #c0392b; font-weight: 600; }
svg.plot { display: block; width: 100%; height: auto; margin: 6px 0 10px; font-size: 11px; }
svg.plot text { fill: var(--fg); }
svg.plot .tick, svg.plot .note { fill: var(--muted); }
svg.plot .axis-label { fill: var(--muted); font-size: 12px; }
svg.plot .value { font-size: 11px; }
svg.plot .grid { stroke: #eceff2; stroke-width: 1; }
svg.plot .axis { stroke: #8a949e; stroke-width: 1; }
svg.plot .legend text { font-size: 12px; }
svg.plot .map-bg { fill: #f7f8f9; stroke: var(--rule); }
svg.plot .scale line { stroke: var(--fg); stroke-width: 2; }
@media print {
  body { font-size: 11px; }
  header, main, footer { max-width: none; padding: 0; }
  h2 { margin-top: 16px; }
  svg.plot { max-height: 9.5cm; }
  a { color: inherit; text-decoration: none; }
}
`;
