// Battery life per node from the run's logs (simulator/energy): airtime, receive
// windows, MCU wake-ups and sleep, with the current table of the node's board.
import { nodeEnergy, PROFILES } from '../energy/model.ts';
import type { ExpandedFleet } from '../fleet/expand.ts';
import type { DownlinkRecord, TxRecord } from '../types.ts';
import type { FleetRunResult } from './fleet.ts';

function group<T extends { nodeId: string }>(xs: T[]): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    let l = m.get(x.nodeId);
    if (!l) m.set(x.nodeId, (l = []));
    l.push(x);
  }
  return m;
}

/** Estimated battery days per node id (null for a node that never started). */
export function estimateBatteryDays(fleet: ExpandedFleet, run: FleetRunResult): Record<string, number | null> {
  const txs = group<TxRecord>(run.txs);
  const dls = group<DownlinkRecord>(run.downlinks);
  const out: Record<string, number | null> = {};
  for (const n of run.nodes) {
    const boots = n.sim.boots();
    if (boots.length === 0) {
      out[n.node.id] = null;
      continue;
    }
    const profile = n.node.modem === 'rn2483' ? PROFILES['pico-rn2483'] : PROFILES['nrf52-rak3172'];
    const e = nodeEnergy({ txs: txs.get(n.node.id) ?? [], downlinks: dls.get(n.node.id) ?? [], wakeUps: n.wakeups, durationMs: fleet.durationMs - boots[0] }, fleet.region, profile);
    out[n.node.id] = Number.isFinite(e.batteryDays) ? e.batteryDays : null;
  }
  return out;
}
