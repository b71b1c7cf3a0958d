import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkSource, formatFindings, type Finding } from '../../scripts/check/profile.ts';

// Each bad snippet marks the expected position of its finding with the comment `/*^*/`:
// the finding must start right after the marker. The position is derived from the
// snippet text, never from the checker.
const MARK = '/*^*/';

function markerPosition(src: string): { line: number; column: number } {
  const i = src.indexOf(MARK);
  if (i < 0) throw new Error(`snippet without marker: ${src}`);
  const before = src.slice(0, i + MARK.length);
  const lines = before.split('\n');
  return { line: lines.length, column: (lines[lines.length - 1] ?? '').length + 1 };
}

function constructs(src: string): string[] {
  return checkSource(src).map((f) => f.construct);
}

const BAD: Array<[construct: string, snippet: string]> = [
  // hoisting (no hoisting on Espruino)
  ['function used before its declaration', '/*^*/f(); function f() {}'],
  ['function used before its declaration', 'function outer() {\n  if (x) { /*^*/f(); }\n  function f() {}\n}'],
  ['function used before its declaration', 'for (var i = 0; i < 2; i++) { while (y) { /*^*/f(i); } }\nfunction f() {}'],
  ['function used before its declaration', 'var g = /*^*/f;\nfunction f() {}'],
  ['function used before its declaration', '(function () { /*^*/f(); })();\nfunction f() {}'],
  ['function used before its declaration', '(() => /*^*/f())();\nfunction f() {}'],
  ['function used before its declaration', '(function () { /*^*/f(); }).call(this);\nfunction f() {}'],
  ['function used before its declaration', '{ /*^*/f(); function f() {} }'],
  ['class used before its declaration', 'var a = new /*^*/A();\nclass A {}'],
  ['function used before its declaration', 'class A { static { /*^*/f(); } }\nfunction f() {}'],
  ['function used before its declaration', 'class A { static x = /*^*/f(); }\nfunction f() {}'],
  // for-let: one binding for all iterations
  ['for-let binding captured by closure', 'for (let /*^*/i = 0; i < 3; i++) setTimeout(function () { log(i); }, 10);'],
  ['for-let binding captured by closure', 'for (let /*^*/k in o) fns.push(() => k);'],
  ['for-const binding captured by closure', 'for (const /*^*/x of xs) { fns.push(() => x); }'],
  ['for-let binding captured by closure', 'for (let /*^*/i = 0; i < 3; i++) { (function () { fns.push(function () { return i; }); })(); }'],
  // destructuring, defaults, rest, spread
  ['destructuring declaration', 'var /*^*/{ a, b } = o;'],
  ['destructuring declaration', 'let /*^*/[a, b] = arr;'],
  ['destructuring parameter', 'function f(/*^*/{ a }) { return a; }'],
  ['destructuring parameter', 'var f = (/*^*/[a, b]) => a + b;'],
  ['destructuring assignment', 'var a, b;\n/*^*/[a, b] = [b, a];'],
  ['destructuring assignment', '(/*^*/{ a } = o);'],
  ['destructuring catch parameter', 'try { x(); } catch (/*^*/{ message }) { log(message); }'],
  ['destructuring in for-in/for-of head', 'for (const /*^*/[k, v] of pairs) use(k, v);'],
  ['destructuring in for-in/for-of head', 'var k, v;\nfor (/*^*/[k, v] of pairs) use(k, v);'],
  ['default parameter', 'function f(/*^*/a = 1) { return a; }'],
  ['rest parameter', 'function f(a, /*^*/...args) { return args; }'],
  ['spread in call', 'f(/*^*/...args);'],
  ['spread in array', 'var b = [1, /*^*/...a];'],
  ['spread in new', 'var x = new Foo(/*^*/...args);'],
  ['object spread', 'var o2 = { a: 1, /*^*/...o };'],
  ['object rest', 'var { a, /*^*/...rest } = o;'],
  // async, generators, operators
  ['async function', '/*^*/async function f() {}'],
  ['async arrow function', 'var f = /*^*/async () => 1;'],
  ['async method', 'var o = { /*^*/async m() {} };'],
  ['async method', 'class A { /*^*/async m() {} }'],
  ['await', 'async function f() { /*^*/await g(); }'],
  ['generator function', '/*^*/function* gen() {}'],
  ['yield', 'function* gen() { /*^*/yield 1; }'],
  ['for await', 'async function f() { /*^*/for await (const x of xs) use(x); }'],
  ['exponentiation operator **', 'var y = /*^*/x ** 2;'],
  ['exponentiation assignment **=', '/*^*/x **= 2;'],
  ['optional chaining ?.', 'var y = /*^*/a?.b;'],
  ['optional chaining ?.', '/*^*/f?.(1);'],
  ['logical assignment ??=', '/*^*/a ??= 1;'],
  ['logical assignment ||=', '/*^*/a ||= 1;'],
  ['logical assignment &&=', '/*^*/a &&= 1;'],
  ['computed object key', 'var o = { /*^*/[k]: 1 };'],
  ['computed class member name', 'class A { /*^*/[k]() {} }'],
  ['computed class member name', 'class A { /*^*/static [k]() {} }'],
  ['#private member', 'class A { /*^*/#m() {} }'],
  ['#private member', 'class A { #x; constructor() { this./*^*/#x = 1; } }'],
  ['#private brand check (#x in obj)', 'class A { #x; static has(o) { return /*^*/#x in o; } }'],
  ['tagged template', 'var s = /*^*/tag`a${b}`;'],
  ['labeled statement', '/*^*/outer: for (;;) { for (;;) { break outer; } }'],
  // classes
  ['class field', 'class A { /*^*/x = 1; }'],
  ['class field', 'class A { /*^*/static y = 2; }'],
  ['class field', 'class A { /*^*/#z; }'],
  ['class static block', 'class A { /*^*/static { init(); } }'],
  ['class extends Error', '/*^*/class E extends Error { constructor(m) { super(m); } }'],
  ['class extends TypeError', 'var E = /*^*/class extends TypeError {};'],
  ['class extends RangeError', '/*^*/class E extends RangeError {}'],
  ['inherited static method C.make', 'class B { static make() { return 1; } }\nclass C extends B {}\n/*^*/C.make();'],
  ['inherited static method D.make', 'class B { static make() {} }\nclass C extends B {}\nconst D = class extends C {};\n/*^*/D.make();'],
  // control flow, meta
  ['throw inside finally', 'try { a(); } finally { if (bad) { /*^*/throw e; } }'],
  ['new.target', 'function F() { if (!/*^*/new.target) return; }'],
  ['import declaration', '/*^*/import x from "y";'],
  ['export declaration', 'var z = 1;\n/*^*/export { z };'],
  ['export declaration', '/*^*/export default function () {}'],
  ['dynamic import()', 'var p = /*^*/import("x");'],
  ['import.meta', 'var u = /*^*/import.meta.url;'],
  ['exports (CommonJS, not defined)', '/*^*/exports.x = 1;'],
  ['module (CommonJS, not defined)', '/*^*/module.exports = {};'],
  ['require of non-built-in module "BME280"', 'var b = /*^*/require("BME280");'],
  ['require with a non-literal module name', 'var b = /*^*/require(name);'],
  // literals and RegExp
  ['BigInt literal', 'var n = /*^*/10n;'],
  ['numeric separator', 'var n = /*^*/1_000_000;'],
  ['RegExp lookahead', 'var r = /*^*//a(?=b)/;'],
  ['RegExp lookahead', 'var r = /*^*//a(?!b)/;'],
  ['RegExp lookbehind', 'var r = /*^*//(?<=a)b/;'],
  ['RegExp ? quantifier', 'var r = /*^*//colou?r/;'],
  ['RegExp lazy quantifier', 'var r = /*^*//a+?b/;'],
  ['RegExp lazy quantifier', 'var r = /*^*//a*?b/;'],
  ['RegExp {n,m} quantifier', 'var r = /*^*//a{2,3}/;'],
  ['RegExp {n,m} quantifier', 'var r = /*^*//\\d{4}/;'],
  ['RegExp non-capturing group (?:', 'var r = /*^*//(?:ab)+/;'],
  ['RegExp \\b word boundary', 'var r = /*^*//\\bword\\b/;'],
  ['RegExp named group', 'var r = /*^*//(?<year>\\d+)/;'],
  ['RegExp flag s', 'var r = /*^*//a.b/s;'],
  ['RegExp flag u', 'var r = /*^*//a/u;'],
  ['RegExp flag y', 'var r = /*^*//a/y;'],
  ['RegExp ? quantifier', 'var r = /*^*/new RegExp("ab?c");'],
  ['RegExp flag s', 'var r = /*^*/RegExp("a", "s");'],
  ['JSON.stringify replacer (ignored)', 'var s = /*^*/JSON.stringify(o, ["a"]);'],
  ['JSON.stringify replacer (ignored)', 'var s = /*^*/JSON.stringify(o, function (k, v) { return v; }, 2);'],
  ['JSON.parse reviver (ignored)', 'var o = /*^*/JSON.parse(s, function (k, v) { return v; });'],
];

