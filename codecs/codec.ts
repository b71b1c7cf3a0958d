// The Node/browser face of the codecs: resolves an app, validates readings for
// operators and scripts, and calls the one device encoder and the one decoder.
import type { CApp, CField, CUplink, Readings } from './device/types.ts';
import { encodeBatch, encodeUplink, findUplink } from './device/encoder.ts';
import { newWriter, valueCode, byteList } from './device/bits.ts';
import { compileSchema, fieldBits, uplinkBits } from './schema/compile.ts';
import type { AppSchema, FieldDef } from './schema/types.ts';
import { appNames, findApp } from './apps/index.ts';
import { lkDecodeDownlink, lkDecodeUplink, lkEncodeDownlink, lkNormalizeUplink, type Ts013Result } from './runtime/ts013.ts';

/** An app by name, its schema, or its compiled table. */
export type AppRef = string | AppSchema | CApp;

const compiledCache = new WeakMap<AppSchema, CApp>();

/** The schema called `name`; throws a one-line error listing the known apps. */
export function getApp(name: string): AppSchema {
  const s = findApp(name);
  if (!s) throw new Error(`unknown app "${name}" (apps: ${appNames().join(', ')})`);
  return s;
}

function isCompiled(ref: AppSchema | CApp): ref is CApp {
  return Array.isArray((ref as CApp).up);
}

/** The compiled tables of the known apps by name (the simulator decodes every uplink by app name). */
const compiledByName = new Map<string, CApp>();

/** The compiled table of an app (compiled once per schema object). */
export function compiledApp(ref: AppRef): CApp {
  if (typeof ref === 'string') {
    let c = compiledByName.get(ref);
    if (c === undefined) {
      c = compiledApp(getApp(ref));
      compiledByName.set(ref, c);
    }
    return c;
  }
  const s = ref;
  if (isCompiled(s)) return s;
  let c = compiledCache.get(s);
  if (!c) {
    c = compileSchema(s);
    compiledCache.set(s, c);
  }
  return c;
}

export interface EncodeResult {
  bytes: Uint8Array;
  fPort: number;
  warnings: string[];
  errors: string[];
}

function range(f: CField): string {
  return `${f.lo / f.dv}..${(f.lo + f.mx * f.st) / f.dv}${f.u ? ' ' + f.u : ''}`;
}

/** Checks one reading against a payload; errors for unknown keys and wrong types, warnings for saturation. */
function checkReadings(u: CUplink, r: unknown, where: string, warnings: string[], errors: string[]): void {
  if (!r || typeof r !== 'object' || Array.isArray(r)) {
    errors.push(`${where}readings must be an object of field values`);
    return;
  }
  const rec = r as Record<string, unknown>;
  for (const k of Object.keys(rec)) {
    if (!u.f.some((f) => f.n === k)) errors.push(`${where}unknown field "${k}" (fields: ${u.f.map((f) => f.n).join(', ')})`);
  }
  for (const f of u.f) {
    const v = rec[f.n];
    if (v === undefined || v === null) continue;
    if (f.t === 3) {
      if (!byteList(f, v)) errors.push(`${where}${f.n} must be ${f.b / 8} bytes as hex or an array`);
      continue;
    }
    const w = newWriter();
    const c = valueCode(f, v, w);
    if (c < 0 || (f.t === 0 && typeof v !== 'number')) {
      const want = f.t === 1 ? `one of ${(f.e ?? []).join(', ')}` : f.t === 2 ? 'true or false' : 'a finite number';
      errors.push(`${where}${f.n} must be ${want} (got ${JSON.stringify(v)})`);
    } else if (w.s) warnings.push(`${where}${f.n} ${String(v)} is outside ${range(f)}: saturated`);
  }
}

function uplinkFor(app: CApp, fPort: number, batch: boolean): CUplink {
  const u = findUplink(app.up, fPort);
  const ports = app.up.map((x) => (batch ? x.bport : x.port)).filter((p) => p > 0);
  if (!u || (batch ? u.bport === 0 : u.port !== fPort)) {
    const hint = u && !batch ? ` (fPort ${fPort} is a batch fPort: encode samples)` : '';
    throw new Error(`no ${batch ? 'batch ' : ''}payload on fPort ${fPort} in ${app.app}${hint} (fPorts: ${ports.join(', ') || 'none'})`);
  }
  return u;
}

/** Encodes one reading for `fPort` with the device encoder; errors instead of bytes for bad input. */
export function encodeReadings(ref: AppRef, fPort: number, readings: Readings): EncodeResult {
  const app = compiledApp(ref);
  const u = uplinkFor(app, fPort, false);
  const warnings: string[] = [];
  const errors: string[] = [];
  checkReadings(u, readings, '', warnings, errors);
  const bytes = errors.length ? new Uint8Array(0) : encodeUplink(u, readings);
  return { bytes, fPort: u.port, warnings, errors };
}

