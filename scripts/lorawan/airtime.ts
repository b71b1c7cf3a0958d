// `lorakit airtime`: time on air of one frame, and for a region the payload limit and
// what each sub-band's duty cycle imposes after it.
import { CliError } from '../commands/types.ts';
import { loraLdroAuto, loraTimeOnAir, phyPayloadBytes, type LoraParams } from '../../firmware/lorawan/airtime.ts';
import { dataRate, drTimeOnAir, dwellAllows, maxAppPayload, type Region } from '../../firmware/lorawan/region.ts';
import { regionByName, regionNames } from '../../firmware/lorawan/regions.ts';
import { DUTY_CYCLE_WINDOW_MS, offTimeMs } from '../../firmware/lorawan/dutycycle.ts';

type Opts = Record<string, string | boolean | undefined>;

export interface SubBandReport {
  name: string;
  minHz: number;
  maxHz: number;
  dutyCycle: number;
  /** Classic per-frame off-time T_air/dc - T_air (0 = no limit). */
  offTimeMs: number;
  /** Frames of this size that fit in one hour's budget (null = no limit). */
  framesPerHour: number | null;
}

export interface AirtimeReport {
  airtimeMs: number;
  phyBytes: number;
  sf?: number;
  bwKhz?: number;
  fskKbps?: number;
  ldro?: boolean;
  region?: string;
  dr?: number;
  maxPayload?: number;
  dwellLimited?: boolean;
  dwellOk?: boolean;
  subBands?: SubBandReport[];
}

function int(name: string, v: unknown, lo: number, hi: number): number {
  if (typeof v !== 'string' || !/^\d+$/.test(v.trim())) throw new CliError(`--${name} must be a whole number`, 2);
  const n = Number(v);
  if (n < lo || n > hi) throw new CliError(`--${name} must be between ${lo} and ${hi} (got ${n})`, 2);
  return n;
}

function codingRate(v: unknown): number {
  const s = typeof v === 'string' ? v.trim() : '';
  const m = /^4\/([5-8])$/.exec(s);
  if (m) return Number(m[1]) - 4;
  return int('cr', s, 1, 4);
}

function ldroMode(v: unknown): boolean | undefined {
  if (v === undefined || v === 'auto') return undefined;
  if (v === 'on') return true;
  if (v === 'off') return false;
  throw new CliError('--ldro must be auto, on or off', 2);
}

function subBands(region: Region, airtimeMs: number): SubBandReport[] {
  return region.subBands.map((b) => ({
    name: b.name,
    minHz: b.minHz,
    maxHz: b.maxHz,
    dutyCycle: b.dutyCycle,
    offTimeMs: offTimeMs(b.dutyCycle, airtimeMs),
    framesPerHour: b.dutyCycle > 0 ? Math.floor((b.dutyCycle * DUTY_CYCLE_WINDOW_MS) / airtimeMs) : null,
  }));
}

