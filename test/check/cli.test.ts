import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'lorakit-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

function lorakit(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['scripts/lorakit.mjs', ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('lorakit check (CLI)', () => {
  it('exits 0 with a one-line summary when every file is clean', () => {
    const a = file('a.js', 'var x = [1, 2].map(function (v) { return v * 2; });\n');
    const b = file('b.js', 'function f() { return 1; }\nf();\n');
    const r = lorakit('check', a, b);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('2 files ok\n');
  });

  it('exits 1 and prints file:line:col  construct for each finding', () => {
    const bad = file('bad.js', 'var a = 1;\nf();\nfunction f(x = 1) { return x; }\n');
    const r = lorakit('check', bad);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n').filter(Boolean)).toEqual([
      `${bad}:2:1  function used before its declaration`,
      `${bad}:3:12  default parameter`,
    ]);
    expect(r.stdout).not.toContain('ok');
  });

  it('reports a syntax error as a finding', () => {
    const broken = file('broken.js', 'var = 3;\n');
    const r = lorakit('check', broken);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`^${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1:5  syntax error: `));
  });

  it('a missing file is one readable line and exit 1, other files are still checked', () => {
    const missing = join(dir, 'nope.js');
    const good = file('good.js', 'var ok = 1;\n');
    const r = lorakit('check', missing, good);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([`lorakit: cannot read ${missing}: no such file`]);
    expect(r.stdout).toBe('');
  });
});
