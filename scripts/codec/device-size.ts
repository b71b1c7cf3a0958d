// Bytes the codec adds to a firmware bundle: the device encoder (single + batch) and
// the downlink decoder, bundled and minified like firmware, plus each app's device table.
// Run: node --import ./scripts/ts-register.mjs scripts/codec/device-size.ts
import { buildSync } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { APPS } from '../../codecs/apps/index.ts';
import { compileSchema, deviceTable } from '../../codecs/schema/compile.ts';

const DEVICE = fileURLToPath(new URL('../../codecs/device/', import.meta.url));

/** Bytes of an ES2015 bundle (esbuild, like the firmware build) exposing `names` from codecs/device/<file>. */
export function deviceCodeBytes(entries: { file: string; names: string[] }[], minify: boolean, target = 'es2015'): { bytes: number; code: string } {
  const src = entries.map((e) => `export { ${e.names.join(', ')} } from ${JSON.stringify(DEVICE + e.file)};`).join('\n');
  const res = buildSync({
    stdin: { contents: src, loader: 'ts', resolveDir: DEVICE, sourcefile: 'device-entry.ts' },
    bundle: true,
    write: false,
    format: 'esm',
    target,
    minify,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const code = res.outputFiles[0].text;
  return { bytes: Buffer.byteLength(code), code };
}

export const DEVICE_ENTRIES = {
  encoder: [{ file: 'encoder.ts', names: ['encodeUplink', 'findUplink'] }],
  batch: [{ file: 'encoder.ts', names: ['encodeUplink', 'encodeBatch', 'findUplink'] }],
  all: [
    { file: 'encoder.ts', names: ['encodeUplink', 'encodeBatch', 'findUplink'] },
    { file: 'downlink.ts', names: ['decodeDownlink'] },
  ],
};

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const [k, v] of Object.entries(DEVICE_ENTRIES)) console.log(`${k.padEnd(8)} ${deviceCodeBytes(v, true).bytes} bytes minified, ${deviceCodeBytes(v, false).bytes} unminified`);
  for (const s of APPS) console.log(`table ${s.name.padEnd(14)} ${JSON.stringify(deviceTable(compileSchema(s))).length} bytes as JSON`);
}
