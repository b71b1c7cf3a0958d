// The compatibility check: a schema change may add payload versions (new fPorts) and
// commands, but must never change how an already-deployed payload decodes. Anything
// that would (a field's range, resolution, bits, missing-value encoding, enum labels,
// name or order, a removed fPort or command) is refused with a reason.
import type { CApp, CField } from '../device/types.ts';
import { compileSchema } from './compile.ts';
import type { AppSchema } from './types.ts';

const LAYOUT_KEYS = ['n', 't', 'b', 'lo', 'st', 'dv', 'mx', 'm'] as const;

function fieldDiff(a: CField, b: CField): string {
  const diffs: string[] = [];
  for (const k of LAYOUT_KEYS) if (a[k] !== b[k]) diffs.push(`${k} ${a[k]} -> ${b[k]}`);
  if (JSON.stringify(a.e ?? null) !== JSON.stringify(b.e ?? null)) diffs.push('enum labels');
  return diffs.join(', ');
}

function fieldsDiff(where: string, a: CField[], b: CField[], out: string[]): void {
  if (a.length !== b.length) out.push(`${where}: ${a.length} fields -> ${b.length}`);
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = fieldDiff(a[i], b[i]);
    if (d) out.push(`${where}: field ${i + 1} (${a[i].n}) changed: ${d}`);
  }
}

function toCompiled(x: AppSchema | CApp): CApp {
  return Array.isArray((x as CApp).up) ? (x as CApp) : compileSchema(x as AppSchema);
}

/** Reasons why `next` would decode some payload of `prev` differently; empty = compatible. */
export function checkCompatibility(prev: AppSchema | CApp, next: AppSchema | CApp): string[] {
  const a = toCompiled(prev);
  const b = toCompiled(next);
  const out: string[] = [];
  for (const u of a.up) {
    const where = `fPort ${u.port} (${u.name ?? 'payload'} v${u.v})`;
    const v = b.up.find((x) => x.port === u.port);
    if (!v) {
      out.push(`${where} was removed: old payloads would no longer decode (add a new version on a new fPort instead)`);
      continue;
    }
    if (v.v !== u.v) out.push(`${where}: version ${u.v} -> ${v.v} on the same fPort`);
    if (u.bport && v.bport !== u.bport) out.push(`${where}: batch fPort ${u.bport} -> ${v.bport || 'none'}`);
    fieldsDiff(where, u.f, v.f, out);
  }
  if (a.down) {
    if (!b.down) out.push('downlink commands were removed');
    else {
      if (b.down.port !== a.down.port) out.push(`downlink fPort ${a.down.port} -> ${b.down.port}`);
      for (const c of a.down.cmds) {
        const d = b.down.cmds.find((x) => x.id === c.id);
        if (!d) out.push(`command ${c.name} (id ${c.id}) was removed`);
        else {
          if (d.name !== c.name) out.push(`command id ${c.id}: name ${c.name} -> ${d.name}`);
          fieldsDiff(`command ${c.name}`, c.f, d.f, out);
        }
      }
    }
  }
  return out;
}
