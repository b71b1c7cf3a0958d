// `lorakit selftest`: writes (and optionally flashes and runs) the self-test bundle.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CliError } from '../commands/types.ts';
import { BOARD_IDS, findBoard, type BoardProfile } from '../build/boards.ts';
import { BuildError, buildCode } from '../build/build.ts';
import { ROOT } from '../build/bundle.ts';
import { runEspruinoCli } from '../flash/espruino-cli.ts';

export const SELFTEST_ENTRY = join(ROOT, 'firmware', 'selftest', 'main.ts');

export async function buildSelftest(board: BoardProfile, minify = true): Promise<string> {
  try {
    const code = await buildCode('selftest', board, { entryFile: SELFTEST_ENTRY, minify });
    return `// lorakit selftest for ${board.id}: prints PASS/FAIL lines, then SELFTEST <passed>/<total>\n${code}`;
  } catch (err) {
    if (err instanceof BuildError) throw new CliError(`selftest build failed: ${err.message.split('\n')[0]}`);
    throw err;
  }
}

export interface SelftestOptions {
  board: string;
  out: string;
  port?: string;
  baud?: number;
  /** Seconds to listen for results after upload. */
  timeout?: number;
}

/** Returns true unless a flashed board reported a failure (or no result line). */
export async function runSelftestCommand(opts: SelftestOptions, print: (line: string) => void): Promise<boolean> {
  const board = findBoard(opts.board);
  if (!board) throw new CliError(`unknown board "${opts.board}" (boards: ${BOARD_IDS.join(', ')})`, 2);
  const code = await buildSelftest(board);
  mkdirSync(dirname(opts.out), { recursive: true });
  writeFileSync(opts.out, code);
  print(`wrote ${opts.out} (${code.length} bytes)`);
  if (!opts.port) return true;
  let result: string | undefined;
  await runEspruinoCli({
    board,
    bundleFile: opts.out,
    port: opts.port,
    baud: opts.baud,
    listenSeconds: opts.timeout ?? 20,
    onLine(line) {
      const l = line.replace(/^>/, '').trim();
      if (/^(PASS|FAIL|SELFTEST) /.test(l)) print(l);
      if (l.startsWith('SELFTEST ')) result = l;
    },
  });
  if (!result) throw new CliError(`no SELFTEST line from the board within ${opts.timeout ?? 20} s`);
  const [passed, total] = result.slice(9).split('/').map(Number);
  return passed === total;
}