/** Computes the report for parsed CLI options; throws CliError on bad input. */
export function airtimeReport(opts: Opts): AirtimeReport {
  const hasRegion = opts.region !== undefined;
  if (hasRegion && (opts.sf !== undefined || opts.bytes !== undefined)) {
    throw new CliError('use either --sf/--bw/--bytes or --region/--dr/--payload, not both', 2);
  }
  if (hasRegion) {
    const region = regionByName(String(opts.region));
    if (!region) throw new CliError(`unknown region "${String(opts.region)}" (known: ${regionNames().join(', ')})`, 2);
    if (opts.dr === undefined || opts.payload === undefined) throw new CliError('--region needs --dr and --payload', 2);
    const dr = int('dr', opts.dr, 0, 15);
    const d = dataRate(region, dr);
    if (!d) throw new CliError(`${region.name} has no usable DR${dr}`, 2);
    const fopts = int('fopts', opts.fopts ?? '0', 0, 15);
    const payload = int('payload', opts.payload, 0, 255);
    let dwell = region.defaultUplinkDwell;
    if (opts.dwell !== undefined) {
      if (opts.dwell !== 'on' && opts.dwell !== 'off') throw new CliError('--dwell must be on or off', 2);
      dwell = opts.dwell === 'on';
    }
    const max = maxAppPayload(region, dr, fopts, dwell);
    if (max < 0) throw new CliError(`${region.name} DR${dr} is not allowed${dwell ? ' with uplink dwell time' : ''}`, 1);
    if (payload > max) {
      throw new CliError(`${payload} bytes exceed the ${region.name} DR${dr} maximum of ${max} (FOpts ${fopts}${dwell ? ', dwell time' : ''})`, 1);
    }
    const phy = phyPayloadBytes(payload, fopts);
    const ms = drTimeOnAir(region, dr, phy, true);
    const rep: AirtimeReport = { airtimeMs: ms, phyBytes: phy, region: region.name, dr, maxPayload: max };
    if (d.mod === 'lora') {
      rep.sf = d.sf;
      rep.bwKhz = d.bwKhz;
      rep.ldro = loraLdroAuto(d.sf, d.bwKhz);
    } else rep.fskKbps = d.kbps;
    rep.dwellLimited = dwell && region.dwellTimeMs > 0;
    rep.dwellOk = dwellAllows(region, ms, dwell);
    rep.subBands = subBands(region, ms);
    return rep;
  }
  if (opts.sf === undefined || opts.bytes === undefined) {
    throw new CliError('give --sf and --bytes (PHY bytes), or --region, --dr and --payload', 2);
  }
  const bw = Number(opts.bw ?? '125');
  if (!(bw > 0) || !Number.isFinite(bw)) throw new CliError('--bw must be a positive number of kHz', 2);
  const p: LoraParams = {
    sf: int('sf', opts.sf, 6, 12),
    bwKhz: bw,
    cr: codingRate(opts.cr ?? '1'),
    preamble: int('preamble', opts.preamble ?? '8', 0, 65535),
    crc: opts.crc !== false,
    explicitHeader: opts.implicit !== true,
    ldro: ldroMode(opts.ldro),
  };
  const bytes = int('bytes', opts.bytes, 0, 255);
  const ms = loraTimeOnAir(bytes, p);
  if (ms < 0) throw new CliError('invalid LoRa settings', 2);
  return { airtimeMs: ms, phyBytes: bytes, sf: p.sf, bwKhz: bw, ldro: p.ldro === undefined ? loraLdroAuto(p.sf, bw) : p.ldro };
}

function fmtMs(ms: number): string {
  if (ms >= 3600000) return `${(ms / 3600000).toFixed(2)} h`;
  if (ms >= 60000) return `${(ms / 60000).toFixed(2)} min`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  return `${ms.toFixed(2)} ms`;
}

/** Human-readable rendering of a report. */
export function formatAirtime(r: AirtimeReport): string {
  const mod = r.fskKbps !== undefined ? `FSK ${r.fskKbps} kbps` : `SF${r.sf}/${r.bwKhz} kHz${r.ldro ? ' LDRO' : ''}`;
  const head = r.region !== undefined ? `${r.region} DR${r.dr} (${mod}), ` : `${mod}, `;
  const lines = [`${head}${r.phyBytes} PHY bytes: ${r.airtimeMs.toFixed(2)} ms`];
  if (r.region !== undefined) {
    lines.push(`max application payload: ${r.maxPayload} bytes${r.dwellLimited ? ' (dwell time 400 ms)' : ''}`);
    if (r.dwellOk === false) lines.push('warning: exceeds the 400 ms dwell time');
    for (const b of r.subBands ?? []) {
      const range = `${(b.minHz / 1e6).toFixed(3)}-${(b.maxHz / 1e6).toFixed(3)} MHz`;
      if (b.dutyCycle > 0) {
        lines.push(`  ${b.name} (${range}, ${b.dutyCycle * 100}%): off-time ${fmtMs(b.offTimeMs)}, ${b.framesPerHour} frames/hour`);
      } else lines.push(`  ${b.name} (${range}): no duty-cycle limit`);
    }
  }
  return lines.join('\n') + '\n';
}

/** Entry of `lorakit airtime`: returns the text to print. */
export function runAirtime(opts: Opts): string {
  const r = airtimeReport(opts);
  return opts.json ? JSON.stringify(r, null, 2) + '\n' : formatAirtime(r);
}
