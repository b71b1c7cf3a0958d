// Schema validation, bit-width derivation and compilation into the table form
// (codecs/device/types.ts) that every encoder and decoder reads.
import type { CApp, CCommand, CField, CUplink } from '../device/types.ts';
import { bitsFor } from '../device/bits.ts';
import type { AppSchema, FieldDef } from './types.ts';

export class SchemaError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'SchemaError';
  }
}

const NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const RESERVED_UP = ['samples', 'ageSeconds', 'time'];
const RESERVED_DOWN = ['command', 'commands'];
const MAX_DECIMALS = 6;

function isWhole(x: number): boolean {
  return Math.abs(x - Math.round(x)) <= 1e-9 * Math.max(1, Math.abs(x));
}

/** Smallest power of ten that makes every number whole, or 0 when more than 6 decimals are needed. */
function decimalScale(nums: number[]): number {
  for (let d = 0; d <= MAX_DECIMALS; d++) {
    const dv = 10 ** d;
    if (nums.every((x) => isWhole(x * dv))) return dv;
  }
  return 0;
}

/** Compiles one field; problems are appended to `out` (prefixed with `where`). */
function compileField(f: FieldDef, where: string, downlink: boolean, out: string[]): CField {
  const p = (msg: string): void => {
    out.push(`${where}.${f.name}: ${msg}`);
  };
  if (!NAME.test(f.name)) p('name must be letters, digits and _ and start with a letter');
  if ((downlink ? RESERVED_DOWN : RESERVED_UP).includes(f.name)) p('name is reserved');
  if (downlink && f.missing) p('downlink fields use "optional", not "missing"');
  if (!downlink && f.optional) p('uplink fields use "missing", not "optional"');
  const c: CField = { n: f.name, t: 0, b: 0, lo: 0, st: 1, dv: 1, mx: 0, m: 0 };
  if (f.type === 'unsigned' || f.type === 'signed') {
    const ok = [f.min, f.max, f.resolution].every((x) => typeof x === 'number' && Number.isFinite(x));
    if (!ok) p('min, max and resolution must be finite numbers');
    else if (!(f.resolution > 0)) p('resolution must be > 0');
    else if (!(f.max > f.min)) p('max must be greater than min');
    else if (f.type === 'unsigned' && f.min < 0) p('unsigned field with a negative min (use "signed")');
    else {
      const dv = decimalScale([f.min, f.max, f.resolution]);
      if (dv === 0) p(`min, max and resolution need more than ${MAX_DECIMALS} decimals`);
      else {
        c.dv = dv;
        c.lo = Math.round(f.min * dv);
        c.st = Math.round(f.resolution * dv);
        const span = Math.round(f.max * dv) - c.lo;
        if (span % c.st !== 0) p('(max - min) must be a whole number of resolution steps');
        c.mx = Math.floor(span / c.st);
      }
    }
  } else if (f.type === 'enum') {
    c.t = 1;
    if (!Array.isArray(f.values) || f.values.length < 2 || f.values.length > 256) p('an enum needs 2..256 values');
    else if (new Set(f.values).size !== f.values.length || f.values.some((v) => typeof v !== 'string' || v === '')) p('enum values must be distinct non-empty strings');
    c.mx = Math.max(1, (f.values ?? []).length) - 1;
    c.e = [...(f.values ?? [])];
  } else if (f.type === 'boolean') {
    c.t = 2;
    c.mx = 1;
  } else if (f.type === 'bytes') {
    c.t = 3;
    if (!Number.isInteger(f.length) || f.length < 1 || f.length > 64) p('bytes length must be 1..64');
    c.b = 8 * (f.length || 1);
    c.m = 1;
  } else {
    p(`unknown type ${JSON.stringify((f as { type: unknown }).type)}`);
  }
  if (c.t !== 3) {
    const codes = c.mx + 1;
    if (downlink) c.m = f.optional ? 1 : 2;
    else if (f.missing === 'presence') c.m = 1;
    else if (f.missing === 'sentinel') c.m = 0;
    else c.m = bitsFor(codes + 1) === bitsFor(codes) ? 0 : 1;
    c.b = bitsFor(c.m === 0 ? codes + 1 : codes);
    if (c.b > 32) p(`needs ${c.b} bits; at most 32 (coarser resolution or narrower range)`);
  }
  if (f.unit) c.u = f.unit;
  if (f.normalized) {
    c.z = f.normalized.path;
    if (f.normalized.divisor !== undefined) {
      if (!(f.normalized.divisor > 0)) p('normalized.divisor must be > 0');
      c.zd = f.normalized.divisor;
    }
    if (c.t !== 0) p('only number fields can be normalized');
  }
  return c;
}

