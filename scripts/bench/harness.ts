// A small, honest micro-benchmark harness: warm-up, several timed rounds, the
// median round's ops/s. Timing uses process.hrtime.bigint(). Results are
// numbers for tables, never assertions.
import { cpus, totalmem, type, release, arch } from 'node:os';

export interface MeasureOptions {
  /** Warm-up time before the rounds (ms). */
  warmupMs: number;
  /** Timed rounds; the median is reported. */
  rounds: number;
  /** Target length of one round (ms). */
  roundMs: number;
}

export const FULL: MeasureOptions = { warmupMs: 300, rounds: 9, roundMs: 200 };
export const QUICK: MeasureOptions = { warmupMs: 30, rounds: 3, roundMs: 20 };

export interface Measurement {
  /** Median operations per second over the rounds. */
  opsPerSec: number;
  /** Lowest and highest round, ops/s: the spread. */
  min: number;
  max: number;
  rounds: number;
}

const nowNs = (): bigint => process.hrtime.bigint();

/** Runs `fn` `n` times; returns elapsed ns. A checksum of results defeats dead-code elimination. */
function timeLoop(fn: () => unknown, n: number, sink: { v: number }): number {
  const t0 = nowNs();
  for (let i = 0; i < n; i++) {
    const r = fn();
    sink.v += r === undefined ? 0 : 1;
  }
  return Number(nowNs() - t0);
}

/** Measures `fn` (one operation per call). */
export function measure(fn: () => unknown, opts: MeasureOptions): Measurement {
  const sink = { v: 0 };
  // warm-up, and find an iteration count that fills about one round
  let n = 1;
  const warmEnd = Date.now() + opts.warmupMs;
  let perOpNs = Number.POSITIVE_INFINITY;
  while (Date.now() < warmEnd || !Number.isFinite(perOpNs)) {
    const ns = timeLoop(fn, n, sink);
    if (ns > 1e6) perOpNs = ns / n;
    if (ns < 1e6) n *= 2;
  }
  const iterations = Math.max(1, Math.round((opts.roundMs * 1e6) / perOpNs));
  const rates: number[] = [];
  for (let r = 0; r < opts.rounds; r++) rates.push(iterations / (timeLoop(fn, iterations, sink) / 1e9));
  rates.sort((a, b) => a - b);
  if (sink.v < 0) console.log(sink.v); // never true; keeps the sink alive
  return { opsPerSec: rates[Math.floor(rates.length / 2)] as number, min: rates[0] as number, max: rates[rates.length - 1] as number, rounds: rates.length };
}

/** A table cell: text as given, numbers formatted. */
export type Cell = string | number;

/** Renders a Markdown table (readable in a terminal, pasteable into docs). Numbers align right. */
export function table(head: string[], rows: Cell[][]): string {
  const text = rows.map((r) => r.map((c) => (typeof c === 'number' ? formatNumber(c) : c)));
  const width = head.map((h, i) => Math.max(h.length, ...text.map((r) => (r[i] ?? '').length)));
  const numeric = head.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number' || /^[\d.,×x%+-]+$|^n\/a/.test(String(r[i]))));
  const line = (cells: string[]): string =>
    `| ${cells.map((c, i) => (numeric[i] ? c.padStart(width[i] as number) : c.padEnd(width[i] as number))).join(' | ')} |`;
  const rule = `|${width.map((w, i) => (numeric[i] ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(head), rule, ...text.map(line)].join('\n');
}

/** 1234567 -> "1,234,567"; small values keep up to 2 decimals. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const digits = Math.abs(x) >= 100 ? 0 : Math.abs(x) >= 10 ? 1 : 2;
  return x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

/** "0.53×" style ratio; n/a when the baseline is missing. */
export function ratio(x: number | undefined, base: number | undefined): string {
  if (x === undefined || base === undefined || !(base > 0)) return 'n/a';
  return `${(x / base).toFixed(2)}×`;
}

/** The machine the numbers come from. */
export function machine(): string {
  const cpu = cpus();
  const model = cpu[0]?.model.trim() ?? 'unknown CPU';
  return `${model}, ${cpu.length} logical cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${type()} ${release()} ${arch()}, Node ${process.version}`;
}
