// Rules that need every declaration of the file first: use before declaration (no
// hoisting on Espruino), for-let bindings captured by closures (one shared binding),
// missing built-ins as free globals, and static methods reached through a subclass.
import { missingGlobal } from './builtins.ts';
import { isClosureWithin, resolve, runsIn, type ClassInfo, type Decl } from './scope.ts';
import type { RawFinding, Walker } from './walker.ts';

function superOf(cls: ClassInfo): ClassInfo | null {
  if (!cls.superId) return null;
  return resolve(cls.superScope, cls.superId.name)?.cls ?? null;
}

/** The ancestor class (not `cls` itself) that declares static `prop`, if `cls` does not. */
function inheritsStatic(cls: ClassInfo, prop: string): boolean {
  if (cls.statics.has(prop)) return false;
  let depth = 0;
  for (let c = superOf(cls); c && depth < 64; c = superOf(c), depth++) {
    if (c.statics.has(prop)) return true;
  }
  return false;
}

export function semanticFindings(w: Walker): RawFinding[] {
  const out: RawFinding[] = [];
  const capturedReported = new Set<Decl>();
  for (const ref of w.refs) {
    const d = resolve(ref.scope, ref.id.name);
    if (!d) {
      const issue = ref.guarded ? null : missingGlobal(ref.id.name);
      if (issue) out.push({ at: ref.id, construct: issue });
      continue;
    }
    if ((d.kind === 'function' || d.kind === 'class') && ref.id.start < d.start && runsIn(ref.fn, d.fn)) {
      out.push({ at: ref.id, construct: `${d.kind} used before its declaration` });
    }
    if (d.loopFn && !capturedReported.has(d) && isClosureWithin(ref.fn, d.loopFn)) {
      capturedReported.add(d);
      out.push({ at: d.id, construct: `for-${d.kind} binding captured by closure` });
    }
  }
  for (const p of w.pending) {
    if (!resolve(p.scope, p.id.name)) out.push({ at: p.at, construct: p.construct });
  }
  for (const m of w.members) {
    if (m.write) continue;
    const cls = resolve(m.scope, m.obj.name)?.cls;
    if (cls && inheritsStatic(cls, m.prop)) {
      out.push({ at: m.at, construct: `inherited static method ${m.obj.name}.${m.prop}` });
    }
  }
  return out;
}
