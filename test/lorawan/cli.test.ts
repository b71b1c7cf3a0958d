import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { airtimeReport, runAirtime } from '../../scripts/lorawan/airtime.ts';
import { CliError } from '../../scripts/commands/types.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = (...args: string[]) => spawnSync(process.execPath, ['scripts/lorakit.mjs', 'airtime', ...args], { cwd: root, encoding: 'utf8' });

function cliError(opts: Record<string, string | boolean>): CliError {
  try {
    airtimeReport(opts);
  } catch (e) {
    if (e instanceof CliError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('lorakit airtime', () => {
  it('prints the worked examples', () => {
    expect(runAirtime({ sf: '7', bw: '125', bytes: '23' })).toContain('61.70 ms');
    expect(runAirtime({ sf: '12', bw: '125', bytes: '23' })).toContain('1482.75 ms');
  });

  it('region mode: payload limit, airtime and the off-time of each sub-band', () => {
    const r = airtimeReport({ region: 'EU868', dr: '5', payload: '10' });
    expect(r.phyBytes).toBe(23);
    expect(r.airtimeMs).toBeCloseTo(61.696, 6);
    expect(r.maxPayload).toBe(242);
    const m = r.subBands!.find((b) => b.name.startsWith('M'))!;
    expect(m.offTimeMs).toBeCloseTo(61.696 * 99, 6);
    expect(m.framesPerHour).toBe(Math.floor(36000 / 61.696));
    expect(r.subBands!.find((b) => b.name.startsWith('P'))!.offTimeMs).toBeCloseTo(61.696 * 9, 6);
    const fsk = airtimeReport({ region: 'EU868', dr: '7', payload: '10' });
    expect(fsk.fskKbps).toBe(50);
    expect(fsk.airtimeMs).toBeCloseTo(5.44, 9);
  });

  it('honours CR, CRC, header, preamble and LDRO options', () => {
    const r = airtimeReport({ sf: '8', bw: '125', bytes: '3', cr: '4/6', crc: false });
    expect(r.airtimeMs).toBeCloseTo(53.76, 6);
    const i = airtimeReport({ sf: '8', bw: '125', bytes: '10', cr: '2', preamble: '12', implicit: true });
    expect(i.airtimeMs).toBeCloseTo(86.528, 6);
    expect(airtimeReport({ sf: '7', bytes: '10', ldro: 'on' }).airtimeMs).toBeCloseTo(46.336, 6);
  });

  it('rejects bad input with one clear line', () => {
    expect(cliError({}).message).toMatch(/--sf and --bytes/);
    expect(cliError({ sf: 'x', bytes: '3' }).exitCode).toBe(2);
    expect(cliError({ sf: '7', bytes: '256' }).message).toMatch(/--bytes must be between 0 and 255/);
    expect(cliError({ sf: '7', bytes: '3', bw: '-1' }).message).toMatch(/--bw/);
    expect(cliError({ sf: '7', bytes: '3', ldro: 'maybe' }).message).toMatch(/--ldro/);
    expect(cliError({ region: 'XX915', dr: '0', payload: '1' }).message).toMatch(/unknown region/);
    expect(cliError({ region: 'EU868', dr: '0' }).message).toMatch(/--dr and --payload/);
    expect(cliError({ region: 'EU868', dr: '9', payload: '1' }).message).toMatch(/no usable DR9/);
    const big = cliError({ region: 'US915', dr: '0', payload: '12' });
    expect(big.exitCode).toBe(1);
    expect(big.message).toMatch(/maximum of 11/);
    expect(cliError({ region: 'AS923-2', dr: '0', payload: '1' }).message).toMatch(/not allowed with uplink dwell time/);
    expect(airtimeReport({ region: 'AS923-2', dr: '0', payload: '1', dwell: 'off' }).maxPayload).toBe(51);
    expect(cliError({ region: 'EU868', dr: '0', payload: '1', sf: '7' }).message).toMatch(/not both/);
  });

  it('runs as a real subcommand with --json and exit codes', () => {
    const ok = cli('--region', 'US915', '--dr', '0', '--payload', '11', '--json');
    expect(ok.status).toBe(0);
    const j = JSON.parse(ok.stdout);
    expect(j.airtimeMs).toBeCloseTo(370.688, 6);
    expect(j.dwellOk).toBe(true);
    const bad = cli('--sf', '13', '--bytes', '3');
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/^lorakit: --sf must be between 6 and 12/);
  });
});
