// Rules about the built-in API and literals, node by node: missing methods and static
// members, JSON replacer/reviver, require() of non-built-in modules, RegExp features,
// BigInt literals and numeric separators. Pure: each function returns the issues of one
// node; an issue with `ifFree` applies only if that identifier is a free global (the
// walker resolves it after the walk, so a local `Array` or `JSON` is never reported).
import type * as A from 'acorn';
import { isBuiltinModule, methodCallIssue, staticMemberIssue } from './builtins.ts';
import { regexIssues } from './regex.ts';

export interface ApiIssue {
  at: A.Node;
  construct: string;
  ifFree?: A.Identifier;
}

/** The name of a property key (`o.name`, `o["name"]`), or null when computed from an expression. */
export function propName(key: A.Node, computed: boolean): string | null {
  if (!computed && key.type === 'Identifier') return (key as A.Identifier).name;
  if (key.type === 'Literal' && typeof (key as A.Literal).value === 'string') return (key as A.Literal).value as string;
  return null;
}

export function isPattern(n: A.Node): boolean {
  return n.type === 'ObjectPattern' || n.type === 'ArrayPattern';
}

export function isFunctionExpr(n: A.Node): boolean {
  return n.type === 'FunctionExpression' || n.type === 'ArrowFunctionExpression';
}

/** A string literal or a template literal without substitutions, else null. */
export function stringArg(n: A.Node | undefined): string | null {
  if (!n) return null;
  if (n.type === 'Literal' && typeof (n as A.Literal).value === 'string') return (n as A.Literal).value as string;
  if (n.type === 'TemplateLiteral' && (n as A.TemplateLiteral).expressions.length === 0) {
    return (n as A.TemplateLiteral).quasis[0]?.value.cooked ?? null;
  }
  return null;
}

function isNullish(n: A.Node | undefined): boolean {
  if (!n) return true;
  return (n.type === 'Literal' && (n as A.Literal).value === null) || (n.type === 'Identifier' && (n as A.Identifier).name === 'undefined');
}

export function callIssues(node: A.CallExpression | A.NewExpression): ApiIssue[] {
  const out: ApiIssue[] = [];
  const isNew = node.type === 'NewExpression';
  const args = node.arguments;
  for (const a of args) if (a.type === 'SpreadElement') out.push({ at: a, construct: isNew ? 'spread in new' : 'spread in call' });
  const callee = node.callee;
  if (callee.type === 'MemberExpression') {
    const name = propName(callee.property, callee.computed);
    if (name === null) return out;
    const obj = callee.object;
    const issue = methodCallIssue(name, args.length, obj.type === 'Identifier' && obj.name === 'Object');
    if (issue) out.push({ at: callee.property, construct: issue });
    if (obj.type === 'Identifier' && obj.name === 'JSON' && args.length >= 2) {
      if (name === 'stringify' && !isNullish(args[1])) out.push({ at: node, construct: 'JSON.stringify replacer (ignored)', ifFree: obj });
      if (name === 'parse') out.push({ at: node, construct: 'JSON.parse reviver (ignored)', ifFree: obj });
    }
  } else if (callee.type === 'Identifier') {
    if (callee.name === 'require' && !isNew) {
      const mod = stringArg(args[0]);
      if (mod === null) out.push({ at: node, construct: 'require with a non-literal module name', ifFree: callee });
      else if (!isBuiltinModule(mod)) out.push({ at: node, construct: `require of non-built-in module "${mod}"`, ifFree: callee });
    } else if (callee.name === 'RegExp') {
      const pattern = stringArg(args[0]);
      if (pattern !== null) {
        for (const c of regexIssues(pattern, stringArg(args[1]) ?? '')) out.push({ at: node, construct: c, ifFree: callee });
      }
    }
  }
  return out;
}

export function memberIssues(node: A.MemberExpression): ApiIssue[] {
  const out: ApiIssue[] = [];
  const name = propName(node.property, node.computed);
  if (name === null) return out;
  if (name === 'BYTES_PER_ELEMENT') out.push({ at: node.property, construct: 'BYTES_PER_ELEMENT (missing)' });
  const obj = node.object;
  if (obj.type === 'Identifier') {
    const issue = staticMemberIssue(obj.name, name);
    if (issue) out.push({ at: node, construct: issue, ifFree: obj });
  }
  if (name === 'slice' && obj.type === 'MemberExpression' && propName(obj.property, obj.computed) === 'prototype') {
    const base = obj.object;
    if (base.type === 'Identifier' && (base.name === 'Array' || base.name === 'ArrayBuffer')) {
      out.push({ at: node, construct: `${base.name}.prototype.slice (missing)`, ifFree: base });
    }
  }
  return out;
}

export function literalIssues(node: A.Literal): ApiIssue[] {
  const out: ApiIssue[] = [];
  if (node.regex) for (const c of regexIssues(node.regex.pattern, node.regex.flags)) out.push({ at: node, construct: c });
  if (node.bigint !== undefined) out.push({ at: node, construct: 'BigInt literal' });
  if ((typeof node.value === 'number' || node.bigint !== undefined) && node.raw?.includes('_')) {
    out.push({ at: node, construct: 'numeric separator' });
  }
  return out;
}