function checkNames(fields: FieldDef[], where: string, out: string[]): void {
  const seen = new Set<string>();
  for (const f of fields) {
    if (seen.has(f.name)) out.push(`${where}: duplicate field ${f.name}`);
    seen.add(f.name);
  }
}

function validPort(port: unknown): boolean {
  return typeof port === 'number' && Number.isInteger(port) && port >= 1 && port <= 223;
}

/** All problems of a schema (empty when valid). */
export function validateSchema(s: AppSchema): string[] {
  const out: string[] = [];
  compileInto(s, out);
  return out;
}

function compileInto(s: AppSchema, out: string[]): CApp {
  const app: CApp = { app: s.name, up: [] };
  const ports = new Map<number, string>();
  const claim = (port: unknown, what: string): void => {
    if (!validPort(port)) out.push(`${what}: fPort must be an integer 1..223`);
    else if (ports.has(port as number)) out.push(`${what}: fPort ${port} already used by ${ports.get(port as number)}`);
    else ports.set(port as number, what);
  };
  if (!s.uplinks?.length) out.push('a schema needs at least one uplink payload');
  const versions = new Set<string>();
  for (const u of s.uplinks ?? []) {
    const where = `${u.name} v${u.version}`;
    if (!Number.isInteger(u.version) || u.version < 1) out.push(`${where}: version must be an integer >= 1`);
    if (versions.has(`${u.name}/${u.version}`)) out.push(`${where}: duplicate payload version`);
    versions.add(`${u.name}/${u.version}`);
    claim(u.fPort, where);
    if (u.batchFPort !== undefined) claim(u.batchFPort, `${where} batch`);
    if (!u.fields?.length) out.push(`${where}: no fields`);
    checkNames(u.fields ?? [], where, out);
    const cu: CUplink = { name: u.name, v: u.version, port: u.fPort, bport: u.batchFPort ?? 0, f: (u.fields ?? []).map((f) => compileField(f, where, false, out)) };
    app.up.push(cu);
  }
  if (s.downlink) {
    if (!validPort(s.downlink.fPort)) out.push('downlink: fPort must be an integer 1..223');
    const ids = new Set<number>();
    const cmds: CCommand[] = [];
    for (const c of s.downlink.commands ?? []) {
      const where = `command ${c.name}`;
      if (!NAME.test(c.name)) out.push(`${where}: name must be letters, digits and _`);
      if (!Number.isInteger(c.id) || c.id < 1 || c.id > 255) out.push(`${where}: id must be 1..255`);
      if (ids.has(c.id)) out.push(`${where}: duplicate id ${c.id}`);
      ids.add(c.id);
      checkNames(c.fields ?? [], where, out);
      cmds.push({ id: c.id, name: c.name, f: (c.fields ?? []).map((f) => compileField(f, where, true, out)) });
    }
    if (new Set(cmds.map((c) => c.name)).size !== cmds.length) out.push('downlink: duplicate command names');
    app.down = { port: s.downlink.fPort, cmds };
  }
  return app;
}

/** Compiles a schema into its table form; throws SchemaError listing every problem. */
export function compileSchema(s: AppSchema): CApp {
  const out: string[] = [];
  const app = compileInto(s, out);
  if (out.length) throw new SchemaError(out);
  return app;
}

/** The part of a compiled app the device needs: no payload names, units or normalisation. */
export function deviceTable(app: CApp): CApp {
  const strip = (f: CField): CField => {
    const c: CField = { n: f.n, t: f.t, b: f.b, lo: f.lo, st: f.st, dv: f.dv, mx: f.mx, m: f.m };
    if (f.e) c.e = [...f.e];
    return c;
  };
  const out: CApp = { app: app.app, up: app.up.map((u) => ({ v: u.v, port: u.port, bport: u.bport, f: u.f.map(strip) })) };
  if (app.down) out.down = { port: app.down.port, cmds: app.down.cmds.map((c) => ({ id: c.id, name: c.name, f: c.f.map(strip) })) };
  return out;
}

/** Bits one field costs in a single reading when present (including its presence bit). */
export function fieldBits(f: CField): number {
  return f.b + (f.m === 1 ? 1 : 0);
}

/** Bits of a single-reading frame with every field present (saturation flag included). */
export function uplinkBits(u: CUplink): number {
  return 1 + u.f.reduce((s, f) => s + fieldBits(f), 0);
}
