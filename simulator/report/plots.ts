// The report's four plots as inline SVG strings: delivery over time, airtime per device,
// duty-cycle use per sub-band, and the map. Each data mark carries class "mark" and the
// <svg> carries data-marks (their count), so a browser test can check what was drawn.

import { NONE, clock, fixed, int, pct } from './format.ts';
import { appColours, esc, maxOf, minOf, gatewayPath, innerH, innerW, legend, linear, niceTicks, num, svgOpen, xAxis, yAxis, type Frame } from './svg.ts';
import type { GatewayReport, NodeReport, SubBandUse, Timeline } from './types.ts';

/** Above this many buckets the timeline merges neighbours (bars stay at least ~3 px wide). */
export const MAX_TIMELINE_BARS = 240;
/** Above this many nodes the airtime plot is a histogram instead of one bar per node. */
export const MAX_AIRTIME_BARS = 600;
export const AIRTIME_BINS = 40;

const WIDTH = 920;
const SENT = '#B8CDE0';
const DELIVERED = '#0072B2';
const LIMIT = '#C0392B';

/** Sent vs delivered per time bucket (delivered drawn over sent, so the pale top is what was lost). */
export function timelinePlot(t: Timeline): string {
  const merge = Math.max(1, Math.ceil(t.buckets.length / MAX_TIMELINE_BARS));
  const bars: Array<{ startMs: number; sent: number; delivered: number }> = [];
  for (let i = 0; i < t.buckets.length; i += merge) {
    const group = t.buckets.slice(i, i + merge);
    bars.push({ startMs: group[0].startMs, sent: group.reduce((s, b) => s + b.sent, 0), delivered: group.reduce((s, b) => s + b.delivered, 0) });
  }
  const f: Frame = { w: WIDTH, h: 300, left: 64, right: 16, top: 34, bottom: 44 };
  const maxY = Math.max(1, maxOf(bars.map((b) => Math.max(b.sent, b.delivered)), 0));
  const ticks = niceTicks(maxY);
  const y = linear(0, ticks[ticks.length - 1], f.h - f.bottom, f.top);
  const slot = innerW(f) / Math.max(1, bars.length);
  const bw = Math.max(1, slot * 0.82);
  const widthMs = t.bucketMs * merge;
  const parts = [svgOpen('timeline', f, bars.length * 2, 'uplinks sent and delivered over time')];
  parts.push(yAxis(f, ticks, y, int, `uplinks per ${clockSpan(widthMs)}`));
  bars.forEach((b, i) => {
    const x = num(f.left + i * slot + (slot - bw) / 2);
    const span = `${clock(b.startMs)} to ${clock(b.startMs + widthMs)}`;
    const ratio = b.sent > 0 ? pct(b.delivered / b.sent) : NONE;
    parts.push(`<rect class="mark sent" x="${x}" y="${num(y(b.sent))}" width="${num(bw)}" height="${num(y(0) - y(b.sent))}" fill="${SENT}"><title>${esc(`${span}: ${int(b.sent)} sent`)}</title></rect>`);
    parts.push(`<rect class="mark delivered" x="${x}" y="${num(y(b.delivered))}" width="${num(bw)}" height="${num(y(0) - y(b.delivered))}" fill="${DELIVERED}"><title>${esc(`${span}: ${int(b.delivered)} delivered (${ratio})`)}</title></rect>`);
  });
  const every = Math.max(1, Math.ceil(bars.length / 12));
  const labels: Array<{ x: number; text: string; anchor?: 'end' }> = [];
  for (let i = 0; i <= bars.length; i += every) {
    labels.push({ x: f.left + i * slot, text: clock(i * widthMs + (bars[0]?.startMs ?? 0)), ...(i === bars.length ? { anchor: 'end' as const } : {}) });
  }
  parts.push(xAxis(f, labels, 'simulated time (h:mm)'));
  parts.push(legend(f.left, 14, [{ label: 'sent', colour: SENT }, { label: 'delivered', colour: DELIVERED }]));
  parts.push('</svg>');
  return parts.join('');
}

function clockSpan(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  return ms % 60_000 === 0 ? `${ms / 60_000} min` : `${fixed(ms / 1000, ms % 1000 === 0 ? 0 : 1)} s`;
}

