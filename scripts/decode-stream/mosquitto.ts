// A private Debian `mosquitto` on 127.0.0.1 for tests and benchmarks: a free port,
// its own config and persistence directory (so QoS 1 sessions survive a restart),
// stop/start to simulate a broker restart. Nothing listens beyond loopback.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Mosquitto {
  url: string;
  port: number;
  /** Stops the broker (SIGTERM: it saves its persistence file) and waits for the exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same persistence. */
  start(): Promise<void>;
  /** Stops it and removes its directory. */
  dispose(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

export async function startMosquitto(opts: { port?: number; bin?: string } = {}): Promise<Mosquitto> {
  const port = opts.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'lorakit-mosquitto-'));
  // started as root, mosquitto drops to the "mosquitto" user: it must be able to write its database here
  chmodSync(dir, 0o777);
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'persistence true',
      `persistence_location ${dir}/`,
      'autosave_interval 0',
      'max_queued_messages 0',
      'max_inflight_messages 0',
      'log_dest none',
      '',
    ].join('\n'),
  );
  let child: ChildProcess | null = null;
  let stderr = '';
  const start = async (): Promise<void> => {
    stderr = '';
    const c = spawn(opts.bin ?? (existsSync('/usr/sbin/mosquitto') ? '/usr/sbin/mosquitto' : 'mosquitto'), ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    child = c;
    c.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const spawnError = new Promise<never>((_, reject) =>
      c.once('error', (e) => reject(new Error(`cannot run mosquitto (${e.message}); install it: apt-get install -y mosquitto (see .ci/services.sh)`))),
    );
    const up = (async () => {
      for (let i = 0; i < 200; i++) {
        if (c.exitCode !== null) throw new Error(`mosquitto exited: ${stderr.trim().split('\n')[0] ?? ''}`);
        if (await accepting(port)) return;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`mosquitto did not listen on ${port} within 5 s`);
    })();
    await Promise.race([up, spawnError]);
  };
  const stop = async (): Promise<void> => {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGTERM');
    });
  };
  await start();
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    stop,
    start,
    async dispose() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
