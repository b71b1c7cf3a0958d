import type { CommandModule } from './types.ts';

export const command: CommandModule = {
  name: 'start',
  register(program, setExit) {
    program
      .command('start')
      .description('the main job (npm start): build every firmware app for every board, then simulate the default municipal fleet')
      .option('-o, --out <dir>', 'report directory', 'out/simulate')
      .action(async (opts: { out: string }) => {
        const { runBuild } = await import('../build/cli.ts');
        process.stdout.write('== firmware: every app for every board (JsVars: estimate at load, see README)\n');
        // a bundle over budget on a board no fleet uses is reported, not fatal here
        await runBuild({ apps: [], boards: ['all'], maxShare: '0.6', minify: true, json: false });
        process.stdout.write('\n== simulation: simulator/fleets/default.yaml\n');
        const { runSimulateCommand } = await import('../simulate/simulate.ts');
        setExit(await runSimulateCommand('simulator/fleets/default.yaml', { out: opts.out }));
      });
  },
};
