import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createVirtualStorage, PowerLossError, STORAGE_HEADER_BYTES } from '../../simulator/hardware/storage.ts';

describe('virtual Storage', () => {
  it('reads back what was written, lists by prefix, erases', () => {
    const s = createVirtualStorage();
    expect(s.read('a')).toBeUndefined();
    expect(s.write('lk.a', 'one')).toBe(true);
    expect(s.write('lk.b', '\x00\xff\x80')).toBe(true);
    expect(s.write('other', 'x')).toBe(true);
    expect(s.read('lk.b')).toBe('\x00\xff\x80');
    expect(s.list('lk.').sort()).toEqual(['lk.a', 'lk.b']);
    s.erase('lk.a');
    expect(s.read('lk.a')).toBeUndefined();
    expect(s.list('')).toEqual(['lk.b', 'other']);
    expect(s.stats().erases).toBe(1);
  });

  it('rejects names over 28 characters and non-binary data', () => {
    const s = createVirtualStorage();
    expect(() => s.write('x'.repeat(29), 'a')).toThrow(/1\.\.28/);
    expect(() => s.write('', 'a')).toThrow();
    expect(s.write('x'.repeat(28), 'a')).toBe(true);
    expect(() => s.write('u', 'é€')).toThrow(/binary/);
  });

  it('counts writes and bytes; identical content is not written again', () => {
    const s = createVirtualStorage();
    s.write('f', 'abcd');
    s.write('f', 'abcd');
    s.write('f', 'abce');
    const st = s.stats();
    expect(st.writes).toBe(2);
    expect(st.skipped).toBe(1);
    expect(st.bytesWritten).toBe(2 * (STORAGE_HEADER_BYTES + 4));
    expect(st.erases).toBe(1); // the first copy was invalidated by the rewrite
    expect(st.trashBytes).toBe(STORAGE_HEADER_BYTES + 4);
  });

  it('accounts free space per file (header + aligned size) and refuses what does not fit', () => {
    const s = createVirtualStorage({ capacity: 200, align: 4 });
    expect(s.getFree()).toBe(200);
    expect(s.write('a', 'x'.repeat(10))).toBe(true); // 32 + 12
    expect(s.getFree()).toBe(200 - 44);
    expect(s.write('b', 'y'.repeat(200))).toBe(false);
    expect(s.read('b')).toBeUndefined();
    expect(s.stats().full).toBe(1);
    // rewriting an existing file when full: the old copy is invalidated first, then the write fails
    expect(s.write('c', 'z'.repeat(100))).toBe(true); // 32 + 100: free 24
    expect(s.write('a', 'x'.repeat(60))).toBe(false);
    expect(s.read('a')).toBeUndefined();
  });

  it('compacts trash when a new file would not fit otherwise, counting the copied bytes', () => {
    const s = createVirtualStorage({ capacity: 160, align: 4 });
    s.write('a', 'x'.repeat(40)); // 72
    s.write('a', 'y'.repeat(40)); // old 72 becomes trash; used 72
    expect(s.stats().compactions).toBe(0);
    const before = s.stats().bytesWritten;
    expect(s.write('b', 'z'.repeat(40))).toBe(true); // 72 + 72 trash + 72 > 160: compact
    const st = s.stats();
    expect(st.compactions).toBe(1);
    expect(st.trashBytes).toBe(0);
    expect(st.bytesWritten - before).toBe(72 + 72); // copy of 'a' + the new file
    expect(s.read('a')).toBe('y'.repeat(40));
  });

  describe('power loss mid-write', () => {
    it("'before' leaves the old copy intact", () => {
      const s = createVirtualStorage();
      s.write('f', 'old!');
      s.armCut(s.stats().writes + 1, 'before');
      expect(() => s.write('f', 'new!')).toThrow(PowerLossError);
      expect(s.powered()).toBe(false);
      expect(() => s.read('f')).toThrow(PowerLossError);
      s.powerOn();
      expect(s.read('f')).toBe('old!');
    });

    it("'erased' loses the old copy and leaves no file", () => {
      const s = createVirtualStorage();
      s.write('f', 'old!');
      s.armCut(2, 'erased');
      expect(() => s.write('f', 'new!')).toThrow(PowerLossError);
      s.powerOn();
      expect(s.read('f')).toBeUndefined();
      expect(s.list('')).toEqual([]);
    });

    it('k bytes: the file has its full size, k new bytes then erased flash (0xFF)', () => {
      fc.assert(
        fc.property(fc.string({ minLength: 1, maxLength: 40 }), fc.nat(), (raw, kk) => {
          const data = Array.from(raw, (c) => String.fromCharCode(c.charCodeAt(0) & 255)).join('');
          const k = kk % (data.length + 1);
          const s = createVirtualStorage();
          s.write('f', 'previous');
          s.armCut(2, k);
          expect(() => s.write('f', data)).toThrow(PowerLossError);
          s.powerOn();
          const got = s.read('f')!;
          expect(got.length).toBe(data.length);
          expect(got.slice(0, k)).toBe(data.slice(0, k));
          for (let i = k; i < data.length; i++) expect(got.charCodeAt(i)).toBe(0xff);
          expect(s.stats().cuts).toBe(1);
        }),
      );
    });

    it('onWrite sees every flash write with its index and can cut an exact one', () => {
      const s = createVirtualStorage();
      const seen: string[] = [];
      s.onWrite = (ev) => {
        seen.push(`${ev.index}:${ev.name}:${ev.size}:${ev.replaces}`);
        return ev.index === 3 ? 2 : undefined;
      };
      s.write('a', 'xyz');
      s.write('a', 'xyz'); // identical: no flash write, no event
      s.write('b', 'pq');
      expect(() => s.write('a', 'uvw')).toThrow(PowerLossError);
      expect(seen).toEqual(['1:a:3:false', '2:b:2:false', '3:a:3:true']);
      s.powerOn();
      expect(s.read('a')).toBe('uv\xff');
    });

    it('cutPower between writes makes every call throw until powerOn', () => {
      const s = createVirtualStorage({ files: { f: 'kept' } });
      s.cutPower();
      expect(() => s.write('g', 'x')).toThrow(PowerLossError);
      expect(() => s.list('')).toThrow(PowerLossError);
      expect(() => s.getFree()).toThrow(PowerLossError);
      s.powerOn();
      expect(s.read('f')).toBe('kept');
      expect(s.read('g')).toBeUndefined();
    });
  });

  it('corrupt flips bits of one stored byte', () => {
    const s = createVirtualStorage({ files: { f: 'AB' } });
    expect(s.corrupt('f', 1, 0x01)).toBe(true);
    expect(s.read('f')).toBe('AC');
    expect(s.corrupt('f', 2, 1)).toBe(false);
    expect(s.corrupt('nope', 0, 1)).toBe(false);
  });
});
