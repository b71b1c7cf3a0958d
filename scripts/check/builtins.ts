// Tables of what Espruino (2v29) lacks, from ../shared/ESPRUINO.md and Espruino's own
// reference (src/jswrap_math.c, src/jswrap_number.c define every static member the
// interpreter has). Pure data plus lookups: the walker decides *where* a name is a free
// global; these functions only say whether the name is a problem and how to call it.

/** Globals that are not defined on Espruino. */
const MISSING_GLOBALS: ReadonlySet<string> = new Set([
  'Map', 'Set', 'WeakMap', 'WeakSet', 'WeakRef', 'FinalizationRegistry', 'Symbol', 'Proxy', 'Reflect',
  'BigInt', 'BigInt64Array', 'BigUint64Array', 'Buffer', 'Atomics', 'SharedArrayBuffer',
]);

/** CommonJS names that do not exist on Espruino (`require` is handled separately). */
const COMMONJS_GLOBALS: ReadonlySet<string> = new Set(['exports', 'module']);

/**
 * Modules compiled into Espruino firmware builds, so `require()` works without the Web IDE
 * fetching anything. Storage, Flash, crypto, heatshrink and neopixel are on most boards;
 * the network modules only on boards with networking (the check cannot know the board).
 */
export const BUILTIN_MODULES: ReadonlySet<string> = new Set([
  'Storage', 'Flash', 'crypto', 'heatshrink', 'neopixel', 'Wifi', 'http', 'net', 'dgram', 'tls', 'fs',
]);

/** Error constructors: `class X extends <one of these>` breaks on Espruino. */
export const ERROR_TYPES: ReadonlySet<string> = new Set([
  'Error', 'TypeError', 'RangeError', 'SyntaxError', 'ReferenceError', 'EvalError', 'URIError',
  'AggregateError', 'InternalError',
]);

/** Every static member Math has on Espruino; anything else (trunc, log2, hypot, ...) is missing. */
const MATH_MEMBERS: ReadonlySet<string> = new Set([
  'E', 'PI', 'LN2', 'LN10', 'LOG2E', 'LOG10E', 'SQRT2', 'SQRT1_2', 'abs', 'acos', 'asin', 'atan', 'atan2',
  'cos', 'sin', 'tan', 'pow', 'sqrt', 'exp', 'log', 'ceil', 'floor', 'round', 'random', 'min', 'max',
  'sign', 'clip', 'wrap',
]);

/** Every static member Number has on Espruino (no isInteger, EPSILON, parseFloat, ...). */
const NUMBER_MEMBERS: ReadonlySet<string> = new Set([
  'NaN', 'MAX_VALUE', 'MIN_VALUE', 'NEGATIVE_INFINITY', 'POSITIVE_INFINITY', 'prototype',
]);

/** Promise statics that work (ESPRUINO.md: then/catch/all/resolve/reject). */
const PROMISE_MEMBERS: ReadonlySet<string> = new Set(['all', 'resolve', 'reject', 'prototype']);

const OBJECT_MISSING: ReadonlySet<string> = new Set(['freeze', 'is', 'hasOwn']);
const ARRAY_MISSING: ReadonlySet<string> = new Set(['from', 'of', 'fromAsync']);
const PROCESS_MISSING: ReadonlySet<string> = new Set(['exit', 'env']);

export const TYPED_ARRAYS: ReadonlySet<string> = new Set([
  'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array',
  'Float32Array', 'Float64Array',
]);

/** Methods missing on Espruino's arrays (and `toPrecision` on numbers, `finally` on promises). */
const MISSING_METHODS: ReadonlySet<string> = new Set([
  'flat', 'flatMap', 'at', 'findLast', 'findLastIndex', 'lastIndexOf', 'reduceRight', 'toPrecision', 'finally',
]);

/** Iterator methods missing on arrays; only flagged when called with no argument. */
const ITERATOR_METHODS: ReadonlySet<string> = new Set(['entries', 'keys', 'values']);

/** The construct name for a free global that Espruino lacks, or null. */
export function missingGlobal(name: string): string | null {
  if (MISSING_GLOBALS.has(name)) return `${name} (missing built-in)`;
  if (COMMONJS_GLOBALS.has(name)) return `${name} (CommonJS, not defined)`;
  return null;
}

/** The construct name for `obj.prop` where `obj` is the free global `obj`, or null. */
export function staticMemberIssue(obj: string, prop: string): string | null {
  let missing = false;
  if (obj === 'Math') missing = !MATH_MEMBERS.has(prop);
  else if (obj === 'Number') missing = !NUMBER_MEMBERS.has(prop);
  else if (obj === 'Promise') missing = !PROMISE_MEMBERS.has(prop);
  else if (obj === 'Object') missing = OBJECT_MISSING.has(prop);
  else if (obj === 'Array') missing = ARRAY_MISSING.has(prop);
  else if (TYPED_ARRAYS.has(obj)) missing = prop === 'from' || prop === 'of';
  else if (obj === 'process') missing = PROCESS_MISSING.has(prop);
  return missing ? `${obj}.${prop} (missing built-in)` : null;
}

/**
 * The construct name for a method call `recv.name(...args)` whatever the receiver, or null.
 * `receiverIsObject` exempts `Object.keys/values/entries`.
 */
export function methodCallIssue(name: string, argCount: number, receiverIsObject: boolean): string | null {
  if (MISSING_METHODS.has(name)) return `.${name}() (missing method)`;
  if (ITERATOR_METHODS.has(name) && argCount === 0 && !receiverIsObject) return `.${name}() (missing on arrays)`;
  return null;
}

/** Whether `require(name)` loads a module built into the firmware. */
export function isBuiltinModule(name: string): boolean {
  return BUILTIN_MODULES.has(name);
}
