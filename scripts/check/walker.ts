// One walk over the acorn AST: builds scopes and declarations, records identifier
// references for the post-walk rules (semantic.ts), and reports every construct that
// is wrong on Espruino by syntax alone.
import type * as A from 'acorn';
import { callIssues, isFunctionExpr, isPattern, literalIssues, memberIssues, propName } from './api.ts';
import { ScopeWalker } from './base.ts';
import { ERROR_TYPES } from './builtins.ts';
import type { ClassInfo, Decl, DeclKind, FnCtx } from './scope.ts';

export type { RawFinding } from './base.ts';

type Fn = A.FunctionDeclaration | A.FunctionExpression | A.ArrowFunctionExpression | A.AnonymousFunctionDeclaration;
type FnRole = 'function' | 'arrow' | 'method';

export class Walker extends ScopeWalker {
  private readonly classOf = new Map<A.Node, ClassInfo>();

  private func(node: Fn, role: FnRole, at: A.Node = node): void {
    if (node.async) this.report(at, role === 'method' ? 'async method' : role === 'arrow' ? 'async arrow function' : 'async function');
    if (node.generator) this.report(at, 'generator function');
    const iife = this.iifes.has(node);
    this.inContext(iife, () => {
      if (node.type === 'FunctionExpression' && node.id) this.declare(node.id, 'self', node.start);
      for (const p of node.params) {
        let inner: A.Node = p;
        if (p.type === 'AssignmentPattern') {
          this.report(p, 'default parameter');
          inner = p.left;
        } else if (p.type === 'RestElement') {
          this.report(p, 'rest parameter');
          inner = p.argument;
        }
        if (isPattern(inner)) this.report(inner, 'destructuring parameter');
        this.bind(p, 'param', p.start, this.scope);
      }
      if (node.body.type === 'BlockStatement') this.visitAll(node.body.body);
      else this.visit(node.body);
    });
  }

  private klass(node: A.Class): void {
    const info: ClassInfo = { superId: null, superScope: this.scope, statics: new Set() };
    this.classes.push(info);
    this.classOf.set(node, info);
    if (node.type === 'ClassDeclaration' && node.id) this.declare(node.id, 'class', node.start).cls = info;
    if (node.superClass) {
      if (node.superClass.type === 'Identifier') {
        info.superId = node.superClass;
        if (ERROR_TYPES.has(node.superClass.name)) this.ifFree(node.superClass, node, `class extends ${node.superClass.name}`);
      }
      this.visit(node.superClass);
    }
    this.inBlock(() => {
      if (node.type === 'ClassExpression' && node.id) this.declare(node.id, 'self', node.start).cls = info;
      for (const m of node.body.body) this.classMember(m, info);
    });
  }

  private classMember(m: A.MethodDefinition | A.PropertyDefinition | A.StaticBlock, info: ClassInfo): void {
    if (m.type === 'StaticBlock') {
      this.report(m, 'class static block');
      this.inContext(true, () => this.visitAll(m.body)); // runs when the class is defined
      return;
    }
    if (m.computed) {
      this.report(m, 'computed class member name');
      this.visit(m.key);
    } else if (m.key.type === 'PrivateIdentifier') {
      this.report(m.key, '#private member');
    }
    if (m.type === 'PropertyDefinition') {
      this.report(m, 'class field');
      const value = m.value;
      // static initializers run when the class is defined, instance ones at each `new`
      if (value) this.inContext(m.static, () => this.visit(value));
      return;
    }
    const name = propName(m.key, m.computed);
    if (m.static && name !== null) info.statics.add(name);
    this.func(m.value, 'method', m);
  }

