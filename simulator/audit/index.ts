// The fleet auditor: every budget and frame rule checked from the transmission log alone,
// independently of the firmware's own ledger (it imports only regional facts and the
// time-on-air formula from firmware/lorawan, never dutycycle/window/fairuse/joinbackoff).
import type { DownlinkRecord, TxRecord } from '../types.ts';
import { auditDutyCycle, auditFairUse, auditJoinBackoff, scanUplinkAirtime, DAY_MS, HOUR_MS, type BudgetScratch } from './budgets.ts';
import { toColumns } from './columns.ts';
import { auditDevNonces, auditFrameCounters, auditFrameSizes, createFrameScratch } from './frames.ts';
import { createIntervals, createScanScratch } from './sweep.ts';
import type { AuditOptions, AuditResult, NodeAudit, NodeLog, SubBandUse, Violation } from './types.ts';

export type { AuditOptions, AuditResult, FairUseLimits, NodeAudit, SubBandUse } from './types.ts';
export { scanWindows, scanCounts } from './sweep.ts';

/**
 * Audits a fleet's transmission and downlink logs. Never throws on bad records: records
 * without a node, a finite time or a usable airtime are left out and counted in `skipped`.
 */
export function audit(txs: TxRecord[], downlinks: DownlinkRecord[], opts: AuditOptions): AuditResult {
  const region = opts.region;
  const uplinkDwell = opts.uplinkDwell ?? region.defaultUplinkDwell;
  const c = toColumns(txs, downlinks, region);
  const violations: Violation[] = [];
  const subBands: SubBandUse[] = region.subBands.map((b) => ({ name: b.name, limit: b.dutyCycle, maxHourUse: 0, worstNodeId: null }));
  const perNode: Record<string, NodeAudit> = {};
  const scratch: BudgetScratch = { iv: createIntervals(256), scan: createScanScratch(256), times: new Float64Array(64) };
  const frames = createFrameScratch();
  const fu = opts.fairUse;

  for (let k = 0; k < c.ids.length; k++) {
    const nodeId = c.ids[k];
    const log: NodeLog = { nodeId, records: txs, c, lo: c.first[k], hi: c.first[k + 1], downlinks: c.downlinks[k] };
    let total = 0;
    for (let i = log.lo; i < log.hi; i++) total += c.air[i];

    const shares: Record<string, number> = {};
    for (const u of auditDutyCycle(log, region, scratch, violations)) {
      const share = u.maxMs / HOUR_MS;
      const sb = subBands[u.band];
      shares[sb.name] = share;
      if (share > sb.maxHourUse) {
        sb.maxHourUse = share;
        sb.worstNodeId = nodeId;
      }
    }
    let dayMax: number;
    if (fu) {
      const upMax = auditFairUse(log, fu, scratch, violations);
      dayMax = fu.windowMs === DAY_MS && fu.includeJoins !== false ? upMax : scanUplinkAirtime(log, DAY_MS, Infinity, true, scratch).max;
    } else {
      dayMax = scanUplinkAirtime(log, DAY_MS, Infinity, true, scratch).max;
    }
    if (opts.joinBackoff) auditJoinBackoff(log, opts.nodeStart?.[nodeId], scratch, violations);
    auditFrameCounters(log, frames, violations);
    auditDevNonces(log, violations);
    auditFrameSizes(log, region, uplinkDwell, violations);
    perNode[nodeId] = { airtimeMs: total, maxHourShareBySubBand: shares, maxDayAirtimeMs: dayMax };
  }

  violations.sort((a, b) => a.atMs - b.atMs || (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0));
  return { violations, subBands, perNode, skipped: c.skipped };
}
