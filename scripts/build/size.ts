// Memory estimate for a bundle on Espruino, in JsVars (13-byte blocks).
//
// lorakit flashes a bundle as Storage's `.bootcde` and Espruino executes it from
// flash: the text of every function stays in flash and the function object only
// references it. What costs RAM at load is what the load creates. The rule:
//   per function (declaration, expression, arrow, method): 2 JsVars (the function
//     and its flash-code reference) + 1 per parameter name (+1 if it closes over a scope)
//   per binding created while loading (var/let/const/class/function names of the
//     scopes that run at load: the top level and the outer IIFE): 1
//   per object or array evaluated at load (tables such as the region plan or the
//     codec schema): 1, plus 1 per property or element (Espruino keeps a short name
//     and an integer value in one block), +1 when the value is a non-integer number,
//     +1 per 12 characters of a property name beyond 8
//   per string or template literal evaluated at load: 1 + ceil(chars / 12)
// Functions that are only called later cost nothing more until they run: the
// runtime state (queues, ledgers, buffers) comes on top, which is why the default
// budget is 60% of the board's JsVars.
// `ramJsVars` gives the cost if the same file were uploaded to RAM instead (the
// Web IDE's default): ESPRUINO.md's "one block per 10-12 characters" of code,
// ceil(bytes / 11), plus the per-function objects.
import * as acorn from 'acorn';
import { ancestor, base, simple, type AncestorVisitors } from 'acorn-walk';

export const CHARS_PER_JSVAR = 11;

type Node = acorn.Node & Record<string, any>;

export interface SizeEstimate {
  /** JsVars at load when executed from Storage (how lorakit flashes). */
  jsVars: number;
  /** JsVars at load when uploaded to RAM. */
  ramJsVars: number;
  functions: number;
}

function isFunction(n: Node): boolean {
  return n.type === 'FunctionDeclaration' || n.type === 'FunctionExpression' || n.type === 'ArrowFunctionExpression';
}

/** The function bodies that run while the file loads: the outermost IIFE(s). */
function loadTimeFunctions(ast: Node): Set<Node> {
  const run = new Set<Node>();
  for (const stmt of ast.body as Node[]) {
    let e = stmt.type === 'ExpressionStatement' ? (stmt.expression as Node) : undefined;
    if (e?.type === 'UnaryExpression') e = e.argument as Node;
    if (e?.type === 'CallExpression' && isFunction(e.callee as Node) && (e.callee as Node).body.type === 'BlockStatement') run.add(e.callee as Node);
  }
  return run;
}

function isFraction(n: Node | undefined): boolean {
  if (!n) return false;
  if (n.type === 'UnaryExpression' && n.operator === '-') return isFraction(n.argument as Node);
  return n.type === 'Literal' && typeof n.value === 'number' && n.value % 1 !== 0;
}

function nameExtra(key: Node | undefined): number {
  const name = key?.type === 'Identifier' ? String(key.name) : key?.type === 'Literal' ? String(key.value) : '';
  return name.length > 8 ? Math.ceil((name.length - 8) / 12) : 0;
}

export function estimateJsVars(code: string): SizeEstimate {
  const ast = acorn.parse(code, { ecmaVersion: 'latest', sourceType: 'script' }) as Node;
  const atLoad = loadTimeFunctions(ast);
  let functions = 0;
  let fnVars = 0;
  let loadVars = 0;
  // functions anywhere
  simple(ast, {
    Function(n: Node) {
      functions++;
      fnVars += 2 + (n.params as Node[]).length;
    },
  } as never);
  // values created while loading: nodes whose nearest enclosing function runs at load
  const runsAtLoad = (ancestors: Node[]): boolean => {
    for (let i = ancestors.length - 2; i >= 0; i--) {
      const a = ancestors[i];
      if (isFunction(a) || a.type === 'MethodDefinition' || a.type === 'PropertyDefinition') return atLoad.has(a);
    }
    return true;
  };
  const visitors: AncestorVisitors<unknown> = {
    VariableDeclarator(_n, _s, anc) {
      if (runsAtLoad(anc as Node[])) loadVars += 1;
    },
    FunctionDeclaration(_n, _s, anc) {
      if (runsAtLoad(anc as Node[])) loadVars += 1;
    },
    ClassDeclaration(_n, _s, anc) {
      if (runsAtLoad(anc as Node[])) loadVars += 1;
    },
    MethodDefinition(_n, _s, anc) {
      if (runsAtLoad(anc as Node[])) loadVars += 1;
    },
    ObjectExpression(n, _s, anc) {
      if (!runsAtLoad(anc as Node[])) return;
      loadVars += 1;
      for (const p of (n as Node).properties as Node[]) {
        loadVars += 1 + nameExtra(p.key as Node) + (isFraction(p.value as Node) ? 1 : 0);
      }
    },
    ArrayExpression(n, _s, anc) {
      if (!runsAtLoad(anc as Node[])) return;
      loadVars += 1;
      for (const e of (n as Node).elements as (Node | null)[]) loadVars += 1 + (e && isFraction(e) ? 1 : 0);
    },
    Literal(n, _s, anc) {
      const v = (n as Node).value;
      if (typeof v === 'string' && runsAtLoad(anc as Node[])) loadVars += 1 + Math.ceil(v.length / 12);
    },
    TemplateLiteral(n, _s, anc) {
      if (runsAtLoad(anc as Node[])) for (const q of (n as Node).quasis as Node[]) loadVars += 1 + Math.ceil(String(q.value.cooked ?? '').length / 12);
    },
  };
  ancestor(ast, visitors, base);
  const bytes = Buffer.byteLength(code, 'utf8');
  return { jsVars: fnVars + loadVars, ramJsVars: Math.ceil(bytes / CHARS_PER_JSVAR) + fnVars + loadVars, functions };
}
