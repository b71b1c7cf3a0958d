// Fleet simulator throughput at full fidelity: the built firmware bundles on virtual
// nodes, emulated modems over virtual UARTs, real LoRaWAN frames, the radio channel,
// the network server and decoding, one core. Simulated device-hours per wall second
// for 1,000 and 10,000 nodes sending one uplink per 15 minutes, and peak memory.
import { validateFleet, expandFleet } from '../../simulator/fleet/index.ts';
import { loadBundles, runFleet } from '../../simulator/run/fleet.ts';
import { table, type Cell } from './harness.ts';
import type { BenchContext, BenchSuite } from './index.ts';

/** A town of `nodes` env-monitors (15-minute interval) around a 3 x 3 grid of gateways. */
export function benchFleet(nodes: number, hours: number) {
  const side = 3000 * Math.sqrt(nodes / 1000);
  const gateways = [];
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) gateways.push({ id: `gw-${i}${j}`, x: ((i + 0.5) * side) / 3, y: ((j + 0.5) * side) / 3, antennaGainDb: 3 });
  const def = validateFleet({
    name: `bench-${nodes}`,
    duration: `${hours}h`,
    seed: 1,
    channel: { pathLoss: 'urban', capture: true, rejection: 'goursaud' },
    fairUse: 'ttn',
    gateways,
    groups: [
      { app: 'env-monitor', count: nodes / 2, board: 'PICO', placement: { random: { center: [side / 2, side / 2], radius: side / 2 } }, settings: { interval: '15m' } },
      { app: 'env-monitor', count: nodes / 2, board: 'MDBT42Q', placement: { random: { center: [side / 2, side / 2], radius: side / 2 } }, settings: { interval: '15m' } },
    ],
  });
  return expandFleet(def);
}

export interface FleetBenchResult {
  nodes: number;
  simHours: number;
  wallS: number;
  /** Device-hours per wall second after the first quarter (joins done). */
  steady: number;
  overall: number;
  uplinks: number;
  peakRssMb: number;
}

export async function measureFleet(nodes: number, hours: number): Promise<FleetBenchResult> {
  const fleet = benchFleet(nodes, hours);
  const bundles = await loadBundles(fleet);
  let peak = process.memoryUsage().rss;
  const marks: Array<{ f: number; t: number }> = [];
  const t0 = performance.now();
  let uplinks = 0;
  await runFleet({
    fleet,
    bundles,
    onUplink: () => uplinks++,
    onProgress(f) {
      marks.push({ f, t: performance.now() });
      const rss = process.memoryUsage().rss;
      if (rss > peak) peak = rss;
    },
  });
  const wall = (performance.now() - t0) / 1000;
  const quarter = marks.find((m) => m.f >= 0.25) ?? marks[0];
  const last = marks[marks.length - 1];
  const devH = nodes * hours;
  return {
    nodes,
    simHours: hours,
    wallS: wall,
    steady: (devH * (last.f - quarter.f)) / ((last.t - quarter.t) / 1000),
    overall: devH / wall,
    uplinks,
    peakRssMb: peak / 1e6,
  };
}

export const suite: BenchSuite = {
  name: 'fleet',
  description: 'fleet simulator throughput (device-hours per wall second) at 1,000 and 10,000 nodes, full fidelity, and peak memory',
  async run(ctx: BenchContext) {
    const quick = ctx.timing.rounds < 5;
    // a day for 1,000 nodes (what `npm start` runs for its 200), six hours for 10,000 (memory grows with the log)
    const cases: Array<[number, number]> = quick ? [[200, 2]] : [[1000, 24], [10000, 6]];
    const rows: Cell[][] = [];
    for (const [n, h] of cases) {
      const r = await measureFleet(n, h);
      rows.push([r.nodes, r.simHours, r.uplinks, r.wallS.toFixed(1), Math.round(r.overall), Math.round(r.steady), (r.steady / 5000).toFixed(2), Math.round(r.peakRssMb)]);
    }
    ctx.print(
      table(['nodes', 'sim h', 'uplinks decoded', 'wall s', 'dev-h/s overall', 'dev-h/s steady', 'vs 5,000 target', 'peak RSS MB'], rows),
    );
  },
};
