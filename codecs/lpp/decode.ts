// CayenneLPP decoder. Never throws, never yields NaN: every problem becomes a
// line in `errors` (decoding stops there, what was read before is kept) or
// `warnings` (decoding goes on).
import { lppCatalogue, type LppCatalogue, type LppOptions, type LppTypeName } from './types.ts';

/** A decoded value: a number, or named components (x/y/z, latitude/longitude/altitude, r/g/b). */
export type LppValue = number | Record<string, number>;

export interface LppEntry {
  channel: number;
  /** The type id as sent. */
  type: number;
  name: LppTypeName;
  value: LppValue;
}

export interface LppParseResult {
  entries: LppEntry[];
  warnings: string[];
  errors: string[];
}

/** TS013 `decodeUplink` result shape; `data` maps `<key>_<channel>` to the value. */
export interface LppDecodeResult {
  data: Record<string, LppValue>;
  warnings: string[];
  errors: string[];
}

function readUint(bytes: ArrayLike<number>, at: number, n: number): number {
  let v = 0;
  for (let i = 0; i < n; i++) v = v * 256 + (bytes[at + i] as number);
  return v;
}

function checkBytes(input: unknown): string | null {
  if (input instanceof Uint8Array) return null;
  if (!Array.isArray(input)) return `input must be a Uint8Array or an array of bytes, got ${input === null ? 'null' : typeof input}`;
  for (let i = 0; i < input.length; i++) {
    const b: unknown = input[i];
    if (typeof b !== 'number' || !(b >= 0 && b <= 255) || b % 1 !== 0) return `input byte ${i} is not an integer 0..255 (${String(b)})`;
  }
  return null;
}

function catalogueOrError(opts: LppOptions | LppCatalogue): LppCatalogue | string {
  if ('byId' in opts) return opts;
  try {
    return lppCatalogue(opts);
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** Splits a CayenneLPP frame into entries. Accepts options or a prepared catalogue (faster in loops). */
export function parseLpp(bytes: Uint8Array | readonly number[], opts: LppOptions | LppCatalogue = {}): LppParseResult {
  const entries: LppEntry[] = [];
  const warnings: string[] = [];
  const errors: string[] = [];
  const bad = checkBytes(bytes);
  if (bad) return { entries, warnings, errors: [bad] };
  const cat = catalogueOrError(opts);
  if (typeof cat === 'string') return { entries, warnings, errors: [`invalid options: ${cat}`] };
  const wrap = cat.options.int32Wrap;
  let i = 0;
  while (i < bytes.length) {
    if (i + 2 > bytes.length) {
      errors.push(`byte ${i}: frame ends inside a field header (1 byte left, need channel and type)`);
      break;
    }
    const channel = bytes[i] as number;
    const typeId = bytes[i + 1] as number;
    const info = cat.byId.get(typeId);
    if (!info) {
      errors.push(`byte ${i + 1}: unknown type ${typeId} (0x${typeId.toString(16).padStart(2, '0')}) on channel ${channel}; the rest of the frame cannot be split`);
      break;
    }
    const t = info.layout;
    let size = 0;
    for (const n of t.b) size += n;
    if (i + 2 + size > bytes.length) {
      errors.push(`byte ${i}: ${info.name} on channel ${channel} needs ${size} value bytes, frame has ${bytes.length - i - 2}`);
      break;
    }
    let at = i + 2;
    const parts: number[] = [];
    for (let c = 0; c < t.b.length; c++) {
      const n = t.b[c] as number;
      const span = 2 ** (8 * n);
      let v = readUint(bytes, at, n);
      if ((t.s || (wrap && n === 4)) && v >= span / 2) v -= span;
      parts.push(v / (t.m[c] as number));
      at += n;
    }
    let value: LppValue = parts[0] as number;
    if (info.components) {
      const obj: Record<string, number> = {};
      for (let c = 0; c < info.components.length; c++) obj[info.components[c] as string] = parts[c] as number;
      value = obj;
    }
    entries.push({ channel, type: typeId, name: info.name, value });
    i = at;
  }
  return { entries, warnings, errors };
}

/** The key an entry gets in decoded data: `<key>_<channel>`. */
export function lppDataKey(cat: LppCatalogue, name: LppTypeName, channel: number): string {
  return `${cat.byName.get(name)?.key ?? name}_${channel}`;
}

/**
 * TS013-shaped decoding. A type repeated on one channel keeps the last value
 * (as The Things Stack does) and adds a warning.
 */
export function decodeLpp(bytes: Uint8Array | readonly number[], opts: LppOptions | LppCatalogue = {}): LppDecodeResult {
  const cat = catalogueOrError(opts);
  const r = parseLpp(bytes, typeof cat === 'string' ? opts : cat);
  const data: Record<string, LppValue> = {};
  if (typeof cat === 'string') return { data, warnings: r.warnings, errors: r.errors };
  for (const e of r.entries) {
    const k = `${cat.byId.get(e.type)?.key ?? e.name}_${e.channel}`;
    if (Object.prototype.hasOwnProperty.call(data, k)) r.warnings.push(`${k} appears more than once; the last value is kept`);
    data[k] = e.value;
  }
  return { data, warnings: r.warnings, errors: r.errors };
}

/** TS013 `decodeUplink` entry point over CayenneLPP. */
export function decodeUplinkLpp(input: { bytes: Uint8Array | readonly number[]; fPort?: number }, opts: LppOptions = {}): LppDecodeResult {
  return decodeLpp(input.bytes, opts);
}
