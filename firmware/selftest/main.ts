// The self-test app (`lorakit selftest`): every device-side suite against the
// shared vectors in test/vectors/, inlined into the bundle at build time.
import type { Hal } from '../hal.ts';
import { runSuites } from './runner.ts';
import { selftestSuites } from './suites.ts';

export const app = {
  name: 'selftest',
  start(hal: Hal): void {
    // let the console settle after upload before printing
    hal.setTimeout(() => {
      runSuites(selftestSuites(hal), hal.log);
    }, 50);
  },
};
