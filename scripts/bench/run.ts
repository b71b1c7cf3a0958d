// Runs the selected benchmark suites and prints their tables with the machine.
import { FULL, QUICK, machine } from './harness.ts';
import { selectSuites, SUITES, type BenchContext } from './index.ts';

export interface RunOptions {
  quick: boolean;
}

/** Returns an error message for unknown suite names instead of running anything. */
export async function runBench(names: string[], opts: RunOptions, print: (text: string) => void): Promise<string | null> {
  const { suites, unknown } = selectSuites(names);
  if (unknown.length > 0) {
    return `unknown bench suite ${unknown.map((n) => `"${n}"`).join(', ')}; available: ${SUITES.map((s) => s.name).join(', ')}`;
  }
  const ctx: BenchContext = { timing: opts.quick ? QUICK : FULL, print };
  print(`Machine: ${machine()}`);
  print(`Timing: ${ctx.timing.rounds} rounds of ~${ctx.timing.roundMs} ms after ${ctx.timing.warmupMs} ms warm-up; median ops/s (min..max in parentheses)${opts.quick ? ' [quick run: numbers are rough]' : ''}`);
  for (const entry of suites) {
    print(`\n## ${entry.name}: ${entry.description}`);
    const suite = await entry.load();
    await suite.run(ctx);
  }
  return null;
}
