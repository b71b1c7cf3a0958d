import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { inspect } from 'node:util';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { APP_PROFILES, describeFleet, expandFleet, FleetError, loadFleet, parseFleet, scaleCounts, type ExpandedFleet } from '../../simulator/fleet/index.ts';
import type { Point } from '../../simulator/fleet/types.ts';

const FLEETS = fileURLToPath(new URL('../../simulator/fleets/', import.meta.url));
const def = loadFleet(join(FLEETS, 'default.yaml'));
const H = 3600000;

/** Every key string of a fleet's nodes. */
function secrets(f: ExpandedFleet): string[] {
  return f.nodes.flatMap((n) => (n.activation.mode === 'otaa' ? [n.activation.appKey] : [n.activation.nwkSKey, n.activation.appSKey]));
}

function insidePolygon(p: Point, poly: Point[]): boolean {
  // winding-number test (independent of the even-odd code under test)
  let wn = 0;
  for (let i = 0; i < poly.length; i++) {
    const a = poly[i]!;
    const b = poly[(i + 1) % poly.length]!;
    const cross = (b[0] - a[0]) * (p[1] - a[1]) - (p[0] - a[0]) * (b[1] - a[1]);
    if (a[1] <= p[1]) {
      if (b[1] > p[1] && cross > 0) wn++;
    } else if (b[1] <= p[1] && cross < 0) wn--;
  }
  return wn !== 0;
}

