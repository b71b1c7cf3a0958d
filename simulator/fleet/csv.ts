// Recorded signals: a CSV of `time,value` rows (time in seconds from the start of the
// run; a header line and `#` comments are allowed). Parsing never throws: it returns
// the series or one error line naming the row.
import type { CsvSeries } from './types.ts';

export type CsvResult = { ok: true; series: CsvSeries } | { ok: false; error: string };

/** Parses `text`; `name` is used in error lines (e.g. "data/river.csv"). */
export function parseCsvSeries(text: string, name: string): CsvResult {
  const times: number[] = [];
  const values: number[] = [];
  const lines = text.split(/\r?\n/);
  let sawData = false;
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line === '' || line.startsWith('#')) continue;
    const cells = line.split(/[,;\t]/).map((c) => c.trim());
    const where = `${name} line ${i + 1}`;
    if (cells.length < 2) return { ok: false, error: `${where}: expected "time,value", got ${JSON.stringify(line.slice(0, 40))}` };
    const t = Number(cells[0]);
    const v = Number(cells[1]);
    const numeric = cells[0] !== '' && cells[1] !== '' && Number.isFinite(t) && Number.isFinite(v);
    if (!numeric) {
      if (!sawData) {
        sawData = true; // the first non-comment line may be a header
        if (!Number.isFinite(t) || cells[0] === '') continue;
      }
      const bad = cells[0] === '' || !Number.isFinite(t) ? cells[0] : cells[1];
      return { ok: false, error: `${where}: expected a number, got ${JSON.stringify(bad)}` };
    }
    sawData = true;
    const ms = t * 1000;
    if (times.length > 0 && ms <= (times[times.length - 1] as number)) return { ok: false, error: `${where}: times must increase (${t} s after ${(times[times.length - 1] as number) / 1000} s)` };
    times.push(ms);
    values.push(v);
  }
  if (times.length === 0) return { ok: false, error: `${name}: no data rows (expected lines of "time,value", time in seconds)` };
  return { ok: true, series: { times: Float64Array.from(times), values: Float64Array.from(values) } };
}
