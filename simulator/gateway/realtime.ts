// `--realtime`: paces the simulator's virtual clock to the wall clock, so a real
// network server's receive windows (RX1 one second after the uplink) line up with
// the simulated devices'. Each tick runs every event due by the wall-mapped virtual
// time. `speed` > 1 runs faster than the wall (tests); 1 is real time.
import type { Clock } from '../clock.ts';

export interface RealtimePacer {
  /** Virtual time the wall clock maps to now. */
  target(): number;
  /** Stops ticking (the clock keeps its time). */
  stop(): void;
  /** Resolves once virtual time has reached `ms` (bounded by the pacer running). */
  until(ms: number): Promise<void>;
}

export interface PacerOptions {
  /** Virtual ms per wall ms (default 1). */
  speed?: number;
  /** Tick period in wall ms (default 2). */
  tickMs?: number;
  /** Wall clock in ms (default performance.now). */
  wall?: () => number;
}

export function startRealtimePacer(clock: Clock, opts: PacerOptions = {}): RealtimePacer {
  const speed = opts.speed !== undefined && opts.speed > 0 ? opts.speed : 1;
  const wall = opts.wall ?? (() => performance.now());
  const wall0 = wall();
  const virt0 = clock.now();
  const waiters: { ms: number; resolve: () => void }[] = [];
  const target = (): number => virt0 + (wall() - wall0) * speed;
  const tick = (): void => {
    clock.runUntil(target());
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (clock.now() >= waiters[i]!.ms) waiters.splice(i, 1)[0]!.resolve();
    }
  };
  const timer = setInterval(tick, opts.tickMs ?? 2);
  return {
    target,
    stop() {
      clearInterval(timer);
    },
    until(ms) {
      if (clock.now() >= ms) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ ms, resolve }));
    },
  };
}
