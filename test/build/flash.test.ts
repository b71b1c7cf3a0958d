import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import vm from 'node:vm';
import { promisify } from 'node:util';
import { BOARDS } from '../../scripts/build/boards.ts';
import { bundleHeader, buildCode } from '../../scripts/build/build.ts';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '../../scripts/lorakit.mjs');

async function lorakit(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [CLI, ...args], { timeout: 120_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/** Replays an upload script against a fake Espruino Storage, as the board would. */
function replayUpload(script: string): { files: Record<string, string>; loaded: string[] } {
  const files: Record<string, string> = {};
  const loaded: string[] = [];
  const storage = {
    write(name: string, data: string, offset?: number, size?: number) {
      if (size !== undefined) files[name] = '\xff'.repeat(size);
      const cur = files[name] ?? '';
      const at = offset ?? 0;
      files[name] = cur.slice(0, at) + data + cur.slice(at + data.length);
      return true;
    },
  };
  vm.runInNewContext(script, { require: (m: string) => (m === 'Storage' ? storage : undefined), load: (f: string) => loaded.push(f) });
  return { files, loaded };
}

describe('lorakit flash', () => {
  it('--dry-run writes, offline, an upload that stores exactly the verified bundle as .bootcde and loads it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lk-flash-'));
    const out = join(dir, 'upload.js');
    const r = await lorakit(['flash', 'hello', '--board', 'PICO', '--dry-run', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(out);
    const script = readFileSync(out, 'latin1');
    expect(script).toContain('require("Storage").write(".bootcde"');
    const { files, loaded } = replayUpload(script);
    const expected = bundleHeader('hello', BOARDS.PICO) + (await buildCode('hello', BOARDS.PICO));
    expect(files['.bootcde']).toBe(expected);
    expect(loaded).toEqual(['.bootcde']);
  }, 120_000);

  it('a missing port is one readable error line and exit 1', async () => {
    const r = await lorakit(['flash', 'hello', '--board', 'PICO', '--port', '/dev/ttyLORAKIT-NOPE']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^lorakit: serial port \/dev\/ttyLORAKIT-NOPE does not exist/);
  });

  it('an unknown board or app is a usage error (exit 2), no port is exit 2', async () => {
    expect((await lorakit(['flash', 'hello', '--board', 'NOPE', '--port', '/dev/null'])).code).toBe(2);
    expect((await lorakit(['flash', 'nope', '--board', 'PICO', '--port', '/dev/null'])).code).toBe(2);
    const r = await lorakit(['flash', 'hello', '--board', 'PICO']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--port is required');
  });
});
