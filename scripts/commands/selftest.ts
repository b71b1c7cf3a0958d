import type { CommandModule } from './types.ts';

export const command: CommandModule = {
  name: 'selftest',
  register(program, setExit) {
    program
      .command('selftest')
      .description('write a bundle that runs the device-side checks on a board and prints PASS/FAIL lines')
      .requiredOption('-b, --board <board>', 'PICO, WIFI, ORIGINAL, MDBT42Q, PUCKJS or PIXLJS')
      .requiredOption('-o, --out <file>', 'where to write the bundle')
      .option('-p, --port <port>', 'also flash it to the board on this port and stream the results back')
      .option('--baud <n>', 'serial baud rate', (v) => Number(v))
      .option('--timeout <seconds>', 'how long to wait for the results', (v) => Number(v), 20)
      .action(async (opts: { board: string; out: string; port?: string; baud?: number; timeout: number }) => {
        const { runSelftestCommand } = await import('../selftest/selftest.ts');
        const ok = await runSelftestCommand(opts, (l) => process.stdout.write(l + '\n'));
        if (!ok) setExit(1);
      });
  },
};
