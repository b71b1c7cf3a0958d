// Shared helpers for the build tests: build a bundle once per (entry, board) and
// run it in the Espruino-like vm context on a virtual clock.
import { createClock } from '../../simulator/clock.ts';
import { createEspruinoContext, runBundle } from '../../simulator/device/espruino-context.ts';
import { createVirtualStorage } from '../../simulator/hardware/storage.ts';
import type { BoardProfile } from '../../scripts/build/boards.ts';

export interface VmRun {
  lines: string[];
}

/** Runs `code` as a board would (no host), advancing virtual time by `runMs`. */
export function runOnVirtualBoard(code: string, board: BoardProfile, runMs = 1000, globals: Record<string, unknown> = {}): VmRun {
  const clock = createClock(0);
  const lines: string[] = [];
  const ctx = createEspruinoContext({
    clock,
    log: (l) => lines.push(l),
    chip: board.chip === 'NRF52832' ? 'nrf52' : 'stm32',
    storage: createVirtualStorage(),
    globals,
  });
  runBundle(ctx, code, `${board.id}.js`);
  clock.runUntil(runMs);
  return { lines };
}
