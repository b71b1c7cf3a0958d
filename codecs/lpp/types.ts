// The CayenneLPP type catalogue on the Node side: names, components and the
// variants of the reference implementations (docs/CAYENNELPP.md). The byte
// layouts come from codecs/device/lpp.ts, the one encoder both sides share.
import * as D from '../device/lpp.ts';
import type { LppType } from '../device/lpp.ts';

/** Every type this toolkit knows, by its lorakit name. */
export const LPP_TYPE_NAMES = [
  'digital_in', 'digital_out', 'analog_in', 'analog_out', 'generic', 'illuminance', 'presence',
  'temperature', 'humidity', 'accelerometer', 'barometer', 'voltage', 'current', 'frequency',
  'percentage', 'altitude', 'concentration', 'power', 'distance', 'energy', 'direction', 'unixtime',
  'gyrometer', 'colour', 'gps', 'switch', 'gps_precise', 'voc',
] as const;
export type LppTypeName = (typeof LPP_TYPE_NAMES)[number];

/** Presets that reproduce what a reference implementation writes or reads. */
export type LppVariant = 'lorakit' | 'ttn' | 'electroniccats' | 'electroniccats-1.1' | 'rak';

/** Per-divergence switches; each overrides what `variant` sets. */
export interface LppOptions {
  /** Preset (default 'lorakit': the myDevices table plus ElectronicCats 1.4 extended types). */
  variant?: LppVariant;
  /** Analog in/out (2, 3) as two's complement. Every reference checked says signed. Default true. */
  analogSigned?: boolean;
  /** Voltage (116) as two's complement. ElectronicCats/RAK: unsigned; go-cayenne-lib comments "0.01 signed". Default false. */
  voltageSigned?: boolean;
  /** Barometer (115) as two's complement. TTN's go-cayenne-lib reads int16. Default false ('ttn': true). */
  barometerSigned?: boolean;
  /** Unix time (133) as int32 instead of uint32. Default false. */
  unixTimeSigned?: boolean;
  /**
   * Read every unsigned 4-byte field as int32, as the ElectronicCats and RAK JavaScript
   * decoders do (their `value << 8` wraps at 2^31). Decoding only. Default false.
   */
  int32Wrap?: boolean;
  /** Metres per unit of the GPS (136) altitude. Default 0.01. */
  gpsAltitudeResolution?: number;
  /** Accept the extended types (100 and up besides the classic ones). Default true ('ttn': false). */
  extended?: boolean;
  /** RAK additions: 137 precise GPS (1e-6 deg, 4+4+3 bytes), 138 VOC index. Default false ('rak': true). */
  rak?: boolean;
  /** ElectronicCats 1.1-1.3 ids: concentration as 143 ("ppm"), colour as 144 ("rgb"). Default false. */
  legacyIds?: boolean;
  /** Key style of decoded data: 'lorakit' (`temperature_3`) or 'ttn' (`relative_humidity_2`). */
  names?: 'lorakit' | 'ttn';
}

/** A resolved type: its layout, name, component names and output key prefix. */
export interface LppTypeInfo {
  name: LppTypeName;
  layout: LppType;
  /** Component names for multi-value types (x/y/z, latitude/longitude/altitude, r/g/b); null for scalars. */
  components: readonly string[] | null;
  /** Prefix of the decoded data key (`<key>_<channel>`). */
  key: string;
}

export interface LppCatalogue {
  byId: ReadonlyMap<number, LppTypeInfo>;
  byName: ReadonlyMap<string, LppTypeInfo>;
  options: Required<Omit<LppOptions, 'variant'>>;
}

const XYZ = ['x', 'y', 'z'] as const;
const GPS = ['latitude', 'longitude', 'altitude'] as const;
const RGB = ['r', 'g', 'b'] as const;
const CLASSIC = new Set<LppTypeName>([
  'digital_in', 'digital_out', 'analog_in', 'analog_out', 'illuminance', 'presence', 'temperature',
  'humidity', 'accelerometer', 'barometer', 'gyrometer', 'gps',
]);
/** TTN/The Things Stack key names (pkg/messageprocessors/cayennelpp/keys.go). */
const TTN_KEYS: Partial<Record<LppTypeName, string>> = {
  illuminance: 'luminosity',
  humidity: 'relative_humidity',
  barometer: 'barometric_pressure',
};
/** ElectronicCats/RAK decoder keys that differ from the lorakit names. */
const JS_KEYS: Partial<Record<LppTypeName, string>> = { unixtime: 'time' };

