// Public API of the payload codecs (Node and browsers). The device half lives in
// codecs/device/ (bundled into firmware); see docs/CODECS.md.
export type { AppSchema, FieldDef, UplinkDef, CommandDef, LppMapping, NormalizedMapping, MissingMode } from './schema/types.ts';
export type { CApp, CField, CUplink, CDownlink, CCommand, Readings, DownlinkResult, DecodedCommand } from './device/types.ts';
export { compileSchema, validateSchema, deviceTable, fieldBits, uplinkBits, SchemaError } from './schema/compile.ts';
export { checkCompatibility } from './schema/compat.ts';
export { APPS, appNames, findApp } from './apps/index.ts';
export {
  getApp,
  compiledApp,
  encodeReadings,
  encodeSamples,
  decodeUplink,
  encodeDownlink,
  decodeDownlink,
  normalizeUplink,
  describeApp,
  toHex,
  fromHex,
  type AppRef,
  type EncodeResult,
  type FieldDescription,
} from './codec.ts';
export type { Ts013Result } from './runtime/ts013.ts';
/** The device encoder and downlink decoder themselves (no validation; never throw). */
export { encodeUplink as deviceEncodeUplink, encodeBatch as deviceEncodeBatch, findUplink, BATCH_MAX } from './device/encoder.ts';
export { decodeDownlink as deviceDecodeDownlink } from './device/downlink.ts';
export { exportCodec } from './export/ts013-export.ts';
