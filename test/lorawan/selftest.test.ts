import { describe, expect, it } from 'vitest';
import airtime from '../vectors/airtime.json' with { type: 'json' };
import dutycycle from '../vectors/dutycycle.json' with { type: 'json' };
import { selftestLorawan } from '../../firmware/selftest/lorawan.ts';

describe('on-device LoRaWAN self-test', () => {
  it('passes every vector', () => {
    const results: Array<{ name: string; ok: boolean; detail: string }> = [];
    selftestLorawan({ airtime, dutycycle }, (name, ok, detail) => results.push({ name, ok, detail }));
    const expectedChecks =
      airtime.lora.length + airtime.fsk.length +
      dutycycle.scenarios.reduce((n, s) => n + s.steps.filter((st) => 'expect' in st).length, 0);
    expect(results.length).toBe(expectedChecks);
    expect(results.filter((r) => !r.ok)).toEqual([]);
  });

  it('reports a wrong vector as a failure', () => {
    const bad = { lora: [{ ...airtime.lora[0], ms: airtime.lora[0].ms + 1 }], fsk: [] };
    const results: boolean[] = [];
    selftestLorawan({ airtime: bad, dutycycle: { scenarios: [] } }, (_n, ok) => results.push(ok));
    expect(results).toEqual([false]);
  });
});
