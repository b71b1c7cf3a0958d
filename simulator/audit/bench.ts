// Benchmark of the auditor: a synthetic EU868 fleet (N nodes × K uplinks a day, SF7-SF12
// mix, one join each, confirmed frames with a retransmission now and then), audited
// whole. Register in scripts/bench/index.ts as
//   { name: 'audit', description: ..., load: async () => (await import('../../simulator/audit/bench.ts')).suite }
import { EU868 } from '../../firmware/lorawan/regions/eu868.ts';
import { channelFrequency, drTimeOnAir } from '../../firmware/lorawan/region.ts';
import { phyPayloadBytes } from '../../firmware/lorawan/airtime.ts';
import type { BenchContext, BenchSuite } from '../../scripts/bench/index.ts';
import type { DownlinkRecord, TxRecord } from '../types.ts';
import { audit } from './index.ts';
import { createSeededRng } from '../lorawan/rng.ts';

/** A small deterministic PRNG, as floats in [0, 1). */
function rng(seed: number): () => number {
  const next = createSeededRng(seed);
  return () => next() / 4294967296;
}

/**
 * A synthetic fleet log: `nodes` nodes, `perDay` uplinks a day each, over `days` days.
 * Records are created in time order, as a simulator run appends them.
 */
export function syntheticFleet(nodes: number, perDay: number, days: number, seed: number): { txs: TxRecord[]; downlinks: DownlinkRecord[] } {
  const r = rng(seed);
  const plan: Array<{ t: number; make: () => TxRecord }> = [];
  const downlinks: DownlinkRecord[] = [];
  const period = 86400000 / perDay;
  for (let n = 0; n < nodes; n++) {
    const nodeId = `n${n}`;
    const dr = Math.floor(r() * 6);
    const app = 8 + Math.floor(r() * 12);
    const phy = phyPayloadBytes(app, 0);
    const air = drTimeOnAir(EU868, dr, phy, true);
    const joinAir = drTimeOnAir(EU868, dr, 23, true);
    let t = r() * 60000;
    const tj = t;
    const fj = channelFrequency(EU868, n % 3);
    plan.push({ t: tj, make: () => ({ nodeId, devEui: nodeId, app: 'bench', kind: 'join', startMs: tj, airtimeMs: joinAir, freqHz: fj, dr, sf: 12 - dr, bwKhz: 125, powerDbm: 14, phyBytes: 23, appBytes: 0, devNonce: 1, retry: 0, receivedBy: [] }) });
    downlinks.push({ nodeId, gatewayId: 'g', startMs: t + joinAir + 5000, airtimeMs: 50, freqHz: fj, dr, window: 1, kind: 'join-accept', received: true });
    t += 6000 + joinAir;
    for (let k = 0; k < perDay * days; k++) {
      const kind = k % 10 === 0 ? 'confirmed' : 'unconfirmed';
      const ch = Math.floor(r() * 3);
      const ts = t;
      const f = channelFrequency(EU868, ch);
      plan.push({ t: ts, make: () => ({ nodeId, devEui: nodeId, app: 'bench', kind, startMs: ts, airtimeMs: air, freqHz: f, dr, sf: 12 - dr, bwKhz: 125, powerDbm: 14, phyBytes: phy, appBytes: app, fCnt: k, fPort: 1, retry: 0, receivedBy: [] }) });
      if (kind === 'confirmed' && r() < 0.2) {
        const tr = t + air + 3000 + r() * 2000;
        const fr = channelFrequency(EU868, (ch + 1) % 3);
        plan.push({ t: tr, make: () => ({ nodeId, devEui: nodeId, app: 'bench', kind, startMs: tr, airtimeMs: air, freqHz: fr, dr, sf: 12 - dr, bwKhz: 125, powerDbm: 14, phyBytes: phy, appBytes: app, fCnt: k, fPort: 1, retry: 1, receivedBy: [] }) });
      }
      t += period * (0.9 + 0.2 * r());
    }
  }
  plan.sort((a, b) => a.t - b.t);
  const txs = plan.map((p) => p.make());
  downlinks.sort((a, b) => a.startMs - b.startMs);
  return { txs, downlinks };
}

export const suite: BenchSuite = {
  name: 'audit',
  description: 'fleet auditor: 10,000 nodes x 100 uplinks/day x 1 day (EU868, fair use and join back-off on)',
  async run(ctx: BenchContext) {
    const rounds = ctx.timing.rounds;
    const fleet = syntheticFleet(10000, 100, 1, 42);
    const opts = { region: EU868, fairUse: { uplinkAirtimeMs: 30000, downlinksPerWindow: 10, windowMs: 86400000 }, joinBackoff: true };
    audit(fleet.txs, fleet.downlinks, opts); // warm-up
    const times: number[] = [];
    const cpu: number[] = [];
    let violations = 0;
    for (let i = 0; i < rounds; i++) {
      const c0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      const res = audit(fleet.txs, fleet.downlinks, opts);
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
      cpu.push(process.cpuUsage(c0).user / 1000);
      violations = res.violations.length;
    }
    times.sort((a, b) => a - b);
    cpu.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)];
    ctx.print(
      [
        `audit: ${fleet.txs.length} transmissions, ${fleet.downlinks.length} downlinks, ${violations} violations`,
        `  median ${median.toFixed(1)} ms over ${rounds} rounds (min ${times[0].toFixed(1)}, max ${times[times.length - 1].toFixed(1)} ms); user CPU median ${cpu[Math.floor(cpu.length / 2)].toFixed(1)} ms`,
        `  ${Math.round(fleet.txs.length / (median / 1000)).toLocaleString('en')} records/s`,
      ].join('\n'),
    );
  },
};
