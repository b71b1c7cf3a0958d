// Emits a lorakit schema's readings as CayenneLPP. A schema field opts in with
// an `lpp: { type, channel }` mapping; fields without one are not sent in LPP.
// Written against the minimal shape below so it works with any schema object
// whose fields carry `name` and an optional `lpp` mapping.
import { lppEncodeReading, lppFieldSize, LPP_ERR_ARITY, type LppMapping } from '../device/lpp.ts';
import { encodeLpp, LppEncodeError } from './encode.ts';
import { lppCatalogue, type LppCatalogue, type LppOptions, type LppTypeName } from './types.ts';

/** The part of a schema field this module reads (codecs/schema/types.ts FieldDef fits it). */
export interface LppMappedField {
  name: string;
  /** `type` is an LPP type name; `factor` converts the reading to the LPP unit (mV -> V: 0.001), default 1. */
  lpp?: { type: string; channel: number; factor?: number };
}

/** A reading: field name to value (numbers; multi-value types take {x,y,z}-style objects or arrays). */
export type LppReading = Readonly<Record<string, unknown>>;

/** Resolves the fields' LPP mappings into device mappings (what firmware would embed). */
export function lppMappings(fields: readonly LppMappedField[], opts: LppOptions | LppCatalogue = {}): LppMapping[] {
  const cat = 'byId' in opts ? opts : lppCatalogue(opts);
  const out: LppMapping[] = [];
  const seen = new Set<string>();
  for (const f of fields) {
    if (!f.lpp) continue;
    const info = cat.byName.get(f.lpp.type);
    const factor = f.lpp.factor ?? 1;
    if (!Number.isFinite(factor) || factor === 0) throw new LppEncodeError(`schema field "${f.name}": LPP factor must be a non-zero number`);
    if (!info) throw new LppEncodeError(`schema field "${f.name}": LPP type "${f.lpp.type}" is not available with these options`);
    const slot = `${info.layout.id}/${f.lpp.channel}`;
    if (seen.has(slot)) throw new LppEncodeError(`schema field "${f.name}": another field already uses ${f.lpp.type} on channel ${f.lpp.channel}`);
    seen.add(slot);
    out.push({ name: f.name, channel: f.lpp.channel, t: info.layout, f: factor });
  }
  return out;
}

/** Maximum frame size for one reading of these fields. */
export function lppReadingSize(map: readonly LppMapping[]): number {
  return map.reduce((n, m) => n + lppFieldSize(m.t), 0);
}

/**
 * Encodes one reading of a schema as CayenneLPP (mapped fields only, in schema
 * order). Throws LppEncodeError naming the field when a value is missing or out of range.
 */
export function encodeSchemaReadingLpp(fields: readonly LppMappedField[], reading: LppReading, opts: LppOptions | LppCatalogue = {}): Uint8Array {
  const cat = 'byId' in opts ? opts : lppCatalogue(opts);
  const map = lppMappings(fields, cat);
  const flat: Record<string, number | number[]> = {};
  for (const m of map) {
    const v = reading[m.name];
    if (v === undefined) throw new LppEncodeError(`reading has no value for schema field "${m.name}"`);
    flat[m.name] = toNumbers(v, m, cat);
  }
  const out = new Uint8Array(lppReadingSize(map));
  const n = lppEncodeReading(map, flat, out);
  if (n === out.length) return out;
  if (n === LPP_ERR_ARITY) throw new LppEncodeError('reading does not match the schema fields');
  // Re-encode field by field for a message that names the culprit.
  encodeLpp(
    map.map((m) => {
      const v = flat[m.name] as number | number[];
      return { channel: m.channel, type: typeName(cat, m), value: typeof v === 'number' ? v * m.f : v.map((x) => x * m.f) };
    }),
    cat,
  );
  throw new LppEncodeError(`reading could not be encoded (code ${n})`);
}

function typeName(cat: LppCatalogue, m: LppMapping): LppTypeName {
  return (cat.byId.get(m.t.id)?.name ?? 'generic') as LppTypeName;
}

function toNumbers(v: unknown, m: LppMapping, cat: LppCatalogue): number | number[] {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (Array.isArray(v)) return v as number[];
  const comps = cat.byId.get(m.t.id)?.components;
  if (v !== null && typeof v === 'object' && comps) return comps.map((k) => (v as Record<string, unknown>)[k] as number);
  throw new LppEncodeError(`schema field "${m.name}": value ${JSON.stringify(v)} is not a number`);
}
