import type { CommandModule } from './types.ts';

const collect = (v: string, prev: string[]): string[] => prev.concat([v]);

export const command: CommandModule = {
  name: 'decode-stream',
  register(program, setExit) {
    program
      .command('decode-stream')
      .description('live decoder: subscribe to network-server uplink events on MQTT, decode with an app codec, publish the TS013 result (or print JSON lines)')
      .requiredOption('--mqtt <url>', 'broker URL, e.g. mqtt://127.0.0.1:1883')
      .option('--topic <pattern>', 'topic to subscribe to (repeatable); ChirpStack: application/+/device/+/event/up, TTS: v3/+/devices/+/up', collect, [] as string[])
      .requiredOption('--app <app>', 'application schema (codecs/apps), e.g. env-monitor')
      .option('--out-topic <topic>', 'publish results here ({devEui}, {deviceId}, {app} are filled in); default: JSON lines on stdout')
      .option('--format <f>', 'chirpstack | ttn | auto', 'auto')
      .option('--qos <n>', 'QoS of the subscription and the results', '1')
      .option('--client-id <id>', 'persistent broker session under this id (events while disconnected are kept)')
      .option('--stats-interval <s>', 'seconds between stats lines on stderr (0: only at exit)', '60')
      .action(async (opts: { mqtt: string; topic: string[]; app: string; outTopic?: string; format: string; qos: string; clientId?: string; statsInterval: string }) => {
        const { runDecodeStream } = await import('../decode-stream/cli.ts');
        const topic = opts.topic.length ? opts.topic : ['application/+/device/+/event/up'];
        setExit(await runDecodeStream({ ...opts, topic }));
      });
  },
};
