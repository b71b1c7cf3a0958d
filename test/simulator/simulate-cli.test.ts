import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { decodeMultiple } from 'cbor-x';

const CLI = join(import.meta.dirname, '../../scripts/lorakit.mjs');
const FLEET = join(import.meta.dirname, '../fixtures/small-fleet.yaml');

async function lorakit(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await promisify(execFile)(process.execPath, [CLI, ...args], { timeout: 240_000, maxBuffer: 1 << 24 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

const tmp = () => mkdtempSync(join(tmpdir(), 'lk-sim-'));

describe('lorakit simulate', () => {
  it('is deterministic: the same seed gives byte-identical uplink logs, another seed does not', async () => {
    const [a, b, c] = [tmp(), tmp(), tmp()];
    const ra = await lorakit(['simulate', FLEET, '--out', a, '--cbor', '--json']);
    expect(ra.stderr).toBe('');
    expect(ra.code).toBe(0);
    const rb = await lorakit(['simulate', FLEET, '--out', b, '--json']);
    expect(rb.code).toBe(0);
    const rc = await lorakit(['simulate', FLEET, '--out', c, '--seed', '43', '--json']);
    expect(rc.code).toBe(0);
    const log = (d: string) => readFileSync(join(d, 'uplinks.jsonl'), 'utf8');
    expect(log(a).split('\n').length).toBeGreaterThan(200);
    expect(log(a)).toBe(log(b));
    expect(log(a)).not.toBe(log(c));
    // the CBOR sequence carries the same records
    const cbor: unknown[] = [];
    decodeMultiple(readFileSync(join(a, 'uplinks.cbor')), (v: unknown) => {
      cbor.push(v);
    });
    expect(cbor.length).toBe(log(a).trim().split('\n').length);
    // every decoded uplink decoded cleanly, and the summary says what the report says
    for (const line of log(a).trim().split('\n')) expect(JSON.parse(line).errors).toEqual([]);
    const summary = JSON.parse(ra.stdout);
    const report = JSON.parse(readFileSync(join(a, 'report.json'), 'utf8'));
    expect(summary.summary).toEqual(report.summary);
    expect(report.summary.uplinksDelivered).toBe(log(a).trim().split('\n').length);
    expect(report.summary.violationCount).toBe(0);
    expect(report.nodes).toHaveLength(12);
  }, 300_000);

  it('evaluates --assert: a failing assertion exits 1 with one line each; a passing one exits 0', async () => {
    const out = tmp();
    const ok = await lorakit(['simulate', FLEET, '--out', out, '--duration', '2h', '--json', '--assert', 'delivery>=0.5', 'violations==0']);
    expect(ok.code).toBe(0);
    const bad = await lorakit(['simulate', FLEET, '--out', out, '--duration', '2h', '--json', '--assert', 'delivery>1', 'collisions<0']);
    expect(bad.code).toBe(1);
    const lines = bad.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^lorakit: assertion failed: delivery>1 \(actual [0-9.]+\)$/);
  }, 300_000);

  it('catches a fleet that breaks its duty cycle (firmware ledger off) and exits 1', async () => {
    const out = tmp();
    const r = await lorakit(['simulate', join(import.meta.dirname, '../../simulator/fleets/dutycycle-breaker.yaml'), '--out', out, '--duration', '1h', '--json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/rule violation\(s\) in the transmission log/);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    const kinds = new Set(report.violations.map((v: { kind: string }) => v.kind));
    expect([...kinds]).toEqual(['duty-cycle']);
    const m = report.summary.dutyCycle.find((b: { band: string }) => b.band.startsWith('M '));
    expect(m.worstShare).toBeGreaterThan(0.01);
    expect(m.headroom).toBeLessThan(0);
  }, 300_000);

  it('bad input exits 2 with one readable line naming the problem', async () => {
    const dir = tmp();
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, readFileSync(FLEET, 'utf8').replace('radius: 900', 'radius: -5'));
    const r1 = await lorakit(['simulate', broken, '--out', dir]);
    expect(r1.code).toBe(2);
    expect(r1.stderr.trim().split('\n')).toHaveLength(1);
    expect(r1.stderr).toContain('groups[0].placement.random.radius');
    const r2 = await lorakit(['simulate', FLEET, '--assert', 'speed>3']);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/unknown metric "speed"/);
    const r3 = await lorakit(['simulate', join(dir, 'missing.yaml')]);
    expect(r3.code).toBe(2);
    expect(r3.stderr.trim().split('\n')).toHaveLength(1);
  }, 120_000);
});
