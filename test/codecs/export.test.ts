// The exported TS013 codec: ES5.1 (acorn), under 40,960 bytes, no globals beyond the
// language, and the same vectors pass in a bare node:vm context and in QuickJS
// (ChirpStack's engine), with bytes as a plain array, input.variables and input.recvTime.
import * as acorn from 'acorn';
import * as walk from 'acorn-walk';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import vm from 'node:vm';
import { getQuickJS, type QuickJSContext } from 'quickjs-emscripten';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { exportCodec } from '../../codecs/index.ts';
import { TTS_SCRIPT_LIMIT } from '../../codecs/export/ts013-export.ts';
import { writeExport } from '../../scripts/codec/cli-impl.ts';
import { APP_NAMES, hexToArray, loadVectors } from './helpers.ts';

/** Identifiers an ES5.1 sandbox (goja, QuickJS without std) may not have. */
const NOT_ES5 = ['Uint8Array', 'ArrayBuffer', 'DataView', 'Map', 'Set', 'WeakMap', 'Symbol', 'Promise', 'Proxy', 'Reflect', 'Buffer', 'require', 'module', 'exports', 'process', 'console', 'globalThis', 'TextEncoder', 'TextDecoder', 'BigInt'];

type Call = (fn: string, input: unknown, recvTimeIso?: string) => unknown;

/** Builds the JavaScript expression that calls `fn` with `input` (recvTime as a Date). */
function callSource(fn: string, input: unknown, recvTimeIso?: string): string {
  const arg = recvTimeIso ? `(function(i){ i.recvTime = new Date(${JSON.stringify(recvTimeIso)}); return i; })(${JSON.stringify(input)})` : JSON.stringify(input);
  return `JSON.stringify(${fn}(${arg}))`;
}

function vmRunner(js: string): Call {
  const ctx = vm.createContext({});
  vm.runInContext(js, ctx);
  return (fn, input, iso) => JSON.parse(vm.runInContext(callSource(fn, input, iso), ctx) as string);
}

let quick: QuickJSContext[] = [];
async function quickRunner(js: string): Promise<Call> {
  const QuickJS = await getQuickJS();
  const ctx = QuickJS.newContext();
  quick.push(ctx);
  ctx.unwrapResult(ctx.evalCode(js, 'codec.js')).dispose();
  return (fn, input, iso) => {
    const h = ctx.unwrapResult(ctx.evalCode(callSource(fn, input, iso)));
    const s = ctx.getString(h);
    h.dispose();
    return JSON.parse(s);
  };
}

afterAll(() => {
  for (const c of quick) c.dispose();
  quick = [];
});

