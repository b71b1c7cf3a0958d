import { beforeAll, describe, expect, it } from 'vitest';
import { BOARDS, BOARD_IDS } from '../../scripts/build/boards.ts';
import { buildApps, buildCode, formatSizeTable } from '../../scripts/build/build.ts';
import { appEntry, bundleEntry, entrySource } from '../../scripts/build/bundle.ts';
import { checkSource } from '../../scripts/check/profile.ts';
import { estimateJsVars } from '../../scripts/build/size.ts';
import { runHello } from '../../firmware/apps/hello.ts';
import type { Hal } from '../../firmware/hal.ts';
import { runOnVirtualBoard } from './helpers.ts';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What the hello app prints when Node runs its TypeScript source directly. */
function helloInNode(): string[] {
  const hal = { log: () => undefined } as unknown as Hal;
  return runHello(hal);
}

describe('lorakit build', () => {
  const built: Record<string, string> = {};
  beforeAll(async () => {
    for (const id of BOARD_IDS) built[id] = await buildCode('hello', BOARDS[id]);
  }, 60_000);

  it('emits bundles that pass the Espruino profile check on every board', () => {
    for (const id of BOARD_IDS) expect(checkSource(built[id]), id).toEqual([]);
  });

  it('needs its lowering: the unlowered bundle of the same app fails the check', async () => {
    const raw = await bundleEntry(entrySource(appEntry('hello'), BOARDS.PICO), 'hello');
    const constructs = new Set(checkSource(raw).map((f) => f.construct));
    expect(constructs.size).toBeGreaterThanOrEqual(5);
    const text = [...constructs].join('\n');
    for (const word of ['destructuring', 'default parameter', 'rest parameter', 'spread', '**', 'optional chaining']) {
      expect(text, word).toContain(word);
    }
  });

  it('runs the trivial app in an Espruino-like vm exactly as Node runs its source', () => {
    const expected = helloInNode();
    expect(expected[0]).toBe('closures 0,1,2');
    for (const id of ['PICO', 'MDBT42Q'] as const) {
      const run = runOnVirtualBoard(built[id], BOARDS[id]);
      expect(run.lines, id).toEqual([...expected, 'hello: done']);
    }
  });

  it('hands the app to a simulator host instead of starting it when __lorakit_host exists', () => {
    const registered: Array<{ app: { name: string }; board: { id: string; modem: string } }> = [];
    const host = { register: (app: { name: string }, board: { id: string; modem: string }) => registered.push({ app, board }) };
    const run = runOnVirtualBoard(built.MDBT42Q, BOARDS.MDBT42Q, 1000, { __lorakit_host: host });
    expect(run.lines).toEqual([]);
    expect(registered).toHaveLength(1);
    expect(registered[0].app.name).toBe('hello');
    expect(registered[0].board).toMatchObject({ id: 'MDBT42Q', modem: 'rak3172' });
  });

  it('reports size per bundle and fails a bundle over its budget share', async () => {
    const out = mkdtempSync(join(tmpdir(), 'lk-build-'));
    const ok = await buildApps({ apps: ['hello'], board: 'ORIGINAL', outDir: out });
    expect(ok[0].ok).toBe(true);
    const code = readFileSync(ok[0].file, 'utf8');
    expect(ok[0].bytes).toBe(Buffer.byteLength(code));
    expect(ok[0].jsVars).toBe(estimateJsVars(code).jsVars);
    expect(ok[0].ramJsVars).toBeGreaterThan(ok[0].jsVars);
    expect(ok[0].share).toBeCloseTo(ok[0].jsVars / 2756, 6);
    const tight = await buildApps({ apps: ['hello'], board: 'ORIGINAL', outDir: out, maxShare: 0.01 });
    expect(tight[0].ok).toBe(false);
    expect(formatSizeTable(tight)).toContain('OVER 1%');
  });

  it('estimates JsVars with the stated rule (functions, and what the load itself creates)', () => {
    const flat = 'function a(){return 1}var b=()=>2;';
    // two functions without parameters (2 each) + two bindings created at load (1 each)
    expect(estimateJsVars(flat)).toEqual({ jsVars: 6, ramJsVars: Math.ceil(flat.length / 11) + 6, functions: 2 });
    const iife = '(()=>{var t={a:1,b:"xyz"};function f(x){var inner={c:1,d:"a long string here"};return inner}})();';
    // arrow 2 + f(x) 3; at load: var t 1, the object 1 + two properties 2, "xyz" 2, declaration f 1;
    // nothing inside f counts
    expect(estimateJsVars(iife).jsVars).toBe(12);
    // a fractional number needs its own block, an integer shares the name's
    expect(estimateJsVars('var o={a:1.5};').jsVars - estimateJsVars('var o={a:1};').jsVars).toBe(1);
  });
});
