// The queue of samples awaiting uplink (device profile), persisted rarely.
//
// RAM holds a bounded ring of samples (oldest dropped first when full; drops counted).
// Flash holds an *image*: the whole queue as it was at the last commit, in a slot pair.
// A commit happens only when
//   - `saveEvery` samples that are not in the image are waiting (backlog grows), or
//   - `saveEvery` samples of the image have left the queue (sent or dropped), or the
//     queue has emptied while the image still holds samples (backlog drained), or
//   - `flush()` is called (the scheduler calls it before a long sleep).
// So a node whose samples leave the queue at the next uplink writes nothing at all,
// and an outage costs about two writes per `saveEvery` samples.
// On a power cut the queue comes back as the image: samples pushed after the last commit
// are lost (`atRisk()`, always < saveEvery), and samples sent after it come back once
// more (`stale()`, at-least-once delivery).
import type { ByteReader, SlotPair } from './persist-record.ts';
import { getBytes, getU16, getU32, getU8, newReader, newWriter, putBytes, putU16, putU32, putU8 } from './persist-record.ts';

/** Longest sample in bytes. */
export const SAMPLE_MAX_BYTES = 255;

export interface SampleQueue {
  /** Restores the image; true when a committed queue was found. */
  load(notes: (line: string) => void): boolean;
  /**
   * Appends a copy of `sample` (1..255 bytes, each an integer 0..255); false when rejected.
   * `own`: a Uint8Array goes in itself, not a copy (the caller hands it over and never changes it).
   */
  push(sample: Uint8Array | number[], own?: boolean): boolean;
  /** Copies of the oldest `n` samples (fewer if the queue is shorter). */
  peek(n: number): Uint8Array[];
  /** The oldest sample itself, not a copy (the caller must not change it), or null when empty. */
  oldest(): Uint8Array | null;
  /** Removes the oldest `n` samples (after they were sent); returns how many were removed. */
  drop(n: number): number;
  length(): number;
  /** Commits the queue if it differs from the image; false if that write failed. */
  flush(): boolean;
  /** Samples dropped because the queue was full (persisted with each commit). */
  drops(): number;
  /** Samples a power cut now would lose (pushed since the last commit). */
  atRisk(): number;
  /** Samples a power cut now would bring back although they already left the queue. */
  stale(): number;
}

/** Converts a sample to a private Uint8Array (`own`: a Uint8Array is that already), or null when it is not 1..255 bytes of 0..255. */
function toBytes(sample: Uint8Array | number[], own?: boolean): Uint8Array | null {
  if (sample === null || typeof sample !== 'object') return null;
  const n = sample.length;
  // bytes of a Uint8Array are always integers 0..255: copy them whole (the node's own samples)
  if (sample instanceof Uint8Array) return n < 1 || n > SAMPLE_MAX_BYTES ? null : own ? sample : new Uint8Array(sample);
  if (typeof n !== 'number' || n < 1 || n > SAMPLE_MAX_BYTES) return null;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const b = sample[i];
    if (typeof b !== 'number' || !(b >= 0 && b <= 255) || b !== Math.floor(b)) return null;
    out[i] = b;
  }
  return out;
}

export function createSampleQueue(slots: SlotPair, capacity: number, saveEvery: number): SampleQueue {
  // firstId: id of the oldest queued sample (ids count every push); img*: the committed image.
  // Variables of this closure, not fields of an object of their own: one object fewer per node,
  // and shorter code (local names are mangled, property names are not).
  const items: Uint8Array[] = [];
  let head = 0;
  let count = 0;
  let firstId = 0;
  let drops = 0;
  let imgFirst = 0;
  let imgEnd = 0;
  let imgDrops = 0;
  // one empty array marks every free slot (never written to: it has no bytes)
  const empty = new Uint8Array(0);
  for (let i = 0; i < capacity; i++) items.push(empty);

  function atRisk(): number {
    const end = firstId + count;
    const from = imgEnd > firstId ? imgEnd : firstId;
    return end > from ? end - from : 0;
  }

  function stale(): number {
    const upTo = imgEnd < firstId ? imgEnd : firstId;
    return upTo > imgFirst ? upTo - imgFirst : 0;
  }

  function removeOldest(n: number): void {
    for (let i = 0; i < n; i++) {
      items[head] = empty;
      head = head + 1 < capacity ? head + 1 : 0;
    }
    count -= n;
    firstId += n;
  }

  function commit(): boolean {
    const w = newWriter();
    putU32(w, firstId);
    putU32(w, drops);
    putU16(w, count);
    for (let i = 0; i < count; i++) {
      const item = items[(head + i) % capacity];
      putU8(w, item.length);
      putBytes(w, item);
    }
    if (!slots.commit(w.s)) return false;
    imgFirst = firstId;
    imgEnd = firstId + count;
    imgDrops = drops;
    return true;
  }

  function decode(payload: string): { firstId: number; drops: number; items: Uint8Array[] } | null {
    const r: ByteReader = newReader(payload);
    const first = getU32(r);
    const dropped = getU32(r);
    const n = getU16(r);
    const list: Uint8Array[] = [];
    for (let i = 0; i < n && !r.bad; i++) {
      const len = getU8(r);
      if (len < 1) return null;
      list.push(getBytes(r, len));
    }
    if (r.bad || r.p !== payload.length) return null;
    return { firstId: first, drops: dropped, items: list };
  }

  return {
    load: function (notes: (line: string) => void): boolean {
      const img = slots.load(decode, notes);
      head = 0;
      count = 0;
      firstId = 0;
      drops = 0;
      imgFirst = 0;
      imgEnd = 0;
      imgDrops = 0;
      if (img === null) return false;
      // a smaller capacity than when the image was written keeps the newest samples
      const skip = img.items.length > capacity ? img.items.length - capacity : 0;
      for (let i = skip; i < img.items.length; i++) items[i - skip] = img.items[i];
      count = img.items.length - skip;
      imgFirst = img.firstId;
      imgEnd = img.firstId + img.items.length;
      firstId = imgEnd - count;
      drops = img.drops + skip;
      imgDrops = img.drops;
      return true;
    },
    push: function (sample: Uint8Array | number[], own?: boolean): boolean {
      const bytes = toBytes(sample, own);
      if (bytes === null) return false;
      if (count === capacity) {
        removeOldest(1);
        drops++;
      }
      const i = head + count;
      items[i < capacity ? i : i - capacity] = bytes;
      count++;
      if (atRisk() >= saveEvery) commit();
      return true;
    },
    peek: function (n: number): Uint8Array[] {
      const out: Uint8Array[] = [];
      for (let i = 0; i < n && i < count; i++) out.push(new Uint8Array(items[(head + i) % capacity]));
      return out;
    },
    oldest: function (): Uint8Array | null {
      return count > 0 ? items[head] : null;
    },
    drop: function (n: number): number {
      let k = typeof n === 'number' && n > 0 ? Math.floor(n) : 0;
      if (k > count) k = count;
      if (k === 0) return 0;
      removeOldest(k);
      if (stale() >= saveEvery || (count === 0 && imgEnd > imgFirst)) commit();
      return k;
    },
    length: function (): number {
      return count;
    },
    flush: function (): boolean {
      if (atRisk() === 0 && stale() === 0 && drops === imgDrops) return true;
      return commit();
    },
    drops: function (): number {
      return drops;
    },
    atRisk: atRisk,
    stale: stale,
  };
}
