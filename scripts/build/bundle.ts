// Bundling: one firmware app + its board binding → one ES2022 script (esbuild),
// which lower.ts then turns into Espruino's subset.
import { build, type Plugin } from 'esbuild';
import { compileSchema, deviceTable } from '../../codecs/schema/compile.ts';
import { findApp } from '../../codecs/apps/index.ts';
import type { CApp } from '../../codecs/device/types.ts';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BoardProfile } from './boards.ts';

/** Placeholder for Espruino's global require while esbuild bundles. */
export const ESPRUINO_REQUIRE = '__lorakit_espruino_require__';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const APPS_DIR = join(ROOT, 'firmware', 'apps');

/** The firmware apps: every `firmware/apps/<name>.ts`. */
export function listApps(): string[] {
  return readdirSync(APPS_DIR)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
}

export function appEntry(app: string): string {
  const file = join(APPS_DIR, `${app}.ts`);
  if (!existsSync(file)) throw new Error(`unknown app "${app}" (apps: ${listApps().join(', ')})`);
  return file;
}

/**
 * The generated entry: on a board it binds the HAL to Espruino globals and starts
 * the app; inside the simulator (which defines `__lorakit_host` before loading the
 * very same file) it hands the app to the host instead.
 */
export function entrySource(entryFile: string, board: BoardProfile, extra = ''): string {
  const wiring = {
    modemSerial: board.modemSerial,
    modemTx: board.modemTx,
    modemRx: board.modemRx,
    modemReset: board.modemReset,
    i2c: board.i2c,
    pins: board.pins,
    deepSleep: board.deepSleep,
    battery: board.battery,
  };
  const modem = board.modem === 'rn2483' ? ['createRn2483', 'rn2483'] : ['createRak3172', 'rak3172'];
  return [
    `import { app } from ${JSON.stringify(entryFile)};`,
    `import { createEspruinoHal } from ${JSON.stringify(join(ROOT, 'firmware/boards/espruino.ts'))};`,
    `import { ${modem[0]} as createModem } from ${JSON.stringify(join(ROOT, `firmware/radio/${modem[1]}.ts`))};`,
    extra,
    `const board = ${JSON.stringify({ id: board.id, modem: board.modem, wiring })};`,
    `if (typeof __lorakit_host !== "undefined") __lorakit_host.register(app, board, createModem);`,
    `else app.start(createEspruinoHal(board.wiring), board, createModem);`,
  ].join('\n');
}

/**
 * `import codec from 'lorakit:codec/<app>/<fPort>'` in firmware gives the app's
 * compiled payload table (codecs/device/types.ts CApp) with only the uplink payload
 * sent on <fPort> (and the downlink commands), generated at build time from the one
 * schema in codecs/apps/: the device carries only the numbers it needs.
 */
export function deviceCodecTable(spec: string): CApp {
  const [name, port] = spec.split('/');
  const schema = findApp(name);
  if (!schema) throw new Error(`no codec schema named "${name}" in codecs/apps`);
  const table = deviceTable(compileSchema(schema));
  if (port === undefined) return table;
  const up = table.up.filter((u) => u.port === Number(port));
  if (up.length !== 1) throw new Error(`codec "${name}" has no uplink on fPort ${port}`);
  return { ...table, up };
}

export const codecTablePlugin: Plugin = {
  name: 'lorakit-codec-table',
  setup(b) {
    b.onResolve({ filter: /^lorakit:codec\// }, (args) => ({ path: args.path.slice('lorakit:codec/'.length), namespace: 'lorakit-codec' }));
    b.onLoad({ filter: /.*/, namespace: 'lorakit-codec' }, (args) => {
      try {
        return { contents: `export default ${JSON.stringify(deviceCodecTable(args.path))};`, loader: 'js' };
      } catch (e) {
        return { errors: [{ text: (e as Error).message }] };
      }
    });
  },
};

/** Bundles an entry source (resolved from the repo root) into one IIFE script. */
export async function bundleEntry(source: string, name: string): Promise<string> {
  const result = await build({
    stdin: { contents: source, resolveDir: ROOT, sourcefile: `${name}.entry.ts`, loader: 'ts' },
    bundle: true,
    write: false,
    format: 'iife',
    plugins: [codecTablePlugin],
    platform: 'neutral',
    target: 'es2022',
    charset: 'utf8',
    legalComments: 'none',
    logLevel: 'silent',
    tsconfigRaw: { compilerOptions: { useDefineForClassFields: false, verbatimModuleSyntax: true } },
    // Espruino's own require("Storage") must reach the board untouched: hide it from
    // esbuild's module resolution here; lower.ts renames it back.
    define: { 'process.env.NODE_ENV': '"production"', require: ESPRUINO_REQUIRE },
  });
  return result.outputFiles[0].text;
}