const MISSING_GLOBALS = [
  'Map', 'Set', 'WeakMap', 'WeakSet', 'WeakRef', 'FinalizationRegistry', 'Symbol', 'Proxy', 'Reflect', 'BigInt',
  'Buffer', 'Atomics', 'SharedArrayBuffer',
];
for (const g of MISSING_GLOBALS) BAD.push([`${g} (missing built-in)`, `var x = /*^*/${g};`]);
BAD.push(['Map (missing built-in)', 'var m = new /*^*/Map();']);
BAD.push(['Symbol (missing built-in)', 'var it = arr[/*^*/Symbol.iterator];']);

const MISSING_STATICS = [
  'Array.from', 'Array.of', 'Number.isInteger', 'Number.isFinite', 'Number.isNaN', 'Number.isSafeInteger',
  'Number.parseFloat', 'Number.parseInt', 'Number.EPSILON', 'Number.MAX_SAFE_INTEGER', 'Number.MIN_SAFE_INTEGER',
  'Math.fround', 'Math.imul', 'Math.clz32', 'Math.trunc', 'Math.log2', 'Math.log10', 'Math.hypot', 'Math.cbrt',
  'Math.expm1', 'Math.log1p', 'Math.sinh', 'Object.freeze', 'Object.is', 'Object.hasOwn', 'Promise.race',
  'Promise.any', 'Promise.allSettled', 'Uint8Array.from', 'Float32Array.of', 'process.exit', 'process.env',
];
for (const m of MISSING_STATICS) BAD.push([`${m} (missing built-in)`, `var x = /*^*/${m};`]);
BAD.push(['Array.prototype.slice (missing)', 'var c = /*^*/Array.prototype.slice.call(arguments);']);
BAD.push(['ArrayBuffer.prototype.slice (missing)', 'var c = /*^*/ArrayBuffer.prototype.slice;']);
BAD.push(['BYTES_PER_ELEMENT (missing)', 'var n = Uint16Array./*^*/BYTES_PER_ELEMENT;']);
BAD.push(['BYTES_PER_ELEMENT (missing)', 'var n = buf./*^*/BYTES_PER_ELEMENT;']);

