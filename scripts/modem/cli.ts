// `lorakit modem`: option checking and the process lifetime around run.ts. Prints the
// device path as the first stdout line, then one JSON line per network event.
import { CliError } from '../commands/types.ts';
import { appNames, compiledApp, findApp } from '../../codecs/index.ts';
import { parseHostPort, startModem } from './run.ts';

export interface ModemCliOptions {
  type: string;
  pty?: boolean;
  ptyLink?: string;
  port?: string;
  baud?: string;
  hweui?: string;
  app?: string;
  udp?: string;
  gatewayEui: string;
  speed: string;
  seed?: string;
}

export async function runModem(o: ModemCliOptions): Promise<number> {
  if (o.type !== 'rn2483' && o.type !== 'rak3172') throw new CliError(`--type must be rn2483 or rak3172 (got "${o.type}")`);
  if (!!o.pty === !!o.port) throw new CliError('give exactly one of --pty or --port <device>');
  const baud = o.baud === undefined ? undefined : Number(o.baud);
  if (baud !== undefined && !(Number.isInteger(baud) && baud >= 1200 && baud <= 921600)) throw new CliError(`--baud must be 1200..921600 (got "${o.baud}")`);
  if (o.hweui !== undefined && !/^[0-9A-Fa-f]{16}$/.test(o.hweui)) throw new CliError('--hweui must be 16 hex digits');
  let app;
  if (o.app !== undefined) {
    const s = findApp(o.app);
    if (!s) throw new CliError(`unknown app "${o.app}" (apps: ${appNames().join(', ')})`);
    app = compiledApp(s);
  }
  let udp;
  if (o.udp !== undefined) {
    const hp = parseHostPort(o.udp);
    if (!hp) throw new CliError(`--udp must be host:port (got "${o.udp}")`);
    if (!/^[0-9A-Fa-f]{16}$/.test(o.gatewayEui)) throw new CliError('--gateway-eui must be 16 hex digits');
    udp = { ...hp, gatewayEui: o.gatewayEui };
  }
  const speed = Number(o.speed);
  if (!(speed > 0 && speed <= 1000)) throw new CliError(`--speed must be > 0 (got "${o.speed}")`);
  const seed = o.seed === undefined ? undefined : Number(o.seed);
  if (seed !== undefined && !Number.isInteger(seed)) throw new CliError('--seed must be an integer');
  const log = (l: string): void => void process.stderr.write(l + '\n');
  let session;
  try {
    session = await startModem({
      type: o.type,
      ...(o.pty ? { pty: true } : {}),
      ...(o.ptyLink ? { ptyLink: o.ptyLink } : {}),
      ...(o.port ? { port: o.port } : {}),
      ...(baud !== undefined ? { baud } : {}),
      ...(o.hweui ? { hwEui: o.hweui } : {}),
      ...(app ? { app } : {}),
      ...(udp ? { udp } : {}),
      ...(seed !== undefined ? { seed } : {}),
      speed,
      out: (l) => void process.stdout.write(l + '\n'),
      log,
    });
  } catch (e) {
    throw new CliError((e as Error).message.split('\n')[0]!);
  }
  process.stdout.write(session.path + '\n');
  log(`modem: ${o.type} emulator on ${session.path}${udp ? `, frames to Semtech UDP ${udp.host}:${udp.port}` : ', frames to the built-in network server'}; Ctrl-C to stop`);
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', () => resolve());
    process.once('SIGINT', () => resolve());
  });
  await session.stop();
  return 0;
}
