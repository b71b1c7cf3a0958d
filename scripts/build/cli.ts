// CLI glue for `lorakit build` and `lorakit start`'s build step.
import { CliError } from '../commands/types.ts';
import { BOARD_IDS, findBoard, type BoardId } from './boards.ts';
import { BuildError, buildApps, formatSizeTable, type BundleReport } from './build.ts';

export function resolveBoards(names: string[]): BoardId[] {
  if (names.length === 1 && names[0].toLowerCase() === 'all') return [...BOARD_IDS];
  return names.map((n) => {
    const b = findBoard(n);
    if (!b) throw new CliError(`unknown board "${n}" (boards: ${BOARD_IDS.join(', ')})`, 2);
    return b.id;
  });
}

export async function buildAll(opts: { apps: string[]; boards: BoardId[]; maxShare: number; minify?: boolean; out?: string }): Promise<BundleReport[]> {
  const reports: BundleReport[] = [];
  for (const board of opts.boards) {
    try {
      reports.push(...(await buildApps({ apps: opts.apps, board, maxShare: opts.maxShare, minify: opts.minify, outDir: opts.out })));
    } catch (err) {
      if (err instanceof BuildError) throw new CliError(`build failed for ${board}: ${err.message}`);
      throw err;
    }
  }
  return reports;
}

/** Returns false when a bundle is over budget (the table is still printed). */
export async function runBuild(opts: { apps: string[]; boards: string[]; maxShare: string; minify: boolean; out?: string; json: boolean }): Promise<boolean> {
  const maxShare = Number(opts.maxShare);
  if (!(maxShare > 0 && maxShare <= 1)) throw new CliError(`--max-share must be a fraction in (0, 1], got "${opts.maxShare}"`, 2);
  const reports = await buildAll({ apps: opts.apps, boards: resolveBoards(opts.boards), maxShare, minify: opts.minify, out: opts.out });
  if (opts.json) process.stdout.write(JSON.stringify(reports, null, 2) + '\n');
  else process.stdout.write(formatSizeTable(reports) + '\n');
  const over = reports.filter((r) => !r.ok);
  if (over.length > 0) {
    process.stderr.write(`lorakit: ${over.map((r) => `${r.app}.${r.board}`).join(', ')} over the ${Math.round(maxShare * 100)}% JsVar budget\n`);
    return false;
  }
  return true;
}
