import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FleetError, loadFleet, parseDuration, parseFleet } from '../../simulator/fleet/index.ts';
import { loraTimeOnAir } from '../../firmware/lorawan/airtime.ts';
import { regionByName } from '../../firmware/lorawan/regions.ts';
import { TTN_FAIR_USE } from '../../firmware/lorawan/fairuse.ts';

const FLEETS = fileURLToPath(new URL('../../simulator/fleets/', import.meta.url));

const BASE = `
gateways: [{ id: g1, x: 0, y: 0 }]
groups:
  - app: bin-level
    count: 3
    placement: { random: { center: [0, 0], radius: 100 } }
`;
const RANDOM = 'placement: { random: { center: [0, 0], radius: 100 } }';

function errorOf(text: string, file = 'fleet.yaml'): FleetError {
  try {
    parseFleet(text, { file });
  } catch (err) {
    expect(err).toBeInstanceOf(FleetError);
    return err as FleetError;
  }
  throw new Error('expected a FleetError');
}

describe('shipped fleets', () => {
  it('default.yaml: 200 nodes of the four apps, three gateways, 24 h, a fixed seed', () => {
    const def = loadFleet(join(FLEETS, 'default.yaml'));
    expect(def.region).toBe('EU868');
    expect(def.durationMs).toBe(24 * 3600000);
    expect(typeof def.seed).toBe('number');
    expect(def.gateways).toHaveLength(3);
    const total = def.groups.reduce((n, g) => n + g.count, 0);
    expect(total).toBe(200);
    expect(new Set(def.groups.map((g) => g.app))).toEqual(new Set(['env-monitor', 'bin-level', 'water-level', 'soil-moisture']));
    const river = def.groups.find((g) => g.app === 'water-level');
    expect(river?.placement.kind).toBe('points');
    // the merged (<<: *park) group keeps the anchor's fields and overrides the rest
    const parks = def.groups.filter((g) => g.app === 'soil-moisture');
    expect(parks.map((g) => g.name)).toEqual(['park-north', 'park-east']);
    expect(parks[1]?.signals.moisture).toEqual(parks[0]?.signals.moisture);
    expect(parks[1]?.placement).not.toEqual(parks[0]?.placement);
    // the CSV signal was read relative to the fleet file
    const wt = river?.signals.waterTemperature;
    expect(wt?.kind === 'csv' && wt.data !== null && wt.data.times.length).toBe(25);
    expect(def.fairUse).toEqual(TTN_FAIR_USE);
  });

  it('dutycycle-breaker.yaml: ledger and fair use off, and its interval really exceeds 1 % at DR0', () => {
    const def = loadFleet(join(FLEETS, 'dutycycle-breaker.yaml'));
    expect(def.fairUse).toBeNull();
    const g = def.groups[0]!;
    expect(g.settings.enforceDutyCycle).toBe(false);
    expect(g.settings.adr).toBe(false);
    const region = regionByName(def.region)!;
    const dr = region.dataRates[g.settings.dataRate!]!;
    // the smallest possible data frame (13-byte header + 1 byte) already breaks the sub-band's limit
    const airtime = loraTimeOnAir(14, { sf: dr.sf, bwKhz: dr.bwKhz });
    const perHour = 3600 / g.settings.intervalS!;
    const g1 = region.subBands.find((b) => b.minHz <= 868100000 && 868500000 < b.maxHz)!;
    expect(perHour * airtime).toBeGreaterThan(g1.dutyCycle * 3600000 * 2);
  });

  it('JSON files validate like YAML ones', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleet-'));
    const path = join(dir, 'small.json');
    writeFileSync(path, JSON.stringify({ name: 'j', seed: 'abc', gateways: [{ id: 'g', x: 1, y: 2 }], groups: [{ app: 'env-monitor', count: 2, placement: { points: [[0, 0], [5, 5]] }, settings: { interval: '90m' } }] }));
    const def = loadFleet(path);
    expect(def.seed).toBe('abc');
    expect(def.groups[0]?.settings.intervalS).toBe(5400);
    writeFileSync(path, '{"groups": [');
    expect(() => loadFleet(path)).toThrow(/^small\.json: invalid JSON/);
  });

  it('defaults: EU868, 24 h, seed 1, suburban channel with capture, TTN fair use, OTAA, the app board', () => {
    const def = parseFleet(BASE, { file: 'f.yaml' });
    expect(def).toMatchObject({ region: 'EU868', durationMs: 86400000, seed: 1, channel: { pathLoss: 'suburban', capture: true, rejection: 'goursaud', fading: 'off' } });
    expect(def.groups[0]).toMatchObject({ name: 'bin-level', activation: 'otaa', board: 'MDBT42Q', modem: null, settings: {} });
  });
});

