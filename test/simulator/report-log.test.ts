import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode, decodeMultiple } from 'cbor-x';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createUplinkLog } from '../../simulator/report/uplink-log.ts';
import type { DecodedUplink } from '../../simulator/types.ts';

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'lorakit-uplog-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function uplink(i: number): DecodedUplink {
  return {
    timeMs: i * 60_000 + (i % 7),
    nodeId: `env-monitor-${String(i % 50).padStart(4, '0')}`,
    devEui: (0x70b3d57ed0000000n + BigInt(i % 50)).toString(16).toUpperCase(),
    app: i % 3 === 0 ? 'water-level' : 'env-monitor',
    fCnt: Math.floor(i / 50),
    fPort: 2,
    payload: (i * 2654435761 >>> 0).toString(16).padStart(8, '0'),
    data: { temperature: 20 + (i % 40) / 4, humidity: i % 100, battery: { mV: 3000 + (i % 600), low: i % 600 < 20 }, flags: [i % 2, i % 3] },
    warnings: i % 10 === 0 ? ['battery reading stale'] : [],
    errors: [],
    gateways: [{ gatewayId: 'gw-01', rssi: -80 - (i % 40), snr: 7.5 - (i % 20) / 2 }],
    dr: 5 - (i % 6),
  };
}

