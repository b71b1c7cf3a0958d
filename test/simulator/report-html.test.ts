// Opens report.html in a real headless Chromium (Debian's /usr/bin/chromium through
// playwright-core): no console errors, no requests beyond the file itself, every plot
// drew one mark per datum, and a full-page screenshot that is a real picture.

import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticReport } from '../../simulator/report/synthetic.ts';
import type { SimReport } from '../../simulator/report/types.ts';
import { writeReport } from '../../simulator/report/write.ts';
import { expandFleet, loadFleet } from '../../simulator/fleet/index.ts';
import { runFleet } from '../../simulator/run/fleet.ts';
import { buildReport } from '../../simulator/run/report.ts';
import { estimateBatteryDays } from '../../simulator/run/battery.ts';
import { audit } from '../../simulator/audit/index.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'];
const EVIL_ID = '<script>window.__pwned = 1</script>';

let work = '';
let context: BrowserContext | undefined;
let launchError: Error | undefined;

// A missing browser fails every test (with this message), never skips one.
beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'lorakit-report-html-'));
  if (!existsSync(CHROMIUM)) {
    launchError = new Error(`Chromium not found at ${CHROMIUM}: the HTML report test needs a real browser (Debian: apt-get install -y chromium)`);
    return;
  }
  try {
    // a fresh user-data-dir per run
    context = await chromium.launchPersistentContext(join(work, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      viewport: { width: 1000, height: 900 },
      offline: true,
    });
  } catch (e) {
    launchError = new Error(`Chromium at ${CHROMIUM} did not start: ${(e as Error).message}`);
  }
}, 60_000);

function browser(): BrowserContext {
  if (context === undefined) throw launchError ?? new Error('browser not started');
  return context;
}

