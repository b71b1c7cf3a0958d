// Byte streams for the modem emulator: a pseudo-terminal made by Debian's `socat`
// (Node has no PTY API), or a real serial device (a USB-UART adapter wired to a
// board's modem pins) opened as a plain file descriptor after `stty` sets the baud
// and raw mode. Both deliver bytes as binary ("latin1") strings, one char per byte.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';
import { ReadStream, WriteStream } from 'node:tty';

export interface ByteLink {
  /** The device path a program (or firmware host) opens. */
  path: string;
  write(data: string): void;
  onData(cb: (chunk: string) => void): void;
  close(): Promise<void>;
}

/**
 * Creates a pseudo-terminal with `socat -d -d pty,raw,echo=0[,link=...] STDIO`: socat
 * relays between the pty master and its stdin/stdout, which are our pipes. We also
 * hold one slave descriptor open (never read), so a client that closes and reopens the
 * port does not make the master see end-of-file and socat quit.
 */
export async function createPty(opts: { link?: string; socat?: string } = {}): Promise<ByteLink> {
  const addr = `pty,raw,echo=0${opts.link ? `,link=${opts.link}` : ''}`;
  const child: ChildProcess = spawn(opts.socat ?? 'socat', ['-d', '-d', addr, 'STDIO'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  const path = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`socat did not report its pty within 5 s: ${err.trim()}`)), 5000);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot run socat (${e.message}); install it: apt-get install -y socat (see .ci/services.sh)`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`socat exited with ${code}: ${err.trim().split('\n').pop() ?? ''}`));
    });
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /PTY is (\S+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
  });
  const keeper = openSync(path, constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK);
  child.stdin!.on('error', () => undefined);
  return {
    path: opts.link ?? path,
    write(data) {
      if (!child.stdin!.destroyed) child.stdin!.write(Buffer.from(data, 'latin1'));
    },
    onData(cb) {
      child.stdout!.on('data', (d: Buffer) => cb(d.toString('latin1')));
    },
    async close() {
      if (child.exitCode === null) {
        await new Promise<void>((r) => {
          child.once('exit', () => r());
          child.kill('SIGTERM');
        });
      }
      closeSync(keeper);
    },
  };
}

/** Opens a serial device raw at `baud` (stty), as a plain file descriptor. */
export function openSerialDevice(path: string, baud: number): ByteLink {
  try {
    execFileSync('stty', ['-F', path, String(baud), 'raw', '-echo', '-hupcl', 'clocal'], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    const msg = (e as { stderr?: Buffer }).stderr?.toString().trim() || (e as Error).message;
    throw new Error(`cannot configure ${path}: ${msg.split('\n')[0]}`);
  }
  // one descriptor per direction: each stream owns (and closes) its own
  const flags = constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK;
  const input = new ReadStream(openSync(path, flags));
  const output = new WriteStream(openSync(path, flags));
  input.setRawMode(true);
  return {
    path,
    write(data) {
      output.write(Buffer.from(data, 'latin1'));
    },
    onData(cb) {
      input.on('data', (d: Buffer | string) => cb(typeof d === 'string' ? d : d.toString('latin1')));
    },
    async close() {
      input.destroy();
      output.destroy();
    },
  };
}
