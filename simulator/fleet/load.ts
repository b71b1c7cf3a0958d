// Reading a fleet file: YAML (.yaml/.yml, with anchors and `<<` merge keys) or JSON
// (.json), validated with the schema; CSV signals are read relative to the file.
// Every failure is a FleetError with one line naming the file and the field.
import { readFileSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { parseCsvSeries } from './csv.ts';
import { FleetError, fleetErrorFromIssues } from './errors.ts';
import { fleetSchema } from './schema.ts';
import type { CsvSeries, FleetDefinition } from './types.ts';

export interface ParseOptions {
  /** Name used in error lines (default "fleet"). */
  file?: string;
  /** Default: from the file name's extension (.json is JSON, anything else YAML). */
  format?: 'yaml' | 'json';
  /** Folder CSV paths are relative to (default: the current directory). */
  baseDir?: string;
}

function parseText(text: string, file: string, format: 'yaml' | 'json'): unknown {
  if (format === 'json') {
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      throw new FleetError(file, '', `invalid JSON: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  const doc = parseDocument(text, { merge: true });
  const first = doc.errors[0];
  if (first) {
    const pos = first.linePos?.[0];
    const where = pos ? ` at line ${pos.line}, column ${pos.col}` : '';
    const reason = (first.message.split('\n')[0] as string).replace(/ at line \d+, column \d+:?$/, '');
    throw new FleetError(file, '', `invalid YAML${where}: ${reason}`);
  }
  return doc.toJS({ maxAliasCount: 1000 }) as unknown;
}

/** Reads every CSV signal once (per resolved path) and attaches its series. */
function attachCsv(def: FleetDefinition): void {
  const cache = new Map<string, CsvSeries>();
  def.groups.forEach((g, gi) => {
    for (const [q, spec] of Object.entries(g.signals)) {
      if (spec.kind !== 'csv') continue;
      const field = `groups[${gi}].signals.${q}.csv.file`;
      const path = resolve(def.baseDir, spec.file);
      let series = cache.get(path);
      if (!series) {
        let text: string;
        try {
          text = readFileSync(path, 'utf8');
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          throw new FleetError(def.source, field, code === 'ENOENT' ? `no such file ${JSON.stringify(spec.file)} (relative to the fleet file)` : `cannot read ${JSON.stringify(spec.file)}: ${code ?? 'error'}`);
        }
        const parsed = parseCsvSeries(text, spec.file);
        if (!parsed.ok) throw new FleetError(def.source, field, parsed.error);
        series = parsed.series;
        cache.set(path, series);
      }
      spec.data = series;
    }
  });
}

/** Validates an already parsed object (e.g. from a test or another tool). */
export function validateFleet(raw: unknown, opts: ParseOptions = {}): FleetDefinition {
  const file = opts.file ?? 'fleet';
  const parsed = fleetSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) throw fleetErrorFromIssues(file, parsed.error.issues);
  const def: FleetDefinition = { ...parsed.data, source: file, baseDir: opts.baseDir ?? process.cwd() };
  attachCsv(def);
  return def;
}

/** Parses and validates fleet text. Throws FleetError. */
export function parseFleet(text: string, opts: ParseOptions = {}): FleetDefinition {
  const file = opts.file ?? 'fleet';
  const format = opts.format ?? (extname(file).toLowerCase() === '.json' ? 'json' : 'yaml');
  const raw = parseText(text, file, format);
  if (raw === null || raw === undefined) throw new FleetError(file, '', 'the file is empty');
  return validateFleet(raw, { ...opts, file, format });
}

/** Reads, parses and validates the fleet file at `path`. Throws FleetError (also for a missing file). */
export function loadFleet(path: string): FleetDefinition {
  const file = basename(path);
  const ext = extname(path).toLowerCase();
  if (ext !== '.yaml' && ext !== '.yml' && ext !== '.json') throw new FleetError(file, '', 'expected a .yaml, .yml or .json file');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new FleetError(file, '', code === 'ENOENT' ? `no such file: ${path}` : `cannot read ${path}: ${code ?? 'error'}`);
  }
  return parseFleet(text, { file, format: ext === '.json' ? 'json' : 'yaml', baseDir: dirname(resolve(path)) });
}
