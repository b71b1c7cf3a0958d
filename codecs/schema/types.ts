// The payload schema an application author writes (codecs/apps/<app>.ts). Everything
// else (device tables, decoders, the exported TS013 codec, describe output) is derived
// from it by codecs/schema/compile.ts.

/** How a missing reading is encoded (uplinks). See docs/CODECS.md, "Missing readings". */
export type MissingMode = 'sentinel' | 'presence';

/** Maps a field onto a CayenneLPP type, for emitting a schema's readings as LPP. */
export interface LppMapping {
  /** LPP type name as used by codecs/lpp (e.g. "temperature", "humidity", "barometer", "voltage"). */
  type: string;
  channel: number;
  /** value * factor is in the LPP type's unit (e.g. mV -> V: 0.001). Default 1. */
  factor?: number;
}

/** Where a field goes in The Things Network's normalized payload. */
export interface NormalizedMapping {
  /** e.g. "air.temperature", "air.relativeHumidity", "air.pressure", "battery", "soil.moisture" */
  path: string;
  /** divide the value by this first (e.g. mV -> V: 1000). Default 1. */
  divisor?: number;
}

interface FieldBase {
  /** key in readings and decoded data: letters, digits, underscore; starts with a letter */
  name: string;
  description?: string;
  /** uplinks: how a missing reading is encoded; default: a sentinel code when the range leaves a spare code, else a presence bit */
  missing?: MissingMode;
  /** downlink command fields: optional ones get a presence bit; default required */
  optional?: boolean;
  lpp?: LppMapping;
  normalized?: NormalizedMapping;
}

/** A number on a range with a resolution: bits = ceil(log2((max - min) / resolution + 1 [+ 1 sentinel])). */
export interface NumberField extends FieldBase {
  /** 'unsigned' requires min >= 0; both are sent as an offset from min */
  type: 'unsigned' | 'signed';
  unit: string;
  min: number;
  max: number;
  /** a step with at most 6 decimals; (max - min) / resolution must be a whole number */
  resolution: number;
}

export interface EnumField extends FieldBase {
  type: 'enum';
  unit?: string;
  values: string[];
}

export interface BooleanField extends FieldBase {
  type: 'boolean';
  unit?: string;
}

/** Fixed-length raw bytes (hex in decoded data); a missing value always costs one presence bit. */
export interface BytesField extends FieldBase {
  type: 'bytes';
  unit?: string;
  length: number;
}

export type FieldDef = NumberField | EnumField | BooleanField | BytesField;

/** One version of one uplink payload. Every version has its own fPort: the fPort is the version tag. */
export interface UplinkDef {
  name: string;
  version: number;
  fPort: number;
  /** fPort of the batch form (several readings per frame); omit for none */
  batchFPort?: number;
  description?: string;
  fields: FieldDef[];
}

export interface CommandDef {
  name: string;
  /** 1..255, stable forever: it is the first byte of the command on air */
  id: number;
  description?: string;
  fields: FieldDef[];
}

export interface AppSchema {
  name: string;
  description: string;
  /** every payload version ever deployed: decoders keep reading old ones */
  uplinks: UplinkDef[];
  downlink?: { fPort: number; commands: CommandDef[] };
}