const BASE: Record<LppTypeName, LppType> = {
  digital_in: D.LPP_DIGITAL_IN, digital_out: D.LPP_DIGITAL_OUT, analog_in: D.LPP_ANALOG_IN,
  analog_out: D.LPP_ANALOG_OUT, generic: D.LPP_GENERIC, illuminance: D.LPP_ILLUMINANCE,
  presence: D.LPP_PRESENCE, temperature: D.LPP_TEMPERATURE, humidity: D.LPP_HUMIDITY,
  accelerometer: D.LPP_ACCELEROMETER, barometer: D.LPP_BAROMETER, voltage: D.LPP_VOLTAGE,
  current: D.LPP_CURRENT, frequency: D.LPP_FREQUENCY, percentage: D.LPP_PERCENTAGE,
  altitude: D.LPP_ALTITUDE, concentration: D.LPP_CONCENTRATION, power: D.LPP_POWER,
  distance: D.LPP_DISTANCE, energy: D.LPP_ENERGY, direction: D.LPP_DIRECTION, unixtime: D.LPP_UNIXTIME,
  gyrometer: D.LPP_GYROMETER, colour: D.LPP_COLOUR, gps: D.LPP_GPS, switch: D.LPP_SWITCH,
  gps_precise: { id: 137, b: [4, 4, 3], m: [1000000, 1000000, 100], s: true },
  voc: { id: 138, b: [2], m: [1], s: false },
};

const PRESETS: Record<LppVariant, LppOptions> = {
  lorakit: {},
  ttn: { extended: false, barometerSigned: true, names: 'ttn' },
  electroniccats: { int32Wrap: true },
  'electroniccats-1.1': { int32Wrap: true, legacyIds: true },
  rak: { int32Wrap: true, rak: true },
};

const DEFAULTS: Required<Omit<LppOptions, 'variant'>> = {
  analogSigned: true,
  voltageSigned: false,
  barometerSigned: false,
  unixTimeSigned: false,
  int32Wrap: false,
  gpsAltitudeResolution: 0.01,
  extended: true,
  rak: false,
  legacyIds: false,
  names: 'lorakit',
};

/** Resolves options (preset, then explicit switches) into the type tables. */
export function lppCatalogue(opts: LppOptions = {}): LppCatalogue {
  const o = { ...DEFAULTS, ...PRESETS[opts.variant ?? 'lorakit'], ...stripUndefined(opts) };
  delete (o as LppOptions).variant;
  if (!(o.gpsAltitudeResolution > 0) || !Number.isFinite(o.gpsAltitudeResolution)) {
    throw new RangeError(`gpsAltitudeResolution must be a positive number of metres, got ${String(o.gpsAltitudeResolution)}`);
  }
  const byId = new Map<number, LppTypeInfo>();
  const byName = new Map<string, LppTypeInfo>();
  for (const name of LPP_TYPE_NAMES) {
    if (!o.extended && !CLASSIC.has(name)) continue;
    if (!o.rak && (name === 'gps_precise' || name === 'voc')) continue;
    const base = BASE[name];
    const layout: LppType = { id: base.id, b: base.b, m: [...base.m], s: base.s };
    if (name === 'analog_in' || name === 'analog_out') layout.s = o.analogSigned;
    if (name === 'voltage') layout.s = o.voltageSigned;
    if (name === 'barometer') layout.s = o.barometerSigned;
    if (name === 'unixtime') layout.s = o.unixTimeSigned;
    if (name === 'gps') layout.m[2] = unitsPerMetre(o.gpsAltitudeResolution);
    if (o.legacyIds && name === 'concentration') layout.id = 143;
    if (o.legacyIds && name === 'colour') layout.id = 144;
    const components = layout.b.length === 1 ? null : name === 'colour' ? RGB : name.startsWith('gps') ? GPS : XYZ;
    const key = (o.names === 'ttn' ? TTN_KEYS[name] : o.int32Wrap ? JS_KEYS[name] : undefined) ?? name;
    const info: LppTypeInfo = { name, layout, components, key };
    byId.set(layout.id, info);
    byName.set(name, info);
  }
  return { byId, byName, options: o };
}

/** 1/resolution, snapped to an integer when it is one (1/0.01 must be exactly 100). */
function unitsPerMetre(resolution: number): number {
  const m = 1 / resolution;
  return Math.abs(m - Math.round(m)) < 1e-9 ? Math.round(m) : m;
}

function stripUndefined(opts: LppOptions): LppOptions {
  return Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) as LppOptions;
}