describe('one-line errors naming the field', () => {
  const cases: Array<[string, string, string, RegExp]> = [
    ['negative radius', BASE.replace('radius: 100', 'radius: -5'), 'groups[0].placement.random.radius', /expected a positive number, got -5$/],
    ['unknown app', BASE.replace('bin-level', 'bin-lvl'), 'groups[0].app', /expected one of env-monitor, bin-level, water-level, soil-moisture, got "bin-lvl"/],
    ['unknown region', `${BASE}region: EU869\n`, 'region', /unknown region "EU869" \(use EU868, US915/],
    ['bad duration', `${BASE}duration: 3 fortnights\n`, 'duration', /expected a duration like .*got "3 fortnights"/],
    ['zero duration', `${BASE}duration: 0s\n`, 'duration', /above zero/],
    ['misspelt key', `${BASE}durration: 1h\n`, 'durration', /unknown field \(allowed: name, description, region, duration, seed/],
    ['collinear polygon', BASE.replace(RANDOM, 'placement: { polygon: [[0,0],[1,1],[2,2]] }'), 'groups[0].placement.polygon', /zero area/],
    ['two-point polygon', BASE.replace(RANDOM, 'placement: { polygon: [[0,0],[1,1]] }'), 'groups[0].placement.polygon', /at least 3 items/],
    ['no placement kind', BASE.replace(RANDOM, 'placement: {}'), 'groups[0].placement', /expected one of grid, random, polygon, points/],
    ['two placement kinds', BASE.replace(RANDOM, 'placement: { random: { center: [0,0], radius: 1 }, points: [[1,2]] }'), 'groups[0].placement', /only one of .* got random and points/],
    ['grid spacing', BASE.replace(RANDOM, 'placement: { grid: { origin: [0,0], spacing: -10, columns: 2 } }'), 'groups[0].placement.grid.spacing[0]', /positive number, got -10/],
    ['grid columns', BASE.replace(RANDOM, 'placement: { grid: { origin: [0,0], spacing: 10, columns: 0 } }'), 'groups[0].placement.grid.columns', />= 1, got 0/],
    ['count vs points', BASE.replace(RANDOM, 'placement: { points: [[0,0],[1,1]] }'), 'groups[0].count', /count 3 does not match the 2 points/],
    ['missing count', BASE.replace('    count: 3\n', ''), 'groups[0].count', /missing/],
    ['fractional count', BASE.replace('count: 3', 'count: 2.5'), 'groups[0].count', /expected an integer, got 2.5/],
    ['quantity of another app', `${BASE}    signals: { temperature: 5 }\n`, 'groups[0].signals.temperature', /bin-level has no quantity "temperature" \(it has distance, lidTemperature, tilt, battery\)/],
    ['sine without amplitude', `${BASE}    signals: { distance: { sine: { mean: 1 } } }\n`, 'groups[0].signals.distance.sine.amplitude', /expected a number, got nothing/],
    ['signal of a string', `${BASE}    signals: { distance: high }\n`, 'groups[0].signals.distance', /expected an object, got "high"/],
    ['ramp jitter', `${BASE}    signals: { distance: { ramp: { ratePerHour: 1, every: 1h, jitter: 40m } } }\n`, 'groups[0].signals.distance.ramp.jitter', /less than half of every/],
    ['ramp min above max', `${BASE}    signals: { distance: { ramp: { ratePerHour: 1, min: 5, max: 1 } } }\n`, 'groups[0].signals.distance.ramp.min', /above max/],
    ['steps out of order', `${BASE}    signals: { distance: { steps: { initial: 1, events: [[2h, 1], [1h, 2]] } } }\n`, 'groups[0].signals.distance.steps.events[1][0]', /time order/],
    ['missing csv', `${BASE}    signals: { distance: { csv: { file: nope.csv } } }\n`, 'groups[0].signals.distance.csv.file', /no such file "nope.csv"/],
    ['data rate of the region', `${BASE}    settings: { dataRate: 9 }\n`, 'groups[0].settings.dataRate', /DR9 is not an uplink data rate of EU868/],
    ['zero interval', `${BASE}    settings: { interval: 0 }\n`, 'groups[0].settings.interval', /above zero, got 0/],
    ['unknown modem fault', `${BASE}    faults: { modem: { explode: 0.1 } }\n`, 'groups[0].faults.modem.explode', /unknown field \(allowed: drop-reply, garbage, busy/],
    ['fault rate above 1', `${BASE}    faults: { modem: { busy: 2 } }\n`, 'groups[0].faults.modem.busy', /<= 1, got 2/],
    ['sensor fault quantity', `${BASE}    faults: { sensors: [{ quantity: humidity, fault: absent }] }\n`, 'groups[0].faults.sensors[0].quantity', /no quantity "humidity"/],
    ['sensor fault kind', `${BASE}    faults: { sensors: [{ quantity: distance, fault: melted }] }\n`, 'groups[0].faults.sensors[0].fault', /expected one of absent, busError, badCrc, stuck/],
    ['fair-use word', `${BASE}fairUse: sometimes\n`, 'fairUse', /expected ttn, off or an object, got "sometimes"/],
    ['fair-use field', `${BASE}fairUse: { uplinkAirtime: 30s, downlinks: -1 }\n`, 'fairUse.downlinks', />= 0, got -1/],
    ['path-loss preset', `${BASE}channel: { pathLoss: rural }\n`, 'channel.pathLoss', /expected suburban, urban or an object, got "rural"/],
    ['path-loss model', `${BASE}channel: { pathLoss: { d0: 0, pl0: 1, gamma: 2, sigma: 1 } }\n`, 'channel.pathLoss.d0', /positive number, got 0/],
    ['rejection matrix', `${BASE}channel: { rejection: [[1, 2]] }\n`, 'channel.rejection[0]', /expected at least 6 items/],
    ['fractional seed', `${BASE}seed: 1.5\n`, 'seed', /got 1.5/],
    ['gateway without y', BASE.replace('{ id: g1, x: 0, y: 0 }', '{ id: g1, x: 0 }'), 'gateways[0].y', /missing/],
    ['duplicate gateway', BASE.replace('{ id: g1, x: 0, y: 0 }', '{ id: g1, x: 0, y: 0 }, { id: g1, x: 5, y: 5 }'), 'gateways[1].id', /duplicate gateway id "g1"/],
    ['generated gateways', BASE.replace('{ id: g1, x: 0, y: 0 }', '{ generate: { count: 2, placement: { random: { center: [0,0], radius: -1 } } } }'), 'gateways[0].generate.placement.random.radius', /positive number, got -1/],
    ['no gateways', BASE.replace('[{ id: g1, x: 0, y: 0 }]', '[]'), 'gateways', /at least 1 item/],
    ['duplicate group names', `${BASE}    name: a\n  - { name: a, app: bin-level, count: 1, placement: { points: [[1, 1]] } }\n`, 'groups[1].name', /duplicate group name "a"/],
  ];

  it.each(cases)('%s', (_label, text, field, message) => {
    const err = errorOf(text);
    expect(err.field).toBe(field);
    expect(err.message).toMatch(message);
    expect(err.message.startsWith(`fleet.yaml: ${field}: `)).toBe(true);
    expect(err.message).not.toContain('\n');
    expect(err.problems[0]).toBe(err.message);
  });

  it('reports YAML syntax errors with their position, an empty file, and a missing file', () => {
    expect(errorOf('groups: [\n  - a').message).toMatch(/^fleet\.yaml: invalid YAML at line 2, column \d+: [A-Z][^\n]*[a-z]$/);
    expect(errorOf('a: 1\na: 2\n').message).toMatch(/^fleet\.yaml: invalid YAML at line 2, column 1: .*unique/);
    expect(errorOf('').message).toBe('fleet.yaml: the file is empty');
    expect(() => loadFleet(join(FLEETS, 'no-such-fleet.yaml'))).toThrow(/^no-such-fleet\.yaml: no such file/);
    expect(() => loadFleet(join(FLEETS, 'data', 'river-temperature.csv'))).toThrow(/expected a \.yaml, \.yml or \.json file/);
  });

  it('lists every problem, the first one in the message', () => {
    const err = errorOf(`${BASE.replace('radius: 100', 'radius: -5')}region: EU869\nduration: soon\n`);
    expect(err.problems.length).toBeGreaterThanOrEqual(2);
    expect(err.problems.some((p) => p.startsWith('fleet.yaml: duration: '))).toBe(true);
  });

  it('reports a bad CSV row with the file, line and field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleet-'));
    writeFileSync(join(dir, 'level.csv'), 'time,level\n0,1000\n60,abc\n');
    const text = BASE.replace('bin-level', 'water-level').replace('count: 3', 'count: 1') + '    signals: { distance: { csv: { file: level.csv } } }\n';
    expect(() => parseFleet(text, { file: 'f.yaml', baseDir: dir })).toThrow('f.yaml: groups[0].signals.distance.csv.file: level.csv line 3: expected a number, got "abc"');
  });
});

describe('durations', () => {
  it('reads unit suffixes, compounds and plain seconds', () => {
    expect(parseDuration('24h')).toBe(86400000);
    expect(parseDuration('7d')).toBe(7 * 86400000);
    expect(parseDuration('90m')).toBe(5400000);
    expect(parseDuration('30s')).toBe(30000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('1h30m')).toBe(5400000);
    expect(parseDuration('1h 30m')).toBe(5400000);
    expect(parseDuration(45)).toBe(45000);
    expect(parseDuration('45')).toBe(45000);
    for (const bad of ['', 'h', '1x', '-1h', '1h-', 'soon', -5, Infinity, null, true]) expect(parseDuration(bad)).toBeNull();
  });

  it('sums the parts of any compound (property)', () => {
    const unit = fc.constantFrom<[string, number]>(['ms', 1], ['s', 1000], ['m', 60000], ['h', 3600000], ['d', 86400000]);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(1000), unit), { minLength: 1, maxLength: 4 }), (parts) => {
        const text = parts.map(([n, [u]]) => `${n}${u}`).join('');
        const want = parts.reduce((s, [n, [, ms]]) => s + n * ms, 0);
        expect(parseDuration(text)).toBe(want);
      }),
    );
  });
});
