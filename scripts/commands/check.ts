import type { CommandModule } from './types.ts';

export const command: CommandModule = {
  name: 'check',
  register(program, setExit) {
    program
      .command('check')
      .description('check JavaScript files against the Espruino syntax profile (docs/CHECK.md)')
      .argument('<files...>', 'JavaScript files, e.g. dist/firmware/*.js')
      .action(async (files: string[]) => {
        const { runCheck } = await import('../check/run.ts');
        setExit(await runCheck(files));
      });
  },
};