const MISSING_METHODS = ['flat', 'flatMap', 'at', 'findLast', 'findLastIndex', 'lastIndexOf', 'reduceRight', 'toPrecision', 'finally'];
for (const m of MISSING_METHODS) BAD.push([`.${m}() (missing method)`, `var y = x./*^*/${m}(1);`]);
for (const m of ['entries', 'keys', 'values']) BAD.push([`.${m}() (missing on arrays)`, `var it = arr./*^*/${m}();`]);

describe('checkSource: known-bad snippets', () => {
  it.each(BAD)('%s  ←  %s', (construct, snippet) => {
    const want = markerPosition(snippet);
    const found = checkSource(snippet);
    expect(found).toContainEqual({ line: want.line, column: want.column, construct });
  });
});

const GOOD: Array<[what: string, snippet: string]> = [
  ['arrow functions', 'var f = (a, b) => a + b; var g = () => { return this; };'],
  ['classes with extends/super/getters/setters/static', [
    'class A { constructor(x) { this.x = x; } get v() { return this.x; } set v(y) { this.x = y; } static make() { return new A(1); } }',
    'class B extends A { constructor() { super(2); } m() { return super.v; } static make() { return new B(); } }',
    'var b = B.make(); var a = A.make();',
  ].join('\n')],
  ['template literals', 'var s = `a${1 + 2}b`;'],
  ['let/const', 'let a = 1; const b = 2; { let c = a + b; }'],
  ['nullish coalescing', 'var x = a ?? b;'],
  ['shorthand methods and properties', 'var a = 1; var o = { a, m() { return 1; }, get g() { return 2; } };'],
  ['for-of over arrays', 'for (const x of [1, 2, 3]) log(x); for (let y of "abc") log(y);'],
  ['try/catch/finally and optional catch binding', 'try { a(); } catch (e) { log(e); } finally { done(); }\ntry { b(); } catch { }'],
  ['typed arrays and DataView', 'var u = new Uint8Array(4); var d = new DataView(u.buffer); d.getUint16(0, true); u.subarray(1); new Float32Array(2);'],
  ['Object.assign/keys/values/entries/fromEntries/create', 'Object.assign({}, o); Object.keys(o); Object.values(o); Object.entries(o); Object.fromEntries(p); Object.create(null);'],
  ['String methods', 's.padStart(2, "0"); s.padEnd(3); s.repeat(2); s.includes("a"); s.startsWith("a"); s.endsWith("b"); s.trim();'],
  ['Array methods', 'a.includes(1); a.find(f); a.findIndex(f); a.fill(0); a.map(f); a.filter(f); a.reduce(f, 0); a.some(f); a.every(f); a.sort(); a.splice(0, 1); a.indexOf(2); Array.isArray(a);'],
  ['btoa/atob and timers', 'var e = btoa("x"); var d = atob(e); var t = setTimeout(f, 10); setInterval(f, 100); clearTimeout(t);'],
  ['getTime, E.*, process.memory', 'var t = getTime(); E.CRC32("x"); E.toUint8Array("ab"); E.hwRand(); E.kickWatchdog(); var m = process.memory();'],
  ['require of built-in modules', 'var s = require("Storage"); var c = require("crypto"); var h = require("heatshrink");'],
  ['Math and Number members that exist', 'Math.floor(Math.random() * Math.PI); Math.round(Math.sqrt(2)); Math.sign(-1); var n = Number.MAX_VALUE; Number.NaN; isFinite(1); parseFloat("1");'],
  ['Promise basics', 'Promise.resolve(1).then(f).catch(g); Promise.all([p]); Promise.reject(e); new Promise(function (res) { res(); });'],
  ['JSON without replacer', 'JSON.stringify(o); JSON.stringify(o, null, 2); JSON.stringify(o, undefined, 2); JSON.parse(s);'],
  ['simple RegExp', 'var r = /ab*c+[?{}]\\d\\.x\\?/gim; var q = new RegExp("a+b", "g");'],
  ['entries/keys/values with an argument or on Object', 'Object.keys(o); storage.list("x"); m.keys(1);'],
  ['function declared before use', 'function f() { return 1; }\nf();'],
  ['call inside a nested function defined before the declaration', 'function g() { return f(); }\nvar h = function () { return f(); };\nvar k = () => f();\nfunction f() { return 1; }\ng();'],
  ['var-bound function expression', 'var f = function () { return f; }; f();'],
  ['method calling a function declared after the class', 'class A { m() { return f(); } }\nfunction f() {}\nnew A().m();'],
  ['class used after its declaration and inside methods', 'class A { m() { return new A(); } }\nvar a = new A();'],
  ['for-let without closure', 'var s = 0; for (let i = 0; i < 3; i++) { s += i; }'],
  ['closure capturing a const declared in the loop body', 'for (let i = 0; i < 3; i++) { const j = i; fns.push(function () { return j; }); }'],
  ['closure capturing a var loop variable', 'for (var i = 0; i < 3; i++) fns.push(function () { return i; });'],
  ['IIFE reading the loop binding right away', 'for (let i = 0; i < 3; i++) { (function () { log(i); })(); }'],
  ['const in a plain for head captured', 'for (const n = 3; ok(); ) fns.push(() => n);'],
  ['locally declared names shadowing missing built-ins', 'var Map = makeMap(); var m = new Map();\nfunction f(Set, Symbol) { return new Set(Symbol); }\nvar Array = { from: 1 }; Array.from;\nlet Math = { trunc: 1 }; Math.trunc;\nfunction g(JSON) { return JSON.stringify(o, r); }'],
  ['typeof feature detection', 'if (typeof Map !== "undefined") {} if (typeof setDeepSleep === "function") setDeepSleep(1);'],
  ['throw outside finally, throw in a function inside finally', 'try { throw e; } catch (x) { throw x; } finally { cleanup(function () { throw y; }); }'],
  ['break/continue without labels', 'for (;;) { if (a) break; if (b) continue; }'],
  ['subclass static method called on the class that declares it', 'class B { static make() {} }\nclass C extends B { static make() {} }\nC.make(); B.make();'],
  ['assigning a static through a subclass', 'class B { static make() {} }\nclass C extends B {}\nC.make = function () {};'],
  ['plain numbers', 'var n = 1e3 + 0x1f + 0.5;'],
];