describe('expandFleet on the default fleet', () => {
  const fleet = expandFleet(def);

  it('makes 200 nodes with unique ids and DevEUIs (16 hex digits), and three gateways', () => {
    expect(fleet.nodes).toHaveLength(200);
    expect(new Set(fleet.nodes.map((n) => n.id)).size).toBe(200);
    expect(new Set(fleet.nodes.map((n) => n.devEui)).size).toBe(200);
    for (const n of fleet.nodes) expect(n.devEui).toMatch(/^[0-9A-F]{16}$/);
    expect(fleet.gateways.map((g) => g.id)).toEqual(['gw-townhall', 'gw-watertower', 'gw-depot']);
    expect(fleet.channel.gateways).toBe(fleet.gateways);
    expect(fleet.channel.region).toBe(fleet.region);
    expect(fleet.channel.pathLoss).toBe('urban');
  });

  it('places every node inside its group shape', () => {
    for (const g of def.groups) {
      const nodes = fleet.nodes.filter((n) => n.group === g.name);
      expect(nodes).toHaveLength(g.count);
      const p = g.placement;
      nodes.forEach((n, i) => {
        if (p.kind === 'points') expect([n.x, n.y]).toEqual(p.points[i]);
        if (p.kind === 'polygon') expect(insidePolygon([n.x, n.y], p.polygon)).toBe(true);
        if (p.kind === 'random') expect(Math.hypot(n.x - p.center[0], n.y - p.center[1])).toBeLessThanOrEqual(p.radius);
        if (p.kind === 'grid') {
          expect(Math.abs(n.x - (p.origin[0] + (i % p.columns) * p.spacing[0]))).toBeLessThanOrEqual(p.jitter);
          expect(Math.abs(n.y - (p.origin[1] + Math.floor(i / p.columns) * p.spacing[1]))).toBeLessThanOrEqual(p.jitter);
        }
      });
    }
  });

  it("gives every node a signal for each quantity of its app, the file's where given", () => {
    for (const n of fleet.nodes) expect(Object.keys(n.signals).sort()).toEqual(Object.keys(APP_PROFILES[n.app].quantities).sort());
    const river = fleet.nodes.filter((n) => n.app === 'water-level');
    // the flood wave crosses the 500 mm alarm level at most gauges in the afternoon, and recedes
    const crossed = river.filter((n) => n.signals.distance!(16 * H) < 500);
    expect(crossed.length).toBeGreaterThan(river.length * 0.8);
    for (const n of river) {
      expect(n.signals.distance!(6 * H)).toBeGreaterThan(1200);
      expect(n.signals.distance!(23.5 * H)).toBeGreaterThan(1000);
    }
    // bins (distance lid-contents, 1100 mm empty, 150 mm full): emptied around 06:00,
    // some past the 80 % threshold (1100 - 0.8 * 950 = 340 mm) before that, none overfull
    const bins = fleet.nodes.filter((n) => n.app === 'bin-level');
    expect(bins.some((n) => n.signals.distance!(5 * H) <= 340)).toBe(true);
    expect(bins.some((n) => n.signals.distance!(5 * H) > 340)).toBe(true);
    expect(bins.every((n) => n.signals.distance!(7.5 * H) > 950)).toBe(true);
    // the ramp stops at full (150 mm); only the 5 mm sensor noise goes beyond
    for (let t = 0; t < 24 * H; t += H / 4) for (const n of bins) expect(n.signals.distance!(t)).toBeGreaterThan(150 - 6 * 5);
    // air temperature: warmer in the afternoon than before dawn
    const air = fleet.nodes.filter((n) => n.app === 'env-monitor');
    expect(air.every((n) => n.signals.temperature!(15 * H) > n.signals.temperature!(3 * H))).toBe(true);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const again = expandFleet(loadFleet(join(FLEETS, 'default.yaml')));
    const strip = (f: ExpandedFleet) => f.nodes.map((n) => [n.id, n.x, n.y, n.devEui, JSON.stringify(n.faults), n.signals.temperature?.(12 * H) ?? n.signals.battery!(0)]);
    expect(strip(again)).toEqual(strip(fleet));
    expect(secrets(again)).toEqual(secrets(fleet));
    const other = expandFleet(def, 'another seed');
    expect(other.nodes.map((n) => n.devEui)).not.toEqual(fleet.nodes.map((n) => n.devEui));
    expect(other.nodes.map((n) => [n.x, n.y])).not.toEqual(fleet.nodes.map((n) => [n.x, n.y]));
    const mine = new Set(secrets(fleet));
    expect(secrets(other).some((k) => mine.has(k))).toBe(false);
  });

  it('keys are 128-bit hex, distinct, and never printed', () => {
    const keys = secrets(fleet);
    for (const k of keys) expect(k).toMatch(/^[0-9A-F]{32}$/);
    expect(new Set(keys).size).toBe(keys.length);
    const outputs = [JSON.stringify(fleet), inspect(fleet, { depth: null }), describeFleet(fleet).join('\n'), fleet.nodes.map((n) => String(n.activation)).join(' ')];
    for (const out of outputs) for (const k of keys) expect(out.includes(k)).toBe(false);
    expect(JSON.stringify(fleet.nodes[0])).toContain('<redacted>');
  });

  it('describeFleet names the groups, counts and gateways', () => {
    const text = describeFleet(fleet).join('\n');
    expect(text).toContain('fleet "municipal-town": EU868, 1d, seed 20260815, 200 nodes, 3 gateways');
    expect(text).toMatch(/bins: 60 x bin-level on MDBT42Q \(grid, otaa\)/);
    expect(text).toContain('gw-watertower (2600, 2600)');
  });
});

const SMALL = `
seed: 5
duration: 48h
gateways:
  - { id: fixed, x: 0, y: 0 }
  - { generate: { count: 4, prefix: gen-, placement: { random: { center: [0, 0], radius: 2000 } } } }
groups:
  - name: abp
    app: env-monitor
    count: 300
    activation: abp
    placement: { random: { center: [0, 0], radius: 1000 } }
    settings: { interval: 5m, thresholds: [30, -5] }
    faults:
      reboots: { meanInterval: 6h, at: [1h] }
      modem: { busy: 0.1 }
      sensors:
        - { quantity: humidity, fault: stuck, fraction: 0.25 }
        - { quantity: temperature, fault: absent, fraction: 1, from: 2h, until: 3h }
`;

