// The self-test runner: runs device-side checks against the shared vectors and
// prints one line per check, `PASS <name>` or `FAIL <name> <detail>`, then
// `SELFTEST <passed>/<total>`. It runs on a board (lorakit selftest) and in Node.
export type Report = (name: string, ok: boolean, detail: string) => void;

export interface Suite {
  name: string;
  run(report: Report): void;
}

export function runSuites(suites: Suite[], log: (line: string) => void): { passed: number; total: number } {
  let passed = 0;
  let total = 0;
  const report: Report = (name, ok, detail) => {
    total++;
    if (ok) passed++;
    log(ok ? `PASS ${name}` : `FAIL ${name} ${detail}`);
  };
  for (let i = 0; i < suites.length; i++) {
    try {
      suites[i].run(report);
    } catch (e) {
      report(`${suites[i].name} (exception)`, false, String(e));
    }
  }
  log(`SELFTEST ${passed}/${total}`);
  return { passed: passed, total: total };
}
