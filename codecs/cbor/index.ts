// CBOR on the Node side: decoding (cbor-x, never throws, never NaN) and a
// re-export of the device encoder so there is one encoder implementation.
import { Decoder } from 'cbor-x';

export { cborEncode } from '../device/cbor.ts';

/** The result shape of TS013 `decodeUplink`, with `data` as the decoded CBOR item. */
export interface CborDecodeResult {
  /** The decoded item; `undefined` exactly when decoding failed (see `errors`). */
  data: unknown;
  warnings: string[];
  errors: string[];
}

// One decoder configuration: maps as plain objects, no cbor-x record extension
// (so any RFC 8949 encoder interoperates). 8-byte integers arrive as bigint (see sanitize).
// cbor-x's decoder keeps no state between calls with these options, so one is shared.
const decoder = new Decoder({ mapsAsObjects: true, useRecords: false });

function toBytes(input: unknown): Uint8Array | string {
  if (input instanceof Uint8Array) return input;
  if (Array.isArray(input)) {
    const out = new Uint8Array(input.length);
    for (let i = 0; i < input.length; i++) {
      const b: unknown = input[i];
      if (typeof b !== 'number' || !(b >= 0 && b <= 255) || b % 1 !== 0) {
        return `input byte ${i} is not an integer 0..255 (${String(b)})`;
      }
      out[i] = b;
    }
    return out;
  }
  return `input must be a Uint8Array or an array of bytes, got ${input === null ? 'null' : typeof input}`;
}

/**
 * Replaces what JSON and TS013 consumers cannot hold: NaN/±Infinity and undefined become null,
 * integers beyond 2^53 become decimal strings, byte strings become Uint8Array (not
 * Buffer). Each replacement adds a warning naming the path.
 */
function sanitize(v: unknown, path: string, warnings: string[]): unknown {
  if (v === undefined) {
    warnings.push(`${path}: undefined replaced by null`);
    return null;
  }
  if (typeof v === 'number') {
    if (Number.isNaN(v) || !Number.isFinite(v)) {
      warnings.push(`${path}: ${String(v)} replaced by null`);
      return null;
    }
    return v;
  }
  if (typeof v === 'bigint') {
    if (v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(v);
    warnings.push(`${path}: integer beyond 2^53 given as a decimal string`);
    return v.toString();
  }
  if (v instanceof Uint8Array) return new Uint8Array(v.buffer, v.byteOffset, v.length);
  if (Array.isArray(v)) return v.map((item, i) => sanitize(item, `${path}[${i}]`, warnings));
  if (v !== null && typeof v === 'object' && !(v instanceof Date)) {
    if (v instanceof Map) {
      warnings.push(`${path}: map with non-text keys decoded as an array of [key, value] pairs`);
      return [...v.entries()].map(([k, val], i) => [
        sanitize(k, `${path}<key ${i}>`, warnings),
        sanitize(val, `${path}[${i}]`, warnings),
      ]);
    }
    const out: Record<string, unknown> = {};
    for (const [k, val] of Object.entries(v)) {
      Object.defineProperty(out, k, {
        value: sanitize(val, `${path}.${k}`, warnings),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return v;
}

/** Decodes exactly one CBOR data item. Never throws; problems are reported in `errors`. */
export function decodeCbor(input: Uint8Array | readonly number[]): CborDecodeResult {
  const warnings: string[] = [];
  const bytes = toBytes(input);
  if (typeof bytes === 'string') return { data: undefined, warnings, errors: [bytes] };
  if (bytes.length === 0) return { data: undefined, warnings, errors: ['empty input: no CBOR data item'] };
  let raw: unknown;
  try {
    raw = decoder.decode(bytes);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    return { data: undefined, warnings, errors: [`invalid CBOR: ${msg.split('\n')[0]}`] };
  }
  return { data: sanitize(raw, '$', warnings), warnings, errors: [] };
}

/**
 * TS013 `decodeUplink` over a CBOR payload. `data` must be an object for TS013:
 * a top-level map is returned as is; any other item is wrapped as `{ value }`.
 */
export function decodeUplinkCbor(input: { bytes: Uint8Array | readonly number[]; fPort?: number }): {
  data: Record<string, unknown>;
  warnings: string[];
  errors: string[];
} {
  const r = decodeCbor(input.bytes);
  if (r.errors.length > 0) return { data: {}, warnings: r.warnings, errors: r.errors };
  const d = r.data;
  const isMap = d !== null && typeof d === 'object' && !Array.isArray(d) && !(d instanceof Uint8Array) && !(d instanceof Date);
  return { data: isMap ? (d as Record<string, unknown>) : { value: d }, warnings: r.warnings, errors: [] };
}