describe('expandFleet details', () => {
  const small = parseFleet(SMALL, { file: 'small.yaml' });
  const fleet = expandFleet(small);

  it('ABP DevAddrs are unique, in the NetID 0x13 range, with distinct session keys', () => {
    const addrs = fleet.nodes.map((n) => (n.activation.mode === 'abp' ? n.activation.devAddr : ''));
    expect(new Set(addrs).size).toBe(300);
    for (const a of addrs) expect((parseInt(a, 16) >>> 25) === 0x13).toBe(true);
    const keys = secrets(fleet);
    expect(new Set(keys).size).toBe(600);
    expect(JSON.stringify(fleet)).not.toMatch(/[0-9A-F]{32}/);
  });

  it('generated gateways get prefixed ids and positions in their disc', () => {
    expect(fleet.gateways.map((g) => g.id)).toEqual(['fixed', 'gen-1', 'gen-2', 'gen-3', 'gen-4']);
    for (const g of fleet.gateways.slice(1)) expect(Math.hypot(g.x, g.y)).toBeLessThanOrEqual(2000);
  });

  it('copies settings and modem fault rates per node (no shared arrays)', () => {
    const [a, b] = fleet.nodes;
    expect(a!.settings).toEqual({ intervalS: 300, thresholds: [30, -5] });
    expect(a!.settings.thresholds).not.toBe(b!.settings.thresholds);
    expect(a!.faults.modem).toEqual({ busy: 0.1 });
  });

  it('reboots: the fixed time plus a Poisson process with the mean interval, inside the run', () => {
    let total = 0;
    for (const n of fleet.nodes) {
      const r = n.faults.rebootsAtMs;
      expect(r).toContain(H);
      expect([...r].sort((x, y) => x - y)).toEqual(r);
      for (const t of r) expect(t >= 0 && t < 48 * H).toBe(true);
      total += r.length - 1;
    }
    // expected 48 h / 6 h = 8 per node: 2400 over 300 nodes, sd about 49
    expect(Math.abs(total - 2400)).toBeLessThan(250);
  });

  it('sensor faults: about the given fraction of nodes, at a random or fixed time', () => {
    const stuck = fleet.nodes.filter((n) => n.faults.sensors.some((s) => s.fault === 'stuck'));
    expect(Math.abs(stuck.length / 300 - 0.25)).toBeLessThan(0.08);
    for (const n of stuck) {
      const s = n.faults.sensors.find((x) => x.fault === 'stuck')!;
      expect(s.fromMs >= 0 && s.fromMs < 48 * H && s.untilMs === null).toBe(true);
    }
    expect(new Set(stuck.map((n) => n.faults.sensors[0]!.fromMs)).size).toBeGreaterThan(1);
    for (const n of fleet.nodes) expect(n.faults.sensors).toContainEqual({ quantity: 'temperature', fault: 'absent', fromMs: 2 * H, untilMs: 3 * H });
  });

  it('scales to --devices N keeping group shares, with unique DevEUIs', () => {
    const big = expandFleet(def, def.seed, { devices: 5000 });
    expect(big.nodes).toHaveLength(5000);
    expect(new Set(big.nodes.map((n) => n.devEui)).size).toBe(5000);
    expect(big.groups.map((g) => g.count)).toEqual([1500, 1250, 1000, 625, 625]);
    expect(() => expandFleet(def, def.seed, { devices: -1 })).toThrow(FleetError);
  });

  it('scaleCounts sums to the total and stays within one of the exact share (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(1000), { minLength: 1, maxLength: 8 }), fc.nat(100000), (counts, total): void => {
        const sum = counts.reduce((a, b) => a + b, 0);
        const out = scaleCounts(counts, total);
        if (sum === 0) {
          expect(out.every((c) => c === 0)).toBe(true);
          return;
        }
        expect(out.reduce((a, b) => a + b, 0)).toBe(total);
        out.forEach((c, i) => expect(Math.abs(c - (counts[i]! * total) / sum)).toBeLessThan(1));
      }),
    );
  });
});