afterAll(async () => {
  await context?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

interface Loaded {
  page: Page;
  html: string;
  problems: string[];
  requests: string[];
}

/** Writes the report, opens it, records console errors, page errors and every request. */
async function open(report: SimReport, name: string): Promise<Loaded> {
  const { html } = writeReport(report, join(work, name));
  const page = await browser().newPage();
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(html).href, { waitUntil: 'load' });
  return { page, html, problems, requests };
}

/** data-marks, the number of elements with class "mark", and the SVG's rendered size. */
async function plot(page: Page, name: string): Promise<{ declared: number; marks: number; width: number; height: number }> {
  return page.$eval(`svg[data-plot="${name}"]`, (svg) => {
    const box = svg.getBoundingClientRect();
    return { declared: Number(svg.getAttribute('data-marks')), marks: svg.querySelectorAll('.mark').length, width: box.width, height: box.height };
  });
}

function report(nodes: number, buckets: number): SimReport {
  const r = syntheticReport({ seed: 2026, nodes, gateways: 5, durationMs: buckets * 900_000, bucketMs: 900_000, violations: 12 });
  r.nodes[3].id = EVIL_ID;
  r.violations[0].nodeId = EVIL_ID;
  return r;
}

describe('report.html in headless Chromium', () => {
  it('renders every plot with one mark per datum, no errors, no network, and a real screenshot', async () => {
    const r = report(300, 96);
    const { page, html, problems, requests } = await open(r, 'small');
    expect(problems).toEqual([]);
    expect(requests).toEqual([pathToFileURL(html).href]);
    expect(await page.$$eval('script', (s) => s.length)).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();

    // delivery over time: a sent and a delivered bar per bucket
    const tl = await plot(page, 'timeline');
    expect(tl.marks).toBe(2 * r.timeline.buckets.length);
    expect(tl.declared).toBe(tl.marks);
    const heights = await page.$$eval('svg[data-plot="timeline"] rect.mark', (rs) => rs.map((e) => ({ cls: e.getAttribute('class'), h: (e as SVGRectElement).getBBox().height })));
    const sentH = heights.filter((b) => b.cls === 'mark sent').map((b) => b.h);
    const delivH = heights.filter((b) => b.cls === 'mark delivered').map((b) => b.h);
    delivH.forEach((h, i) => expect(h).toBeLessThanOrEqual(sentH[i] + 0.01));
    const busiest = r.timeline.buckets.reduce((best, b, i, all) => (b.sent > all[best].sent ? i : best), 0);
    expect(sentH.indexOf(Math.max(...sentH))).toBe(busiest);

    // airtime: one bar per node, most airtime first
    const at = await plot(page, 'airtime');
    expect(at.marks).toBe(r.nodes.length);
    const atH = await page.$$eval('svg[data-plot="airtime"] rect.mark', (rs) => rs.map((e) => (e as SVGRectElement).getBBox().height));
    atH.slice(1).forEach((h, i) => expect(h).toBeLessThanOrEqual(atH[i] + 0.01));
    expect(atH[0]).toBeGreaterThan(50);

    // duty cycle: a bar per sub-band with a limit, and the limit line
    const dc = await plot(page, 'duty-cycle');
    expect(dc.marks).toBe(r.summary.dutyCycle.filter((b) => b.limit > 0).length);
    expect(await page.$$eval('svg[data-plot="duty-cycle"] line.limit', (l) => l.length)).toBe(1);

    // map: every node and gateway; hollow exactly where delivery < 90 %
    const map = await plot(page, 'map');
    expect(map.marks).toBe(r.nodes.length + r.gateways.length);
    expect(await page.$$eval('svg[data-plot="map"] circle.node', (c) => c.length)).toBe(r.nodes.length);
    expect(await page.$$eval('svg[data-plot="map"] path.gateway', (c) => c.length)).toBe(r.gateways.length);
    const hollow = r.nodes.filter((n) => n.sent === 0 || n.delivered / n.sent < 0.9).length;
    expect(hollow).toBeGreaterThan(0);
    expect(await page.$$eval('svg[data-plot="map"] circle.hollow', (c) => c.length)).toBe(hollow);

    for (const p of [tl, at, dc, map]) {
      expect(p.width).toBeGreaterThan(500);
      expect(p.height).toBeGreaterThan(150);
    }

    // tables: violations listed, the hostile id shown as text
    expect(await page.$$eval('#violations tbody tr', (t) => t.length)).toBe(r.violations.length);
    expect(await page.$eval('#violations tbody', (t) => t.textContent)).toContain(EVIL_ID);
    const ratio = `${((r.summary.uplinksDelivered / r.summary.uplinksSent) * 100).toFixed(1)} %`;
    expect(await page.$eval('#summary', (s) => s.textContent)).toContain(ratio);
    expect(readFileSync(html, 'utf8')).toContain('&lt;script&gt;window.__pwned = 1&lt;/script&gt;');

    // screenshot: a PNG of the whole page, with real content in it
    const shot = join(work, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    const png = readFileSync(shot);
    expect(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
    expect(png.toString('latin1', 12, 16)).toBe('IHDR');
    expect(png.readUInt32BE(16)).toBe(1000);
    expect(png.readUInt32BE(20)).toBeGreaterThan(2000);
    expect(statSync(shot).size).toBeGreaterThan(50_000);
    expect(await distinctColours(png)).toBeGreaterThan(20);
    await page.close();
  }, 60_000);

  it('stays readable for a large fleet: airtime histogram, merged time buckets', async () => {
    const r = report(1500, 600);
    const { page, problems, requests } = await open(r, 'large');
    expect(problems).toEqual([]);
    expect(requests).toHaveLength(1);
    const tl = await plot(page, 'timeline');
    // neighbouring buckets merged into at most 240 bars, none dropped
    expect(tl.marks).toBeLessThanOrEqual(2 * 240);
    expect(tl.marks / 2).toBe(Math.ceil(600 / Math.ceil(600 / 240)));
    const at = await plot(page, 'airtime');
    expect(at.marks).toBeLessThan(r.nodes.length);
    const counts = await page.$$eval('svg[data-plot="airtime"] rect.mark title', (t) => t.map((e) => Number((e.textContent ?? '').split(': ')[1].split(' ')[0].replace(/,/g, ''))));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(r.nodes.length);
    expect((await plot(page, 'map')).marks).toBe(r.nodes.length + r.gateways.length);
    await page.close();
  }, 60_000);

  it('renders the report of a real fleet run (the small test fleet, 6 h) with its plots and a screenshot', async () => {
    const fleet = expandFleet(loadFleet(join(import.meta.dirname, '../fixtures/small-fleet.yaml')));
    const run = await runFleet({ fleet });
    const result = audit(run.txs, run.downlinks, { region: fleet.region, fairUse: null, joinBackoff: true });
    const r = buildReport(fleet, run, result, estimateBatteryDays(fleet, run));
    const { page, problems } = await open(r, 'fleet-run');
    expect(problems).toEqual([]);
    expect((await plot(page, 'timeline')).marks).toBe(2 * r.timeline.buckets.length);
    expect((await plot(page, 'airtime')).marks).toBe(r.nodes.length);
    expect((await plot(page, 'map')).marks).toBe(r.nodes.length + r.gateways.length);
    const shot = await page.screenshot({ fullPage: true });
    expect(shot.subarray(1, 4).toString()).toBe('PNG');
    expect(await distinctColours(shot)).toBeGreaterThan(20);
    await page.close();
  }, 180_000);
});

/** Distinct colours in a PNG, counted by the browser itself (decoded into a canvas). */
async function distinctColours(png: Buffer): Promise<number> {
  const page = await browser().newPage();
  try {
    return await page.evaluate(async (b64) => {
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.naturalWidth;
      c.height = img.naturalHeight;
      const g = c.getContext('2d');
      if (!g) return 0;
      g.drawImage(img, 0, 0);
      const d = g.getImageData(0, 0, c.width, c.height).data;
      const seen = new Set<number>();
      for (let i = 0; i < d.length; i += 4 * 7) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
      return seen.size;
    }, png.toString('base64'));
  } finally {
    await page.close();
  }
}
