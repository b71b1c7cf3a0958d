// Fleet definitions for the simulator: see docs/FLEET.md.
export { APP_NAMES, APP_PROFILES, appQuantities, type AppName, type AppProfile, type QuantityProfile } from './apps.ts';
export { FleetError } from './errors.ts';
export { loadFleet, parseFleet, validateFleet, type ParseOptions } from './load.ts';
export { parseDuration } from './schema-parts.ts';
export { MODEM_FAULT_KINDS, SENSOR_FAULT_KINDS } from './schema.ts';
export { place, pointInPolygon, polygonArea, uniformInDisc, uniformInPolygon } from './placement.ts';
export { createSignal, sampleSeries, type SignalContext, type SignalFn } from './signals.ts';
export { parseCsvSeries } from './csv.ts';
export { devEuiFor, expandFleet, joinEuiFor, scaleCounts, type ExpandOptions, type ExpandedFleet, type FleetNode, type NodeFaults } from './expand.ts';
export { describeFleet } from './describe.ts';
export type * from './types.ts';