/** Total airtime per device: one sorted bar per node (coloured by app), or a histogram for large fleets. */
export function airtimePlot(nodes: NodeReport[]): string {
  const f: Frame = { w: WIDTH, h: 280, left: 64, right: 16, top: 34, bottom: 44 };
  if (nodes.length > MAX_AIRTIME_BARS) return airtimeHistogram(f, nodes);
  const colours = appColours(nodes.map((n) => n.app));
  const sorted = [...nodes].sort((a, b) => b.airtimeMs - a.airtimeMs || (a.id < b.id ? -1 : 1));
  const ticks = niceTicks(Math.max(0.001, maxOf(sorted.map((n) => n.airtimeMs / 1000), 0)));
  const y = linear(0, ticks[ticks.length - 1], f.h - f.bottom, f.top);
  const slot = innerW(f) / Math.max(1, sorted.length);
  const bw = Math.max(0.5, slot * (slot > 3 ? 0.8 : 1));
  const parts = [svgOpen('airtime', f, sorted.length, 'total airtime per device, sorted')];
  parts.push(yAxis(f, ticks, y, (v) => fixed(v, v < 10 ? 1 : 0), 'airtime (s)'));
  sorted.forEach((n, i) => {
    const top = y(n.airtimeMs / 1000);
    parts.push(`<rect class="mark" x="${num(f.left + i * slot)}" y="${num(top)}" width="${num(bw)}" height="${num(y(0) - top)}" fill="${colours.get(n.app)}"><title>${esc(`${n.id} (${n.app}, SF${n.sf}): ${fixed(n.airtimeMs / 1000, 2)} s`)}</title></rect>`);
  });
  parts.push(xAxis(f, [], `${int(sorted.length)} devices, most airtime first`));
  parts.push(legend(f.left, 14, [...colours].map(([label, colour]) => ({ label, colour }))), '</svg>');
  return parts.join('');
}

function airtimeHistogram(f: Frame, nodes: NodeReport[]): string {
  const maxS = Math.max(0.001, maxOf(nodes.map((n) => n.airtimeMs / 1000), 0));
  const binW = maxS / AIRTIME_BINS;
  const bins = new Array<number>(AIRTIME_BINS).fill(0);
  for (const n of nodes) bins[Math.min(AIRTIME_BINS - 1, Math.floor(n.airtimeMs / 1000 / binW))]++;
  const ticks = niceTicks(Math.max(1, maxOf(bins, 0)));
  const y = linear(0, ticks[ticks.length - 1], f.h - f.bottom, f.top);
  const x = linear(0, maxS, f.left, f.w - f.right);
  const parts = [svgOpen('airtime', f, AIRTIME_BINS, 'histogram of total airtime per device')];
  parts.push(yAxis(f, ticks, y, int, 'devices'));
  bins.forEach((c, i) => {
    const x0 = x(i * binW);
    parts.push(`<rect class="mark" x="${num(x0 + 0.5)}" y="${num(y(c))}" width="${num(Math.max(0.5, x((i + 1) * binW) - x0 - 1))}" height="${num(y(0) - y(c))}" fill="#0072B2"><title>${esc(`${fixed(i * binW, 1)} to ${fixed((i + 1) * binW, 1)} s: ${int(c)} devices`)}</title></rect>`);
  });
  const labels = niceTicks(maxS, 8).filter((v) => v <= maxS).map((v) => ({ x: x(v), text: fixed(v, v < 10 ? 1 : 0) }));
  parts.push(xAxis(f, labels, `total airtime per device (s), ${int(nodes.length)} devices`));
  parts.push('</svg>');
  return parts.join('');
}

/** Worst node's hourly share per sub-band as a fraction of that sub-band's limit; the line is the limit. */
export function dutyCyclePlot(bands: SubBandUse[]): string {
  const limited = bands.filter((b) => b.limit > 0);
  const f: Frame = { w: WIDTH, h: 280, left: 64, right: 16, top: 34, bottom: 58 };
  const maxR = Math.max(1.2, ...limited.map((b) => (b.worstShare / b.limit) * 1.1));
  const ticks = niceTicks(maxR, 6);
  const y = linear(0, ticks[ticks.length - 1], f.h - f.bottom, f.top);
  const slot = innerW(f) / Math.max(1, bands.length);
  const bw = Math.min(90, slot * 0.6);
  const parts = [svgOpen('duty-cycle', f, limited.length, 'duty-cycle use per sub-band against its limit')];
  parts.push(yAxis(f, ticks, y, (v) => `${fixed(v * 100, 0)} %`, 'share of the limit'));
  const labels: Array<{ x: number; text: string }> = [];
  bands.forEach((b, i) => {
    const cx = f.left + (i + 0.5) * slot;
    labels.push({ x: cx, text: b.band });
    if (b.limit <= 0) {
      parts.push(`<text class="note" x="${num(cx)}" y="${num(y(0) - 8)}" text-anchor="middle">no limit (${esc(pct(b.worstShare, 3))})</text>`);
      return;
    }
    const r = b.worstShare / b.limit;
    const over = r > 1;
    const who = b.worstNodeId === null ? 'unused' : `worst node ${b.worstNodeId}`;
    parts.push(`<rect class="mark${over ? ' over' : ''}" x="${num(cx - bw / 2)}" y="${num(y(r))}" width="${num(bw)}" height="${num(y(0) - y(r))}" fill="${over ? LIMIT : '#009E73'}"><title>${esc(`${b.band}: ${pct(b.worstShare, 3)} of ${pct(b.limit, 1)} (${who})`)}</title></rect>`);
    parts.push(`<text class="value" x="${num(cx)}" y="${num(y(r) - 5)}" text-anchor="middle">${esc(`${pct(b.worstShare, 2)} / ${pct(b.limit, 1)}`)}</text>`);
  });
  parts.push(`<line class="limit" x1="${f.left}" x2="${f.w - f.right}" y1="${num(y(1))}" y2="${num(y(1))}" stroke="${LIMIT}" stroke-width="1.5" stroke-dasharray="6 3"/>`);
  parts.push(xAxis(f, labels, 'sub-band (worst node, maximum over any sliding hour)'));
  parts.push(legend(f.left, 14, [{ label: 'worst node', colour: '#009E73' }, { label: 'over the limit', colour: LIMIT }, { label: 'limit', colour: LIMIT, shape: 'line' }]));
  parts.push('</svg>');
  return parts.join('');
}

