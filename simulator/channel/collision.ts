// Interference between transmissions at one gateway, and the time index that finds
// the overlapping ones quickly.
//
// Channel: transmissions interfere when their bandwidths are equal and their centre
// frequencies are within a quarter of that bandwidth (31.25 kHz at 125 kHz; LoRaSim
// uses 30/60/120 kHz). Different bandwidths are treated as orthogonal.
//
// Interference power is the peak, over time, of the summed power (mW) of the frames
// overlapping at that instant (frames that hit v one after the other do not add up).
//
// Same SF (Bor, Roedig, Voigt, Alonso, "Do LoRa Low-Power Wide-Area Networks Scale?",
// MSWiM 2016): a frame's critical section starts after its first (Npreamble - 5)
// preamble symbols (the receiver needs the last 5 preamble symbols to lock) and lasts
// to its end. An interferer that overlaps only the first (Npreamble - 5) symbols (it
// ends before the critical section) does no harm. If interferers overlap the critical
// section, the frame survives only when capture is on and its power is at least
// captureThresholdDb (6 dB) above those interferers' peak summed power; otherwise it is
// lost. Applied to every frame in turn, so two frames within 6 dB both die, and the
// stronger survives a >= 6 dB weaker one whichever started first.
// Capture off (pure ALOHA): any time overlap with a same-SF co-channel frame destroys it.
//
// Different SF: per interfering SF j, the frame survives when its power over the peak
// summed power of the overlapping SF-j frames (any time overlap) is at least M[sf][j] dB.
import type { GatewayReception, SharedReceptions, Transmission } from './types.ts';
import { requiredSirDb, type RejectionMatrix } from './rejection.ts';

/**
 * A frame's per-gateway link values: made once per node for its (position, power, SF, bandwidth)
 * and shared, read-only, by all its frames sent with them (without fading; with fading, per frame).
 */
export interface LinkValues {
  /**
   * Per gateway g: RSSI (dBm) at [3g], received power (mW) at [3g + 1], SNR (dB) at [3g + 2]. One
   * array rather than three: every typed array is an object, a buffer and a separate allocation
   * (off the heap once over 64 bytes), and a fleet makes a set per node at boot.
   */
  vals: Float64Array;
  /** Per gateway: the outcome before any other frame counts (OK, BELOW_SENSITIVITY or BELOW_SNR_FLOOR). Never written. */
  status: number[];
  /** Per gateway: the reception record of these values, made on first need (frozen). */
  receptions: Array<GatewayReception | undefined>;
  /**
   * The receptions of the gateways whose status is OK, in gateway order: what every frame that
   * nothing else disturbed was received by. Made on first need and shared (read-only) by those frames
   * (a fleet run keeps each frame's list for the whole run: one array per frame was the bulk of it).
   */
  received: SharedReceptions | null;
  /** The same for frames that other frames changed (setStatus), by the bit mask of their receiving gateways. */
  byMask: Map<number, SharedReceptions> | null;
}

/** A transmission on air with its per-gateway link values (internal). */
export interface Rec {
  tx: Transmission;
  start: number;
  end: number;
  /** Start of the critical section: start + max(0, preamble - 5) symbols. */
  critStart: number;
  sf: number;
  /** link.vals (read for every overlapping frame: one hop less). */
  vals: Float64Array;
  link: LinkValues;
  /**
   * Per gateway: outcome code. The link's shared status until the first change (setStatus copies it
   * then): most frames are never changed (no collision, a free demodulator), so they copy nothing
   * and `status === link.status` tells receivedOf that the link's shared list of receptions applies.
   */
  status: number[];
  allocated: boolean;
  settled: boolean;
  /** The channel bucket it was filed in (set when the channel first settles after its submission). */
  bucket: Bucket | null;
}

/**
 * Shortens a reused work list to `n` entries. Not `a.length = n`: that is a call into the runtime
 * even when nothing changes, and shrinking a short list that way drops its backing store (length 0
 * always does), so the next push allocates a new one; pop does neither.
 */
export function truncate(a: unknown[], n: number): void {
  while (a.length > n) a.pop();
}

/** Sets r's outcome at gateway g, copying the shared link status on the first change (see Rec.status). */
export function setStatus(r: Rec, g: number, code: number): void {
  let s = r.status;
  if (s === r.link.status) r.status = s = s.slice();
  s[g] = code;
}

export const OK = 0;
export const BELOW_SENSITIVITY = 1;
export const BELOW_SNR_FLOOR = 2;
export const NO_DEMODULATOR = 3;
export const COLLISION = 4;

/** Transmissions on one (frequency, bandwidth), sorted by (start, id); `head` skips pruned ones. */
export interface Bucket {
  freqHz: number;
  bwKhz: number;
  list: Rec[];
  head: number;
  /** Longest airtime ever added: bounds how far back an overlapping frame can start. */
  maxAir: number;
  /** Buckets whose transmissions interfere with this one's (itself included). */
  related: Bucket[];
}

/** Whether two channels interfere: same bandwidth, centres within a quarter bandwidth. */
export function sameChannel(a: Bucket, b: Bucket): boolean {
  return a.bwKhz === b.bwKhz && Math.abs(a.freqHz - b.freqHz) < (a.bwKhz * 1000) / 4;
}

