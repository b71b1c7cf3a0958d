// `lorakit modem --pty`: the emulated modem on a pseudo-terminal, opened here as a
// serial port through plain file descriptors, completes an OTAA join and an uplink
// with the module's exact text protocol; the built-in network server decodes the
// uplink and the CLI prints it as a JSON line.
import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { ReadStream } from 'node:tty';
import { decodeUplink, encodeReadings } from '../../codecs/index.ts';
import { RN2483_VERSION } from '../../simulator/modems/rn2483.ts';
import { createKeyLearner, createStreamPeer, lineSplitter } from '../../scripts/modem/bridge.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const children: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

const until = async (cond: () => boolean, ms: number, what: () => string): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

/** Starts the CLI; resolves with the pty path (first stdout line) and the output so far. */
async function startModemCli(args: string[]) {
  const child = spawn(process.execPath, ['scripts/lorakit.mjs', 'modem', ...args], { cwd: ROOT });
  children.push(child);
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (d: Buffer) => (out.stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out.stderr += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  await until(() => out.stdout.includes('\n'), 15_000, () => `the pty path (stderr: ${out.stderr})`);
  return { child, out, exited, path: out.stdout.split('\n')[0]! };
}

/** The pseudo-terminal as a serial port: one raw fd to read, one to write. */
function openPort(path: string) {
  const rfd = openSync(path, constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK);
  const wfd = openSync(path, constants.O_RDWR | constants.O_NOCTTY);
  const input = new ReadStream(rfd);
  input.setRawMode(true);
  const lines: string[] = [];
  let buf = '';
  input.on('data', (d: Buffer) => {
    buf += d.toString('latin1');
    let i;
    while ((i = buf.indexOf('\r\n')) >= 0) {
      lines.push(buf.slice(0, i));
      buf = buf.slice(i + 2);
    }
  });
  let read = 0;
  return {
    lines,
    /** Drops what the module printed before we opened the port (its boot banner), like a host flushing on open. */
    async flush(): Promise<void> {
      await new Promise((r) => setTimeout(r, 150));
      lines.length = 0;
      buf = '';
    },
    /** Writes a command with CR LF and waits for `n` reply lines. */
    async cmd(line: string, n: number, ms = 5000): Promise<string[]> {
      read = lines.length;
      writeSync(wfd, Buffer.from(line + '\r\n', 'latin1'));
      await until(() => lines.length >= read + n, ms, () => `${n} replies to "${line}", got ${JSON.stringify(lines.slice(read))}`);
      const got = lines.slice(read, read + n);
      read += n;
      return got;
    },
    close() {
      input.destroy();
      closeSync(wfd);
    },
  };
}

const DEV = { devEui: '0004A30B001C0530', joinEui: '70B3D57ED0000001', appKey: '000102030405060708090A0B0C0D0E0F' };

describe('lorakit modem on a pseudo-terminal', () => {
  it('RN2483: OTAA join and an uplink over the pty; the uplink is decoded and printed', async () => {
    const m = await startModemCli(['--type', 'rn2483', '--pty', '--app', 'env-monitor', '--speed', '4', '--seed', '9']);
    expect(m.path).toMatch(/^\/dev\/pts\/\d+$/);
    const port = openPort(m.path);
    await port.flush();
    try {
      expect(await port.cmd('sys get ver', 1)).toEqual([RN2483_VERSION]);
      expect(await port.cmd('mac reset 868', 1)).toEqual(['ok']);
      expect(await port.cmd(`mac set deveui ${DEV.devEui}`, 1)).toEqual(['ok']);
      expect(await port.cmd(`mac set appeui ${DEV.joinEui}`, 1)).toEqual(['ok']);
      expect(await port.cmd(`mac set appkey ${DEV.appKey}`, 1)).toEqual(['ok']);
      expect(await port.cmd('mac join otaa', 2, 8000)).toEqual(['ok', 'accepted']);
      const frame = encodeReadings('env-monitor', 2, { temperature: 21.5, humidity: 48, battery: 3100, counter: 7 }).bytes;
      const hex = Buffer.from(frame).toString('hex').toUpperCase();
      expect(await port.cmd(`mac tx uncnf 2 ${hex}`, 2, 8000)).toEqual(['ok', 'mac_tx_ok']);
      expect((await port.cmd('mac get status', 1))[0]).toMatch(/^[0-9A-F]{8}$/);
    } finally {
      port.close();
    }
    await until(() => m.out.stdout.split('\n').filter(Boolean).length >= 3, 3000, () => 'the uplink line');
    const events = m.out.stdout.trim().split('\n').slice(1).map((l) => JSON.parse(l));
    expect(events[0]).toMatchObject({ event: 'join', devEui: DEV.devEui });
    const frame = encodeReadings('env-monitor', 2, { temperature: 21.5, humidity: 48, battery: 3100, counter: 7 }).bytes;
    expect(events[1]).toMatchObject({ event: 'uplink', devEui: DEV.devEui, fCnt: 0, fPort: 2, payload: Buffer.from(frame).toString('hex').toUpperCase(), errors: [] });
    expect(events[1].data).toEqual(decodeUplink('env-monitor', { bytes: frame, fPort: 2 }).data);
    expect(m.out.stdout + m.out.stderr).not.toContain(DEV.appKey); // keys are never printed
    m.child.kill('SIGTERM');
    expect(await m.exited).toBe(0);
  }, 40_000);

  it('RAK3172: AT commands, +EVT:JOINED and a confirmed uplink over the pty', async () => {
    const m = await startModemCli(['--type', 'rak3172', '--pty', '--speed', '4', '--seed', '3']);
    const port = openPort(m.path);
    await port.flush();
    try {
      expect(await port.cmd('AT', 1)).toEqual(['OK']);
      expect(await port.cmd('AT+NJM=1', 1)).toEqual(['OK']);
      expect(await port.cmd('AT+DR=5', 1)).toEqual(['OK']);
      expect(await port.cmd('AT+DCS=0', 1)).toEqual(['OK']); // no duty-cycle wait between join and uplink
      expect(await port.cmd('AT+DEVEUI=AC1F09FFFE000123', 1)).toEqual(['OK']);
      expect(await port.cmd(`AT+APPEUI=${DEV.joinEui}`, 1)).toEqual(['OK']);
      expect(await port.cmd(`AT+APPKEY=${DEV.appKey}`, 1)).toEqual(['OK']);
      expect(await port.cmd('AT+JOIN=1:0:8:1', 2, 10_000)).toEqual(['OK', '+EVT:JOINED']);
      expect(await port.cmd('AT+CFM=1', 1)).toEqual(['OK']);
      const sent = await port.cmd('AT+SEND=5:0102', 2, 10_000);
      expect(sent[0]).toBe('OK');
      expect(sent[1]).toBe('+EVT:SEND_CONFIRMED_OK');
    } finally {
      port.close();
    }
    await until(() => m.out.stdout.split('\n').filter(Boolean).length >= 3, 3000, () => 'events');
    const events = m.out.stdout.trim().split('\n').slice(1).map((l) => JSON.parse(l));
    expect(events.map((e) => e.event)).toEqual(['join', 'uplink']);
    expect(events[1]).toMatchObject({ devEui: 'AC1F09FFFE000123', fPort: 5, payload: '0102', confirmed: true });
    m.child.kill('SIGTERM');
    expect(await m.exited).toBe(0);
  }, 40_000);

  it('refuses contradictory options with one line', async () => {
    const child = spawn(process.execPath, ['scripts/lorakit.mjs', 'modem', '--type', 'rn2483'], { cwd: ROOT });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    expect(await new Promise((r) => child.on('exit', r))).toBe(1);
    expect(stderr.trim()).toBe('lorakit: give exactly one of --pty or --port <device>');
  }, 20_000);
});

describe('serial bridge pieces', () => {
  it('turns a NUL byte (a break on a raw tty) into a break and learns keys from commands', () => {
    const seen: string[] = [];
    const peer = createStreamPeer(() => undefined, 57600);
    peer.attach({ onData: (c) => seen.push(`d:${c}`), onBreak: () => seen.push('break') });
    peer.feed('ab\0Ucd');
    expect(seen).toEqual(['d:ab', 'break', 'd:Ucd']);

    const regs: unknown[] = [];
    const l = createKeyLearner('rn2483', '0000000000000000', (r) => regs.push(r));
    const feed = lineSplitter((x) => l.line(x));
    feed('mac set deveui 0004a30b001c0530\r\nmac set appeui 70B3D57ED0000001\r\nmac join otaa\r\n');
    expect(regs).toEqual([]); // no AppKey yet: nothing to register
    feed(`mac set appkey ${DEV.appKey}\r\nmac join otaa\r\n`);
    expect(regs).toEqual([{ devEui: DEV.devEui, joinEui: DEV.joinEui, appKey: DEV.appKey }]);
    const rak: unknown[] = [];
    const k = createKeyLearner('rak3172', 'AC1F09FFFE0A0B0C', (r) => rak.push(r));
    for (const c of ['AT+NJM=0', 'AT+DEVADDR=26011234', `AT+NWKSKEY=${DEV.appKey}`, `AT+APPSKEY=${DEV.appKey}`, 'AT+SEND=1:00', 'AT+SEND=1:01']) k.line(c);
    expect(rak).toEqual([{ mode: 'abp', devEui: 'AC1F09FFFE0A0B0C', devAddr: '26011234', nwkSKey: DEV.appKey, appSKey: DEV.appKey }]);
  });
});
