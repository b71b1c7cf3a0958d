// The fleet simulator's report: model, report files, decoded-uplink log, terminal summary.

export type * from './types.ts';
export { REPORT_SCHEMA_VERSION } from './types.ts';
export { writeReport, REPORT_JSON, REPORT_HTML } from './write.ts';
export { renderReportHtml } from './html.ts';
export { createUplinkLog, plainCborEncoder, UPLINKS_JSONL, UPLINKS_CBOR, type UplinkLog, type UplinkLogOptions } from './uplink-log.ts';
export { formatSummary, formatSummaryJson } from './summary.ts';
export { canonical, canonicalJson } from './canonical.ts';
export { syntheticReport, type SyntheticOptions } from './synthetic.ts';
