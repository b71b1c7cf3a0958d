import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { int, pct } from '../../simulator/report/format.ts';
import { renderReportHtml } from '../../simulator/report/html.ts';
import { formatSummary, formatSummaryJson } from '../../simulator/report/summary.ts';
import { esc } from '../../simulator/report/svg.ts';
import type { SimReport } from '../../simulator/report/types.ts';
import { writeReport } from '../../simulator/report/write.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A small hand-made report whose every figure is known. */
function handReport(): SimReport {
  return {
    schemaVersion: 1,
    fleet: { name: 'harbour', seed: 42, region: 'EU868', durationMs: 86_400_000, nodeCount: 3, gatewayCount: 1, wallTimeMs: 2500, deviceHoursPerWallSecond: 28.8 },
    summary: {
      uplinksSent: 1250,
      uplinksDelivered: 1200,
      deliveryRatio: 1200 / 1250,
      bySf: [
        { sf: 7, sent: 1000, delivered: 990, ratio: 0.99 },
        { sf: 12, sent: 250, delivered: 210, ratio: 0.84 },
        { sf: 9, sent: 0, delivered: 0, ratio: null },
      ],
      byApp: [
        { app: 'bin-level', sent: 250, delivered: 210, ratio: 0.84 },
        { app: 'env-monitor', sent: 1000, delivered: 990, ratio: 0.99 },
      ],
      collisions: 17,
      joins: { requests: 5, accepted: 3, nodesNotJoined: 0 },
      downlinks: { sent: 9, received: 8 },
      dutyCycle: [
        { band: 'M 868.0-868.6', limit: 0.01, worstShare: 0.004, worstNodeId: 'bin-2', headroom: 0.006 },
        { band: 'N 868.7-869.2', limit: 0.001, worstShare: 0.0015, worstNodeId: 'bin-3', headroom: -0.0005 },
        { band: 'X none', limit: 0, worstShare: 0, worstNodeId: null, headroom: null },
      ],
      violationCount: 3,
      batteryDays: { min: 412.4, median: null },
    },
    nodes: [
      { id: 'env-1', app: 'env-monitor', board: 'pico', x: 10, y: 20, sf: 7, dr: 5, sent: 1000, delivered: 990, airtimeMs: 61_000, batteryDays: 900 },
      { id: 'bin-2', app: 'bin-level', board: 'pico', x: 300, y: 40, sf: 12, dr: 0, sent: 250, delivered: 210, airtimeMs: 370_000, batteryDays: 412.4 },
      { id: 'bin-3', app: 'bin-level', board: 'pico', x: 50, y: 400, sf: 12, dr: 0, sent: 0, delivered: 0, airtimeMs: 0, batteryDays: null },
    ],
    gateways: [{ id: 'gw-1', x: 100, y: 100, received: 1300 }],
    timeline: { bucketMs: 3_600_000, buckets: [{ startMs: 0, sent: 60, delivered: 58 }, { startMs: 3_600_000, sent: 50, delivered: 50 }] },
    violations: [
      { kind: 'duty-cycle', nodeId: 'bin-3', atMs: 5_400_000, detail: 'N: 0.15 % > 0.1 %' },
      { kind: 'fair-use', nodeId: 'bin-2', atMs: 7_200_000, detail: 'over 30 s/day' },
      { kind: 'duty-cycle', nodeId: 'bin-3', atMs: 9_000_000, detail: 'N again' },
    ],
  };
}

/** The value column of the summary line starting with `label`. */
function row(text: string, label: string): string {
  const line = text.split('\n').find((l) => l.startsWith(label));
  if (line === undefined) throw new Error(`no line "${label}" in:\n${text}`);
  return line.slice(label.length).trim();
}

function tableRow(text: string, first: string): string[] {
  const line = text.split('\n').find((l) => l.trim().split(/\s{2,}/)[0] === first);
  if (line === undefined) throw new Error(`no table row "${first}" in:\n${text}`);
  return line.trim().split(/\s{2,}/);
}

