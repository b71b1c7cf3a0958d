import type { CommandModule } from './types.ts';

export const command: CommandModule = {
  name: 'flash',
  register(program) {
    program
      .command('flash')
      .description('build an app and upload it with the espruino CLI (saved as Storage .bootcde, survives reboots)')
      .argument('<app>', 'app under firmware/apps')
      .requiredOption('-b, --board <board>', 'PICO, WIFI, ORIGINAL, MDBT42Q, PUCKJS or PIXLJS')
      .option('-p, --port <port>', 'serial port of the board, e.g. /dev/ttyACM0')
      .option('--baud <n>', 'serial baud rate (USB ignores it)', (v) => Number(v))
      .option('--dry-run', 'do not connect; write what would be sent to --out')
      .option('-o, --out <file>', 'with --dry-run: the file to write')
      .action(async (app: string, opts: { board: string; port?: string; baud?: number; dryRun?: boolean; out?: string }) => {
        const { flashApp } = await import('../flash/flash.ts');
        process.stdout.write((await flashApp({ app, ...opts })) + '\n');
      });
  },
};
