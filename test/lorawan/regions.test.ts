import { describe, expect, it } from 'vitest';
import { REGIONS, regionByName, regionNames } from '../../firmware/lorawan/regions.ts';
import {
  channelCount, channelFrequency, channelIndex, dataRate, drTimeOnAir, maxAppPayload, maxMacPayload,
  rx1DataRate, rx1Frequency, subBandIndex, txPowerDbm,
} from '../../firmware/lorawan/region.ts';
import { EU868 } from '../../firmware/lorawan/regions/eu868.ts';
import { US915 } from '../../firmware/lorawan/regions/us915.ts';
import { AU915 } from '../../firmware/lorawan/regions/au915.ts';
import { AS923_1, AS923_2, AS923_3, AS923_4 } from '../../firmware/lorawan/regions/as923.ts';
import { IN865 } from '../../firmware/lorawan/regions/in865.ts';
import { KR920 } from '../../firmware/lorawan/regions/kr920.ts';

// N (max FRMPayload without FOpts) per DR as printed in RP002-1.0.4 tables, typed from the
// specification (cross-checked with LoRaMac-node's MaxPayloadOfDatarate* arrays); -1 = not allowed.
const RP002_N: Array<[string, boolean, number[]]> = [
  ['EU868', false, [51, 51, 51, 115, 242, 242, 242, 242]],
  ['US915', true, [11, 53, 125, 242, 242, -1, -1, -1, 53, 129, 242, 242, 242, 242]],
  ['AU915', false, [51, 51, 51, 115, 242, 242, 242, -1, 53, 129, 242, 242, 242, 242]],
  ['AU915', true, [-1, -1, 11, 53, 125, 242, 242, -1, 53, 129, 242, 242, 242, 242]],
  ['AS923-1', false, [51, 51, 51, 115, 242, 242, 242, 242]],
  ['AS923-1', true, [-1, -1, 11, 53, 125, 242, 242, 242]],
  ['IN865', false, [51, 51, 51, 115, 242, 242, -1, 242]],
  ['KR920', false, [51, 51, 51, 115, 242, 242]],
];

