// `lorakit decode-stream`: option checking, signal handling and the stats line
// around the service (service.ts). Resolves to the exit code once drained.
import { CliError } from '../commands/types.ts';
import { appNames, findApp } from '../../codecs/index.ts';
import { startDecodeStream, statsLine } from './service.ts';
import type { StreamFormat } from './parse.ts';

export interface DecodeStreamCliOptions {
  mqtt: string;
  topic: string[];
  app: string;
  outTopic?: string;
  format: string;
  qos: string;
  clientId?: string;
  statsInterval: string;
}

export async function runDecodeStream(o: DecodeStreamCliOptions): Promise<number> {
  const app = findApp(o.app);
  if (!app) throw new CliError(`unknown app "${o.app}" (apps: ${appNames().join(', ')})`);
  if (!/^(mqtts?|wss?|tcp):\/\//.test(o.mqtt)) throw new CliError(`--mqtt must be a broker URL such as mqtt://127.0.0.1:1883 (got "${o.mqtt}")`);
  if (!['chirpstack', 'ttn', 'auto'].includes(o.format)) throw new CliError(`--format must be chirpstack, ttn or auto (got "${o.format}")`);
  if (o.qos !== '0' && o.qos !== '1') throw new CliError(`--qos must be 0 or 1 (got "${o.qos}")`);
  const every = Number(o.statsInterval);
  if (!(every >= 0)) throw new CliError(`--stats-interval must be seconds >= 0 (got "${o.statsInterval}")`);
  const log = (l: string): void => void process.stderr.write(l + '\n');
  const svc = startDecodeStream({
    url: o.mqtt,
    topics: o.topic,
    app,
    format: o.format as StreamFormat,
    qos: Number(o.qos) as 0 | 1,
    statsIntervalMs: every * 1000,
    log,
    ...(o.outTopic ? { outTopic: o.outTopic } : {}),
    ...(o.clientId ? { clientId: o.clientId } : {}),
  });
  let stop: () => void = () => undefined;
  const stopped = new Promise<void>((r) => (stop = r));
  const onSignal = (): void => stop();
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  try {
    await Promise.race([svc.ready, stopped]);
  } catch (e) {
    await svc.stop(1000);
    throw new CliError((e as Error).message);
  }
  log(`decode-stream: subscribed to ${o.topic.join(', ')} on ${o.mqtt} (app ${o.app})${o.outTopic ? `, publishing to ${o.outTopic}` : ''}`);
  await stopped;
  process.off('SIGTERM', onSignal);
  process.off('SIGINT', onSignal);
  const s = await svc.stop();
  log(statsLine(s));
  return 0;
}
