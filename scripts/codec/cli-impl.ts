// Implementations of `lorakit encode`, `lorakit decode` and `lorakit codec ...`.
// Each returns what to print; user errors are thrown as CliError (one line, exit 1).
import { mkdirSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliError } from '../commands/types.ts';
import {
  appNames,
  decodeDownlink,
  decodeUplink,
  describeApp,
  encodeDownlink,
  encodeReadings,
  encodeSamples,
  exportCodec,
  findApp,
  fromHex,
  toHex,
  type AppSchema,
  type Readings,
} from '../../codecs/index.ts';
import type { CodecVectors } from '../../codecs/export/ts013-export.ts';

const VECTORS = fileURLToPath(new URL('../../test/vectors/', import.meta.url));

function app(name: string | undefined): AppSchema {
  if (!name) throw new CliError(`--app is required (apps: ${appNames().join(', ')})`);
  const s = findApp(name);
  if (!s) throw new CliError(`unknown app "${name}" (apps: ${appNames().join(', ')})`);
  return s;
}

function port(value: string | undefined): number {
  const n = Number(value);
  if (value === undefined || !/^\d+$/.test(value.trim()) || n > 255) throw new CliError(`--fport must be an integer 0..255 (got ${value ?? 'nothing'})`);
  return n;
}

function payloadBytes(hex?: string, base64?: string): Uint8Array {
  if ((hex === undefined) === (base64 === undefined)) throw new CliError('give the payload as exactly one of --hex or --base64');
  if (hex !== undefined) {
    const b = fromHex(hex);
    if (!b) throw new CliError(`--hex is not whole hex bytes: "${hex}"`);
    return b;
  }
  const s = (base64 as string).trim();
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 === 1) throw new CliError(`--base64 is not base64: "${base64}"`);
  return new Uint8Array(Buffer.from(s, 'base64'));
}

export interface CliOutput {
  stdout: string;
  /** one line for stderr (warnings or the first error) */
  stderr: string[];
  exitCode: number;
}

/** `lorakit decode`: the TS013 result as JSON; exit 1 (with the first error on stderr) when decoding failed. */
export function runDecode(opts: { app?: string; fport?: string; hex?: string; base64?: string; recvTime?: string; downlink?: boolean }): CliOutput {
  const s = app(opts.app);
  const fPort = port(opts.fport);
  const bytes = Array.from(payloadBytes(opts.hex, opts.base64));
  if (opts.recvTime !== undefined && Number.isNaN(Date.parse(opts.recvTime))) throw new CliError(`--recv-time is not a date: "${opts.recvTime}"`);
  const res = opts.downlink ? decodeDownlink(s, { bytes, fPort }) : decodeUplink(s, { bytes, fPort, recvTime: opts.recvTime });
  return { stdout: JSON.stringify(res, null, 2), stderr: res.errors.slice(0, 1), exitCode: res.errors.length ? 1 : 0 };
}

function parseJson(text: string | undefined, what: string): unknown {
  if (text === undefined) throw new CliError(`${what} is required`);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CliError(`${what} is not valid JSON: ${(e as Error).message.split('\n')[0]}`);
  }
}

function agesFrom(n: number, ages?: string, interval?: string): number[] {
  if (ages !== undefined) {
    const list = ages.split(',').map((x) => Number(x.trim()));
    if (list.length !== n || list.some((x) => !Number.isFinite(x))) throw new CliError(`--ages needs ${n} comma-separated numbers of seconds`);
    return list;
  }
  const every = Number(interval ?? 'NaN');
  if (!(every >= 0)) throw new CliError('a batch (JSON array) needs --ages <s,s,...> or --interval <s>');
  return Array.from({ length: n }, (_, i) => (n - 1 - i) * every);
}

/** `lorakit encode`: hex of one reading (JSON object) or a batch (JSON array, oldest first); downlinks with --downlink. */
export function runEncode(opts: { app?: string; fport?: string; json?: string; ages?: string; interval?: string; downlink?: boolean }): CliOutput {
  const s = app(opts.app);
  const value = parseJson(opts.json, '--json');
  if (opts.downlink) {
    const e = encodeDownlink(s, { data: value });
    if (e.errors.length) throw new CliError(e.errors[0]);
    return { stdout: toHex(e.bytes!), stderr: e.warnings.map((w) => `warning: ${w}`), exitCode: 0 };
  }
  const fPort = port(opts.fport);
  let r;
  try {
    r = Array.isArray(value)
      ? encodeSamples(s, fPort, value as Readings[], agesFrom(value.length, opts.ages, opts.interval))
      : encodeReadings(s, fPort, value as Readings);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  if (r.errors.length) throw new CliError(r.errors[0]);
  return { stdout: toHex(r.bytes), stderr: r.warnings.map((w) => `warning: ${w}`), exitCode: 0 };
}

/** `lorakit codec describe`: JSON, or a readable table. */
export function runDescribe(name: string, json: boolean): string {
  const d = describeApp(app(name));
  if (json) return JSON.stringify(d, null, 2);
  const lines = [`${d.app}: ${d.description}`];
  for (const u of d.uplinks) {
    lines.push(`  fPort ${u.fPort}${u.batchFPort ? ` (batch fPort ${u.batchFPort})` : ''}: ${u.name} v${u.version}, up to ${u.maxBytes} bytes`);
    for (const f of u.fields) lines.push(`    ${fieldLine(f)}`);
  }
  if (d.downlink) {
    lines.push(`  downlink fPort ${d.downlink.fPort}:`);
    for (const c of d.downlink.commands) {
      lines.push(`    ${c.name} (id ${c.id})`);
      for (const f of c.fields) lines.push(`      ${fieldLine(f)}`);
    }
  }
  return lines.join('\n');
}

function fieldLine(f: ReturnType<typeof describeApp>['uplinks'][number]['fields'][number]): string {
  const what =
    f.min !== null ? `${f.min}..${f.max} ${f.unit ?? ''} step ${f.resolution}` : f.values ? `one of ${f.values.join('|')}` : f.length ? `${f.length} bytes` : f.type;
  return `${f.name.padEnd(18)} ${what.trim().padEnd(36)} ${String(f.bits).padStart(2)} bits, missing: ${f.missing}`;
}

/** The vectors of a registry app, when its vector file exists (codec.yaml examples). */
function vectorsFor(name: string): CodecVectors | undefined {
  const file = join(VECTORS, `codec-${name}.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as CodecVectors) : undefined;
}

/** `lorakit codec export`: writes <dir>/<app>.js and <dir>/<app>.codec.yaml; returns their paths. */
export function writeExport(name: string, dir: string): string[] {
  const s = app(name);
  const out = exportCodec(s, vectorsFor(s.name));
  const abs = resolve(dir);
  mkdirSync(abs, { recursive: true });
  const files = [join(abs, out.jsName), join(abs, out.yamlName)];
  writeFileSync(files[0], out.js);
  writeFileSync(files[1], out.yaml);
  return files;
}