/**
 * Encodes several readings (oldest first) into one batch frame; `ages[i]` is the age of
 * sample i in seconds when sent. `fPort` may be the payload's single or batch fPort.
 */
export function encodeSamples(ref: AppRef, fPort: number, samples: Readings[], ages: number[]): EncodeResult {
  const app = compiledApp(ref);
  const single = findUplink(app.up, fPort);
  const u = uplinkFor(app, single && single.port === fPort && single.bport ? single.bport : fPort, true);
  const warnings: string[] = [];
  const errors: string[] = [];
  if (!Array.isArray(samples) || samples.length < 1 || samples.length > 32) errors.push('a batch holds 1..32 samples');
  else if (!Array.isArray(ages) || ages.length !== samples.length) errors.push('ages must give one age in seconds per sample');
  else {
    for (let i = 0; i < ages.length; i++) {
      if (typeof ages[i] !== 'number' || !(ages[i] >= 0) || ages[i] > 65535) errors.push(`ages[${i}] must be 0..65535 s`);
      else if (i > 0 && ages[i] > ages[i - 1]) errors.push(`ages must not increase (samples are oldest first): ages[${i}]`);
    }
    samples.forEach((s, i) => checkReadings(u, s, `samples[${i}].`, warnings, errors));
  }
  const bytes = errors.length ? new Uint8Array(0) : encodeBatch(u, samples, ages);
  return { bytes, fPort: u.bport, warnings, errors };
}

/** TS013 decodeUplink: { bytes, fPort, recvTime?, variables? } -> { data, warnings, errors }. Never throws. */
export function decodeUplink(ref: AppRef, input: { bytes: ArrayLike<number>; fPort: number; recvTime?: unknown; variables?: unknown }): Ts013Result {
  return lkDecodeUplink(compiledApp(ref), input);
}

/** TS013 encodeDownlink: { data: { command, ...fields } | { commands: [...] } } -> { bytes, fPort, warnings, errors }. */
export function encodeDownlink(ref: AppRef, input: { data: unknown }): Ts013Result {
  return lkEncodeDownlink(compiledApp(ref), input);
}

/** TS013 decodeDownlink: { bytes, fPort } -> { data, warnings, errors }. */
export function decodeDownlink(ref: AppRef, input: { bytes: ArrayLike<number>; fPort: number }): Ts013Result {
  return lkDecodeDownlink(compiledApp(ref), input);
}

/** TS013 normalizeUplink: decoded data -> TTN normalized measurements. */
export function normalizeUplink(ref: AppRef, input: { data: unknown }): Ts013Result {
  return lkNormalizeUplink(compiledApp(ref), input);
}

export interface FieldDescription {
  name: string;
  type: FieldDef['type'];
  unit: string | null;
  min: number | null;
  max: number | null;
  resolution: number | null;
  bits: number;
  missing: 'sentinel' | 'presence' | 'required';
  values?: string[];
  length?: number;
  description?: string;
}

function describeField(def: FieldDef, c: CField): FieldDescription {
  const num = def.type === 'signed' || def.type === 'unsigned';
  const d: FieldDescription = {
    name: def.name,
    type: def.type,
    unit: def.unit ?? null,
    min: num ? def.min : null,
    max: num ? def.max : null,
    resolution: num ? def.resolution : null,
    bits: fieldBits(c),
    missing: c.m === 0 ? 'sentinel' : c.m === 1 ? 'presence' : 'required',
  };
  if (def.type === 'enum') d.values = [...def.values];
  if (def.type === 'bytes') d.length = def.length;
  if (def.description) d.description = def.description;
  return d;
}

/** Every payload's fPort and version and every field's name, unit, range, resolution and bits. */
export function describeApp(ref: string | AppSchema) {
  const s = typeof ref === 'string' ? getApp(ref) : ref;
  const c = compiledApp(s);
  return {
    app: s.name,
    description: s.description,
    uplinks: s.uplinks.map((u, i) => ({
      name: u.name,
      version: u.version,
      fPort: u.fPort,
      batchFPort: u.batchFPort ?? null,
      maxBits: uplinkBits(c.up[i]),
      maxBytes: Math.ceil(uplinkBits(c.up[i]) / 8),
      fields: u.fields.map((f, j) => describeField(f, c.up[i].f[j])),
    })),
    downlink: s.downlink
      ? {
          fPort: s.downlink.fPort,
          commands: s.downlink.commands.map((cmd, i) => ({
            name: cmd.name,
            id: cmd.id,
            fields: cmd.fields.map((f, j) => describeField(f, c.down!.cmds[i].f[j])),
          })),
        }
      : null,
  };
}

export function toHex(bytes: ArrayLike<number>): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16);
  return s;
}

/** Bytes of a hex string (spaces allowed), or null when it is not whole hex bytes. */
export function fromHex(hex: string): Uint8Array | null {
  const h = hex.replace(/\s+/g, '').replace(/^0x/i, '');
  if (h.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(h)) return null;
  const out = new Uint8Array(h.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.substr(i * 2, 2), 16);
  return out;
}
