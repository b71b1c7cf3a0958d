import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildRxpk, decodeGwmp, encodeGwmp, parseTxpk, statTime, txAckError } from '../../simulator/gateway/gwmp.ts';
import { createTmstCounter, createTxScheduler, datrOf, drOf, EU868_TX_LIMITS, isoMicro, parseDatr } from '../../simulator/gateway/radio.ts';
import { createClock } from '../../simulator/clock.ts';
import { EU868 } from '../../firmware/lorawan/regions/eu868.ts';

const TWO32 = 2 ** 32;

describe('GWMP datagrams', () => {
  it('lays out PUSH_DATA as version, token (high byte first), identifier, EUI, JSON', () => {
    const b = encodeGwmp({ type: 'PUSH_DATA', version: 2, token: 0xbeef, gatewayEui: 'aa555a0000000101', json: { stat: {} } });
    expect(Array.from(b.subarray(0, 12))).toEqual([2, 0xbe, 0xef, 0, 0xaa, 0x55, 0x5a, 0, 0, 0, 0x01, 0x01]);
    expect(new TextDecoder().decode(b.subarray(12))).toBe('{"stat":{}}');
    expect(Array.from(encodeGwmp({ type: 'PULL_ACK', version: 2, token: 0x0102 }))).toEqual([2, 1, 2, 4]);
  });

  it('round-trips every packet type and rejects garbage without throwing', () => {
    const types = ['PUSH_DATA', 'PUSH_ACK', 'PULL_DATA', 'PULL_RESP', 'PULL_ACK', 'TX_ACK'] as const;
    fc.assert(
      fc.property(fc.constantFrom(...types), fc.integer({ min: 0, max: 0xffff }), fc.stringMatching(/^[0-9A-F]{16}$/), (type, token, eui) => {
        const withEui = type === 'PUSH_DATA' || type === 'PULL_DATA' || type === 'TX_ACK';
        const withJson = type === 'PUSH_DATA' || type === 'PULL_RESP';
        const r = decodeGwmp(encodeGwmp({ type, version: 2, token, ...(withEui ? { gatewayEui: eui } : {}), ...(withJson ? { json: { a: 1 } } : {}) }));
        expect(r.ok && r.value.type === type && r.value.token === token).toBe(true);
        if (r.ok && withEui) expect(r.value.gatewayEui).toBe(eui);
        if (r.ok && withJson) expect(r.value.json).toEqual({ a: 1 });
      }),
    );
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (b) => typeof decodeGwmp(b).ok === 'boolean'));
    expect(decodeGwmp(Uint8Array.of(2, 0, 0))).toEqual({ ok: false, error: 'datagram too short (3 bytes)' });
    expect(decodeGwmp(Uint8Array.of(2, 0, 0, 9)).ok).toBe(false);
    expect(decodeGwmp(Uint8Array.of(2, 0, 0, 3, 0x7b)).ok).toBe(false); // "{" alone is not JSON
  });
});

describe('tmst, the 32-bit microsecond counter', () => {
  it('wraps modulo 2^32 and maps back to the nearest virtual time across the wrap', () => {
    const c = createTmstCounter(TWO32 - 500_000);
    expect(c.at(0)).toBe(TWO32 - 500_000);
    expect(c.at(499.999)).toBe(TWO32 - 1);
    expect(c.at(500)).toBe(0);
    expect(c.at(1500)).toBe(1_000_000);
    // a downlink 1 s after an uplink just before the wrap lands after it
    const upTmst = c.at(100);
    const dlTmst = (upTmst + 1_000_000) % TWO32;
    expect(dlTmst).toBeLessThan(upTmst);
    expect(c.toMs(dlTmst, 100)).toBe(1100);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: TWO32 - 1 }), fc.integer({ min: 0, max: 10 ** 9 }), fc.integer({ min: -2_000_000, max: 2_000_000 }), (off, nowMs, dMs) => {
        const k = createTmstCounter(off);
        const t = k.at(nowMs + dMs);
        expect(t).toBeGreaterThanOrEqual(0);
        expect(t).toBeLessThan(TWO32);
        expect(k.toMs(t, nowMs)).toBeCloseTo(nowMs + dMs, 6);
      }),
    );
  });
});

