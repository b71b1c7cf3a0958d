// The compiled ("table") form of a payload schema. It is what the device encoder,
// the device downlink decoder, the Node decoder and the exported TS013 codec all
// read, so every consumer interprets the same numbers. codecs/schema/compile.ts
// derives it from an app schema (codecs/apps/); the device carries only the
// numeric part (codecs/device/tables.ts), the decoders also read the optional
// descriptive keys (unit, normalisation).
//
// Field kinds (`t`): 0 scaled number (signed or unsigned range), 1 enum, 2 boolean, 3 raw bytes.
// Missing readings (`m`): 0 sentinel code (mx + 1), 1 presence bit, 2 required (downlinks only).

/** One compiled field. A number decodes as (lo + code * st) / dv, with code 0..mx. */
export interface CField {
  /** name: the key in readings and decoded data */
  n: string;
  /** kind: 0 number, 1 enum, 2 boolean, 3 bytes */
  t: number;
  /** value bits (bytes: length * 8) */
  b: number;
  /** minimum, scaled to an integer: min * dv */
  lo: number;
  /** step (resolution), scaled to an integer: resolution * dv */
  st: number;
  /** decimal scale 10^d that makes min and resolution integers */
  dv: number;
  /** highest valid code */
  mx: number;
  /** missing reading: 0 sentinel, 1 presence bit, 2 required */
  m: number;
  /** enum labels, index = code */
  e?: string[];
  /** unit (decoder side only) */
  u?: string;
  /** TTN normalized-payload path, e.g. "air.temperature" (decoder side only) */
  z?: string;
  /** divide the value by this for the normalized payload (e.g. mV -> V: 1000) */
  zd?: number;
}

/** One uplink payload version: its single-reading fPort and, optionally, its batch fPort. */
export interface CUplink {
  /** payload name (decoder side only) */
  name?: string;
  /** schema version of this payload */
  v: number;
  port: number;
  /** batch fPort, 0 when the payload has no batch form */
  bport: number;
  f: CField[];
}

/** A downlink command: an 8-bit id followed by its fields. */
export interface CCommand {
  id: number;
  name: string;
  f: CField[];
}

export interface CDownlink {
  port: number;
  cmds: CCommand[];
}

export interface CApp {
  app: string;
  up: CUplink[];
  down?: CDownlink;
}

/** Readings handed to the encoder, keyed by field name. Absent, null, NaN = missing. */
export interface Readings {
  [name: string]: number | boolean | string | number[] | Uint8Array | null | undefined;
}

/** A decoded downlink command, e.g. { command: "setInterval", interval: 900 }. */
export interface DecodedCommand {
  command: string;
  [field: string]: number | boolean | string;
}

export type DownlinkResult = { ok: true; commands: DecodedCommand[] } | { ok: false; error: string };