/** Orders transmissions by (start, id); numeric ids before string ids. */
export function compareRecs(a: Rec, b: Rec): number {
  if (a.start !== b.start) return a.start - b.start;
  const x = a.tx.id;
  const y = b.tx.id;
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  if (typeof x === 'number') return -1;
  if (typeof y === 'number') return 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Sorts by compareRecs, in place. The few frames that start between two settles are sorted by
 * insertion: Array.prototype.sort allocates work space on every call. (compareRecs is a total
 * order on the frames on air, whose ids are distinct: any sort gives the same result.)
 */
export function sortRecs(a: Rec[]): void {
  if (a.length > 16) {
    a.sort(compareRecs);
    return;
  }
  for (let i = 1; i < a.length; i++) {
    const r = a[i] as Rec;
    let j = i - 1;
    while (j >= 0 && compareRecs(a[j] as Rec, r) > 0) {
      a[j + 1] = a[j] as Rec;
      j--;
    }
    a[j + 1] = r;
  }
}

/** Merges two arrays sorted by compareRecs (a from index `from`). */
export function mergeSorted(a: Rec[], from: number, b: Rec[]): Rec[] {
  const out: Rec[] = new Array<Rec>(a.length - from + b.length);
  let i = from;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = compareRecs(a[i] as Rec, b[j] as Rec) <= 0 ? (a[i++] as Rec) : (b[j++] as Rec);
  while (i < a.length) out[k++] = a[i++] as Rec;
  while (j < b.length) out[k++] = b[j++] as Rec;
  return out;
}

/** First index >= bucket.head whose start is >= t. */
function lowerBound(b: Bucket, t: number): number {
  let lo = b.head;
  let hi = b.list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((b.list[mid] as Rec).start < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface InterferenceRules {
  capture: boolean;
  captureThresholdDb: number;
  matrix: RejectionMatrix | null;
}

/** Reusable work lists for destroyedAt (one per channel). */
export interface Scratch {
  same: Rec[];
  cross: Rec[];
}

/**
 * Peak concurrent power (mW at gateway g) of the frames in `list` (all of SF `sf`, or any SF
 * when sf < 0) over [from, to): the sum changes only when one starts, so the maximum over
 * their (clamped) start instants is the peak. O(k^2) for the handful of overlapping frames.
 */
function peakMw(list: Rec[], sf: number, g: number, from: number): number {
  let peak = 0;
  for (const a of list) {
    if (sf >= 0 && a.sf !== sf) continue;
    const t = a.start > from ? a.start : from;
    let sum = 0;
    for (const b of list) {
      if ((sf < 0 || b.sf === sf) && b.start <= t && b.end > t) sum += b.vals[3 * g + 1] as number;
    }
    if (sum > peak) peak = sum;
  }
  return peak;
}

/**
 * Collects in `scratch` the frames, among those filed in the buckets related to v's, that can
 * destroy v: same-SF frames overlapping its critical section (`same`), other-SF frames overlapping
 * it at all (`cross`, with a rejection matrix only). Returns true when v is destroyed whatever its
 * power (capture off and a same-SF overlap). The lists do not depend on the gateway: collected once
 * per frame, they serve destroyedAt at every gateway that detected it.
 */
function collectInterferers(v: Rec, rules: InterferenceRules, scratch: Scratch): boolean {
  const same = scratch.same;
  const cross = scratch.cross;
  truncate(same, 0);
  truncate(cross, 0);
  for (const b of (v.bucket as Bucket).related) {
    const end = b.list.length;
    for (let i = lowerBound(b, v.start - b.maxAir); i < end; i++) {
      const r = b.list[i] as Rec;
      if (r.start >= v.end) break;
      if (r === v || r.end <= v.start) continue;
      if (r.sf === v.sf) {
        if (!rules.capture) return true;
        if (r.end > v.critStart) same.push(r);
      } else if (rules.matrix !== null) cross.push(r);
    }
  }
  return false;
}

/**
 * Whether `v` is destroyed by interference at gateway `g`, given the interferers collectInterferers
 * put in `scratch` (when it returned false). Interference power is the peak of the concurrent sum
 * (mW) of the interferers, taken over v's critical section for same-SF frames and over the whole
 * frame per interfering SF otherwise.
 */
function destroyedAt(v: Rec, g: number, rules: InterferenceRules, scratch: Scratch): boolean {
  const same = scratch.same;
  const cross = scratch.cross;
  const p = v.vals[3 * g] as number;
  if (same.length > 0 && p - 10 * Math.log10(peakMw(same, -1, g, v.critStart)) < rules.captureThresholdDb) return true;
  for (let k = 0; k < cross.length; k++) {
    const sf = (cross[k] as Rec).sf;
    let first = true; // evaluate each interfering SF once, at its first appearance
    for (let m = 0; m < k; m++) if ((cross[m] as Rec).sf === sf) first = false;
    if (first && p - 10 * Math.log10(peakMw(cross, sf, g, v.start)) < requiredSirDb(rules.matrix, v.sf, sf)) return true;
  }
  return false;
}

/** Marks COLLISION at each gateway that detected `v` (status OK) where interference destroys it. */
export function markCollisions(v: Rec, rules: InterferenceRules, scratch: Scratch): void {
  let collected = false; // the interferers, collected at the first gateway that detected it
  let doomed = false;
  for (let g = 0; g < v.status.length; g++) {
    if (v.status[g] !== OK) continue;
    if (!collected) {
      doomed = collectInterferers(v, rules, scratch);
      collected = true;
    }
    if (doomed || destroyedAt(v, g, rules, scratch)) setStatus(v, g, COLLISION);
  }
}
