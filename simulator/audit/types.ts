// The auditor's options and results (the records themselves are in simulator/types.ts).
import type { Region } from '../../firmware/lorawan/region.ts';
import type { DownlinkRecord, TxRecord, Violation } from '../types.ts';
import type { TxColumns } from './columns.ts';

/** A network's fair-use budget per device over a sliding window (TTN: 30 s, 10 downlinks, 24 h). */
export interface FairUseLimits {
  /** Uplink airtime allowed in any window (ms). */
  uplinkAirtimeMs: number;
  /** Downlinks (any kind, including ACKs and join accepts) allowed in any window. */
  downlinksPerWindow: number;
  windowMs: number;
  /** Whether join-requests count as uplink airtime (default true: they are uplinks). */
  includeJoins?: boolean;
}

export interface AuditOptions {
  region: Region;
  /** Fair-use limits to check; null or absent: not checked. */
  fairUse?: FairUseLimits | null;
  /** Check the join-request back-off of TS001 1.0.4 §7. */
  joinBackoff: boolean;
  /**
   * Power-up/reset times per node (ms). A node without an entry is taken to have powered
   * up at its first join-request (join back-off phases start there).
   */
  nodeStart?: Record<string, number[]>;
  /** UplinkDwellTime in force (TxParamSetupReq); default: the region's default. */
  uplinkDwell?: boolean;
}

export interface SubBandUse {
  name: string;
  /** Duty-cycle limit as a fraction (0: no limit in this region). */
  limit: number;
  /** Largest airtime share (fraction of an hour) of any device in any sliding hour. */
  maxHourUse: number;
  /** The device that reached maxHourUse (null: no transmission in this sub-band). */
  worstNodeId: string | null;
}

export interface NodeAudit {
  /** Total airtime of the node's transmissions (ms). */
  airtimeMs: number;
  /** Per sub-band name used: the largest airtime share in any sliding hour. */
  maxHourShareBySubBand: Record<string, number>;
  /** Largest uplink airtime in any sliding 24 hours (ms). */
  maxDayAirtimeMs: number;
}

export interface AuditResult {
  /** Every broken rule, sorted by time. */
  violations: Violation[];
  /** One entry per sub-band of the region, in the region's order. */
  subBands: SubBandUse[];
  perNode: Record<string, NodeAudit>;
  /** Records that could not be audited (non-finite time, no usable airtime); never silently counted. */
  skipped: number;
}

/** One node's part of the log, prepared for the rules: rows [lo, hi) of the columns. */
export interface NodeLog {
  nodeId: string;
  /** The caller's records (c.rec indexes them). */
  records: TxRecord[];
  c: TxColumns;
  lo: number;
  hi: number;
  /** The node's downlinks, sorted by start. */
  downlinks: DownlinkRecord[];
}

export type { Violation };