describe('terminal summary', () => {
  const r = handReport();
  const text = formatSummary(r);

  it('shows the totals, ratios per SF and per app, with no NaN', () => {
    expect(text).toContain('"harbour"');
    expect(text).toContain('seed 42');
    expect(text).toContain('24 h simulated');
    expect(row(text, 'uplinks sent')).toBe('1,250');
    expect(row(text, 'delivered')).toBe('1,200  (96.0 %)');
    expect(row(text, 'collisions')).toBe('17');
    expect(row(text, 'violations')).toBe('3');
    expect(tableRow(text, 'SF7')).toEqual(['SF7', '1,000', '990', '99.0 %']);
    expect(tableRow(text, 'SF12')).toEqual(['SF12', '250', '210', '84.0 %']);
    expect(tableRow(text, 'SF9')).toEqual(['SF9', '0', '0', '-']);
    expect(tableRow(text, 'bin-level')).toEqual(['bin-level', '250', '210', '84.0 %']);
    expect(text).not.toMatch(/NaN|undefined|Infinity/);
  });

  it('shows duty-cycle headroom per sub-band and flags a band over its limit', () => {
    expect(tableRow(text, 'M 868.0-868.6')).toEqual(['M 868.0-868.6', '1.0 %', '0.400 %', '0.600 %', 'bin-2']);
    expect(tableRow(text, 'N 868.7-869.2')).toEqual(['N 868.7-869.2', '0.1 %', '0.150 %', '-0.050 %', 'OVER', 'bin-3']);
    expect(tableRow(text, 'X none')).toEqual(['X none', 'none', '0.000 %', '-', '-']);
  });

  it('shows battery life and violations by kind', () => {
    expect(row(text, 'battery life')).toBe('min 412 d  median -  (estimated)');
    expect(text).toContain('violations by kind: duty-cycle 2, fair-use 1');
  });

  it('formats the JSON summary with the same facts', () => {
    const j = JSON.parse(formatSummaryJson(r));
    expect(j.fleet).toEqual(r.fleet);
    expect(j.summary).toEqual(r.summary);
    expect(j.violationsByKind).toEqual({ 'duty-cycle': 2, 'fair-use': 1 });
  });
});

describe('number formatting', () => {
  it('groups thousands without changing the digits', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), (n) => {
        const s = int(n);
        expect(s.replace(/,/g, '')).toBe(String(n));
        expect(s).toMatch(/^-?\d{1,3}(,\d{3})*$/);
      }),
    );
  });

  it('never prints NaN for a percentage', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double(), fc.constant(null)), (x) => {
        expect(pct(x)).not.toMatch(/NaN|Infinity/);
      }),
    );
  });
});

describe('report.json', () => {
  it('round-trips the report, with sorted keys, byte-identical whatever the insertion order', () => {
    const r = handReport();
    const a = mkdtempSync(join(tmpdir(), 'lorakit-rep-'));
    const b = mkdtempSync(join(tmpdir(), 'lorakit-rep-'));
    dirs.push(a, b);
    writeReport(r, a);
    const shuffled = JSON.parse(JSON.stringify(r), function (this: unknown, _k: string, v: unknown) {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
      return Object.fromEntries(Object.entries(v).reverse());
    }) as SimReport;
    writeReport(shuffled, b);
    const ja = readFileSync(join(a, 'report.json'), 'utf8');
    expect(readFileSync(join(b, 'report.json'), 'utf8')).toBe(ja);
    expect(JSON.parse(ja)).toEqual(r);
    const sortedDeep = (v: unknown): boolean =>
      v === null || typeof v !== 'object'
        ? true
        : Array.isArray(v)
          ? v.every(sortedDeep)
          : Object.keys(v).every((k, i, ks) => i === 0 || ks[i - 1] < k) && Object.values(v).every(sortedDeep);
    expect(sortedDeep(JSON.parse(ja))).toBe(true);
    expect(sortedDeep(r)).toBe(false);
    expect(ja.startsWith('{\n  "fleet": {\n')).toBe(true);
  });
});

describe('HTML escaping', () => {
  it('escapes the five HTML-significant characters and nothing is lost', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const e = esc(s);
        expect(e).not.toMatch(/[<>"']/);
        expect(e.replace(/&(?!amp;|lt;|gt;|quot;|#39;)/g, '')).toBe(e);
        const back = e.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
        expect(back).toBe(s);
      }),
    );
  });

  it('escapes hostile node ids, app names, fleet names and violation details in the page', () => {
    const r = handReport();
    const evil = '<script>alert("x")</script>';
    r.fleet.name = `</title>${evil}`;
    r.nodes[0].id = evil;
    r.nodes[1].app = `"><img src=x onerror=alert(1)>`;
    r.violations[0].detail = `</td>${evil}`;
    r.gateways[0].id = "gw' onmouseover='alert(1)";
    const html = renderReportHtml(r);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toContain("gw' onmouseover");
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('gw&#39; onmouseover=&#39;alert(1)');
    // the injected "</title>" did not close anything: every closing tag has its own opening tag
    expect(html.split('</title>').length).toBe(html.split('<title>').length);
    expect(html).toContain('&lt;/title&gt;');
  });
});
