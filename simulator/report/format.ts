// Number and text formatting shared by the terminal summary and the HTML report.
// Locale independent (same text on every machine), never prints NaN.

/** Placeholder for a value that does not exist (ratio of nothing, unknown estimate). */
export const NONE = '-';

/** Integer with thousands separators: 1234567 -> "1,234,567". */
export function int(n: number): string {
  if (!Number.isFinite(n)) return NONE;
  const neg = n < 0;
  const digits = String(Math.round(Math.abs(n)));
  let out = '';
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += ',';
    out += digits[i];
  }
  return neg ? `-${out}` : out;
}

/** Fixed decimals; NONE for null or non-finite. */
export function fixed(n: number | null, decimals: number): string {
  if (n === null || !Number.isFinite(n)) return NONE;
  const s = n.toFixed(decimals);
  return /^-0\.?0*$/.test(s) ? s.slice(1) : s;
}

/** A fraction as a percentage: 0.9723 -> "97.2 %". */
export function pct(ratio: number | null, decimals = 1): string {
  const s = fixed(ratio === null ? null : ratio * 100, decimals);
  return s === NONE ? s : `${s} %`;
}

/** Simulated time span: "45 s", "30 min", "24 h", "7 d", "1.5 h". */
export function duration(ms: number): string {
  if (!Number.isFinite(ms)) return NONE;
  const units: Array<[number, string]> = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'min'],
    [1000, 's'],
  ];
  for (const [size, unit] of units) {
    if (Math.abs(ms) >= size * 2 || size === 1000) {
      const v = ms / size;
      return `${Number.isInteger(v) ? String(v) : v.toFixed(1)} ${unit}`;
    }
  }
  return `${ms} ms`;
}

/** Days, whole when large: 1520.4 -> "1,520 d", 3.25 -> "3.3 d". */
export function days(d: number | null): string {
  if (d === null || !Number.isFinite(d)) return NONE;
  return d >= 100 ? `${int(d)} d` : `${d.toFixed(1)} d`;
}

/** Time of day in the run: 5_400_000 -> "1:30" (h:mm), with days when past 24 h ("1d 2:00"). */
export function clock(ms: number): string {
  if (!Number.isFinite(ms)) return NONE;
  const totalMin = Math.floor(ms / 60_000);
  const d = Math.floor(totalMin / 1440);
  const h = Math.floor((totalMin % 1440) / 60);
  const m = totalMin % 60;
  const hm = `${h}:${String(m).padStart(2, '0')}`;
  return d > 0 ? `${d}d ${hm}` : hm;
}

export type Align = 'l' | 'r';

/** A plain-text table: header row, a rule, rows; columns padded to their widest cell. */
export function textTable(header: string[], rows: string[][], align: Align[], indent = '  '): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: string[]): string =>
    indent +
    cells
      .map((cell, c) => (align[c] === 'r' ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join('  ')
      .trimEnd();
  const rule = indent + widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(header), rule, ...rows.map((r) => line(header.map((_, c) => r[c] ?? '')))].join('\n');
}
