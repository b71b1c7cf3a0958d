// The frozen shared vectors: the device encoder reproduces every byte, the Node decoder
// every decoded value, the device downlink decoder every command, and the on-device
// self-test passes them all.
import { describe, expect, it } from 'vitest';
import {
  checkCompatibility,
  compiledApp,
  decodeDownlink,
  decodeUplink,
  deviceDecodeDownlink,
  deviceEncodeBatch,
  deviceEncodeUplink,
  encodeDownlink,
  findUplink,
  toHex,
} from '../../codecs/index.ts';
import { selftestCodecs } from '../../codecs/device/selftest.ts';
import { APP_NAMES, hexToArray, loadVectors } from './helpers.ts';

describe('reference reading, derived by hand', () => {
  it('env-monitor fPort 2: 21.3 degC, 55.5 %RH, no pressure, 3012 mV, counter 40000 is 6 bytes', () => {
    // saturation flag           0
    // temperature (21.3+40)/0.1 = 613 in 11 bits  01001100101   (codes 0..1250, 1251 = missing)
    // humidity    55.5/0.5      = 111 in  8 bits  01101111      (codes 0..200, 201 = missing)
    // pressure    absent: presence bit            0
    // battery     3012-2000     = 1012 in 11 bits 01111110100   (codes 0..2000, 2001 = missing)
    // counter     40000 = 0x9C40 in 16 bits       1001110001000000
    // 0 01001100101 01101111 0 01111110100 1001110001000000  (48 bits)
    // = 00100110 01010110 11110011 11110100 10011100 01000000 = 26 56 f3 f4 9c 40
    const p = findUplink(compiledApp('env-monitor').up, 2)!;
    const bytes = deviceEncodeUplink(p, { temperature: 21.3, humidity: 55.5, battery: 3012, counter: 40000 });
    expect(toHex(bytes)).toBe('2656f3f49c40');
    expect(loadVectors('env-monitor').uplinks[0].hex).toBe('2656f3f49c40');
  });
});

describe.each(APP_NAMES)('%s vectors', (app) => {
  const v = loadVectors(app);
  const c = compiledApp(app);

  it('the frozen compiled table is compatible with the current schema', () => {
    expect(checkCompatibility(v.compiled, c)).toEqual([]);
  });

  it.each(v.uplinks.map((u) => [u.name, u] as const))('uplink %s', (_n, u) => {
    const p = findUplink(c.up, u.fPort)!;
    expect(toHex(deviceEncodeUplink(p, u.readings))).toBe(u.hex);
    const d = decodeUplink(app, { bytes: hexToArray(u.hex), fPort: u.fPort });
    expect(d.errors).toEqual([]);
    expect(d.data).toEqual(u.data);
    expect(d.warnings).toEqual(u.warnings);
  });

  it.each(v.batches.map((b) => [b.name, b] as const))('batch %s', (_n, b) => {
    const p = findUplink(c.up, b.fPort)!;
    expect(toHex(deviceEncodeBatch(p, b.samples, b.ages))).toBe(b.hex);
    const d = decodeUplink(app, { bytes: hexToArray(b.hex), fPort: b.fPort });
    expect(d.errors).toEqual([]);
    expect(d.data).toEqual(b.data);
    expect(d.data.samples.map((s: { ageSeconds: number }) => s.ageSeconds)).toEqual(b.ages);
  });

  it.each(v.downlinks.map((d) => [d.name, d] as const))('downlink %s', (_n, d) => {
    const e = encodeDownlink(app, { data: d.data });
    expect(e.errors).toEqual([]);
    expect(e.fPort).toBe(d.fPort);
    expect(toHex(e.bytes!)).toBe(d.hex);
    expect(decodeDownlink(app, { bytes: hexToArray(d.hex), fPort: d.fPort }).data).toEqual(d.decoded);
    const dev = deviceDecodeDownlink(c.down!, new Uint8Array(hexToArray(d.hex)));
    expect(dev.ok).toBe(true);
    const cmds = dev.ok ? dev.commands : [];
    expect(cmds.length === 1 ? cmds[0] : { commands: cmds }).toEqual(d.decoded);
  });

  it.each(v.rejects.map((r) => [r.name, r] as const))('rejects %s', (_n, r) => {
    const bytes = hexToArray(r.hex);
    const res = r.downlink ? decodeDownlink(app, { bytes, fPort: r.fPort }) : decodeUplink(app, { bytes, fPort: r.fPort });
    expect(res.errors).toEqual([r.error]);
    expect(res.data).toEqual({});
    if (r.downlink && c.down) {
      const dev = deviceDecodeDownlink(c.down, new Uint8Array(bytes));
      expect(dev.ok).toBe(false);
    }
  });
});

describe('device self-test', () => {
  it('passes every vector of every app', () => {
    const results: { name: string; ok: boolean; detail: string }[] = [];
    selftestCodecs(APP_NAMES.map(loadVectors), (name, ok, detail) => results.push({ name, ok, detail }));
    const expected = APP_NAMES.map(loadVectors).reduce(
      (n, f) => n + f.uplinks.length + f.batches.length + f.downlinks.length + f.rejects.filter((r) => r.downlink).length,
      0,
    );
    expect(results.length).toBe(expected);
    expect(results.filter((r) => !r.ok)).toEqual([]);
  });

  it('reports a failure when a vector does not match', () => {
    const f = loadVectors('env-monitor');
    const broken = { ...f, uplinks: [{ ...f.uplinks[0], hex: '2656f3f49c41' }], batches: [], downlinks: [], rejects: [] };
    const results: boolean[] = [];
    selftestCodecs([broken], (_n, ok) => results.push(ok));
    expect(results).toEqual([false]);
  });
});

describe('decoder edge cases', () => {
  it('fPort 0 is MAC traffic: ignored with a warning, no error', () => {
    const d = decodeUplink('env-monitor', { bytes: [2, 3], fPort: 0 });
    expect(d.errors).toEqual([]);
    expect(d.data).toEqual({});
    expect(d.warnings[0]).toMatch(/MAC/);
  });

  it('accepts a plain array, a Uint8Array and recvTime as Date or string', () => {
    const b = loadVectors('env-monitor').batches[0];
    const when = '2026-03-01T12:00:00.000Z';
    const a = decodeUplink('env-monitor', { bytes: new Uint8Array(hexToArray(b.hex)), fPort: b.fPort, recvTime: new Date(when), variables: { x: '1' } });
    const s = decodeUplink('env-monitor', { bytes: hexToArray(b.hex), fPort: b.fPort, recvTime: when });
    expect(a).toEqual(s);
    const last = a.data.samples[a.data.samples.length - 1];
    expect(last.time).toBe(new Date(Date.parse(when) - last.ageSeconds * 1000).toISOString());
    expect(a.data.samples[0].time).toBe(new Date(Date.parse(when) - b.ages[0] * 1000).toISOString());
  });

  it('rejects non-byte input without throwing', () => {
    for (const bytes of [null, 'abc', [1, 300], [1.5], [-1], [NaN], {}] as unknown[]) {
      const d = decodeUplink('env-monitor', { bytes: bytes as number[], fPort: 2 });
      expect(d.errors.length).toBe(1);
    }
    expect(decodeUplink('env-monitor', { bytes: [1], fPort: 2.5 }).errors[0]).toMatch(/fPort/);
  });
});
