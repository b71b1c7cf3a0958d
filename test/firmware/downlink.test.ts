import { describe, expect, it } from 'vitest';
import { encodeDownlink } from '../../codecs/index.ts';
import { addNode, createBench, firmware } from './harness.ts';

const MIN = 60_000;

function gaps(times: number[]): number[] {
  return times.slice(1).map((t, i) => Math.round((t - times[i]) / 1000));
}

describe('downlink configuration', () => {
  it.each(['PICO', 'MDBT42Q'] as const)('%s: malformed downlinks are rejected and change nothing; setInterval takes effect and survives a reboot', async (board) => {
    const b = createBench('env-monitor', 11);
    const node = addNode(b, await firmware('env-monitor', board), 21);
    node.start();
    b.clock.runUntil(60 * MIN);
    const eui = b.uplinks.find((u) => u.devEui)?.devEui as string;
    expect(eui).toBeTruthy();

    const malformed = [
      [0xff], // unknown command id
      [0x01], // setInterval without its value
      [0x01, 0xff, 0xe0], // interval code beyond 24 h
      [0x03, 0x80], // reboot with non-zero padding
    ];
    for (const p of malformed) b.ns.enqueue(eui, { fPort: 10, payload: Uint8Array.from(p) });
    b.clock.runUntil(6 * 60 * MIN);
    let t = node.totals();
    expect(t.downlinks).toBeGreaterThanOrEqual(malformed.length);
    expect(t.downlinksRejected).toBe(malformed.length);
    expect(t.configApplied).toBe(0);
    expect(node.firmware().persist.config().intervalS).toBe(900);

    const ok = encodeDownlink('env-monitor', { data: { command: 'setInterval', interval: 600 } });
    expect(ok.errors ?? []).toEqual([]);
    b.ns.enqueue(eui, { fPort: ok.fPort as number, payload: Uint8Array.from(ok.bytes as number[]) });
    b.clock.runUntil(12 * 60 * MIN);
    t = node.totals();
    expect(t.configApplied).toBe(1);
    expect(node.firmware().persist.config().intervalS).toBe(600);
    const before = b.uplinks.length;
    b.clock.runUntil(18 * 60 * MIN);
    const times = b.uplinks.slice(before).filter((u) => u.kind === 'data').map((u) => u.timeMs);
    expect(gaps(times).every((g) => Math.abs(g - 600) <= 2)).toBe(true);

    // a reboot keeps the new interval (it is in Storage)
    node.reboot();
    const afterReboot = b.uplinks.length;
    b.clock.runUntil(24 * 60 * MIN);
    const times2 = b.uplinks.slice(afterReboot).filter((u) => u.kind === 'data').map((u) => u.timeMs);
    const g2 = gaps(times2);
    expect(g2.length).toBeGreaterThan(20);
    expect(g2.filter((g) => Math.abs(g - 600) <= 2).length).toBeGreaterThan(g2.length - 2);
  }, 120_000);
});