/** The same record with every object's keys inserted in reverse order. */
function reversedKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reversedKeys);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).reverse()) out[k] = reversedKeys((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

function writeAll(dir: string, records: unknown[], chunkBytes?: number): { jsonl: Buffer; cbor: Buffer } {
  const log = createUplinkLog(dir, { cbor: true, ...(chunkBytes ? { chunkBytes } : {}) });
  for (const r of records) log.write(r as DecodedUplink);
  log.close();
  return { jsonl: readFileSync(join(dir, 'uplinks.jsonl')), cbor: readFileSync(join(dir, 'uplinks.cbor')) };
}

function keysSortedDeep(v: unknown): boolean {
  if (Array.isArray(v)) return v.every(keysSortedDeep);
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v);
    const sorted = [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return keys.every((k, i) => k === sorted[i]) && Object.values(v).every(keysSortedDeep);
  }
  return true;
}

describe('decoded-uplink log', () => {
  const records = Array.from({ length: 500 }, (_, i) => uplink(i));

  it('writes one JSON object per line that parses back to the record, keys sorted', () => {
    const { jsonl } = writeAll(tmp(), records);
    const text = jsonl.toString('utf8');
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.slice(0, -1).split('\n');
    expect(lines).toHaveLength(records.length);
    lines.forEach((line, i) => {
      const parsed = JSON.parse(line);
      expect(parsed).toEqual(records[i]);
      expect(keysSortedDeep(parsed)).toBe(true);
    });
  });

  it('is byte-identical for the same records, whatever the key insertion order', () => {
    const a = writeAll(tmp(), records);
    const b = writeAll(tmp(), records.map(reversedKeys), 4096);
    expect(b.jsonl.equals(a.jsonl)).toBe(true);
    expect(b.cbor.equals(a.cbor)).toBe(true);
  });

  it('writes an RFC 8742 CBOR sequence of plain maps that decodeMultiple reads back', () => {
    const { jsonl, cbor } = writeAll(tmp(), records);
    const decoded = decodeMultiple(cbor) as unknown[];
    expect(decoded).toHaveLength(records.length);
    expect(decoded).toEqual(records);
    // the same data as the JSONL twin
    expect(decoded).toEqual(jsonl.toString('utf8').trim().split('\n').map((l) => JSON.parse(l)));
    // walk the sequence independently of cbor-x: each item is a bare definite-length map
    // (major type 5, no tags: not a cbor-x record, packed table or tag-259 map), back to back
    let off = 0;
    let items = 0;
    while (off < cbor.length) {
      expect(cbor[off] >> 5).toBe(5);
      const len = itemLength(cbor, off);
      expect(decode(cbor.subarray(off, off + len))).toEqual(records[items]);
      off += len;
      items++;
    }
    expect(off).toBe(cbor.length);
    expect(items).toBe(records.length);
  });

  it('normalises values both formats can carry alike (non-finite, undefined, -0, bytes, bigint)', () => {
    const odd = {
      ...uplink(1),
      data: { nan: NaN, inf: -Infinity, undef: undefined, negZero: -0, bytes: new Uint8Array([1, 2, 255]), big: 12n, huge: 2n ** 70n, nested: [undefined, NaN], lone: 'a\uD800b' },
    };
    const { jsonl, cbor } = writeAll(tmp(), [odd]);
    const expected = { nan: null, inf: null, negZero: 0, bytes: [1, 2, 255], big: 12, huge: (2n ** 70n).toString(), nested: [null, null], lone: 'a\uFFFDb' };
    const fromJson = JSON.parse(jsonl.toString('utf8'));
    const fromCbor = (decodeMultiple(cbor) as Array<Record<string, unknown>>)[0];
    expect(fromJson.data).toEqual(expected);
    expect(fromCbor).toEqual(fromJson);
    expect(Object.is(fromCbor.data && (fromCbor.data as { negZero: number }).negZero, 0)).toBe(true);
  });

  it('keeps a "__proto__" key as data in both files', () => {
    const rec = { ...uplink(2), data: JSON.parse('{"__proto__":{"x":1}}') };
    const { jsonl, cbor } = writeAll(tmp(), [rec]);
    expect(JSON.parse(jsonl.toString('utf8')).data).toEqual(JSON.parse('{"__proto__":{"x":1}}'));
    // map(1) { text(9) "__proto__": map(1) { "x": 1 } }
    expect(cbor.toString('hex')).toContain('a1695f5f70726f746f5f5fa1617801');
  });

  it('JSONL and CBOR carry the same data for arbitrary decoder output (property)', () => {
    const dir = tmp();
    fc.assert(
      // cbor-x's decoder renames a "__proto__" key (to "__proto_", a guard against prototype
      // pollution), so that one key is checked byte-wise in its own test instead
      fc.property(fc.array(fc.jsonValue({ stringUnit: 'binary' }).filter((v) => !JSON.stringify(v).includes('"__proto__"')), { minLength: 1, maxLength: 8 }), (datas) => {
        const recs = datas.map((data, i) => ({ ...uplink(i), data }));
        const { jsonl, cbor } = writeAll(dir, recs);
        const fromJson = jsonl.toString('utf8').trim().split('\n').map((l) => JSON.parse(l));
        const fromCbor = decodeMultiple(cbor) as unknown[];
        expect(fromCbor).toEqual(fromJson);
        fromJson.forEach((r, i) => expect(r.data).toEqual(JSON.parse(JSON.stringify(recs[i].data))));
      }),
      { numRuns: 60 },
    );
  });

  it('streams large logs through small chunks without losing or reordering records', () => {
    const dir = tmp();
    const log = createUplinkLog(dir, { cbor: true, chunkBytes: 4096 });
    const n = 20_000;
    let bytes = 0;
    for (let i = 0; i < n; i++) {
      const r = uplink(i);
      bytes += Buffer.byteLength(JSON.stringify(JSON.parse(JSON.stringify(r)))) + 1;
      log.write(r);
    }
    expect(log.count).toBe(n);
    log.close();
    log.close(); // idempotent
    expect(() => log.write(uplink(0))).toThrow(/closed/);
    expect(statSync(join(dir, 'uplinks.jsonl')).size).toBe(bytes);
    const decoded = decodeMultiple(readFileSync(join(dir, 'uplinks.cbor'))) as DecodedUplink[];
    expect(decoded).toHaveLength(n);
    expect(decoded[n - 1]).toEqual(uplink(n - 1));
    expect(decoded.every((r, i) => r.timeMs === uplink(i).timeMs)).toBe(true);
  });

  it('writes no CBOR file unless asked', () => {
    const dir = tmp();
    const log = createUplinkLog(dir, { cbor: false });
    log.write(uplink(3));
    log.close();
    expect(log.files.cbor).toBeNull();
    expect(() => statSync(join(dir, 'uplinks.cbor'))).toThrow();
    expect(JSON.parse(readFileSync(join(dir, 'uplinks.jsonl'), 'utf8'))).toEqual(uplink(3));
  });
});

/** Length of the CBOR data item at `off` (enough of RFC 8949 for maps, arrays, text, ints, floats, simple). */
function itemLength(b: Buffer, off: number): number {
  const start = off;
  const head = (): { major: number; arg: number; indefinite: boolean } => {
    const ib = b[off++];
    const major = ib >> 5;
    const ai = ib & 31;
    let arg = ai;
    if (ai === 24) arg = b[off++];
    else if (ai === 25) (arg = b.readUInt16BE(off)), (off += 2);
    else if (ai === 26) (arg = b.readUInt32BE(off)), (off += 4);
    else if (ai === 27) (arg = Number(b.readBigUInt64BE(off))), (off += 8);
    return { major, arg, indefinite: ai === 31 };
  };
  const skip = (): void => {
    const h = head();
    if (h.indefinite) throw new Error('indefinite length not expected in a plain encoding');
    if (h.major === 2 || h.major === 3) off += h.arg;
    else if (h.major === 4) for (let i = 0; i < h.arg; i++) skip();
    else if (h.major === 5) for (let i = 0; i < h.arg * 2; i++) skip();
    else if (h.major === 6) throw new Error(`unexpected tag ${h.arg}`);
  };
  skip();
  return off - start;
}
