import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  createSlotPair,
  frameRecord,
  getF64,
  getU32,
  newReader,
  newWriter,
  putF64,
  putU32,
  RECORD_OVERHEAD,
  unframeRecord,
} from '../../firmware/core/persist-record.ts';
import { PowerLossError } from '../../simulator/hardware/storage.ts';
import { crc32, makeStorage } from './harness.ts';

const binary = fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1'));
const accept = (p: string): string => p;
const noNotes = (): void => {};

describe('record framing', () => {
  it('round-trips payload and sequence number', () => {
    fc.assert(
      fc.property(binary, fc.nat({ max: 0xffffffff }), (payload, seq) => {
        const f = frameRecord(7, seq, payload, crc32);
        expect(f.length).toBe(payload.length + RECORD_OVERHEAD);
        expect(unframeRecord(f, 7, crc32)).toEqual({ seq, payload });
        expect(unframeRecord(f, 8, crc32)).toBeNull();
      }),
    );
  });

  it('rejects any single corrupted byte, any truncation and any extension', () => {
    fc.assert(
      fc.property(binary, fc.nat(), fc.integer({ min: 1, max: 255 }), (payload, at, mask) => {
        const f = frameRecord(1, 5, payload, crc32);
        const i = at % f.length;
        const bad = f.slice(0, i) + String.fromCharCode(f.charCodeAt(i) ^ mask) + f.slice(i + 1);
        expect(unframeRecord(bad, 1, crc32)).toBeNull();
        expect(unframeRecord(f.slice(0, i), 1, crc32)).toBeNull();
        expect(unframeRecord(f + '\xff', 1, crc32)).toBeNull();
      }),
    );
  });

  it('rejects a torn frame (prefix then erased flash) without throwing', () => {
    fc.assert(
      fc.property(binary, fc.nat(), (payload, at) => {
        const f = frameRecord(1, 9, payload, crc32);
        const k = at % f.length; // k = f.length would be a complete write
        const torn = f.slice(0, k) + '\xff'.repeat(f.length - k);
        expect(unframeRecord(torn, 1, crc32)).toBeNull();
      }),
    );
    expect(unframeRecord(undefined, 1, crc32)).toBeNull();
    expect(unframeRecord('', 1, crc32)).toBeNull();
    expect(unframeRecord('\u0100'.repeat(20), 1, crc32)).toBeNull();
  });

  it('stores u32 and float64 exactly', () => {
    fc.assert(
      fc.property(fc.nat({ max: 0xffffffff }), fc.double(), (u, d) => {
        const w = newWriter();
        putU32(w, u);
        putF64(w, d);
        const r = newReader(w.s);
        expect(getU32(r)).toBe(u);
        expect(Object.is(getF64(r), d)).toBe(true);
        expect(r.bad).toBe(false);
      }),
    );
  });
});

describe('slot pair', () => {
  it('alternates files and loads the newest record', () => {
    const st = makeStorage();
    const a = createSlotPair(st, crc32, 't.', 1);
    expect(a.load(accept, noNotes)).toBeNull();
    for (const p of ['one', 'two', 'three']) expect(a.commit(p)).toBe(true);
    expect(Object.keys(st.files()).sort()).toEqual(['t.0', 't.1']);
    const b = createSlotPair(st, crc32, 't.', 1);
    expect(b.load(accept, noNotes)).toBe('three');
    expect(b.commit('four')).toBe(true);
    expect(createSlotPair(st, crc32, 't.', 1).load(accept, noNotes)).toBe('four');
    expect(a.counters.writes).toBe(3);
  });

  it('a commit cut at any point keeps the previous record (or the new one if it completed)', () => {
    fc.assert(
      fc.property(
        fc.array(binary, { minLength: 1, maxLength: 6 }),
        binary,
        fc.oneof(fc.constant<'before' | 'erased'>('before'), fc.constant<'before' | 'erased'>('erased'), fc.nat()),
        (committed, next, cutAt) => {
          const st = makeStorage();
          const pair = createSlotPair(st, crc32, 'p.', 2);
          pair.load(accept, noNotes);
          for (const c of committed) expect(pair.commit(c)).toBe(true);
          const size = frameRecord(2, 0, next, crc32).length;
          const at = typeof cutAt === 'number' ? cutAt % (size + 1) : cutAt;
          st.armCut(st.stats().writes + 1, at);
          expect(pair.commit(next)).toBe(false); // the power loss surfaces as a failed write
          expect(st.powered()).toBe(false);
          st.powerOn();
          const notes: string[] = [];
          const got = createSlotPair(st, crc32, 'p.', 2).load(accept, (l) => notes.push(l));
          expect(got).toBe(at === size ? next : committed[committed.length - 1]);
        },
      ),
    );
  });

  it('falls back to the other file when the newest does not decode or is corrupt', () => {
    const st = makeStorage();
    const pair = createSlotPair(st, crc32, 'd.', 3);
    pair.commit('good');
    pair.commit('BAD');
    const notes: string[] = [];
    const decode = (p: string): string | null => (p === 'BAD' ? null : p);
    expect(createSlotPair(st, crc32, 'd.', 3).load(decode, (l) => notes.push(l))).toBe('good');
    expect(notes).toEqual(['d.1 does not decode, ignored']);
    st.corrupt('d.0', 10, 0x40);
    const notes2: string[] = [];
    expect(createSlotPair(st, crc32, 'd.', 3).load(decode, (l) => notes2.push(l))).toBeNull();
    expect(notes2.length).toBe(2);
  });

  it('after a failed commit the next one still targets the damaged file, never the newest', () => {
    const st = makeStorage();
    const pair = createSlotPair(st, crc32, 'f.', 1);
    pair.commit('A'); // f.0
    pair.commit('B'); // f.1
    st.onWrite = (ev) => (ev.name === 'f.0' ? 'erased' : undefined);
    expect(() => st.write('f.0', 'x')).toThrow(PowerLossError); // direct write to show the hook fires
    st.powerOn();
    st.onWrite = null;
    const again = createSlotPair(st, crc32, 'f.', 1);
    expect(again.load(accept, noNotes)).toBe('B');
    st.armCut(st.stats().writes + 1, 0);
    expect(again.commit('C')).toBe(false);
    st.powerOn();
    expect(createSlotPair(st, crc32, 'f.', 1).load(accept, noNotes)).toBe('B');
    expect(again.commit('D')).toBe(true);
    expect(createSlotPair(st, crc32, 'f.', 1).load(accept, noNotes)).toBe('D');
    expect(unframeRecord(st.read('f.1'), 1, crc32)?.payload).toBe('B'); // D went to f.0, B untouched
  });
});
