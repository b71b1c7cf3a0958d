// Writes test/vectors/codec-<app>.json from scripts/codec/vector-cases.ts, once.
// Existing files are frozen: they are only rewritten with --force (and then every
// byte change shows up in review). Run: node --import ./scripts/ts-register.mjs scripts/codec/make-vectors.ts [--force]
import { existsSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { compiledApp, decodeDownlink, decodeUplink, encodeDownlink, encodeReadings, encodeSamples, toHex } from '../../codecs/index.ts';
import { CASES } from './vector-cases.ts';

const OUT = fileURLToPath(new URL('../../test/vectors/', import.meta.url));

function hexArray(hex: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < hex.length; i += 2) out.push(parseInt(hex.substr(i, 2), 16));
  return out;
}

export function buildVectors(app: string): unknown {
  const c = CASES[app];
  const compiled = compiledApp(app);
  const uplinks = c.uplinks.map((u) => {
    const e = encodeReadings(app, u.fPort, u.readings);
    if (e.errors.length) throw new Error(`${app} ${u.name}: ${e.errors.join('; ')}`);
    const d = decodeUplink(app, { bytes: e.bytes, fPort: u.fPort });
    return { name: u.name, fPort: u.fPort, readings: u.readings, hex: toHex(e.bytes), data: d.data, warnings: d.warnings };
  });
  const batches = c.batches.map((b) => {
    const e = encodeSamples(app, b.fPort, b.samples, b.ages);
    if (e.errors.length) throw new Error(`${app} ${b.name}: ${e.errors.join('; ')}`);
    const d = decodeUplink(app, { bytes: e.bytes, fPort: e.fPort });
    return { name: b.name, fPort: e.fPort, samples: b.samples, ages: b.ages, hex: toHex(e.bytes), data: d.data, warnings: d.warnings };
  });
  const downlinks = c.downlinks.map((x) => {
    const e = encodeDownlink(app, { data: x.data });
    if (e.errors.length || !e.bytes) throw new Error(`${app} ${x.name}: ${e.errors.join('; ')}`);
    const d = decodeDownlink(app, { bytes: e.bytes, fPort: e.fPort! });
    return { name: x.name, data: x.data, fPort: e.fPort, hex: toHex(e.bytes), decoded: d.data };
  });
  const rejects = c.rejects.map((r) => {
    const res = r.downlink ? decodeDownlink(app, { bytes: hexArray(r.hex), fPort: r.fPort }) : decodeUplink(app, { bytes: hexArray(r.hex), fPort: r.fPort });
    if (!res.errors.length) throw new Error(`${app} ${r.name}: expected an error`);
    return { ...r, error: res.errors[0] };
  });
  return {
    app,
    note: 'Generated once by scripts/codec/make-vectors.ts, then frozen: never regenerate to make a test pass.',
    compiled,
    uplinks,
    batches,
    downlinks,
    rejects,
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const force = process.argv.includes('--force');
  for (const app of Object.keys(CASES)) {
    const file = join(OUT, `codec-${app}.json`);
    if (existsSync(file) && !force) {
      console.log(`kept ${file} (frozen; --force rewrites)`);
      continue;
    }
    writeFileSync(file, JSON.stringify(buildVectors(app), null, 2) + '\n');
    console.log(`wrote ${file}`);
  }
}
