// Radio-channel benchmark.
// 1. Model check: pure ALOHA (one channel, one SF, capture off, Poisson arrivals) —
//    measured delivery against the prediction e^(-2G).
// 2. Throughput: transmissions per second through transmit + settle for a fleet-like
//    mix (8 channels, SF7..12, 3 gateways, shadowing, capture, Goursaud matrix).
import { loraTimeOnAir } from '../../firmware/lorawan/airtime.ts';
import { runAloha } from '../../simulator/channel/aloha.ts';
import { createChannel } from '../../simulator/channel/channel.ts';
import { createRng } from '../../simulator/channel/rng.ts';
import { FULL, table, type Cell } from './harness.ts';
import type { BenchContext, BenchSuite } from './index.ts';

export const LOADS = [0.1, 0.25, 0.5, 0.75, 1, 1.5, 2];

/** One row per offered load G: G | offered | delivered | measured | e^(-2G) | ratio. */
export function alohaRows(packets: number, seed: number | string = 'bench-aloha'): Cell[][] {
  return LOADS.map((g) => {
    const r = runAloha({ g, packets, seed: `${seed}/${g}` });
    const measured = r.delivered / r.offered;
    const predicted = Math.exp(-2 * g);
    return [g, r.offered, r.delivered, measured.toFixed(4), predicted.toFixed(4), (measured / predicted).toFixed(3)];
  });
}

const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;

/** Wall time (ms) to push `n` fleet-like transmissions through a channel, settling every 64. */
export function fleetRun(n: number, seed: string): { ms: number; delivered: number } {
  const channel = createChannel({
    pathLoss: 'suburban',
    gateways: [
      { id: 'g1', x: 0, y: 0 },
      { id: 'g2', x: 600, y: 0 },
      { id: 'g3', x: 300, y: 500 },
    ],
    capture: true,
    rejection: 'goursaud',
    seed,
  });
  const r = createRng(seed, 'fleet-traffic');
  const nodes = 2000;
  const airtime = [7, 8, 9, 10, 11, 12].map((sf) => loraTimeOnAir(24, { sf, bwKhz: 125 }));
  const pos = Array.from({ length: nodes }, () => [r.float() * 800 - 100, r.float() * 700 - 100] as const);
  // mean airtime over SF7..12 is about 0.5 s: about 5 frames on air at once over 8 channels
  const meanGap = 100;
  let t = 0;
  let delivered = 0;
  const t0 = nowMs();
  for (let i = 0; i < n; i++) {
    t += r.exponential(meanGap);
    if (i % 64 === 0) for (const s of channel.settle(t)) delivered += s.received.length > 0 ? 1 : 0;
    const node = r.int(nodes);
    const sfIdx = r.int(6);
    const [x, y] = pos[node] as readonly [number, number];
    channel.transmit({ id: i, nodeId: `n${node}`, x, y, freqHz: 867100000 + 200000 * r.int(8), sf: 7 + sfIdx, bwKhz: 125, powerDbm: 14, startMs: t, airtimeMs: airtime[sfIdx] as number });
  }
  for (const s of channel.settle(Infinity)) delivered += s.received.length > 0 ? 1 : 0;
  return { ms: nowMs() - t0, delivered };
}

export const suite: BenchSuite = {
  name: 'channel',
  description: 'radio channel: pure-ALOHA delivery vs e^(-2G), and transmissions/s through the channel',
  async run(ctx: BenchContext): Promise<void> {
    const quick = ctx.timing.roundMs < FULL.roundMs;
    const packets = quick ? 20000 : 200000;
    ctx.print(`### Channel model check: pure ALOHA (1 channel, SF7/125 kHz, 20-byte frames of 56.6 ms, capture off, Poisson arrivals), ${packets.toLocaleString('en-US')} frames per load`);
    ctx.print(table(['G', 'offered packets', 'delivered', 'measured', 'e^(-2G)', 'ratio'], alohaRows(packets)));

    const n = quick ? 20000 : 300000;
    const runs = quick ? 1 : 3;
    fleetRun(Math.round(n / 10), 'bench-warmup'); // let the JIT settle before timing
    const times: number[] = [];
    let delivered = 0;
    for (let k = 0; k < runs; k++) {
      const res = fleetRun(n, 'bench-fleet');
      times.push(res.ms);
      delivered = res.delivered;
    }
    times.sort((a, b) => a - b);
    const med = times[Math.floor(times.length / 2)] as number;
    const alohaT0 = nowMs();
    runAloha({ g: 1, packets: n, seed: 'bench-aloha-speed' });
    const alohaMs = nowMs() - alohaT0;
    ctx.print(`\n### Channel throughput (wall time of transmit + settle; median of ${runs} run${runs > 1 ? 's' : ''})`);
    ctx.print(
      table(
        ['scenario', 'transmissions', 'ms', 'transmissions/s', 'delivered'],
        [
          ['fleet mix: 2000 nodes in 800 x 700 m, 8 channels, SF7-12, 3 gateways, suburban, capture, goursaud', n, Math.round(med), Math.round((n / med) * 1000), `${((delivered / n) * 100).toFixed(1)} %`],
          ['pure ALOHA, G = 1, 1 gateway', n, Math.round(alohaMs), Math.round((n / alohaMs) * 1000), 'n/a'],
        ],
      ),
    );
  },
};
