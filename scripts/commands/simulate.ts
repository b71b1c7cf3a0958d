import type { CommandModule } from './types.ts';

export const command: CommandModule = {
  name: 'simulate',
  register(program, setExit) {
    program
      .command('simulate')
      .description('run a fleet of simulated nodes (the real firmware bundles) and report delivery, budgets and battery life')
      .argument('[fleet]', 'fleet file (YAML or JSON)', 'simulator/fleets/default.yaml')
      .option('--devices <n>', 'scale the fleet to n nodes (group shares kept)')
      .option('--duration <d>', 'simulated time, e.g. 24h, 7d, 90m')
      .option('--seed <s>', 'seed (number or text); same seed, same bytes')
      .option('-o, --out <dir>', 'where report.json, report.html and uplinks.jsonl go', 'out/simulate')
      .option('--cbor', 'also write uplinks.cbor (an RFC 8742 CBOR sequence)')
      .option('--json', 'print the summary as JSON (no progress bar)')
      .option('--mqtt <url>', 'also publish every decoded uplink to this MQTT broker (QoS 1), e.g. mqtt://127.0.0.1:1883')
      .option('--udp <host:port>', 'use a real network server instead of the simulated one: each fleet gateway becomes a Semtech UDP packet forwarder to host:port; virtual time follows the wall clock')
      .option('--speed <x>', 'with --udp: virtual seconds per wall second (the server must keep up)', '1')
      .option('--mqtt-prefix <topic>', 'topic prefix for --mqtt: <prefix>/<app>/<devEui>/up', 'lorakit')
      .option('--assert <check...>', "fail (exit 1) unless each holds, e.g. --assert 'delivery>=0.9' 'violations==0'")
      .action(async (fleet: string, opts: SimulateCliOptions) => {
        const { runSimulateCommand } = await import('../simulate/simulate.ts');
        setExit(await runSimulateCommand(fleet, opts));
      });
  },
};

export interface SimulateCliOptions {
  devices?: string;
  duration?: string;
  seed?: string;
  out: string;
  cbor?: boolean;
  json?: boolean;
  mqtt?: string;
  mqttPrefix?: string;
  udp?: string;
  speed?: string;
  assert?: string[];
}
