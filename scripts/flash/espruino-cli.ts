// Drives the espruino CLI (npm package `espruino`) entirely offline: a board JSON
// written by us instead of one downloaded from espruino.com, an empty local
// module directory instead of the online module URL (lorakit bundles require
// nothing but built-ins), the espruino minifier and pretokeniser off (our bundle
// is already minified and verified; its `-m` mangling breaks classes).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliError } from '../commands/types.ts';
import type { BoardProfile } from '../build/boards.ts';

/** Espruino firmware version the bundles are checked against (ESPRUINO.md was measured on it). */
export const ESPRUINO_VERSION = '2v29';
export const BUILTIN_MODULES = ['Storage', 'crypto', 'heatshrink', 'Flash'];

export function espruinoCliPath(): string {
  const require = createRequire(import.meta.url);
  return require.resolve('espruino/bin/espruino-cli.js');
}

export interface EspruinoRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface UploadOptions {
  board: BoardProfile;
  bundleFile: string;
  /** Serial port, or undefined for a dry run. */
  port?: string;
  baud?: number;
  /** Writes exactly what would be sent to this file. */
  outFile?: string;
  /** Keep the connection open this many seconds after upload, streaming output. */
  listenSeconds?: number;
  onLine?: (line: string) => void;
}

export function boardJson(board: BoardProfile): string {
  return JSON.stringify({
    info: { name: board.espruinoBoard, binary_version: ESPRUINO_VERSION, builtin_modules: BUILTIN_MODULES },
    BOARD: board.espruinoBoard,
  });
}

export function uploadArgs(opts: UploadOptions, tmp: string): string[] {
  const args = [
    '--no-ble',
    '--board', join(tmp, 'board.json'),
    '--config', `MODULE_URL=${join(tmp, 'modules')}`,
    '--config', 'MODULE_EXTENSIONS=.js',
    '--config', 'MINIFICATION_LEVEL=',
    '--config', 'MODULE_MINIFICATION_LEVEL=',
    '--config', 'PRETOKENISE=0',
    '--config', 'COMPILATION=false',
    '--config', 'SET_TIME_ON_WRITE=false',
    // the bundle becomes Storage's .bootcde: it runs at every boot, so it survives a reboot
    '--storage', '.bootcde:-',
  ];
  if (opts.outFile) args.push('-o', opts.outFile);
  if (opts.port) {
    args.push('-p', opts.port);
    if (opts.baud) args.push('-b', String(opts.baud));
    if (opts.listenSeconds) args.push('--sleep', String(opts.listenSeconds));
  } else args.push('-n');
  args.push(opts.bundleFile);
  return args;
}

/** Ports are checked before the CLI runs: it reports a missing port and still exits 0. */
export function checkPort(port: string): void {
  const looksLikePath = port.startsWith('/') || port.startsWith('.');
  if (looksLikePath && !existsSync(port)) throw new CliError(`serial port ${port} does not exist (is the board plugged in? try --port /dev/ttyACM0)`);
}

export async function runEspruinoCli(opts: UploadOptions): Promise<EspruinoRun> {
  if (opts.port) checkPort(opts.port);
  const tmp = mkdtempSync(join(tmpdir(), 'lorakit-flash-'));
  try {
    writeFileSync(join(tmp, 'board.json'), boardJson(opts.board));
    const child = spawn(process.execPath, [espruinoCliPath(), ...uploadArgs(opts, tmp)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let partial = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      stdout += d;
      partial += d;
      const lines = partial.split(/\r?\n/);
      partial = lines.pop() ?? '';
      for (const l of lines) opts.onLine?.(l);
    });
    child.stderr.on('data', (d: string) => (stderr += d));
    const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)));
    if (partial) opts.onLine?.(partial);
    const failure = /Unable to connect|Port "[^"]*" not found|Error: /.exec(stdout + stderr);
    if (failure) {
      const line = (stdout + stderr).split(/\r?\n/).find((l) => /not found|Unable to connect|Error: /.test(l)) ?? failure[0];
      throw new CliError(`espruino: ${line.trim()}`);
    }
    if (code !== 0) throw new CliError(`espruino CLI exited with code ${code}: ${(stderr || stdout).trim().split(/\r?\n/).pop() ?? ''}`);
    return { code, stdout, stderr };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