describe.each(APP_NAMES)('%s exported codec', (app) => {
  const v = loadVectors(app);
  const { js, yaml } = exportCodec(app, v);
  const runners: [string, Call][] = [];

  beforeAll(async () => {
    runners.push(['node:vm', vmRunner(js)], ['QuickJS', await quickRunner(js)]);
  });

  it('parses as ES5.1, uses no non-ES5 globals, and fits The Things Stack limit', () => {
    const ast = acorn.parse(js, { ecmaVersion: 5, sourceType: 'script' });
    const used = new Set<string>();
    walk.full(ast, (n) => {
      if (n.type === 'Identifier') used.add((n as unknown as { name: string }).name);
    });
    expect(NOT_ES5.filter((x) => used.has(x))).toEqual([]);
    expect(Buffer.byteLength(js)).toBeLessThan(TTS_SCRIPT_LIMIT);
    for (const fn of ['decodeUplink', 'encodeDownlink', 'decodeDownlink', 'normalizeUplink']) expect(js).toMatch(new RegExp(`^function ${fn}\\(input\\)`, 'm'));
  });

  it('decodes every uplink and batch vector in both engines', () => {
    expect(runners.map((r) => r[0])).toEqual(['node:vm', 'QuickJS']);
    for (const [engine, call] of runners) {
      for (const u of [...v.uplinks, ...v.batches]) {
        const out = call('decodeUplink', { bytes: hexToArray(u.hex), fPort: u.fPort, variables: { site: 'x' } }) as { data: unknown; warnings: string[]; errors: string[] };
        expect({ engine, name: u.name, out }).toEqual({ engine, name: u.name, out: { data: u.data, warnings: u.warnings, errors: [] } });
      }
    }
  });

  it('stamps batch samples with times from input.recvTime', () => {
    const b = v.batches[0];
    const iso = '2026-05-04T10:00:00.000Z';
    for (const [, call] of runners) {
      const out = call('decodeUplink', { bytes: hexToArray(b.hex), fPort: b.fPort }, iso) as { data: { samples: { ageSeconds: number; time: string }[] } };
      out.data.samples.forEach((s, i) => {
        expect(s.ageSeconds).toBe(b.ages[i]);
        expect(s.time).toBe(new Date(Date.parse(iso) - b.ages[i] * 1000).toISOString());
      });
    }
  });

  it('gives the same errors for every reject vector, and ignores fPort 0 with a warning', () => {
    for (const [, call] of runners) {
      for (const r of v.rejects) {
        const out = call(r.downlink ? 'decodeDownlink' : 'decodeUplink', { bytes: hexToArray(r.hex), fPort: r.fPort }) as { errors: string[] };
        expect(out.errors).toEqual([r.error]);
      }
      const mac = call('decodeUplink', { bytes: [3, 1], fPort: 0 }) as { errors: string[]; warnings: string[] };
      expect(mac.errors).toEqual([]);
      expect(mac.warnings.length).toBe(1);
    }
  });

  it('encodes and decodes every downlink vector; bytes come back as a plain array', () => {
    for (const [engine, call] of runners) {
      for (const d of v.downlinks) {
        const enc = call('encodeDownlink', { data: d.data }) as { bytes: number[]; fPort: number; errors: string[] };
        expect({ engine, enc }).toEqual({ engine, enc: { bytes: hexToArray(d.hex), fPort: d.fPort, warnings: [], errors: [] } });
        const dec = call('decodeDownlink', { bytes: hexToArray(d.hex), fPort: d.fPort }) as { data: unknown };
        expect(dec.data).toEqual(d.decoded);
      }
      const bad = call('encodeDownlink', { data: { command: 'setInterval', interval: 10 } }) as { errors: string[]; bytes?: unknown };
      expect(bad.errors[0]).toContain('out of range');
      expect(bad.bytes).toBeUndefined();
    }
  });

  it('codec.yaml examples are the vectors, and the exported file reproduces every example', () => {
    const doc = parseYaml(yaml) as Record<string, { fileName: string; examples: { description: string; input: { fPort?: number; bytes?: number[]; data?: unknown }; output: unknown; normalizedOutput?: unknown }[] }>;
    expect(doc.uplinkDecoder.fileName).toBe(`${app}.js`);
    const descriptions = doc.uplinkDecoder.examples.map((e) => e.description);
    for (const u of [...v.uplinks, ...v.batches, ...v.rejects.filter((r) => !r.downlink)]) expect(descriptions).toContain(u.name);
    const call = runners[1][1];
    for (const e of doc.uplinkDecoder.examples) {
      expect(call('decodeUplink', e.input)).toEqual(e.output);
      if (e.normalizedOutput) expect(call('normalizeUplink', { data: (e.output as { data: unknown }).data })).toEqual(e.normalizedOutput);
    }
    for (const e of doc.downlinkEncoder?.examples ?? []) expect(call('encodeDownlink', e.input)).toEqual(e.output);
    for (const e of doc.downlinkDecoder?.examples ?? []) expect(call('decodeDownlink', e.input)).toEqual(e.output);
    expect(doc.downlinkEncoder.examples.length).toBe(v.downlinks.length);
  });
});

describe('normalizeUplink', () => {
  it('maps env-monitor readings onto TTN normalized fields (battery in volts)', () => {
    const call = vmRunner(exportCodec('env-monitor').js);
    const out = call('normalizeUplink', { data: { temperature: 21.3, humidity: 55.5, pressure: 1013.2, battery: 3012, counter: 40000 } });
    expect(out).toEqual({ data: [{ air: { temperature: 21.3, relativeHumidity: 55.5, pressure: 1013.2 }, battery: 3.012 }], warnings: [], errors: [] });
  });

  it('gives one measurement per batch sample, with its time', () => {
    const call = vmRunner(exportCodec('soil-moisture').js);
    const out = call('normalizeUplink', { data: { samples: [{ ageSeconds: 60, time: '2026-01-01T00:00:00.000Z', moisture: 30.1, soilTemperature: 9.5, battery: 3300 }] } });
    expect(out).toEqual({ data: [{ soil: { moisture: 30.1, temperature: 9.5 }, battery: 3.3, time: '2026-01-01T00:00:00.000Z' }], warnings: [], errors: [] });
  });
});

describe('writeExport', () => {
  it('writes <app>.js and <app>.codec.yaml into the directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lorakit-export-'));
    const files = writeExport('water-level', dir);
    expect(files.map((f) => f.replace(dir, ''))).toEqual(['/water-level.js', '/water-level.codec.yaml']);
    expect(readFileSync(files[0], 'utf8')).toBe(exportCodec('water-level', loadVectors('water-level')).js);
  });
});
