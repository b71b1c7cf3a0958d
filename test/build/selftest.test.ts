import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BOARDS } from '../../scripts/build/boards.ts';
import { checkSource } from '../../scripts/check/profile.ts';
import { runSuites } from '../../firmware/selftest/runner.ts';
import { selftestSuites } from '../../firmware/selftest/suites.ts';
import type { Hal } from '../../firmware/hal.ts';
import { runOnVirtualBoard } from './helpers.ts';
import { crc32 } from '../../simulator/hardware/crc32.ts';

const CLI = join(import.meta.dirname, '../../scripts/lorakit.mjs');

describe('lorakit selftest', () => {
  it('writes a bundle that passes the profile check and, run like a board, prints PASS lines and SELFTEST n/n', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'lk-st-')), 'selftest.js');
    await promisify(execFile)(process.execPath, [CLI, 'selftest', '--board', 'PICO', '--out', out], { timeout: 120_000 });
    const code = readFileSync(out, 'utf8');
    expect(checkSource(code)).toEqual([]);
    const run = runOnVirtualBoard(code, BOARDS.PICO, 5000);
    const last = run.lines[run.lines.length - 1];
    expect(last).toMatch(/^SELFTEST (\d+)\/\1$/);
    const total = Number(last.split('/')[1]);
    expect(total).toBeGreaterThan(4);
    expect(run.lines.filter((l) => l.startsWith('PASS '))).toHaveLength(total);

    // Node runs the same suites from source and must print the same lines
    const lines: string[] = [];
    const hal = { crc32, log: (l: string) => lines.push(l) } as unknown as Hal;
    runSuites(selftestSuites(hal), (l) => lines.push(l));
    expect(run.lines).toEqual(lines);
  }, 120_000);

  it('reports a failing check as FAIL and a short count', () => {
    const lines: string[] = [];
    const r = runSuites(
      [
        { name: 'a', run: (report) => (report('a.ok', true, ''), report('a.bad', false, 'got 3')) },
        { name: 'b', run: () => { throw new Error('boom'); } },
      ],
      (l) => lines.push(l),
    );
    expect(r).toEqual({ passed: 1, total: 3 });
    expect(lines).toEqual(['PASS a.ok', 'FAIL a.bad got 3', 'FAIL b (exception) Error: boom', 'SELFTEST 1/3']);
  });
});
