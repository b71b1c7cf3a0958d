// `lorakit build`: firmware TypeScript → one verified Espruino script per app and board.
//   1. bundle (esbuild: types stripped, modules joined into one IIFE, ES2022)
//   2. lower  (Babel, selected transforms: lower.ts explains each)
//   3. minify (esbuild whitespace/identifiers/syntax at an ES2015 target, so it
//      cannot reintroduce newer syntax)
//   4. check  (lorakit check: the Espruino syntax profile; any finding fails the build)
//   5. size   (bytes, estimated JsVars, share of the board's budget; over budget fails)
import { transform } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BOARDS, type BoardId, type BoardProfile } from './boards.ts';
import { ROOT, appEntry, bundleEntry, entrySource, listApps } from './bundle.ts';
import { lowerForEspruino } from './lower.ts';
import { estimateJsVars } from './size.ts';
import { checkSource, formatFindings } from '../check/profile.ts';

export interface BuildOptions {
  apps?: string[];
  board: BoardId;
  /** Largest allowed share of the board's JsVars (default 0.6). */
  maxShare?: number;
  minify?: boolean;
  outDir?: string;
  /** Extra TypeScript appended to the generated entry (selftest uses it). */
  entryExtra?: string;
  /** Output file name override (single app only). */
  outName?: string;
}

export interface BundleReport {
  app: string;
  board: BoardId;
  file: string;
  bytes: number;
  functions: number;
  /** Estimated JsVars at load, executed from Storage (size.ts states the rule). */
  jsVars: number;
  /** The same if uploaded to RAM instead. */
  ramJsVars: number;
  boardJsVars: number;
  share: number;
  maxShare: number;
  ok: boolean;
}

export class BuildError extends Error {}

export async function minifyForEspruino(code: string): Promise<string> {
  const out = await transform(code, {
    loader: 'js',
    target: 'es2015',
    minifyWhitespace: true,
    minifyIdentifiers: true,
    minifySyntax: true,
    legalComments: 'none',
    charset: 'utf8',
  });
  return out.code;
}

/** Builds one app for one board and returns the verified code (throws BuildError on a finding). */
export async function buildCode(app: string, board: BoardProfile, opts: { minify?: boolean; entryExtra?: string; entryFile?: string } = {}): Promise<string> {
  const bundled = await bundleEntry(entrySource(opts.entryFile ?? appEntry(app), board, opts.entryExtra ?? ''), app);
  let code = await lowerForEspruino(bundled, `${app}.js`);
  if (opts.minify !== false) code = await minifyForEspruino(code);
  const findings = checkSource(code);
  if (findings.length > 0) {
    const lines = formatFindings(`${app}.${board.id}.js`, findings);
    throw new BuildError(`${lines.length} Espruino profile finding(s):\n${lines.join('\n')}`);
  }
  return code;
}

export function bundleHeader(app: string, board: BoardProfile): string {
  return `// lorakit ${app} for ${board.id} (${board.modem}); built by \`lorakit build\`, checked against the Espruino profile\n`;
}

export async function buildApps(opts: BuildOptions): Promise<BundleReport[]> {
  const board = BOARDS[opts.board];
  const apps = opts.apps && opts.apps.length > 0 ? opts.apps : listApps();
  const known = listApps();
  for (const a of apps) if (!known.includes(a)) throw new BuildError(`unknown app "${a}" (apps: ${known.join(', ')})`);
  const maxShare = opts.maxShare ?? 0.6;
  const outDir = opts.outDir ?? join(ROOT, 'dist', 'firmware');
  mkdirSync(outDir, { recursive: true });
  const reports: BundleReport[] = [];
  for (const app of apps) {
    const code = bundleHeader(app, board) + (await buildCode(app, board, opts));
    const file = join(outDir, opts.outName ?? `${app}.${board.id}.js`);
    writeFileSync(file, code);
    const est = estimateJsVars(code);
    const share = est.jsVars / board.jsVars;
    reports.push({
      app,
      board: board.id,
      file,
      bytes: Buffer.byteLength(code, 'utf8'),
      functions: est.functions,
      jsVars: est.jsVars,
      ramJsVars: est.ramJsVars,
      boardJsVars: board.jsVars,
      share,
      maxShare,
      ok: share <= maxShare,
    });
  }
  return reports;
}

export function formatSizeTable(reports: BundleReport[]): string {
  const head = ['app', 'board', 'bytes', 'functions', 'JsVars (flash)', 'board JsVars', 'share', 'budget', 'JsVars if in RAM'];
  const rows = reports.map((r) => [
    r.app,
    r.board,
    String(r.bytes),
    String(r.functions),
    String(r.jsVars),
    String(r.boardJsVars),
    `${(r.share * 100).toFixed(1)}%`,
    r.ok ? `ok (<= ${Math.round(r.maxShare * 100)}%)` : `OVER ${Math.round(r.maxShare * 100)}%`,
    `${r.ramJsVars} (${((r.ramJsVars / r.boardJsVars) * 100).toFixed(0)}%)`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (cells: string[]) => cells.map((c, i) => (i < 2 || i === 7 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [fmt(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt)].join('\n');
}
