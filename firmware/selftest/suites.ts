// The suites the self-test bundle runs, each with the shared vectors it checks.
import type { Hal } from '../hal.ts';
import type { Suite } from './runner.ts';
import { platformSuite } from './platform.ts';

export function selftestSuites(hal: Hal): Suite[] {
  return [platformSuite(hal)];
}
