import type { CommandModule } from './types.ts';

export const command: CommandModule = {
  name: 'start',
  register(program, setExit) {
    program
      .command('start')
      .description('the main job (npm start): build every firmware app for every board and print the size table')
      .action(async () => {
        const { runBuild } = await import('../build/cli.ts');
        const ok = await runBuild({ apps: [], boards: ['all'], maxShare: '0.6', minify: true, json: false });
        if (!ok) setExit(1);
      });
  },
};