  private varDecl(node: A.VariableDeclaration, loopFn: FnCtx | null, inForHead: boolean): void {
    if (node.kind === 'using' || node.kind === 'await using') this.report(node, `${node.kind} declaration`);
    const scope = node.kind === 'var' ? this.varScope() : this.scope;
    const kind: DeclKind = node.kind === 'var' ? 'var' : node.kind === 'let' ? 'let' : 'const';
    for (const d of node.declarations) {
      if (isPattern(d.id)) this.report(d.id, inForHead ? 'destructuring in for-in/for-of head' : 'destructuring declaration');
      const decls: Decl[] = [];
      this.bind(d.id, kind, node.start, scope, decls);
      if (loopFn && kind !== 'var') for (const x of decls) x.loopFn = loopFn;
      if (d.init) {
        this.visit(d.init);
        const cls = this.classOf.get(d.init);
        if (cls && decls.length === 1 && decls[0]) decls[0].cls = cls;
      }
    }
  }

  private call(node: A.CallExpression | A.NewExpression): void {
    const callee = node.callee;
    if (isFunctionExpr(callee)) this.iifes.add(callee);
    if (callee.type === 'MemberExpression' && isFunctionExpr(callee.object)) {
      const name = propName(callee.property, callee.computed);
      if (name === 'call' || name === 'apply') this.iifes.add(callee.object);
    }
    if (node.type === 'CallExpression' && node.optional) this.report(node, 'optional chaining ?.');
    this.apply(callIssues(node));
    this.visit(callee);
    this.visitAll(node.arguments);
  }

  private member(node: A.MemberExpression): void {
    if (node.optional) this.report(node, 'optional chaining ?.');
    if (node.property.type === 'PrivateIdentifier') this.report(node.property, '#private member');
    this.apply(memberIssues(node));
    const obj = node.object;
    const name = propName(node.property, node.computed);
    if (name !== null && obj.type === 'Identifier') {
      this.members.push({ obj, scope: this.scope, prop: name, at: node, write: this.written.has(node) });
    }
    this.visit(obj);
    if (node.computed) this.visit(node.property);
  }

  private forInOf(node: A.ForInStatement | A.ForOfStatement): void {
    if (node.type === 'ForOfStatement' && node.await) this.report(node, 'for await');
    const left = node.left;
    const lexical = left.type === 'VariableDeclaration' && left.kind !== 'var';
    const run = (): void => {
      if (left.type === 'VariableDeclaration') this.varDecl(left, lexical ? this.fn : null, true);
      else {
        if (isPattern(left)) this.report(left, 'destructuring in for-in/for-of head');
        this.target(left);
      }
      this.visit(node.right);
      this.visit(node.body);
    };
    if (lexical) this.inBlock(run);
    else run();
  }

