import type { CommandModule } from './types.ts';

export const command: CommandModule = {
  name: 'airtime',
  register(program, setExit) {
    program
      .command('airtime')
      .description('LoRa/FSK time on air (ms): --sf/--bw/--bytes, or --region/--dr/--payload with sub-band off-times')
      .option('--sf <n>', 'spreading factor 6..12')
      .option('--bw <kHz>', 'bandwidth in kHz (with --sf)', '125')
      .option('--bytes <n>', 'PHY payload bytes (with --sf)')
      .option('--cr <n>', 'coding rate 1..4 or 4/5..4/8', '1')
      .option('--preamble <n>', 'preamble symbols', '8')
      .option('--ldro <mode>', 'low-data-rate optimisation: auto, on or off', 'auto')
      .option('--no-crc', 'payload CRC off (LoRaWAN downlinks)')
      .option('--implicit', 'implicit header')
      .option('--region <name>', 'region: EU868, US915, AU915, AS923-1..4, IN865, KR920')
      .option('--dr <n>', 'data rate index (with --region)')
      .option('--payload <n>', 'application payload bytes (with --region)')
      .option('--fopts <n>', 'FOpts bytes (with --region)', '0')
      .option('--dwell <on|off>', 'uplink dwell time (with --region; default: the region default)')
      .option('--json', 'print JSON')
      .action(async (opts: Record<string, string | boolean | undefined>) => {
        const { runAirtime } = await import('../lorawan/airtime.ts');
        process.stdout.write(runAirtime(opts));
        setExit(0);
      });
  },
};
