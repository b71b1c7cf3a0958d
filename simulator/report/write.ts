// Writes a fleet run's report files: report.json (canonical, pretty) and report.html.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson } from './canonical.ts';
import { renderReportHtml } from './html.ts';
import type { SimReport } from './types.ts';

export const REPORT_JSON = 'report.json';
export const REPORT_HTML = 'report.html';

/** Writes `outDir/report.json` and `outDir/report.html` (creating `outDir`); returns their paths. */
export function writeReport(report: SimReport, outDir: string): { json: string; html: string } {
  mkdirSync(outDir, { recursive: true });
  const json = join(outDir, REPORT_JSON);
  const html = join(outDir, REPORT_HTML);
  writeFileSync(json, `${canonicalJson(report, 2)}\n`);
  writeFileSync(html, renderReportHtml(report));
  return { json, html };
}
