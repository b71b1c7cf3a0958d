// Schema: bit widths derived from range and resolution, the missing-value rule,
// validation messages, and the compatibility check.
import { describe, expect, it } from 'vitest';
import { checkCompatibility, compileSchema, compiledApp, uplinkBits, validateSchema, type AppSchema, type FieldDef } from '../../codecs/index.ts';
import { envMonitor } from '../../codecs/apps/index.ts';

function oneField(f: FieldDef): AppSchema {
  return { name: 't', description: '', uplinks: [{ name: 'p', version: 1, fPort: 1, fields: [f] }] };
}

describe('bit widths', () => {
  it('env-monitor climate v2, worked out by hand', () => {
    const f = compiledApp('env-monitor').up[1].f;
    // temperature: (85 - -40) / 0.1 + 1 = 1251 codes + sentinel = 1252 <= 2^11
    // humidity: 100 / 0.5 + 1 = 201 codes + sentinel = 202 <= 2^8
    // pressure: 8001 codes <= 2^13, presence bit by choice
    // battery: 2001 codes + sentinel <= 2^11; counter: 65535 codes + sentinel = 2^16
    expect(f.map((x) => [x.n, x.b, x.m])).toEqual([
      ['temperature', 11, 0],
      ['humidity', 8, 0],
      ['pressure', 13, 1],
      ['battery', 11, 0],
      ['counter', 16, 0],
    ]);
    expect(uplinkBits(compiledApp('env-monitor').up[1])).toBe(1 + 11 + 8 + 14 + 11 + 16);
  });

  it('a sentinel when the range leaves a spare code, else a presence bit', () => {
    const c = (f: FieldDef) => compileSchema(oneField(f)).up[0].f[0];
    expect(c({ name: 'a', type: 'unsigned', unit: '', min: 0, max: 254, resolution: 1 })).toMatchObject({ b: 8, m: 0, mx: 254 });
    expect(c({ name: 'a', type: 'unsigned', unit: '', min: 0, max: 255, resolution: 1 })).toMatchObject({ b: 8, m: 1, mx: 255 });
    expect(c({ name: 'a', type: 'unsigned', unit: '', min: 0, max: 255, resolution: 1, missing: 'sentinel' })).toMatchObject({ b: 9, m: 0 });
    expect(c({ name: 'a', type: 'boolean' })).toMatchObject({ b: 1, m: 1 });
    expect(c({ name: 'a', type: 'enum', values: ['x', 'y', 'z'] })).toMatchObject({ b: 2, m: 0, mx: 2 });
    expect(c({ name: 'a', type: 'bytes', length: 4 })).toMatchObject({ b: 32, m: 1 });
    expect(c({ name: 'a', type: 'signed', unit: '', min: -1.25, max: 1.25, resolution: 0.25 })).toMatchObject({ lo: -125, st: 25, dv: 100, mx: 10, b: 4 });
  });
});

describe('validation', () => {
  const bad = (f: Partial<FieldDef>) => validateSchema(oneField({ name: 'a', type: 'unsigned', unit: '', min: 0, max: 10, resolution: 1, ...f } as FieldDef));
  it.each([
    [{ resolution: 0.3 }, 'whole number of resolution steps'],
    [{ resolution: 0.0000001, max: 1 }, 'decimals'],
    [{ min: -1 }, 'unsigned field with a negative min'],
    [{ min: 10, max: 0 }, 'max must be greater than min'],
    [{ max: 2 ** 40 }, 'at most 32'],
    [{ name: 'samples' }, 'reserved'],
    [{ name: '9x' }, 'name must be'],
    [{ optional: true }, 'uplink fields use "missing"'],
  ])('%j -> %s', (f, msg) => {
    expect(bad(f).join('\n')).toContain(msg);
  });

  it('refuses reused fPorts, duplicate fields, bad enums and bad command ids', () => {
    const s: AppSchema = {
      name: 'x',
      description: '',
      uplinks: [
        { name: 'a', version: 1, fPort: 1, batchFPort: 1, fields: [{ name: 'f', type: 'boolean' }, { name: 'f', type: 'boolean' }] },
        { name: 'b', version: 1, fPort: 224, fields: [{ name: 'e', type: 'enum', values: ['a', 'a'] }] },
      ],
      downlink: { fPort: 10, commands: [{ name: 'c', id: 0, fields: [] }, { name: 'd', id: 0, fields: [] }] },
    };
    const p = validateSchema(s).join('\n');
    for (const m of ['fPort 1 already used', 'duplicate field f', 'integer 1..223', 'distinct', 'id must be 1..255', 'duplicate id']) expect(p).toContain(m);
    expect(() => compileSchema(s)).toThrow(/fPort 1 already used/);
  });

  it('every example schema is valid', () => {
    expect(validateSchema(envMonitor)).toEqual([]);
  });
});

describe('compatibility check', () => {
  const clone = (): AppSchema => structuredClone(envMonitor);

  it('accepts a new version on a new fPort and descriptive changes', () => {
    const next = clone();
    next.uplinks.push({ ...structuredClone(next.uplinks[1]), version: 3, fPort: 4, batchFPort: 5 });
    next.uplinks[1].description = 'reworded';
    next.uplinks[1].fields[0].description = 'reworded';
    expect(checkCompatibility(envMonitor, next)).toEqual([]);
  });

  it('refuses a changed resolution on a deployed fPort', () => {
    const next = clone();
    Object.assign(next.uplinks[1].fields[0], { resolution: 0.05 });
    expect(checkCompatibility(envMonitor, next).join('\n')).toMatch(/fPort 2 .*temperature.*changed: b 11 -> 12, lo -400 -> -4000, st 1 -> 5, dv 10 -> 100/);
  });

  it('refuses removed payloads, renamed or reordered fields, new enum labels and changed commands', () => {
    const removed = clone();
    removed.uplinks.splice(0, 1);
    expect(checkCompatibility(envMonitor, removed).join()).toContain('fPort 1 (climate v1) was removed');

    const renamed = clone();
    renamed.uplinks[1].fields[1] = { ...renamed.uplinks[1].fields[1], name: 'rh' };
    expect(checkCompatibility(envMonitor, renamed).join()).toContain('n humidity -> rh');

    const reordered = clone();
    reordered.uplinks[1].fields.reverse();
    expect(checkCompatibility(envMonitor, reordered).length).toBeGreaterThan(0);

    const appended = clone();
    appended.uplinks[1].fields.push({ name: 'extra', type: 'boolean' });
    expect(checkCompatibility(envMonitor, appended).join()).toContain('5 fields -> 6');

    const cmd = clone();
    cmd.downlink!.commands[0] = { ...cmd.downlink!.commands[0], id: 9 };
    expect(checkCompatibility(envMonitor, cmd).join()).toContain('command setInterval (id 1) was removed');

    const missing = clone();
    Object.assign(missing.uplinks[1].fields[2], { missing: 'sentinel' });
    expect(checkCompatibility(envMonitor, missing).join()).toContain('m 1 -> 0');
  });
});

describe('CayenneLPP mappings', () => {
  it('every lpp mapping in the example schemas names a type codecs/lpp knows, on a free channel', async () => {
    const { APPS } = await import('../../codecs/apps/index.ts');
    const { lppMappings } = await import('../../codecs/lpp/schema.ts');
    for (const s of APPS) for (const u of s.uplinks) expect(lppMappings(u.fields).length).toBe(u.fields.filter((f) => f.lpp).length);
  });
});