describe('checkSource: known-good snippets (the "Works" list)', () => {
  it.each(GOOD)('%s', (_what, snippet) => {
    expect(checkSource(snippet)).toEqual([]);
  });
});

describe('checkSource: output', () => {
  it('reports a parse error as a single finding at the error position', () => {
    const found = checkSource('var a = 1;\nvar b = ;');
    expect(found).toHaveLength(1);
    expect(found[0]?.line).toBe(2);
    expect(found[0]?.column).toBe(9);
    expect(found[0]?.construct.startsWith('syntax error: ')).toBe(true);
    expect(found[0]?.construct).not.toMatch(/\(\d+:\d+\)/);
  });

  it('parses module code (import/export) instead of reporting a syntax error', () => {
    expect(constructs('import a from "b";\nexport const c = a;')).toEqual(['import declaration', 'export declaration']);
  });

  it('sorts findings by position', () => {
    const found = checkSource('var x = a ?? b;\nvar y = c?.d;\nvar {z} = o;\nvar w = 2 ** 3;');
    expect(found.map((f) => [f.line, f.construct])).toEqual([
      [2, 'optional chaining ?.'],
      [3, 'destructuring declaration'],
      [4, 'exponentiation operator **'],
    ]);
  });

  it('reports each use of a missing built-in', () => {
    const found = checkSource('var a = new Map();\nvar b = new Map();');
    expect(found).toEqual([
      { line: 1, column: 13, construct: 'Map (missing built-in)' },
      { line: 2, column: 13, construct: 'Map (missing built-in)' },
    ]);
  });

  it('reports a captured for-let binding once, however many closures use it', () => {
    const found = checkSource('for (let i = 0; i < 3; i++) { a.push(() => i); b.push(() => i); }');
    expect(found).toEqual([{ line: 1, column: 10, construct: 'for-let binding captured by closure' }]);
  });

  it('formats findings as file:line:col, two spaces, construct', () => {
    const findings: Finding[] = [
      { line: 3, column: 7, construct: 'default parameter' },
      { line: 10, column: 1, construct: 'Map (missing built-in)' },
    ];
    expect(formatFindings('dist/app.js', findings)).toEqual([
      'dist/app.js:3:7  default parameter',
      'dist/app.js:10:1  Map (missing built-in)',
    ]);
  });
});