describe('rxpk, stat and txpk', () => {
  it('builds rxpk with every field the protocol lists', () => {
    const phy = Uint8Array.of(0x40, 1, 2, 3, 4, 0, 1, 0, 1, 0xaa, 1, 2, 3, 4);
    const rx = buildRxpk(
      { phy, timeMs: 1500.25, freqHz: 868_300_000, modulation: { kind: 'lora', sf: 9, bwKhz: 125, codeRate: '4/5' }, rssi: -97.4, snr: -3.14, channel: 1, rfChain: 0 },
      123456,
      Date.UTC(2024, 4, 1, 12, 0, 0),
    );
    expect(rx).toEqual({
      time: '2024-05-01T12:00:01.500250Z',
      tmst: 123456,
      freq: 868.3,
      chan: 1,
      rfch: 0,
      stat: 1,
      modu: 'LORA',
      datr: 'SF9BW125',
      codr: '4/5',
      rssi: -97,
      lsnr: -3.1,
      size: 14,
      data: Buffer.from(phy).toString('base64'),
    });
    expect(statTime(Date.UTC(2014, 0, 12, 8, 59, 28))).toBe('2014-01-12 08:59:28 GMT');
    expect(isoMicro(0)).toBe('1970-01-01T00:00:00.000000Z');
    // the offset is rounded to whole microseconds on its own, and rounds up into the next millisecond
    const epoch = Date.UTC(2024, 4, 1);
    expect(isoMicro(epoch, 266.3046)).toBe('2024-05-01T00:00:00.266305Z');
    expect(isoMicro(epoch, 266.3044)).toBe('2024-05-01T00:00:00.266304Z');
    expect(isoMicro(epoch, 999.9996)).toBe('2024-05-01T00:00:01.000000Z');
    expect(isoMicro(epoch, 59_999.9999)).toBe('2024-05-01T00:01:00.000000Z');
    for (let k = 0; k < 2000; k++) {
      const offset = (k * 7919 + 0.5) / 1000; // near half a microsecond: the worst case for rounding
      const us = Math.round(offset * 1000);
      expect(isoMicro(epoch, offset)).toBe(new Date(epoch + Math.floor(us / 1000)).toISOString().slice(0, 20) + String(us % 1_000_000).padStart(6, '0') + 'Z');
    }
  });

  it('maps data-rate strings to EU868 DRs and back', () => {
    for (let dr = 0; dr <= 7; dr++) {
      const d = EU868.dataRates[dr]!;
      const m = d.mod === 'lora' ? { kind: 'lora' as const, sf: d.sf, bwKhz: d.bwKhz, codeRate: '4/5' } : { kind: 'fsk' as const, bitrate: d.kbps * 1000 };
      expect(drOf(EU868, parseDatr(datrOf(m))!)).toBe(dr);
    }
    expect(parseDatr('SF13BW125')).toBeNull();
    expect(parseDatr('sf7bw125')).toBeNull();
    expect(parseDatr(-5)).toBeNull();
  });

  it('parses txpk and explains what is wrong with a bad one', () => {
    const good = { txpk: { imme: false, tmst: 4_000_000_000, freq: 869.525, rfch: 0, powe: 14, modu: 'LORA', datr: 'SF12BW125', codr: '4/5', ipol: true, size: 3, data: 'AQID' } };
    const r = parseTxpk(good);
    expect(r.ok && r.value).toMatchObject({ freqHz: 869_525_000, powerDbm: 14, invertIq: true, timing: { kind: 'tmst', tmst: 4_000_000_000 }, modulation: { sf: 12, bwKhz: 125 } });
    expect(r.ok && Array.from(r.value.phy)).toEqual([1, 2, 3]);
    const bad = (patch: object) => parseTxpk({ txpk: { ...good.txpk, ...patch } });
    expect(bad({ size: 4 })).toEqual({ ok: false, error: 'txpk "size" 4 does not match 3 data bytes' });
    expect(bad({ freq: 'x' }).ok).toBe(false);
    expect(bad({ datr: 50000 }).ok).toBe(false);
    expect(bad({ tmst: undefined }).ok).toBe(false);
    expect(bad({ tmst: -1 }).ok).toBe(false);
    expect(bad({ data: '***' }).ok).toBe(false);
    expect(parseTxpk(null).ok).toBe(false);
    expect(bad({ tmst: undefined, imme: true }).ok && bad({ tmst: undefined, imme: true })).toMatchObject({ value: { timing: { kind: 'immediate' } } });
    fc.assert(fc.property(fc.jsonValue(), (j) => typeof parseTxpk({ txpk: j }).ok === 'boolean'));
    expect(txAckError(undefined)).toBe('NONE');
    expect(txAckError({ txpk_ack: { error: 'TOO_LATE' } })).toBe('TOO_LATE');
    expect(txAckError({ txpk_ack: { error: 'WHATEVER' } })).toBeNull();
  });
});

describe('downlink scheduling (the just-in-time queue)', () => {
  it('refuses late, early, colliding, off-band, over-power and GPS-timed downlinks', () => {
    const clock = createClock(10_000);
    const tm = createTmstCounter(TWO32 - 1000);
    const sch = createTxScheduler(clock, tm, 'GW', EU868_TX_LIMITS);
    const sent: number[] = [];
    const req = (atMs: number, patch: object = {}) => ({
      phy: new Uint8Array(20),
      freqHz: 869_525_000,
      modulation: { kind: 'lora' as const, sf: 9, bwKhz: 125, codeRate: '4/5' },
      powerDbm: 14,
      invertIq: true,
      timing: { kind: 'tmst' as const, tmst: tm.at(atMs) },
      ...patch,
    });
    expect(sch.schedule(req(10_010), () => 0)).toBe('TOO_LATE');
    expect(sch.schedule(req(9_000), () => 0)).toBe('TOO_LATE');
    expect(sch.schedule(req(10_000 + 600_000), () => 0)).toBe('TOO_EARLY');
    expect(sch.schedule(req(11_000, { freqHz: 915_000_000 }), () => 0)).toBe('TX_FREQ');
    expect(sch.schedule(req(11_000, { powerDbm: 30 }), () => 0)).toBe('TX_POWER');
    expect(sch.schedule(req(11_000, { timing: { kind: 'gps', gpsMs: 1 } }), () => 0)).toBe('GPS_UNLOCKED');
    expect(sch.schedule(req(11_000), (d) => sent.push(d.atMs))).toBe('NONE');
    expect(sch.schedule(req(11_050), () => 0)).toBe('COLLISION_PACKET'); // SF9 20 bytes lasts ~200 ms
    expect(sch.schedule(req(12_000), (d) => sent.push(d.atMs))).toBe('NONE');
    expect(sch.pending()).toBe(2);
    clock.runUntil(20_000);
    expect(sent).toEqual([11_000, 12_000]);
  });
});
