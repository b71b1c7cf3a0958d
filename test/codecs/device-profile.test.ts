// The codec's device half obeys the Espruino profile (docs/DEVELOPING.md): checked on
// the bundled code, as the firmware build would see it.
import * as acorn from 'acorn';
import * as walk from 'acorn-walk';
import { describe, expect, it } from 'vitest';
import { deviceCodeBytes } from '../../scripts/codec/device-size.ts';

const FORBIDDEN_GLOBALS = ['Map', 'Set', 'WeakMap', 'Symbol', 'Proxy', 'Reflect', 'BigInt', 'Buffer', 'require', 'Promise', 'RegExp', 'DataView'];
const FORBIDDEN_MEMBERS = ['Math.round', 'Math.trunc', 'Math.log2', 'Math.log10', 'Math.hypot', 'Math.fround', 'Math.imul', 'Math.clz32', 'Number.isInteger', 'Number.isFinite', 'Number.isNaN', 'Number.parseFloat', 'Array.from', 'Array.of', 'Object.freeze', 'Object.is', 'Object.hasOwn'];
const FORBIDDEN_METHODS = ['slice', 'flat', 'flatMap', 'at', 'findLast', 'lastIndexOf', 'reduceRight', 'entries', 'keys', 'values', 'toPrecision'];
const FORBIDDEN_NODES = ['ObjectPattern', 'ArrayPattern', 'SpreadElement', 'RestElement', 'AssignmentPattern', 'ChainExpression', 'ClassDeclaration', 'ClassExpression', 'AwaitExpression', 'YieldExpression', 'LabeledStatement', 'TaggedTemplateExpression'];

type Node = acorn.Node & Record<string, unknown>;

function problems(code: string): string[] {
  const ast = acorn.parse(code, { ecmaVersion: 2015, sourceType: 'module' });
  const out: string[] = [];
  const declared = new Map<string, number>();
  for (const st of ast.body) {
    const s = st as unknown as Node;
    if (s.type === 'FunctionDeclaration') declared.set((s.id as { name: string }).name, s.start);
  }
  walk.full(ast, (n) => {
    const node = n as Node;
    if (FORBIDDEN_NODES.includes(node.type)) out.push(node.type);
    if (node.type === 'Literal' && node.regex) out.push('RegExp literal');
    if ((node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression') && (node.async || node.generator)) out.push('async/generator');
    if (node.type === 'Identifier') {
      const name = node.name as string;
      if (FORBIDDEN_GLOBALS.includes(name)) out.push(name);
      const at = declared.get(name);
      if (at !== undefined && node.start < at) out.push(`${name} used before its declaration`);
    }
    if (node.type === 'MemberExpression' && !node.computed) {
      const obj = node.object as Node;
      const prop = (node.property as { name: string }).name;
      if (obj.type === 'Identifier' && FORBIDDEN_MEMBERS.includes(`${obj.name}.${prop}`)) out.push(`${obj.name}.${prop}`);
      if (FORBIDDEN_METHODS.includes(prop) && !(obj.type === 'Identifier' && obj.name === 'Object')) out.push(`.${prop}`);
    }
  });
  return [...new Set(out)];
}

describe('device codec profile', () => {
  const entries = {
    encoder: [{ file: 'encoder.ts', names: ['encodeUplink', 'encodeBatch', 'findUplink', 'BATCH_MAX'] }],
    downlink: [{ file: 'downlink.ts', names: ['decodeDownlink'] }],
    selftest: [{ file: 'selftest.ts', names: ['selftestCodecs'] }],
    bits: [{ file: 'bits.ts', names: ['brGet', 'codeValue', 'readCode', 'readHex', 'valueCode', 'putField'] }],
  };
  it.each(Object.entries(entries))('%s: no construct Espruino lacks, no call before declaration', (_k, e) => {
    expect(problems(deviceCodeBytes(e, false).code)).toEqual([]);
  });

  it('the checker itself catches what it claims to', () => {
    const bad = 'function a(){ return b(); }\nfunction b(x = 1){ var m = new Map(); var [p] = [1]; return Math.round(-2.5) + /x/.test("x") + [].slice(); }';
    expect(problems(bad)).toEqual(
      expect.arrayContaining(['b used before its declaration', 'AssignmentPattern', 'Map', 'ArrayPattern', 'Math.round', 'RegExp literal', '.slice']),
    );
  });

  it('the decoder runtime shared with the export is plain ES5 with no regular expressions', () => {
    const runtime = [{ file: '../runtime/ts013.ts', names: ['lkDecodeUplink', 'lkEncodeDownlink', 'lkDecodeDownlink', 'lkNormalizeUplink'] }];
    const code = deviceCodeBytes(runtime, false, 'es5').code;
    expect(() => acorn.parse(code.replace(/^export\s*\{[^}]*\};?\s*$/m, ''), { ecmaVersion: 5 })).not.toThrow();
    expect(problems(code)).toEqual([]);
  });
});
