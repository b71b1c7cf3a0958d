// Small SVG toolkit for the HTML report: escaping, number output, linear scales with
// "nice" ticks, axes, legends, and the plot wrapper. Every string that reaches the
// markup goes through esc().

/** Escapes text for HTML/SVG text content and double- or single-quoted attribute values. */
export function esc(s: unknown): string {
  return String(s).replace(/[&<>"']/g, (c) => ESCAPES[c]);
}
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** A coordinate for markup: one decimal, never NaN (non-finite becomes 0). */
export function num(x: number): string {
  if (!Number.isFinite(x)) return '0';
  const r = Math.round(x * 10) / 10;
  return String(r === 0 ? 0 : r);
}

/** Plot area inside an SVG of width w, height h. */
export interface Frame {
  w: number;
  h: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export const innerW = (f: Frame): number => f.w - f.left - f.right;
export const innerH = (f: Frame): number => f.h - f.top - f.bottom;

/** Linear map from [d0, d1] to [r0, r1] (d0 == d1 maps everything to r0). */
export function linear(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  const span = d1 - d0;
  return (v) => (span === 0 ? r0 : r0 + ((v - d0) / span) * (r1 - r0));
}

/** Round tick step (1, 2, 5 x 10^k) giving about `count` ticks over [0, max]; ticks include 0. */
export function niceTicks(max: number, count = 5): number[] {
  if (!(max > 0) || !Number.isFinite(max)) return [0, 1];
  const raw = max / count;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let i = 0; i * step < max + step * 0.999; i++) ticks.push(Number((i * step).toPrecision(12)));
  return ticks;
}

/** Opening tag of a plot: data-plot names it, data-marks is the number of data marks drawn. */
export function svgOpen(plot: string, f: Frame, marks: number, title: string): string {
  return (
    `<svg class="plot" data-plot="${esc(plot)}" data-marks="${marks}" viewBox="0 0 ${f.w} ${f.h}" ` +
    `width="${f.w}" height="${f.h}" role="img" aria-label="${esc(title)}" xmlns="http://www.w3.org/2000/svg">`
  );
}

/** Left value axis with grid lines and `fmt` labels; `label` is the axis title. */
export function yAxis(f: Frame, ticks: number[], y: (v: number) => number, fmt: (v: number) => string, label: string): string {
  const parts: string[] = [];
  for (const t of ticks) {
    const py = num(y(t));
    parts.push(`<line class="grid" x1="${f.left}" x2="${f.w - f.right}" y1="${py}" y2="${py}"/>`);
    parts.push(`<text class="tick" x="${f.left - 6}" y="${py}" text-anchor="end" dominant-baseline="middle">${esc(fmt(t))}</text>`);
  }
  const cy = num(f.top + innerH(f) / 2);
  parts.push(`<text class="axis-label" transform="translate(14 ${cy}) rotate(-90)" text-anchor="middle">${esc(label)}</text>`);
  parts.push(`<line class="axis" x1="${f.left}" x2="${f.left}" y1="${f.top}" y2="${f.h - f.bottom}"/>`);
  return parts.join('');
}

/** Bottom axis line with labels at the given x positions and an axis title. */
export function xAxis(f: Frame, labels: Array<{ x: number; text: string; anchor?: 'start' | 'middle' | 'end' }>, label: string): string {
  const base = f.h - f.bottom;
  const parts = [`<line class="axis" x1="${f.left}" x2="${f.w - f.right}" y1="${base}" y2="${base}"/>`];
  for (const l of labels) {
    parts.push(`<line class="axis" x1="${num(l.x)}" x2="${num(l.x)}" y1="${base}" y2="${base + 4}"/>`);
    parts.push(`<text class="tick" x="${num(l.x)}" y="${base + 16}" text-anchor="${l.anchor ?? 'middle'}">${esc(l.text)}</text>`);
  }
  if (label) parts.push(`<text class="axis-label" x="${num(f.left + innerW(f) / 2)}" y="${f.h - 4}" text-anchor="middle">${esc(label)}</text>`);
  return parts.join('');
}

export interface LegendItem {
  label: string;
  colour: string;
  /** 'box' (default), 'hollow' circle, 'dot', 'line' (dashed), 'gateway' triangle. */
  shape?: 'box' | 'hollow' | 'dot' | 'line' | 'gateway';
}

/** A horizontal legend row starting at (x, y); items are laid out by estimated text width. */
export function legend(x: number, y: number, items: LegendItem[]): string {
  const parts: string[] = ['<g class="legend">'];
  let cx = x;
  for (const it of items) {
    parts.push(legendSymbol(cx, y, it));
    parts.push(`<text x="${num(cx + 16)}" y="${y}" dominant-baseline="middle">${esc(it.label)}</text>`);
    cx += 28 + it.label.length * 6.6;
  }
  parts.push('</g>');
  return parts.join('');
}

function legendSymbol(x: number, y: number, it: LegendItem): string {
  const c = esc(it.colour);
  switch (it.shape) {
    case 'hollow':
      return `<circle cx="${x + 5}" cy="${y}" r="4" fill="#fff" stroke="${c}" stroke-width="1.6"/>`;
    case 'dot':
      return `<circle cx="${x + 5}" cy="${y}" r="4" fill="${c}"/>`;
    case 'line':
      return `<line x1="${x - 2}" x2="${x + 12}" y1="${y}" y2="${y}" stroke="${c}" stroke-width="2" stroke-dasharray="4 2"/>`;
    case 'gateway':
      return `<path d="${gatewayPath(x + 5, y, 6)}" fill="${c}"/>`;
    default:
      return `<rect x="${x}" y="${y - 5}" width="10" height="10" fill="${c}"/>`;
  }
}

/** An upward triangle centred on (x, y) with half-size s (the gateway symbol). */
export function gatewayPath(x: number, y: number, s: number): string {
  return `M${num(x)} ${num(y - s)}L${num(x + s)} ${num(y + s * 0.8)}L${num(x - s)} ${num(y + s * 0.8)}Z`;
}

/** Colour-blind-safe palette (Okabe-Ito without yellow, then darker tones). */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#D55E00', '#56B4E9', '#7A5195', '#4D4D4D', '#8C6D1F', '#1B7F79'];

/** Colour per app, apps in code-unit order so the same set of apps always gets the same colours. */
export function appColours(apps: string[]): Map<string, string> {
  const sorted = [...new Set(apps)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return new Map(sorted.map((a, i) => [a, PALETTE[i % PALETTE.length]]));
}

/** Largest value (loop, no spread: safe for 10^6 values); `fallback` for an empty list. */
export function maxOf(values: Iterable<number>, fallback: number): number {
  let m = -Infinity;
  for (const v of values) if (v > m) m = v;
  return m === -Infinity ? fallback : m;
}

/** Smallest value; `fallback` for an empty list. */
export function minOf(values: Iterable<number>, fallback: number): number {
  let m = Infinity;
  for (const v of values) if (v < m) m = v;
  return m === Infinity ? fallback : m;
}
