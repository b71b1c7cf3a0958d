// Polls `ready` every `intervalMs` (first check after `firstMs`) on the HAL's
// timers, at most `tries` times. `done(true)` once ready; `done(false)` on
// timeout or when `ready` throws (a bus error). No busy waiting.
import type { Hal } from '../hal.ts';

export type TimerHal = Pick<Hal, 'setTimeout'>;

export function waitFor(
  hal: TimerHal, firstMs: number, intervalMs: number, tries: number,
  ready: () => boolean, done: (ok: boolean) => void,
): void {
  let left = tries;
  function check(): void {
    let ok = false;
    let failed = false;
    try {
      ok = ready();
    } catch {
      failed = true;
    }
    left--;
    if (ok || failed || left <= 0) done(ok);
    else hal.setTimeout(check, intervalMs);
  }
  hal.setTimeout(check, firstMs);
}
