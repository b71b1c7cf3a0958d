// `lorakit flash <app> --board B --port P`: build, verify, upload with the espruino CLI.
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliError } from '../commands/types.ts';
import { findBoard, BOARD_IDS } from '../build/boards.ts';
import { bundleHeader, buildCode, BuildError } from '../build/build.ts';
import { listApps } from '../build/bundle.ts';
import { runEspruinoCli } from './espruino-cli.ts';

export interface FlashOptions {
  app: string;
  board: string;
  port?: string;
  baud?: number;
  dryRun?: boolean;
  out?: string;
}

export async function flashApp(opts: FlashOptions): Promise<string> {
  const board = findBoard(opts.board);
  if (!board) throw new CliError(`unknown board "${opts.board}" (boards: ${BOARD_IDS.join(', ')})`, 2);
  if (!listApps().includes(opts.app)) throw new CliError(`unknown app "${opts.app}" (apps: ${listApps().join(', ')})`, 2);
  if (!opts.dryRun && !opts.port) throw new CliError('--port is required (or --dry-run --out <file>)', 2);
  if (opts.dryRun && !opts.out) throw new CliError('--dry-run needs --out <file>', 2);
  let code: string;
  try {
    code = bundleHeader(opts.app, board) + (await buildCode(opts.app, board));
  } catch (err) {
    if (err instanceof BuildError) throw new CliError(`build failed: ${err.message.split('\n')[0]}`);
    throw err;
  }
  const tmp = mkdtempSync(join(tmpdir(), 'lorakit-bundle-'));
  try {
    const bundleFile = join(tmp, `${opts.app}.${board.id}.js`);
    writeFileSync(bundleFile, code);
    await runEspruinoCli({ board, bundleFile, port: opts.dryRun ? undefined : opts.port, baud: opts.baud, outFile: opts.out });
    return opts.dryRun
      ? `wrote ${opts.out} (${code.length} bytes of ${opts.app} for ${board.id}, as Storage .bootcde)`
      : `flashed ${opts.app} to ${board.id} on ${opts.port} (${code.length} bytes, Storage .bootcde)`;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
