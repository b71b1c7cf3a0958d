import { type CommandModule } from './types.ts';

export const command: CommandModule = {
  name: 'decode',
  register(program, setExit) {
    program
      .command('decode')
      .description('decode a payload with an app schema; prints the TS013 result { data, warnings, errors } as JSON')
      .requiredOption('--app <app>', 'application schema (codecs/apps), e.g. env-monitor')
      .requiredOption('--fport <n>', 'LoRaWAN fPort of the frame')
      .option('--hex <hex>', 'payload as hex')
      .option('--base64 <b64>', 'payload as base64 (as in network-server JSON)')
      .option('--recv-time <iso>', 'reception time: batch samples get absolute times')
      .option('--downlink', 'decode a downlink command frame instead of an uplink')
      .action(async (opts: { app: string; fport: string; hex?: string; base64?: string; recvTime?: string; downlink?: boolean }) => {
        const { runDecode } = await import('../codec/cli-impl.ts');
        const out = runDecode(opts);
        process.stdout.write(out.stdout + '\n');
        for (const line of out.stderr) process.stderr.write(`lorakit: ${line}\n`);
        if (out.exitCode) setExit(out.exitCode);
      });
  },
};
