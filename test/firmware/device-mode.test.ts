import { describe, expect, it } from 'vitest';
import { BOARDS } from '../../scripts/build/boards.ts';
import { buildCode } from '../../scripts/build/build.ts';
import { createDeviceModeNode } from '../../simulator/node/device-mode.ts';
import { addNode, createBench, firmware, hexKey } from './harness.ts';

const DAY = 86_400_000;
const signals = { temperature: (t: number) => 12 + 6 * Math.sin((2 * Math.PI * t) / DAY), humidity: () => 71, pressure: () => 990.4, battery: () => 3300 };

describe('device mode: the bundle on Espruino-like globals only (no simulator host)', () => {
  it('runs env-monitor on a virtual Pico for a day and sends exactly the uplinks the fast mode sends', async () => {
    const code = await buildCode('env-monitor', BOARDS.PICO);
    const devEui = hexKey(1001, 8);
    const joinEui = hexKey(2001, 8);
    const appKey = hexKey(3001, 16);

    // device mode: keys come from Storage "lorakit.json", as a maker would upload them
    const dev = createBench('env-monitor');
    dev.ns.register({ devEui, joinEui, appKey });
    const lines: string[] = [];
    const node = createDeviceModeNode({
      id: 'n1', app: 'env-monitor', board: BOARDS.PICO, code, clock: dev.clock, air: dev.air, seed: 1, hwEui: devEui,
      settings: { activation: { mode: 'otaa', devEui, joinEui, appKey } }, signals, log: (l) => lines.push(l),
    });
    node.start();
    dev.clock.runUntil(DAY);

    // fast mode: the same bundle, loaded once, the app created on a virtual HAL
    const fast = createBench('env-monitor');
    addNode(fast, await firmware('env-monitor', 'PICO'), 1, { signals }).start();
    fast.clock.runUntil(DAY);

    const payloads = (b: typeof dev) => b.uplinks.filter((u) => u.kind === 'data').map((u) => `${u.fCnt}:${u.fPort}:${Buffer.from(u.payload ?? []).toString('hex')}`);
    expect(payloads(dev).length).toBeGreaterThan(90);
    expect(payloads(dev)).toEqual(payloads(fast));
    // no key reaches the console
    for (const l of lines) expect(l).not.toContain(appKey);
  }, 120_000);
});