  visit(node: A.Node): void {
    const n = node as A.AnyNode;
    switch (n.type) {
      case 'Identifier':
        this.refs.push({ id: n, scope: this.scope, fn: this.fn, guarded: this.guarded.has(n) });
        return;
      case 'Literal':
        return this.apply(literalIssues(n));
      case 'BlockStatement':
        return this.inBlock(() => this.visitAll(n.body));
      case 'SwitchStatement':
        this.visit(n.discriminant);
        return this.inBlock(() => this.visitAll(n.cases));
      case 'FunctionDeclaration':
        if (n.id) this.declare(n.id, 'function', n.start);
        return this.func(n, 'function');
      case 'FunctionExpression':
        return this.func(n, 'function');
      case 'ArrowFunctionExpression':
        return this.func(n, 'arrow');
      case 'ClassDeclaration':
      case 'ClassExpression':
        return this.klass(n);
      case 'VariableDeclaration':
        return this.varDecl(n, null, false);
      case 'ForStatement': {
        const init = n.init;
        const lexical = init?.type === 'VariableDeclaration' && init.kind !== 'var';
        const run = (): void => {
          if (init?.type === 'VariableDeclaration') this.varDecl(init, init.kind === 'let' ? this.fn : null, false);
          else if (init) this.visit(init);
          if (n.test) this.visit(n.test);
          if (n.update) this.visit(n.update);
          this.visit(n.body);
        };
        return lexical ? this.inBlock(run) : run();
      }
      case 'ForInStatement':
      case 'ForOfStatement':
        return this.forInOf(n);
      case 'TryStatement':
        this.visit(n.block);
        if (n.handler) this.visit(n.handler);
        if (n.finalizer) {
          this.finallyDepth++;
          this.visit(n.finalizer);
          this.finallyDepth--;
        }
        return;
      case 'CatchClause':
        return this.inBlock(() => {
          if (n.param) {
            if (isPattern(n.param)) this.report(n.param, 'destructuring catch parameter');
            this.bind(n.param, 'catch', n.start, this.scope);
          }
          this.visitAll(n.body.body);
        });
      case 'ThrowStatement':
        if (this.finallyDepth > 0) this.report(n, 'throw inside finally');
        return this.visit(n.argument);
      case 'LabeledStatement':
        this.report(n, 'labeled statement');
        return this.visit(n.body);
      case 'BreakStatement':
      case 'ContinueStatement':
        return;
      case 'AssignmentExpression':
        if (n.operator === '**=') this.report(n, 'exponentiation assignment **=');
        else if (n.operator === '??=' || n.operator === '||=' || n.operator === '&&=') this.report(n, `logical assignment ${n.operator}`);
        if (isPattern(n.left)) this.report(n.left, 'destructuring assignment');
        this.target(n.left);
        return this.visit(n.right);
      case 'BinaryExpression':
        if (n.operator === '**') this.report(n, 'exponentiation operator **');
        if (n.left.type === 'PrivateIdentifier') this.report(n, '#private brand check (#x in obj)');
        else this.visit(n.left);
        return this.visit(n.right);
      case 'UnaryExpression':
        if (n.operator === 'typeof' && n.argument.type === 'Identifier') this.guarded.add(n.argument);
        return this.visit(n.argument);
      case 'MemberExpression':
        return this.member(n);
      case 'CallExpression':
      case 'NewExpression':
        return this.call(n);
      case 'ObjectExpression':
        for (const p of n.properties) {
          if (p.type === 'SpreadElement') {
            this.report(p, 'object spread');
            this.visit(p.argument);
            continue;
          }
          if (p.computed) {
            this.report(p, 'computed object key');
            this.visit(p.key);
          }
          if (p.value.type === 'FunctionExpression' && (p.method || p.kind !== 'init')) this.func(p.value, 'method', p);
          else this.visit(p.value);
        }
        return;
      case 'ArrayExpression':
        for (const e of n.elements) {
          if (!e) continue;
          if (e.type === 'SpreadElement') this.report(e, 'spread in array');
          this.visit(e.type === 'SpreadElement' ? e.argument : e);
        }
        return;
      case 'TaggedTemplateExpression':
        this.report(n, 'tagged template');
        this.visit(n.tag);
        return this.visit(n.quasi);
      case 'AwaitExpression':
        this.report(n, 'await');
        return this.visit(n.argument);
      case 'YieldExpression':
        this.report(n, 'yield');
        if (n.argument) this.visit(n.argument);
        return;
      case 'MetaProperty':
        return this.report(n, n.meta.name === 'new' ? 'new.target' : 'import.meta');
      case 'ImportExpression':
        this.report(n, 'dynamic import()');
        return this.visit(n.source);
      case 'ImportDeclaration':
        this.report(n, 'import declaration');
        for (const s of n.specifiers) this.declare(s.local, 'import', n.start, this.varScope());
        return;
      case 'ExportNamedDeclaration':
        this.report(n, 'export declaration');
        if (n.declaration) return this.visit(n.declaration);
        if (!n.source) for (const s of n.specifiers) if (s.local.type === 'Identifier') this.visit(s.local);
        return;
      case 'ExportDefaultDeclaration':
        this.report(n, 'export declaration');
        return this.visit(n.declaration);
      case 'ExportAllDeclaration':
        return this.report(n, 'export declaration');
      case 'PrivateIdentifier':
        return this.report(n, '#private member');
      default:
        this.generic(n);
    }
  }
}
