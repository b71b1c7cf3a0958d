// Canonical plain values for the report files: object keys sorted (so the bytes do not
// depend on the order in which a producer happened to build an object), undefined
// members dropped, non-finite numbers as null, typed arrays as number arrays, bigints as
// numbers when exact (else decimal strings), -0 as 0, lone surrogates as U+FFFD, Maps as
// objects, cycles cut. JSON and CBOR of the same canonical value carry the same data.

type Plain = null | boolean | number | string | Plain[] | { [key: string]: Plain };

/** The canonical plain form of `value` (see the file comment). Never throws. */
export function canonical(value: unknown): Plain {
  return canon(value, []);
}

function canon(value: unknown, ancestors: object[]): Plain {
  switch (typeof value) {
    case 'string':
      return wellFormed(value);
    case 'boolean':
      return value;
    case 'number':
      // -0 becomes 0: JSON cannot tell them apart, so neither may the CBOR twin
      return Number.isFinite(value) ? (value === 0 ? 0 : value) : null;
    case 'bigint':
      return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
    case 'object':
      break;
    default:
      // undefined, functions, symbols: no data
      return null;
  }
  if (value === null) return null;
  if (ancestors.includes(value)) return '[circular]';
  if (ArrayBuffer.isView(value)) {
    if (value instanceof DataView) return plainBytes(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
    return plainBytes(value as unknown as ArrayLike<number | bigint>);
  }
  if (value instanceof Date) return Number.isFinite(value.getTime()) ? value.toISOString() : null;
  ancestors.push(value);
  let out: Plain;
  if (Array.isArray(value)) {
    out = value.map((v) => canon(v, ancestors));
  } else if (value instanceof Map) {
    const obj: Record<string, unknown> = {};
    for (const [k, v] of value) obj[String(k)] = v;
    out = sortedObject(obj, ancestors);
  } else if (value instanceof Set) {
    out = [...value].map((v) => canon(v, ancestors));
  } else {
    out = sortedObject(value as Record<string, unknown>, ancestors);
  }
  ancestors.pop();
  return out;
}

function sortedObject(obj: Record<string, unknown>, ancestors: object[]): { [key: string]: Plain } {
  const out: { [key: string]: Plain } = {};
  for (let key of Object.keys(obj).sort(compareKeys)) {
    const v = obj[key];
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    // define, not assign: a "__proto__" key must stay data, not replace the prototype
    key = wellFormed(key);
    if (key === '__proto__') Object.defineProperty(out, key, { value: canon(v, ancestors), enumerable: true, writable: true, configurable: true });
    else out[key] = canon(v, ancestors);
  }
  return out;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Lone surrogates as U+FFFD, as UTF-8 (CBOR text) must carry them; JSON would keep them. */
function wellFormed(s: string): string {
  return s.replace(LONE_SURROGATE, '\uFFFD');
}

/** Code-unit order (locale independent, so every machine sorts alike). */
function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function plainBytes(arr: ArrayLike<number | bigint>): Plain[] {
  const out: Plain[] = new Array(arr.length);
  for (let i = 0; i < arr.length; i++) out[i] = canon(arr[i], []);
  return out;
}

/** Canonical JSON text of `value`: `indent` spaces (0 = one line). */
export function canonicalJson(value: unknown, indent = 0): string {
  return JSON.stringify(canonical(value), null, indent);
}
