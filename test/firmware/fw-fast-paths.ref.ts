// Reference copies of firmware code as it was before the fast paths of fw-fast-paths.test.ts
// (kept verbatim, so the property tests compare the fast versions against the simple ones).
import type { AirtimeWindow } from '../../firmware/lorawan/window.ts';
import type { CUplink, Readings } from '../../codecs/device/types.ts';
import { brGet, byteList, codeValue, readCode, readHex, valueCode } from '../../codecs/device/bits.ts';

/** encodeUplink before it sized its output first: a list of bytes grown by push, then copied. */
export function refEncodeUplink(p: CUplink, readings: Readings): Uint8Array {
  const w = { b: [] as number[], n: 0, s: 0 };
  function put(v: number, n: number): void {
    while (n > 0) {
      const used = w.n % 8;
      if (used === 0) w.b.push(0);
      const free = 8 - used;
      const take = n < free ? n : free;
      n -= take;
      const d = n < 31 ? 1 << n : Math.pow(2, n);
      const chunk = Math.floor(v / d);
      v -= chunk * d;
      w.b[w.b.length - 1] |= chunk << (free - take);
      w.n += take;
    }
  }
  put(0, 1);
  for (const f of p.f) {
    const v = readings ? readings[f.n] : undefined;
    if (f.t === 3) {
      const bytes = byteList(f, v);
      put(bytes ? 1 : 0, 1);
      if (bytes) for (const x of bytes) put(x, 8);
      continue;
    }
    const c = valueCode(f, v, w);
    if (f.m === 0) put(c < 0 ? f.mx + 1 : c, f.b);
    else {
      if (f.m === 1) put(c < 0 ? 0 : 1, 1);
      if (c >= 0) put(c, f.b);
    }
  }
  const out = new Uint8Array(w.b);
  if (w.s && out.length > 0) out[0] |= 128;
  return out;
}

/** packSample before it encoded straight after the time bytes. */
export function refPackSample(p: CUplink, tS: number, r: Readings): Uint8Array {
  const body = refEncodeUplink(p, r);
  const out = new Uint8Array(4 + body.length);
  const t = Math.floor(tS) >>> 0;
  out[0] = (t >>> 24) & 255;
  out[1] = (t >>> 16) & 255;
  out[2] = (t >>> 8) & 255;
  out[3] = t & 255;
  out.set(body, 4);
  return out;
}

/** unpackSample reading a subarray. */
export function refUnpackSample(p: CUplink, b: Uint8Array): { tS: number; readings: Readings } | null {
  if (b.length < 5) return null;
  const tS = ((b[0] << 24) >>> 0) + (b[1] << 16) + (b[2] << 8) + b[3];
  const r = { b: b.subarray(4), p: 0 };
  brGet(r, 1);
  const readings: Readings = {};
  for (let i = 0; i < p.f.length; i++) {
    const f = p.f[i];
    if (f.t === 3) {
      const h = readHex(r, f);
      if (h === null) return null;
      if (h !== '') readings[f.n] = h;
      continue;
    }
    const c = readCode(r, f);
    if (c < -1) return null;
    if (c >= 0) readings[f.n] = codeValue(f, c);
  }
  return { tS: tS, readings: readings };
}

/** toHex with toString(16) per byte. */
export function refToHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += (bytes[i]! | 256).toString(16).substring(1);
  return s.toUpperCase();
}

/** The airtime window with three parallel Float64Arrays (before the interleaved layout). */
export function refAirtimeWindow(capacity: number, windowMs: number): AirtimeWindow {
  const cap = capacity < 2 ? 2 : Math.floor(capacity);
  const ends = new Float64Array(cap);
  const mass = new Float64Array(cap);
  // time from the start of a block's earliest transmission to its end
  const spans = new Float64Array(cap);
  let head = 0; // index of the oldest record
  let count = 0;
  let last = -Infinity;
  // airtime of all records, kept as they come and go (reset when empty); its rounding drift
  // stays far below the margin `earliest` allows it
  let total = 0;

  /** Ring index of the k-th oldest record (0 <= k < cap): a compare instead of a modulo. */
  function at(k: number): number {
    const i = head + k;
    return i < cap ? i : i - cap;
  }

  function dropOldest(): void {
    total -= mass[head];
    head = head + 1 < cap ? head + 1 : 0;
    count--;
    if (count === 0) total = 0;
  }

  /**
   * Merges the two neighbouring blocks whose union covers the shortest time (the older
   * into the newer). Merging the oldest pair instead would let one block absorb airtime
   * forever (its end keeps moving forward, so it never expires) and block a node after
   * days of steady traffic; keeping merged blocks short keeps the over-count small.
   */
  function mergeShortestPair(): void {
    let best = 0;
    let span = Infinity;
    let a = head;
    for (let k = 0; k + 1 < count; k++) {
      const b = a + 1 < cap ? a + 1 : 0;
      const sp = ends[b] - ends[a] + spans[a];
      if (sp < span) {
        span = sp;
        best = k;
      }
      a = b;
    }
    const from = at(best);
    const into = at(best + 1);
    mass[into] += mass[from];
    spans[into] = span;
    // the older records move up one place, over the merged one; the oldest slot is freed
    let j = from;
    for (let n = best; n > 0; n--) {
      const p = j > 0 ? j - 1 : cap - 1;
      ends[j] = ends[p];
      mass[j] = mass[p];
      spans[j] = spans[p];
      j = p;
    }
    // dropOldest without taking the moved airtime off the total (it lives on in `into`)
    head = head + 1 < cap ? head + 1 : 0;
    count--;
  }

  function usedSince(from: number): number {
    let sum = 0;
    for (let k = count - 1; k >= 0; k--) {
      const i = at(k);
      const e = ends[i];
      if (e <= from) break;
      const s = e - mass[i];
      sum += s >= from ? mass[i] : e - from;
    }
    return sum;
  }

  return {
    record: function (tMs: number, airtimeMs: number): void {
      if (!(airtimeMs > 0) || !isFinite(tMs) || !isFinite(airtimeMs)) return;
      const start = tMs > last ? tMs : last;
      // blocks that ended a full window before this start can never count again
      while (count > 0 && ends[head] <= start - windowMs) dropOldest();
      if (count === cap) mergeShortestPair();
      const i = at(count);
      ends[i] = start + airtimeMs;
      mass[i] = airtimeMs;
      spans[i] = airtimeMs;
      count++;
      last = start + airtimeMs;
      total += airtimeMs;
    },
    earliest: function (tMs: number, airtimeMs: number, budgetMs: number): number {
      if (!(airtimeMs >= 0) || !(airtimeMs <= budgetMs) || !isFinite(tMs)) return -1;
      let t = tMs > last ? tMs : last;
      const excess = budgetMs - airtimeMs;
      // everything recorded fits beside the new transmission (the usual case): no window binds.
      // The margin keeps this shortcut off where summation order could round the other way.
      if (total * (1 + 1e-9) + 1e-9 < excess) return Math.ceil(t);
      let newer = 0; // airtime of the records newer than k
      for (let k = count - 1; k >= 0; k--) {
        const i = at(k);
        if (newer + mass[i] > excess) {
          // used(L) = ends[i] - L + newer on this block; solve used(L) = excess
          const need = ends[i] + newer - excess + windowMs - airtimeMs;
          if (need > t) t = need;
          break;
        }
        newer += mass[i];
      }
      return Math.ceil(t);
    },
    usedSince: usedSince,
    lastEnd: function (): number {
      return last;
    },
    size: function (): number {
      return count;
    },
  };
}
