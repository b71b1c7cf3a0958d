// CayenneLPP encoder core for the device (Espruino profile: no module-level
// mutable state, no Math.round on negatives, no bitwise ops beyond 32 bits).
// The Node side (codecs/lpp/) uses the same descriptors and the same lppPut, so
// there is one encoder. Type ids, sizes, resolutions and signedness follow the
// myDevices table and ElectronicCats/CayenneLPP 1.4 (docs/CAYENNELPP.md).
//
// Frame layout: [channel][type][value bytes, big-endian] repeated.

/** A CayenneLPP data type: `b` bytes and multiplier `m` per component, two's complement if `s`. */
export interface LppType {
  id: number;
  b: number[];
  m: number[];
  s: boolean;
}

export const LPP_DIGITAL_IN: LppType = { id: 0, b: [1], m: [1], s: false };
export const LPP_DIGITAL_OUT: LppType = { id: 1, b: [1], m: [1], s: false };
export const LPP_ANALOG_IN: LppType = { id: 2, b: [2], m: [100], s: true };
export const LPP_ANALOG_OUT: LppType = { id: 3, b: [2], m: [100], s: true };
export const LPP_GENERIC: LppType = { id: 100, b: [4], m: [1], s: false };
export const LPP_ILLUMINANCE: LppType = { id: 101, b: [2], m: [1], s: false };
export const LPP_PRESENCE: LppType = { id: 102, b: [1], m: [1], s: false };
export const LPP_TEMPERATURE: LppType = { id: 103, b: [2], m: [10], s: true };
export const LPP_HUMIDITY: LppType = { id: 104, b: [1], m: [2], s: false };
export const LPP_ACCELEROMETER: LppType = { id: 113, b: [2, 2, 2], m: [1000, 1000, 1000], s: true };
export const LPP_BAROMETER: LppType = { id: 115, b: [2], m: [10], s: false };
export const LPP_VOLTAGE: LppType = { id: 116, b: [2], m: [100], s: false };
export const LPP_CURRENT: LppType = { id: 117, b: [2], m: [1000], s: false };
export const LPP_FREQUENCY: LppType = { id: 118, b: [4], m: [1], s: false };
export const LPP_PERCENTAGE: LppType = { id: 120, b: [1], m: [1], s: false };
export const LPP_ALTITUDE: LppType = { id: 121, b: [2], m: [1], s: true };
export const LPP_CONCENTRATION: LppType = { id: 125, b: [2], m: [1], s: false };
export const LPP_POWER: LppType = { id: 128, b: [2], m: [1], s: false };
export const LPP_DISTANCE: LppType = { id: 130, b: [4], m: [1000], s: false };
export const LPP_ENERGY: LppType = { id: 131, b: [4], m: [1000], s: false };
export const LPP_DIRECTION: LppType = { id: 132, b: [2], m: [1], s: false };
export const LPP_UNIXTIME: LppType = { id: 133, b: [4], m: [1], s: false };
export const LPP_GYROMETER: LppType = { id: 134, b: [2, 2, 2], m: [100, 100, 100], s: true };
export const LPP_COLOUR: LppType = { id: 135, b: [1, 1, 1], m: [1, 1, 1], s: false };
export const LPP_GPS: LppType = { id: 136, b: [3, 3, 3], m: [10000, 10000, 100], s: true };
export const LPP_SWITCH: LppType = { id: 142, b: [1], m: [1], s: false };

/** lppPut results below zero. */
export const LPP_ERR_ROOM = -1; // the frame buffer is full
export const LPP_ERR_RANGE = -2; // a value is not finite or does not fit the type
export const LPP_ERR_ARITY = -3; // wrong number of values for the type
export const LPP_ERR_CHANNEL = -4; // channel not an integer 0..255

/**
 * Rounds half away from zero (Espruino's Math.round differs on negative halves).
 * The tiny relative nudge makes halves written in decimal (1.005 * 100) round up
 * although their binary product lands a hair below .5.
 */
export function lppRound(x: number): number {
  const a = x < 0 ? -x : x;
  const r = Math.floor(a + 0.5 + a * 1e-12);
  return x < 0 ? -r : r;
}

/** Bytes one field of type `t` takes in a frame, header included. */
export function lppFieldSize(t: LppType): number {
  let n = 2;
  for (let i = 0; i < t.b.length; i++) n += t.b[i] as number;
  return n;
}

/**
 * Writes one field (channel, type id, values scaled, rounded and big-endian) into
 * `out` at `pos`. Returns the position after it, or an LPP_ERR_* code (nothing
 * is written then). `values` holds one number per component (x,y,z; lat,lon,alt; r,g,b).
 */
export function lppPut(out: Uint8Array, pos: number, channel: number, t: LppType, values: number[]): number {
  if (!(channel >= 0 && channel <= 255) || channel % 1 !== 0) return LPP_ERR_CHANNEL;
  if (values.length !== t.b.length) return LPP_ERR_ARITY;
  if (pos + lppFieldSize(t) > out.length) return LPP_ERR_ROOM;
  const scaled: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const x = values[i] as number;
    if (typeof x !== 'number' || !isFinite(x)) return LPP_ERR_RANGE;
    const v = lppRound(x * (t.m[i] as number));
    const span = Math.pow(2, 8 * (t.b[i] as number));
    if (t.s ? v < -span / 2 || v >= span / 2 : v < 0 || v >= span) return LPP_ERR_RANGE;
    scaled[i] = v < 0 ? v + span : v;
  }
  let p = pos;
  out[p++] = channel;
  out[p++] = t.id;
  for (let i = 0; i < scaled.length; i++) {
    let v = scaled[i] as number;
    const n = t.b[i] as number;
    for (let k = n - 1; k >= 0; k--) {
      out[p + k] = v % 256;
      v = Math.floor(v / 256);
    }
    p += n;
  }
  return p;
}

/** A schema field mapped to CayenneLPP: reading key, channel, type layout, unit factor (value * f). */
export interface LppMapping {
  name: string;
  channel: number;
  t: LppType;
  f: number;
}

/**
 * Writes one reading as a CayenneLPP frame: for each mapping, `reading[name]`
 * (a number, or an array for multi-value types) times the mapping's factor. Returns the frame length, or an
 * LPP_ERR_* code; `LPP_ERR_ARITY` also covers a missing reading value.
 */
export function lppEncodeReading(map: LppMapping[], reading: { [name: string]: number | number[] }, out: Uint8Array): number {
  let pos = 0;
  for (let i = 0; i < map.length; i++) {
    const f = map[i] as LppMapping;
    const v = reading[f.name];
    if (v === undefined) return LPP_ERR_ARITY;
    const vals: number[] = [];
    if (typeof v === 'number') vals[0] = v * f.f;
    else for (let k = 0; k < v.length; k++) vals[k] = (v[k] as number) * f.f;
    pos = lppPut(out, pos, f.channel, f.t, vals);
    if (pos < 0) return pos;
  }
  return pos;
}
