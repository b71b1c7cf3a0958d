// Memory estimate for a bundle on Espruino.
//
// Rule (stated so it can be checked and improved): Espruino keeps the source text
// of every function in string JsVars of 13 bytes, about 11 characters each once
// the block header is paid (ESPRUINO.md: "one block per 10-12 characters"), and
// each function costs about 3 more JsVars (the function object, its scope link
// and its code-string head). So JsVars at load ≈ ceil(bytes / 11) + 3 × functions.
// Runtime data (queues, ledgers) comes on top; the 60% default budget leaves room.
import * as acorn from 'acorn';
import { simple } from 'acorn-walk';

export const CHARS_PER_JSVAR = 11;
export const JSVARS_PER_FUNCTION = 3;

export function countFunctions(code: string): number {
  const ast = acorn.parse(code, { ecmaVersion: 'latest', sourceType: 'script' });
  let n = 0;
  const inc = () => {
    n++;
  };
  simple(ast, { FunctionDeclaration: inc, FunctionExpression: inc, ArrowFunctionExpression: inc });
  return n;
}

export function estimateJsVars(code: string): { jsVars: number; functions: number } {
  const bytes = Buffer.byteLength(code, 'utf8');
  const functions = countFunctions(code);
  return { jsVars: Math.ceil(bytes / CHARS_PER_JSVAR) + JSVARS_PER_FUNCTION * functions, functions };
}
