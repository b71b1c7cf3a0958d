// The CLI as operators and scripts use it: real processes, exit codes, one-line errors.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../../scripts/lorakit.mjs', import.meta.url));

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('lorakit decode / encode / codec', { timeout: 60000 }, () => {
  it('decode --hex and --base64 print the TS013 result', () => {
    const a = run('decode', '--app', 'env-monitor', '--fport', '2', '--hex', '2656f3f49c40');
    expect(a.code).toBe(0);
    expect(JSON.parse(a.out)).toEqual({ data: { temperature: 21.3, humidity: 55.5, battery: 3012, counter: 40000 }, warnings: [], errors: [] });
    const b = run('decode', '--app', 'env-monitor', '--fport', '2', '--base64', Buffer.from('2656f3f49c40', 'hex').toString('base64'));
    expect(JSON.parse(b.out)).toEqual(JSON.parse(a.out));
  });

  it('encode prints hex; a batch takes an array and --interval', () => {
    const a = run('encode', '--app', 'env-monitor', '--fport', '2', '--json', '{"temperature":21.3,"humidity":55.5,"battery":3012,"counter":40000}');
    expect([a.code, a.out.trim()]).toEqual([0, '2656f3f49c40']);
    const b = run('encode', '--app', 'soil-moisture', '--fport', '2', '--interval', '600', '--json', '[{"moisture":30},{"moisture":29.5}]');
    expect(b.code).toBe(0);
    const d = run('decode', '--app', 'soil-moisture', '--fport', '2', '--hex', b.out.trim());
    expect(JSON.parse(d.out).data.samples).toEqual([
      { ageSeconds: 600, moisture: 30 },
      { ageSeconds: 0, moisture: 29.5 },
    ]);
  });

  it.each([
    [['decode', '--app', 'env-monitor', '--fport', '2', '--hex', 'zz'], /--hex is not whole hex bytes/],
    [['decode', '--app', 'nope', '--fport', '2', '--hex', '00'], /unknown app "nope"/],
    [['decode', '--app', 'env-monitor', '--fport', '2', '--hex', '2656'], /payload too short/],
    [['decode', '--app', 'env-monitor', '--fport', 'x', '--hex', '00'], /--fport must be/],
    [['encode', '--app', 'env-monitor', '--fport', '2', '--json', '{oops'], /--json is not valid JSON/],
    [['encode', '--app', 'env-monitor', '--fport', '2', '--json', '{"temp":1}'], /unknown field "temp"/],
    [['encode', '--app', 'env-monitor', '--fport', '9', '--json', '{}'], /no payload on fPort 9/],
    [['encode', '--app', 'env-monitor', '--downlink', '--json', '{"command":"setInterval","interval":5}'], /out of range/],
  ])('bad input %j: one readable line, exit 1', (args, msg) => {
    const r = run(...(args as string[]));
    expect(r.code).toBe(1);
    const lines = r.err.trim().split('\n');
    expect(lines.length).toBe(1);
    expect(lines[0]).toMatch(/^lorakit: /);
    expect(lines[0]).toMatch(msg);
  });

  it('codec describe --json lists fPort, version and every field with unit, min, max, resolution', () => {
    const r = run('codec', 'describe', 'env-monitor', '--json');
    expect(r.code).toBe(0);
    const d = JSON.parse(r.out);
    const v2 = d.uplinks.find((u: { fPort: number }) => u.fPort === 2);
    expect(v2).toMatchObject({ version: 2, batchFPort: 3 });
    expect(v2.fields[0]).toMatchObject({ name: 'temperature', unit: 'degC', min: -40, max: 85, resolution: 0.1, bits: 11 });
    expect(d.uplinks.map((u: { fPort: number; version: number }) => [u.fPort, u.version])).toEqual([
      [1, 1],
      [2, 2],
    ]);
  });

  it('codec export writes the codec and codec.yaml', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lorakit-cli-'));
    const r = run('codec', 'export', 'bin-level', '--out', dir);
    expect(r.code).toBe(0);
    expect(r.out.trim().split('\n')).toEqual([join(dir, 'bin-level.js'), join(dir, 'bin-level.codec.yaml')]);
    expect(readFileSync(join(dir, 'bin-level.js'), 'utf8')).toMatch(/^function decodeUplink\(input\)/m);
  });
});
