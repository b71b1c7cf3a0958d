// The per-uplink objects the firmware now makes once and reuses: a poller started many
// times behaves as a fresh waitFor() each time (same timers, same verdicts).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { poller, waitFor } from '../../firmware/sensors/wait.ts';

/** Runs timers in order on a fake clock; records (delay, time) of each setTimeout. */
function fakeTimers() {
  let now = 0;
  const q: { at: number; fn: () => void }[] = [];
  const log: string[] = [];
  return {
    log,
    hal: {
      setTimeout(fn: () => void, ms: number) {
        log.push(`set ${ms} at ${now}`);
        q.push({ at: now + ms, fn });
        q.sort((a, b) => a.at - b.at);
        return q.length;
      },
    },
    run() {
      while (q.length) {
        const t = q.shift()!;
        now = t.at;
        t.fn();
      }
    },
  };
}

describe('poller (waitFor made once)', () => {
  it('each start behaves like a fresh waitFor', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20 }), fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 6 }),
        fc.array(fc.array(fc.constantFrom('no', 'yes', 'throw'), { maxLength: 8 }), { minLength: 1, maxLength: 4 }),
        (first, interval, tries, runs) => {
          const a = fakeTimers();
          const b = fakeTimers();
          // the reference: one waitFor per run
          for (const answers of runs) {
            let k = 0;
            waitFor(a.hal, first, interval, tries, () => {
              const x = answers[k++] || 'no';
              if (x === 'throw') throw new Error('bus');
              return x === 'yes';
            }, (ok) => a.log.push('done ' + ok));
            a.run();
          }
          // the same with one poller started once per run
          let answers: string[] = [];
          let k = 0;
          const start = poller(b.hal, first, interval, tries, () => {
            const x = answers[k++] || 'no';
            if (x === 'throw') throw new Error('bus');
            return x === 'yes';
          }, (ok) => b.log.push('done ' + ok));
          for (const r of runs) {
            answers = r;
            k = 0;
            start();
            b.run();
          }
          expect(b.log).toEqual(a.log);
        },
      ),
    );
  });
});
