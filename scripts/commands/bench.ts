import { CliError, type CommandModule } from './types.ts';

export const command: CommandModule = {
  name: 'bench',
  register(program) {
    program
      .command('bench')
      .description('run benchmarks (all suites, or the named ones) and print tables with the machine they ran on')
      .argument('[suite...]', 'suite names, e.g. codecs')
      .option('--quick', 'short warm-up and rounds (smoke run; numbers are rough)')
      .option('--list', 'list the suites and exit')
      .action(async (names: string[], opts: { quick?: boolean; list?: boolean }) => {
        const { SUITES } = await import('../bench/index.ts');
        if (opts.list) {
          for (const s of SUITES) process.stdout.write(`${s.name}\t${s.description}\n`);
          return;
        }
        const { runBench } = await import('../bench/run.ts');
        const err = await runBench(names, { quick: opts.quick === true }, (t) => process.stdout.write(`${t}\n`));
        if (err) throw new CliError(err, 2);
      });
  },
};