/** Delivery below this ratio draws a node hollow on the map. */
export const MAP_HOLLOW_BELOW = 0.9;

/** Nodes (coloured by app, hollow below 90 % delivery or when nothing was sent) and gateways, to scale. */
export function mapPlot(nodes: NodeReport[], gateways: GatewayReport[]): string {
  const pts = [...nodes, ...gateways];
  const xs = pts.map((p) => p.x);
  const ys = pts.map((p) => p.y);
  let [x0, x1, y0, y1] = [minOf(xs, 0), maxOf(xs, 1), minOf(ys, 0), maxOf(ys, 1)];
  const pad = Math.max(x1 - x0, y1 - y0, 10) * 0.04;
  [x0, x1, y0, y1] = [x0 - pad, x1 + pad, y0 - pad, y1 + pad];
  const f: Frame = { w: WIDTH, h: 0, left: 16, right: 16, top: 34, bottom: 34 };
  const maxH = 620;
  const k = Math.min(innerW(f) / (x1 - x0), (maxH - f.top - f.bottom) / (y1 - y0));
  f.h = Math.round(f.top + f.bottom + (y1 - y0) * k);
  const ox = f.left + (innerW(f) - (x1 - x0) * k) / 2;
  const px = (x: number): number => ox + (x - x0) * k;
  const py = (y: number): number => f.h - f.bottom - (y - y0) * k;
  const colours = appColours(nodes.map((n) => n.app));
  const r = nodes.length > 3000 ? 1.6 : nodes.length > 800 ? 2.4 : 3.6;
  const parts = [svgOpen('map', f, nodes.length + gateways.length, 'map of nodes and gateways')];
  parts.push(`<rect class="map-bg" x="${num(ox)}" y="${f.top}" width="${num((x1 - x0) * k)}" height="${num(innerH(f))}"/>`);
  for (const n of nodes) {
    const c = colours.get(n.app) ?? '#000';
    const hollow = n.sent === 0 || n.delivered < n.sent * MAP_HOLLOW_BELOW;
    const paint = hollow ? `fill="#fff" stroke="${c}" stroke-width="1.5"` : `fill="${c}"`;
    const tip = `${n.id} (${n.app}, ${n.board}) SF${n.sf}: ${int(n.delivered)}/${int(n.sent)} delivered (${n.sent > 0 ? pct(n.delivered / n.sent) : NONE})`;
    parts.push(`<circle class="mark node${hollow ? ' hollow' : ''}" cx="${num(px(n.x))}" cy="${num(py(n.y))}" r="${r}" ${paint}><title>${esc(tip)}</title></circle>`);
  }
  for (const g of gateways) {
    parts.push(`<path class="mark gateway" d="${gatewayPath(px(g.x), py(g.y), 7)}" fill="#111" stroke="#fff" stroke-width="1"><title>${esc(`${g.id}: ${int(g.received)} uplinks received`)}</title></path>`);
  }
  parts.push(scaleBar(f.w - f.right - 10, f.h - 12, k));
  parts.push(legend(f.left, 14, [...[...colours].map(([label, colour]) => ({ label, colour, shape: 'dot' as const })), { label: `delivery < ${MAP_HOLLOW_BELOW * 100} %`, colour: '#555', shape: 'hollow' }, { label: 'gateway', colour: '#111', shape: 'gateway' }]));
  parts.push('</svg>');
  return parts.join('');
}

/** A scale bar ending at (xRight, y) with a round length in metres or km. */
function scaleBar(xRight: number, y: number, pxPerM: number): string {
  const target = 140 / pxPerM;
  const mag = Math.pow(10, Math.floor(Math.log10(target)));
  const len = [1, 2, 5, 10].map((m) => m * mag).filter((v) => v <= target).pop() ?? mag;
  const w = len * pxPerM;
  const text = len >= 1000 ? `${len / 1000} km` : `${len} m`;
  return `<g class="scale"><line x1="${num(xRight - w)}" x2="${num(xRight)}" y1="${y}" y2="${y}"/><text x="${num(xRight - w / 2)}" y="${y - 5}" text-anchor="middle">${esc(text)}</text></g>`;
}
