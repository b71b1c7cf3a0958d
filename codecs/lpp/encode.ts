// CayenneLPP encoder (Node side): validates, then writes through the device
// encoder core (codecs/device/lpp.ts) so both sides produce the same bytes.
import { lppFieldSize, lppPut, LPP_ERR_ARITY, LPP_ERR_CHANNEL, LPP_ERR_RANGE } from '../device/lpp.ts';
import { lppCatalogue, type LppCatalogue, type LppOptions, type LppTypeInfo, type LppTypeName } from './types.ts';

/** One field to encode. Multi-value types take an object ({x,y,z} ...) or an array in component order. */
export interface LppField {
  channel: number;
  type: LppTypeName;
  value: number | boolean | Readonly<Record<string, number>> | readonly number[];
}

/** An invalid field: the message names the field, its type, channel and the reason. */
export class LppEncodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LppEncodeError';
  }
}

function range(info: LppTypeInfo, c: number): string {
  const t = info.layout;
  const span = 2 ** (8 * (t.b[c] as number));
  const m = t.m[c] as number;
  const lo = t.s ? -span / 2 : 0;
  const hi = t.s ? span / 2 - 1 : span - 1;
  return `${lo / m}..${hi / m} in steps of ${1 / m}`;
}

function componentValues(info: LppTypeInfo, f: LppField, where: string): number[] {
  const v = f.value;
  if (typeof v === 'boolean') return [v ? 1 : 0];
  if (typeof v === 'number') return [v];
  if (Array.isArray(v)) return v as number[];
  if (v !== null && typeof v === 'object' && info.components) {
    return info.components.map((k) => {
      const x = (v as Record<string, unknown>)[k];
      if (typeof x !== 'number') throw new LppEncodeError(`${where}: missing numeric component "${k}"`);
      return x;
    });
  }
  throw new LppEncodeError(`${where}: value must be ${info.components ? `{${info.components.join(', ')}} or an array` : 'a number'}`);
}

/** Encodes fields in order. Values are rounded half away from zero; out-of-range values throw LppEncodeError. */
export function encodeLpp(fields: readonly LppField[], opts: LppOptions | LppCatalogue = {}): Uint8Array {
  const cat = 'byId' in opts ? opts : lppCatalogue(opts);
  const infos = fields.map((f, i) => {
    const info = cat.byName.get(f.type);
    if (!info) throw new LppEncodeError(`field ${i}: type "${f.type}" is not available with these options`);
    return info;
  });
  let size = 0;
  for (const info of infos) size += lppFieldSize(info.layout);
  const out = new Uint8Array(size);
  let pos = 0;
  fields.forEach((f, i) => {
    const info = infos[i] as LppTypeInfo;
    const where = `field ${i} (${f.type}, channel ${f.channel})`;
    const values = componentValues(info, f, where);
    const r = lppPut(out, pos, f.channel, info.layout, values);
    if (r === LPP_ERR_CHANNEL) throw new LppEncodeError(`${where}: channel must be an integer 0..255`);
    if (r === LPP_ERR_ARITY) throw new LppEncodeError(`${where}: needs ${info.layout.b.length} values, got ${values.length}`);
    if (r === LPP_ERR_RANGE) {
      const c = values.findIndex((x, k) => !Number.isFinite(x) || lppPut(new Uint8Array(16), 0, 0, { ...info.layout, b: [info.layout.b[k] as number], m: [info.layout.m[k] as number] }, [x]) < 0);
      const label = info.components ? ` ${info.components[c] ?? ''}` : '';
      throw new LppEncodeError(`${where}:${label} value ${String(values[c])} is out of range (${range(info, Math.max(c, 0))})`);
    }
    if (r < 0) throw new LppEncodeError(`${where}: internal error ${r}`);
    pos = r;
  });
  return out;
}

/**
 * The inverse of decodeLpp's `data`: keys `<key>_<channel>` back to fields, in key order.
 * Unknown keys throw LppEncodeError (useful for TS013 encodeDownlink).
 */
export function lppFieldsFromData(data: Readonly<Record<string, unknown>>, opts: LppOptions | LppCatalogue = {}): LppField[] {
  const cat = 'byId' in opts ? opts : lppCatalogue(opts);
  const byKey = new Map<string, LppTypeName>();
  for (const info of cat.byName.values()) byKey.set(info.key, info.name);
  return Object.entries(data).map(([k, value]) => {
    const m = /^(.+)_(\d{1,3})$/.exec(k);
    const type = m ? byKey.get(m[1] as string) : undefined;
    if (!m || !type) throw new LppEncodeError(`"${k}" is not <type>_<channel> for a known CayenneLPP type`);
    return { channel: Number(m[2]), type, value: value as LppField['value'] };
  });
}