describe('checkSource: properties', () => {
  it('never throws and returns positioned, sorted findings for any input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (src) => {
        const found = checkSource(src);
        const lines = src.split(/\r\n|\r|\n|\u2028|\u2029/).length;
        for (let i = 0; i < found.length; i++) {
          const f = found[i] as Finding;
          expect(f.line).toBeGreaterThanOrEqual(1);
          expect(f.line).toBeLessThanOrEqual(lines);
          expect(f.column).toBeGreaterThanOrEqual(1);
          expect(f.construct.length).toBeGreaterThan(0);
          const prev = found[i - 1];
          if (prev) expect(prev.line < f.line || (prev.line === f.line && prev.column <= f.column)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  const ident = fc.stringMatching(/^[a-z][a-zA-Z0-9]{0,8}$/).filter((s) => !RESERVED.has(s));

  it('flags a call above its declaration and accepts it below, for any name and nesting', () => {
    fc.assert(
      fc.property(ident, fc.nat({ max: 3 }), (name, depth) => {
        const open = 'if (1) { '.repeat(depth);
        const close = ' }'.repeat(depth);
        const before = `${open}${name}();${close}\nfunction ${name}() {}`;
        const after = `function ${name}() {}\n${open}${name}();${close}`;
        expect(checkSource(before)).toEqual([
          { line: 1, column: open.length + 1, construct: 'function used before its declaration' },
        ]);
        expect(checkSource(after)).toEqual([]);
      }),
    );
  });
});

const RESERVED = new Set([
  'do', 'if', 'in', 'for', 'let', 'new', 'try', 'var', 'case', 'else', 'enum', 'eval', 'null', 'this', 'true',
  'void', 'with', 'await', 'break', 'catch', 'class', 'const', 'false', 'super', 'throw', 'while', 'yield',
  'delete', 'export', 'import', 'public', 'return', 'static', 'switch', 'typeof', 'default', 'extends',
  'finally', 'package', 'private', 'continue', 'debugger', 'function', 'arguments', 'interface', 'protected',
  'implements', 'instanceof', 'async', 'of', 'get', 'set',
]);
