// Every driver, bundled alone as the firmware build would (esbuild, ES2015+ output
// without lowering), passes the Espruino syntax-profile check (scripts/check).
import { describe, expect, it } from 'vitest';
import { build } from 'esbuild';
import { checkSource, formatFindings } from '../../scripts/check/profile.ts';

const DRIVERS = ['bme280', 'sht4x', 'ds18b20', 'vl53l0x', 'hcsr04', 'battery', 'soil'];

describe('sensor drivers follow the device profile', () => {
  it.each(DRIVERS)('%s bundles to Espruino-safe code', async (name) => {
    const out = await build({
      entryPoints: [`firmware/sensors/${name}.ts`], bundle: true, format: 'iife', write: false,
    });
    const code = out.outputFiles[0]!.text;
    expect(code).toContain('function create'); // the factory is in the bundle, not tree-shaken away
    expect(formatFindings(`${name}.js`, checkSource(code))).toEqual([]);
  });
});
