// Every app's built bundle against both modem emulators for 7 simulated days: it joins,
// every uplink decodes to what the virtual sensors gave, and every transmission the
// emulated modem logged respects the duty cycle, fair use and join back-off (audited
// from the modem's own log, not the firmware's numbers).
import { describe, expect, it } from 'vitest';
import { audit } from '../../simulator/audit/index.ts';
import { dataRate } from '../../firmware/lorawan/region.ts';
import { EU868 } from '../../firmware/lorawan/regions/eu868.ts';
import { TTN_FAIR_USE } from '../../firmware/lorawan/fairuse.ts';
import type { TxRecord } from '../../simulator/types.ts';
import type { VirtualNode } from '../../simulator/node/virtual-node.ts';
import { addNode, createBench, firmware } from './harness.ts';

const DAY = 86_400_000;

/** Physical values the virtual sensors hold, and what each app must report for them. */
const CASES = {
  'env-monitor': {
    signals: { temperature: () => 17.4, humidity: () => 48, pressure: () => 1021.6, battery: () => 3300 },
    expect: { temperature: [17.4, 0.11], humidity: [48, 0.6], pressure: [1021.6, 0.2], battery: [3300, 1] },
  },
  'bin-level': {
    signals: { distance: () => 600, lidTemperature: () => 20, tilt: () => 0, battery: () => 3600 },
    // fill = (1100 - 600) / (1100 - 150) = 52.6 %
    expect: { distance: [600, 10], fillPercent: [52.6, 1.5], alarm: ['none'], battery: [3600, 10] },
  },
  'water-level': {
    signals: { distance: () => 1400, waterTemperature: () => 12, battery: () => 3500 },
    expect: { distance: [1400, 2], waterTemperature: [12, 0.1], levelAlarm: [false], battery: [3500, 10] },
  },
  'soil-moisture': {
    signals: { moisture: () => 30, soilTemperature: () => 14, battery: () => 3400 },
    expect: { moisture: [30, 0.5], soilTemperature: [14, 0.1], battery: [3400, 10] },
  },
} as const;

function samplesOf(data: unknown): Array<Record<string, unknown>> {
  const d = data as { samples?: Array<Record<string, unknown>> } & Record<string, unknown>;
  return Array.isArray(d.samples) ? d.samples : [d];
}

function modemLog(node: VirtualNode, app: string): TxRecord[] {
  return node.modem.txLog.map((e) => {
    const d = dataRate(EU868, e.dr);
    return {
      nodeId: node.id,
      devEui: '',
      app,
      kind: e.type,
      startMs: e.timeMs,
      airtimeMs: e.airtimeMs,
      freqHz: e.freqHz,
      dr: e.dr,
      sf: d && d.mod === 'lora' ? d.sf : 0,
      bwKhz: d && d.mod === 'lora' ? d.bwKhz : 0,
      powerDbm: e.powerDbm,
      phyBytes: e.bytes,
      appBytes: e.type === 'join' ? 0 : Math.max(0, e.bytes - 13),
      fCnt: e.fCnt,
      devNonce: e.devNonce,
      retry: e.retry,
      receivedBy: [],
    };
  });
}

describe.each(Object.keys(CASES) as Array<keyof typeof CASES>)('%s', (app) => {
  it.each(['PICO', 'MDBT42Q'] as const)('on %s: 7 days, readings arrive as the sensors gave them, the modem log keeps every budget', async (board) => {
    const c = CASES[app];
    const b = createBench(app, 21);
    const node = addNode(b, await firmware(app, board), 31, { signals: c.signals });
    node.start();
    b.clock.runUntil(7 * DAY);
    const t = node.totals();
    expect(t.joins).toBe(1);
    const data = b.uplinks.filter((u) => u.kind === 'data' && u.fPort && !u.retransmission);
    let samples = 0;
    for (const u of data) {
      const d = u.decoded as { data: unknown; errors: string[] };
      expect(d.errors).toEqual([]);
      for (const s of samplesOf(d.data)) {
        samples++;
        for (const [field, want] of Object.entries(c.expect)) {
          const [value, tol] = want as readonly [unknown, number?];
          if (typeof value === 'number') expect(Math.abs((s[field] as number) - value), `${field}=${s[field]}`).toBeLessThanOrEqual(tol as number);
          else expect(s[field]).toBe(value);
        }
      }
    }
    expect(samples).toBe(t.samples - t.drops);
    expect(samples).toBeGreaterThan((7 * DAY) / (t.samples > 1000 ? 600_000 : 3_600_000) - 5);
    const result = audit(modemLog(node, app), [], { region: EU868, fairUse: { uplinkAirtimeMs: TTN_FAIR_USE.uplinkAirtimeMs, downlinksPerWindow: TTN_FAIR_USE.downlinksPerWindow, windowMs: TTN_FAIR_USE.windowMs }, joinBackoff: true, nodeStart: { [node.id]: node.boots() } });
    expect(result.violations).toEqual([]);
  }, 120_000);
});