describe('regional tables', () => {
  it.each(RP002_N)('%s (dwell %s) maximum application payload per DR matches RP002', (name, dwell, n) => {
    const r = regionByName(name)!;
    expect(n.map((_, dr) => maxAppPayload(r, dr, 0, dwell))).toEqual(n);
  });

  it('the FOpts-aware limit is M - 8 - FOptsLen', () => {
    expect(maxAppPayload(EU868, 0, 15, false)).toBe(36);
    expect(maxAppPayload(EU868, 5, 3, false)).toBe(239);
    expect(maxAppPayload(US915, 0, 5, true)).toBe(6);
    expect(maxAppPayload(US915, 0, 15, true)).toBe(0);
    expect(maxAppPayload(EU868, 0, 16, false)).toBe(-1);
    expect(maxAppPayload(EU868, 8, 0, false)).toBe(-1);
  });

  it('dwell-limited payload maxima fit in 400 ms on the dwell-limited channels (physics cross-check)', () => {
    // US915/AU915: FCC dwell time applies to the 125 kHz hopping channels; AS923: to every uplink
    for (const r of [US915, AU915, AS923_1]) {
      for (let dr = 0; dr < r.dataRates.length; dr++) {
        const d = dataRate(r, dr);
        const m = maxMacPayload(r, dr, true);
        if (d === null || m < 0 || (r !== AS923_1 && d.bwKhz !== 125)) continue;
        expect(drTimeOnAir(r, dr, m + 5, true)).toBeLessThanOrEqual(400);
      }
    }
    // and the US915 DR0 limit is tight: 12 application bytes (PHY 25) would take 411.6 ms
    expect(drTimeOnAir(US915, 0, 25, true)).toBeGreaterThan(400);
  });

  it('tables are internally consistent', () => {
    for (const r of REGIONS) {
      expect(r.maxMacPayload.length).toBe(r.dataRates.length);
      if (r.maxMacPayloadDwell) expect(r.maxMacPayloadDwell.length).toBe(r.dataRates.length);
      r.dataRates.forEach((d, dr) => {
        if (d === null) expect(r.maxMacPayload[dr]).toBe(0);
      });
      for (let i = 0; i < channelCount(r); i++) {
        const hz = channelFrequency(r, i);
        expect(subBandIndex(r, hz)).toBeGreaterThanOrEqual(0);
        expect(channelIndex(r, hz)).toBe(i);
      }
      expect(subBandIndex(r, r.rx2.hz)).toBeGreaterThanOrEqual(0);
      expect(dataRate(r, r.rx2.dr)).not.toBeNull();
      for (const b of r.channels) {
        expect(dataRate(r, b.minDr)).not.toBeNull();
        expect(dataRate(r, b.maxDr)).not.toBeNull();
      }
    }
  });

  it('default channels and RX2 per RP002', () => {
    expect([0, 1, 2].map((i) => channelFrequency(EU868, i))).toEqual([868100000, 868300000, 868500000]);
    expect(EU868.rx2).toEqual({ hz: 869525000, dr: 0 });
    expect(channelCount(US915)).toBe(72);
    expect(channelFrequency(US915, 63)).toBe(914900000);
    expect(channelFrequency(US915, 64)).toBe(903000000);
    expect(channelFrequency(US915, 71)).toBe(914200000);
    expect(channelFrequency(US915, 72)).toBe(-1);
    expect(channelFrequency(AU915, 0)).toBe(915200000);
    expect(channelFrequency(AU915, 64)).toBe(915900000);
    expect([AS923_1, AS923_2, AS923_3, AS923_4].map((r) => [channelFrequency(r, 0), channelFrequency(r, 1), r.rx2.hz])).toEqual([
      [923200000, 923400000, 923200000],
      [921400000, 921600000, 921400000],
      [916600000, 916800000, 916600000],
      [917300000, 917500000, 917300000],
    ]);
    expect([0, 1, 2].map((i) => channelFrequency(IN865, i))).toEqual([865062500, 865402500, 865985000]);
    expect(IN865.rx2).toEqual({ hz: 866550000, dr: 2 });
    expect([0, 1, 2].map((i) => channelFrequency(KR920, i))).toEqual([922100000, 922300000, 922500000]);
    expect(KR920.rx2).toEqual({ hz: 921900000, dr: 0 });
    expect(US915.rx2).toEqual({ hz: 923300000, dr: 8 });
    expect(AU915.rx2).toEqual({ hz: 923300000, dr: 8 });
  });

  it('RX1 data rate and frequency', () => {
    expect(rx1DataRate(EU868, 5, 0, false)).toBe(5);
    expect(rx1DataRate(EU868, 5, 5, false)).toBe(0);
    expect(rx1DataRate(EU868, 2, 5, false)).toBe(0);
    expect(rx1DataRate(EU868, 2, 6, false)).toBe(-1);
    expect([0, 1, 2, 3, 4].map((dr) => rx1DataRate(US915, dr, 0, false))).toEqual([10, 11, 12, 13, 13]);
    expect(rx1DataRate(US915, 0, 3, false)).toBe(8);
    expect(rx1DataRate(US915, 4, 3, false)).toBe(10);
    expect(rx1DataRate(AU915, 6, 0, false)).toBe(13);
    expect(rx1DataRate(AU915, 0, 5, false)).toBe(8);
    // AS923: offsets 6 and 7 mean +1 and +2, capped at DR5; MinDR 2 with downlink dwell time
    expect(rx1DataRate(AS923_1, 3, 6, false)).toBe(4);
    expect(rx1DataRate(AS923_1, 4, 7, false)).toBe(5);
    expect(rx1DataRate(AS923_1, 1, 0, true)).toBe(2);
    expect(rx1DataRate(AS923_1, 1, 0, false)).toBe(1);
    expect(rx1DataRate(IN865, 5, 7, false)).toBe(5);
    expect(rx1Frequency(EU868, 868300000)).toBe(868300000);
    expect(rx1Frequency(US915, 902300000)).toBe(923300000);
    expect(rx1Frequency(US915, 902300000 + 9 * 200000)).toBe(923900000);
    expect(rx1Frequency(US915, 903000000)).toBe(923300000);
    expect(rx1Frequency(US915, 904600000)).toBe(923900000);
    expect(rx1Frequency(US915, 902400000)).toBe(-1);
  });

  it('TX power steps of 2 dB below the maximum EIRP', () => {
    expect(txPowerDbm(EU868, 0)).toBe(16);
    expect(txPowerDbm(EU868, 7)).toBe(2);
    expect(txPowerDbm(EU868, 8)).toBe(-1);
    expect(txPowerDbm(US915, 14)).toBe(2);
    expect(txPowerDbm(IN865, 10)).toBe(10);
    expect(txPowerDbm(KR920, 7)).toBe(0);
    expect(txPowerDbm(AS923_1, 1.5)).toBe(-1);
  });

  it('EU868 sub-bands and duty cycles (EN 300 220-2 bands K..Q)', () => {
    const dc = (hz: number) => (subBandIndex(EU868, hz) < 0 ? null : EU868.subBands[subBandIndex(EU868, hz)].dutyCycle);
    expect(dc(863000000)).toBe(0.001);
    expect(dc(864999999)).toBe(0.001);
    expect(dc(865000000)).toBe(0.01);
    expect(dc(867900000)).toBe(0.01);
    expect(dc(868100000)).toBe(0.01);
    expect(dc(868650000)).toBeNull();
    expect(dc(868800000)).toBe(0.001);
    expect(dc(869300000)).toBeNull();
    expect(dc(869525000)).toBe(0.1);
    expect(dc(869850000)).toBe(0.01);
    expect(dc(870000000)).toBeNull();
  });

  it('looks regions up by name', () => {
    expect(regionByName('eu868')).toBe(EU868);
    expect(regionByName('AS923')).toBe(AS923_1);
    expect(regionByName('CN470')).toBeNull();
    expect(regionNames()).toEqual(['EU868', 'US915', 'AU915', 'AS923-1', 'AS923-2', 'AS923-3', 'AS923-4', 'IN865', 'KR920']);
  });
});
