// Scope model for the checker: lexical scopes with their declarations, and "execution
// contexts" (one per function body, class-field initializer or static block) so that
// rules can tell code that runs now from code that runs later.
import type { Identifier, Node } from 'acorn';

/** A function body (or the program). `iife`: it runs right where it is written. */
export interface FnCtx {
  parent: FnCtx | null;
  iife: boolean;
}

/** Static members of a class declared in the checked file, for the static-inheritance rule. */
export interface ClassInfo {
  superId: Identifier | null;
  superScope: Scope;
  statics: Set<string>;
}

export type DeclKind = 'var' | 'let' | 'const' | 'function' | 'class' | 'param' | 'catch' | 'import' | 'self';

export interface Decl {
  name: string;
  kind: DeclKind;
  id: Identifier;
  /** Start offset of the declaring statement (function and class declarations). */
  start: number;
  /** The execution context whose statements contain the declaration. */
  fn: FnCtx;
  /** Set for `let`/`const` bindings of a for / for-in / for-of head: the loop's context. */
  loopFn?: FnCtx;
  cls?: ClassInfo;
}

export interface Scope {
  parent: Scope | null;
  /** Function (or program) scope: target of `var`. */
  isFunction: boolean;
  fn: FnCtx;
  decls: Map<string, Decl>;
}

export function newScope(parent: Scope | null, fn: FnCtx, isFunction: boolean): Scope {
  return { parent, isFunction, fn, decls: new Map() };
}

/** The declaration `name` refers to from `scope`, or null for a free (global) name. */
export function resolve(scope: Scope, name: string): Decl | null {
  for (let s: Scope | null = scope; s; s = s.parent) {
    const d = s.decls.get(name);
    if (d) return d;
  }
  return null;
}

/**
 * True when code in `ref` runs synchronously as part of `target`'s statements: `ref` is
 * `target` itself or reached from it only through immediately-invoked functions.
 */
export function runsIn(ref: FnCtx, target: FnCtx): boolean {
  for (let f: FnCtx | null = ref; f; f = f.parent) {
    if (f === target) return true;
    if (!f.iife) return false;
  }
  return false;
}

/** True when `ref` sits inside a function (not an IIFE) nested in `loop`: a closure. */
export function isClosureWithin(ref: FnCtx, loop: FnCtx): boolean {
  let closure = false;
  for (let f: FnCtx | null = ref; f && f !== loop; f = f.parent) {
    if (!f.iife) closure = true;
  }
  return closure;
}

/** A reference from an identifier, with the scope and context it occurs in. */
export interface Ref {
  id: Identifier;
  scope: Scope;
  fn: FnCtx;
  /** The operand of `typeof` (feature detection): not reported as a missing built-in. */
  guarded: boolean;
}

/** A finding that applies only if `id` is a free global (e.g. `Array.from` with no local `Array`). */
export interface Pending {
  id: Identifier;
  scope: Scope;
  at: Node;
  construct: string;
}

/** `obj.prop` where `obj` is an identifier: checked against classes' static members. */
export interface MemberRef {
  obj: Identifier;
  scope: Scope;
  prop: string;
  at: Node;
  write: boolean;
}
