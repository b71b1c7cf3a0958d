import { type CommandModule } from './types.ts';

export const command: CommandModule = {
  name: 'encode',
  register(program) {
    program
      .command('encode')
      .description('encode readings with an app schema and print the payload as hex')
      .requiredOption('--app <app>', 'application schema (codecs/apps), e.g. env-monitor')
      .option('--fport <n>', 'uplink fPort (the payload version)')
      .requiredOption('--json <json>', 'readings object; an array of them (oldest first) makes a batch; with --downlink a command')
      .option('--ages <s,s,...>', 'batch: age of each sample in seconds when sent')
      .option('--interval <s>', 'batch: samples every <s> seconds, the newest just taken')
      .option('--downlink', 'encode a downlink command, e.g. {"command":"setInterval","interval":900}')
      .action(async (opts: { app: string; fport?: string; json: string; ages?: string; interval?: string; downlink?: boolean }) => {
        const { runEncode } = await import('../codec/cli-impl.ts');
        const out = runEncode(opts);
        for (const line of out.stderr) process.stderr.write(`lorakit: ${line}\n`);
        process.stdout.write(out.stdout + '\n');
      });
  },
};
