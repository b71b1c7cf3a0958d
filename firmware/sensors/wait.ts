// Polls `ready` every `intervalMs` (first check after `firstMs`) on the HAL's
// timers, at most `tries` times. `done(true)` once ready; `done(false)` on
// timeout or when `ready` throws (a bus error). No busy waiting.
import type { Hal } from '../hal.ts';

export type TimerHal = Pick<Hal, 'setTimeout'>;

export function waitFor(
  hal: TimerHal, firstMs: number, intervalMs: number, tries: number,
  ready: () => boolean, done: (ok: boolean) => void,
): void {
  poller(hal, firstMs, intervalMs, tries, ready, done)();
}

/**
 * waitFor() made once and started many times: the returned function starts one wait
 * (one at a time). A driver that polls on every read makes its callbacks once this way
 * instead of on every read (fewer allocations, fewer JsVars on the device).
 */
export function poller(
  hal: TimerHal, firstMs: number, intervalMs: number, tries: number,
  ready: () => boolean, done: (ok: boolean) => void,
): () => void {
  let left = 0;
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
  return function () {
    left = tries;
    hal.setTimeout(check, firstMs);
  };
}
