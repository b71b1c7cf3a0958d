// Battery life per app and board: each app's built bundle alone in the simulator for
// 7 days next to a gateway (SF7), its transmission log through the energy model
// (simulator/energy: cited currents, 2400 mAh cell derated to 80%).
import { validateFleet, expandFleet } from '../../simulator/fleet/index.ts';
import { loadBundles, runFleet } from '../../simulator/run/fleet.ts';
import { nodeEnergy, PROFILES, DEFAULT_BATTERY } from '../../simulator/energy/model.ts';
import { table, type Cell } from './harness.ts';
import type { BenchContext, BenchSuite } from './index.ts';

const APPS = ['env-monitor', 'bin-level', 'water-level', 'soil-moisture'] as const;
const BOARDS = ['PICO', 'MDBT42Q'] as const;

export async function energyRows(days: number): Promise<Cell[][]> {
  const rows: Cell[][] = [];
  for (const app of APPS) {
    for (const board of BOARDS) {
      const def = validateFleet({
        name: `energy-${app}-${board}`,
        duration: `${days * 24}h`,
        seed: 3,
        fairUse: 'ttn',
        channel: { pathLoss: 'urban', capture: true, rejection: 'goursaud' },
        gateways: [{ id: 'gw', x: 0, y: 0, antennaGainDb: 3 }],
        groups: [{ app, count: 1, board, placement: { points: [[100, 0]] } }],
      });
      const fleet = expandFleet(def);
      const run = await runFleet({ fleet, bundles: await loadBundles(fleet) });
      const n = run.nodes[0];
      const profile = n.node.modem === 'rn2483' ? PROFILES['pico-rn2483'] : PROFILES['nrf52-rak3172'];
      const txs = run.txs.filter((t) => t.nodeId === n.node.id);
      const e = nodeEnergy({ txs, downlinks: run.downlinks.filter((d) => d.nodeId === n.node.id), wakeUps: n.wakeups, durationMs: fleet.durationMs - n.sim.boots()[0] }, fleet.region, profile);
      const cycles = txs.filter((t) => t.kind !== 'join' && t.retry === 0).length;
      const awakeMs = ((e.chargeMah.mcuRun / profile.mcu.runMa + e.chargeMah.mcuWait / profile.mcu.waitMa) * 3.6e6) / Math.max(1, cycles);
      rows.push([
        app,
        `${board} + ${n.node.modem}`,
        `${n.sim.firmware().persist.config().intervalS / 60} min`,
        ((cycles / days) | 0),
        Math.round(e.wakeUps / days),
        Math.round(awakeMs),
        (e.txMs / Math.max(1, cycles)).toFixed(1),
        e.avgCurrentUa.toFixed(1),
        Math.round(e.batteryDays),
        (e.batteryDays / 365).toFixed(1),
      ]);
    }
  }
  return rows;
}

export const suite: BenchSuite = {
  name: 'energy',
  description: 'battery life per app and board (7 simulated days, 2400 mAh derated to 80%)',
  async run(ctx: BenchContext) {
    const days = ctx.timing.rounds < 5 ? 1 : 7;
    ctx.print(
      table(['app', 'board + modem', 'interval', 'uplinks/day', 'wake-ups/day', 'MCU awake ms per uplink', 'TX ms per uplink', 'avg µA', `battery days (${DEFAULT_BATTERY.capacityMah} mAh × ${DEFAULT_BATTERY.derating})`, 'years'], await energyRows(days)),
    );
    ctx.print('Currents: simulator/energy/currents.ts (RN2483 TX 38.9 mA at 14 dBm, RX 14.2 mA, sleep 1.3 µA; RAK3172 TX 92 mA at 14 dBm, RX 5.22 mA, sleep 1.69 µA; Pico run 32 mA, waiting on the modem 11 mA, deep sleep 20 µA; nRF52 run 5 mA, UART open 1 mA, sleep 3 µA; 50 ms of JavaScript per wake-up). Sources in docs/AUDIT.md.');
  },
};


