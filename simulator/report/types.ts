// The fleet run's report model. The fleet runner fills a SimReport; writeReport turns it
// into report.json and report.html, formatSummary into the terminal summary. Plain data
// only (no Map, no Date, no undefined that matters, no class instances): it is written as
// JSON as it is. Ratios are null, never NaN, when there is nothing to divide by.

import type { Violation } from '../types.ts';

/** The bump when a field changes meaning or disappears (adding a field is not a bump). */
export const REPORT_SCHEMA_VERSION = 1;

export interface FleetMeta {
  /** Fleet (scenario) name. */
  name: string;
  seed: number | string;
  /** Region name as in firmware/lorawan/regions (EU868, US915, ...). */
  region: string;
  /** Simulated duration in ms. */
  durationMs: number;
  nodeCount: number;
  gatewayCount: number;
  /** Wall-clock time the run took, ms (the one field that differs between runs of one seed). */
  wallTimeMs: number;
  /** Simulated device-hours per wall second: nodeCount * durationMs / 3.6e6 / (wallTimeMs / 1000). */
  deviceHoursPerWallSecond: number;
}

/** Sent/delivered counts of a group of application uplinks. */
export interface DeliveryCount {
  sent: number;
  delivered: number;
  /** delivered / sent; null when sent is 0. */
  ratio: number | null;
}

export interface SfDelivery extends DeliveryCount {
  sf: number;
}

export interface AppDelivery extends DeliveryCount {
  app: string;
}

/** Duty-cycle use of one regulatory sub-band: the worst node's maximum one-hour share. */
export interface SubBandUse {
  /** Sub-band name as in the region table (e.g. "M 868.0-868.6"). */
  band: string;
  /** Duty-cycle limit as a fraction (0.01 = 1 %); 0 = the sub-band has no duty-cycle limit. */
  limit: number;
  /** Highest airtime share of any node in any sliding hour on this sub-band (fraction). */
  worstShare: number;
  /** The node with that share; null when no node used the sub-band. */
  worstNodeId: string | null;
  /** limit - worstShare; null when the sub-band has no limit. Negative = over the limit. */
  headroom: number | null;
}

export interface SummaryMetrics {
  /**
   * Application uplinks the nodes sent (a confirmed frame and its retransmissions count
   * once; joins are not uplinks here).
   */
  uplinksSent: number;
  /** Uplinks received by at least one gateway and accepted by the network (MIC, FCnt). */
  uplinksDelivered: number;
  /** uplinksDelivered / uplinksSent; null when nothing was sent. */
  deliveryRatio: number | null;
  /** Per spreading factor, ascending SF. */
  bySf: SfDelivery[];
  /** Per application, ascending name. */
  byApp: AppDelivery[];
  /** Transmissions lost to a collision at every gateway that could have heard them. */
  collisions: number;
  joins: {
    /** Join requests transmitted. */
    requests: number;
    /** Join accepts the nodes received. */
    accepted: number;
    /** Nodes that were still not joined at the end of the run. */
    nodesNotJoined: number;
  };
  downlinks: {
    /** Downlinks gateways transmitted (join accepts, ACKs, data). */
    sent: number;
    /** Of those, received by the node in its RX window. */
    received: number;
  };
  /** One entry per sub-band of the region. */
  dutyCycle: SubBandUse[];
  /** Violations the auditor found (the list itself is SimReport.violations). */
  violationCount: number;
  /** Estimated battery life over the fleet, days; null when no node has an estimate. */
  batteryDays: { min: number | null; median: number | null };
}

export interface NodeReport {
  id: string;
  app: string;
  board: string;
  /** Position in metres (map plane). */
  x: number;
  y: number;
  /** Spreading factor and data rate the node used most (its last, with ADR). */
  sf: number;
  dr: number;
  sent: number;
  delivered: number;
  /** Total uplink airtime, ms (joins and retransmissions included). */
  airtimeMs: number;
  /** Estimated battery life at this run's consumption, days; null when unknown. */
  batteryDays: number | null;
}

export interface GatewayReport {
  id: string;
  x: number;
  y: number;
  /** Uplink transmissions this gateway demodulated. */
  received: number;
}

export interface TimelineBucket {
  /** Bucket start, ms of simulated time. */
  startMs: number;
  /** Application uplinks sent in the bucket. */
  sent: number;
  /** Of those, delivered. */
  delivered: number;
}

export interface Timeline {
  /** Width of each bucket, ms. */
  bucketMs: number;
  /** Consecutive buckets from time 0. */
  buckets: TimelineBucket[];
}

export interface SimReport {
  schemaVersion: number;
  fleet: FleetMeta;
  summary: SummaryMetrics;
  nodes: NodeReport[];
  gateways: GatewayReport[];
  timeline: Timeline;
  violations: Violation[];
}
