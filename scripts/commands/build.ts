import { CliError, type CommandModule } from './types.ts';

export function parseBoards(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

export const command: CommandModule = {
  name: 'build',
  register(program, setExit) {
    program
      .command('build')
      .description('bundle, lower and verify firmware apps into dist/firmware/<app>.<board>.js')
      .argument('[apps...]', 'apps under firmware/apps (default: every app)')
      .option('-b, --board <boards>', 'board(s): PICO, WIFI, ORIGINAL, MDBT42Q, PUCKJS, PIXLJS, comma-separated, or "all"', 'PICO')
      .option('--max-share <fraction>', 'fail when a bundle needs more than this share of the board JsVars', '0.6')
      .option('--no-minify', 'keep whitespace and names (debugging)')
      .option('--out <dir>', 'output directory (default dist/firmware)')
      .option('--json', 'print the size report as JSON')
      .action(async (apps: string[], opts: { board: string; maxShare: string; minify: boolean; out?: string; json?: boolean }) => {
        const { runBuild } = await import('../build/cli.ts');
        const ok = await runBuild({ apps, boards: parseBoards(opts.board), maxShare: opts.maxShare, minify: opts.minify, out: opts.out, json: !!opts.json });
        if (!ok) setExit(1);
      });
  },
};
export { CliError };
