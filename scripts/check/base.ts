// Scope building shared by the checker's walk: execution contexts, lexical scopes,
// declarations (including binding patterns) and references. The rules live in walker.ts.
import type * as A from 'acorn';
import type { ApiIssue } from './api.ts';
import {
  newScope,
  type ClassInfo,
  type Decl,
  type DeclKind,
  type FnCtx,
  type MemberRef,
  type Pending,
  type Ref,
  type Scope,
} from './scope.ts';

export interface RawFinding {
  at: A.Node;
  construct: string;
}

export abstract class ScopeWalker {
  readonly findings: RawFinding[] = [];
  readonly refs: Ref[] = [];
  readonly pending: Pending[] = [];
  readonly members: MemberRef[] = [];
  readonly classes: ClassInfo[] = [];
  readonly rootFn: FnCtx = { parent: null, iife: false };
  protected scope: Scope = newScope(null, this.rootFn, true);
  protected fn: FnCtx = this.rootFn;
  protected finallyDepth = 0;
  protected readonly iifes = new Set<A.Node>();
  protected readonly guarded = new Set<A.Node>();
  protected readonly written = new Set<A.Node>();

  protected report(at: A.Node, construct: string): void {
    this.findings.push({ at, construct });
  }

  protected ifFree(id: A.Identifier, at: A.Node, construct: string): void {
    this.pending.push({ id, scope: this.scope, at, construct });
  }

  /** Reports API issues now, or once the walk is over when they depend on a name being free. */
  protected apply(issues: ApiIssue[]): void {
    for (const i of issues) {
      if (i.ifFree) this.ifFree(i.ifFree, i.at, i.construct);
      else this.report(i.at, i.construct);
    }
  }

  protected declare(id: A.Identifier, kind: DeclKind, start: number, scope: Scope = this.scope): Decl {
    const d: Decl = { name: id.name, kind, id, start, fn: this.fn };
    scope.decls.set(id.name, d);
    return d;
  }

  protected varScope(): Scope {
    let s = this.scope;
    while (!s.isFunction && s.parent) s = s.parent;
    return s;
  }

  /** Runs `body` in a new lexical scope. */
  protected inBlock(body: () => void): void {
    const saved = this.scope;
    this.scope = newScope(saved, this.fn, false);
    body();
    this.scope = saved;
  }

  /** Runs `body` in a new execution context (function body, field initializer, static block). */
  protected inContext(iife: boolean, body: () => void): void {
    const savedScope = this.scope;
    const savedFn = this.fn;
    const savedFinally = this.finallyDepth;
    this.fn = { parent: savedFn, iife };
    this.scope = newScope(savedScope, this.fn, true);
    this.finallyDepth = 0;
    body();
    this.scope = savedScope;
    this.fn = savedFn;
    this.finallyDepth = savedFinally;
  }

  /** Walks a whole program; results are in the public arrays. */
  program(p: A.Program): void {
    for (const s of p.body) this.visit(s);
  }

  protected visitAll(nodes: ReadonlyArray<A.Node | null | undefined>): void {
    for (const n of nodes) if (n) this.visit(n);
  }

  /** Declares the identifiers of a binding pattern; visits its default values and computed keys. */
  protected bind(p: A.Node, kind: DeclKind, start: number, scope: Scope, out?: Decl[]): void {
    switch (p.type) {
      case 'Identifier': {
        const d = this.declare(p as A.Identifier, kind, start, scope);
        out?.push(d);
        return;
      }
      case 'ObjectPattern':
        for (const prop of (p as A.ObjectPattern).properties) {
          if (prop.type === 'RestElement') {
            this.report(prop, 'object rest');
            this.bind(prop.argument, kind, start, scope, out);
          } else {
            if (prop.computed) this.visit(prop.key);
            this.bind(prop.value, kind, start, scope, out);
          }
        }
        return;
      case 'ArrayPattern':
        for (const el of (p as A.ArrayPattern).elements) if (el) this.bind(el, kind, start, scope, out);
        return;
      case 'RestElement':
        this.bind((p as A.RestElement).argument, kind, start, scope, out);
        return;
      case 'AssignmentPattern':
        this.bind((p as A.AssignmentPattern).left, kind, start, scope, out);
        this.visit((p as A.AssignmentPattern).right);
        return;
      default:
        this.visit(p); // a MemberExpression target
    }
  }

  /** An assignment target that is not a declaration: identifiers in it are references. */
  protected target(p: A.Node): void {
    switch (p.type) {
      case 'ObjectPattern':
        for (const prop of (p as A.ObjectPattern).properties) {
          if (prop.type === 'RestElement') {
            this.report(prop, 'object rest');
            this.target(prop.argument);
          } else {
            if (prop.computed) this.visit(prop.key);
            this.target(prop.value);
          }
        }
        return;
      case 'ArrayPattern':
        for (const el of (p as A.ArrayPattern).elements) if (el) this.target(el);
        return;
      case 'RestElement':
        this.target((p as A.RestElement).argument);
        return;
      case 'AssignmentPattern':
        this.target((p as A.AssignmentPattern).left);
        this.visit((p as A.AssignmentPattern).right);
        return;
      case 'MemberExpression':
        this.written.add(p);
        this.visit(p);
        return;
      default:
        this.visit(p);
    }
  }

  /** Visits every child node of a node whose type needs no special handling. */
  protected generic(node: A.Node): void {
    const rec = node as unknown as Record<string, unknown>;
    for (const key in rec) {
      if (key === 'loc' || key === 'type') continue;
      const v = rec[key];
      if (Array.isArray(v)) {
        for (const c of v) if (c && typeof c === 'object' && typeof (c as A.Node).type === 'string') this.visit(c as A.Node);
      } else if (v && typeof v === 'object' && typeof (v as A.Node).type === 'string') {
        this.visit(v as A.Node);
      }
    }
  }

  abstract visit(node: A.Node): void;
}
