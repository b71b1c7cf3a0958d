// The simulator's radio channel: transmissions on air, gateways with a limited number
// of demodulation paths, path loss with static shadowing (+ optional fast fading),
// sensitivity and SNR floors, collisions with capture and imperfect SF orthogonality.
// Seeded: same seed and inputs, same results, whatever the submission order of
// transmissions that start in the same millisecond. See docs/CHANNEL.md.
import { subBandIndex } from '../../firmware/lorawan/region.ts';
import {
  BELOW_SENSITIVITY,
  BELOW_SNR_FLOOR,
  COLLISION,
  NO_DEMODULATOR,
  OK,
  compareRecs,
  markCollisions,
  mergeSorted,
  sameChannel,
  sortRecs,
  type Bucket,
  setStatus,
  truncate,
  type InterferenceRules,
  type Rec,
  type Scratch,
} from './collision.ts';
import { ChannelFrame } from './frame.ts';
import { checkGateways, createLinkTable, finite, noiseFloor, type Gw } from './links.ts';
import { resolvePathLoss } from './pathloss.ts';
import { resolveRejection } from './rejection.ts';
import type { BriefSettlement, ChannelOptions, GatewayLoss, GatewayReception, LinkEstimate, LossReason, RadioChannel, SettleEach, SettledTransmission, SharedReceptions, Transmission } from './types.ts';

const REASONS: Record<number, LossReason> = {
  [BELOW_SENSITIVITY]: 'below-sensitivity',
  [BELOW_SNR_FLOOR]: 'below-snr-floor',
  [NO_DEMODULATOR]: 'no-free-demodulator',
  [COLLISION]: 'collision',
};

/** The start of an error message about a transmission (only built for an error: checkTx runs for every frame). */
const txName = (id: string | number): string => `transmission ${String(id)}`;

function checkTx(tx: Transmission, notBefore: number): void {
  if (tx === null || typeof tx !== 'object') throw new TypeError('transmission must be an object');
  const id = tx.id;
  if (!(typeof id === 'string' || finite(id))) throw new TypeError('transmission id must be a string or a finite number');
  if (typeof tx.nodeId !== 'string' || tx.nodeId === '') throw new TypeError(`${txName(id)}: nodeId must be a non-empty string`);
  // each field by name: a keyed read (tx[k]) boxes every fractional number it reads into a new heap object
  const bad = !finite(tx.x) ? 'x' : !finite(tx.y) ? 'y' : !finite(tx.freqHz) ? 'freqHz' : !finite(tx.powerDbm) ? 'powerDbm' : !finite(tx.startMs) ? 'startMs' : null;
  if (bad !== null) throw new RangeError(`${txName(id)}: ${bad} must be a finite number`);
  if (!(Number.isInteger(tx.sf) && tx.sf >= 6 && tx.sf <= 12)) throw new RangeError(`${txName(id)}: sf must be an integer 6..12`);
  if (!(finite(tx.bwKhz) && tx.bwKhz > 0)) throw new RangeError(`${txName(id)}: bwKhz must be positive`);
  if (!(finite(tx.airtimeMs) && tx.airtimeMs > 0)) throw new RangeError(`${txName(id)}: airtimeMs must be positive`);
  const pre = tx.preambleSymbols;
  if (pre !== undefined && !(Number.isInteger(pre) && pre >= 0)) throw new RangeError(`${txName(id)}: preambleSymbols must be a whole number`);
  if (tx.startMs < notBefore) throw new RangeError(`${txName(id)}: starts at ${tx.startMs} ms, before the last settle time ${notBefore} ms`);
}

/** Creates a radio channel. Throws RangeError/TypeError on invalid options. */
export function createChannel(opts: ChannelOptions): RadioChannel {
  const model = resolvePathLoss(opts.pathLoss);
  const matrix = resolveRejection(opts.rejection);
  const demods = opts.demodulators ?? 8;
  if (!(Number.isInteger(demods) && demods >= 1)) throw new RangeError('demodulators must be a positive integer');
  const captureThresholdDb = opts.captureThresholdDb ?? 6;
  if (!finite(captureThresholdDb)) throw new RangeError('captureThresholdDb must be a finite number');
  if (typeof opts.capture !== 'boolean') throw new TypeError('capture must be true or false');
  if (!(typeof opts.seed === 'string' || finite(opts.seed))) throw new TypeError('seed must be a string or a finite number');
  const fading = opts.fading ?? 'off';
  const fadingSigma = typeof fading === 'object' && fading !== null ? fading.sigmaDb : 0;
  if (!(fading === 'off' || fading === 'rayleigh' || (finite(fadingSigma) && fadingSigma >= 0))) {
    throw new RangeError("fading must be 'off', 'rayleigh' or { sigmaDb >= 0 }");
  }
  const gws = checkGateways(opts.gateways, demods);
  const nGw = gws.length;
  const rules: InterferenceRules = { capture: opts.capture, captureThresholdDb, matrix };
  const seed = opts.seed;
  const region = opts.region;

  const links = createLinkTable(gws, model, seed, fading);
  const bucketList: Bucket[] = [];
  // Ids of the frames on air (submitted, not settled), to reject a duplicate. A numeric id above
  // every one before it (the fleet's air numbers its frames 0, 1, 2, ...) cannot be on air yet: it
  // stays out of the set (no add and delete per frame), and the rare id that is not found there is
  // also looked for among the frames on air (see onAir).
  const activeIds = new Set<string | number>();
  let maxNumId = -Infinity;
  const scratch: Scratch = { same: [], cross: [] };
  const incoming: Rec[] = [];
  let spare: Rec[] | null = [];
  let open: Rec[] = [];
  let lastNow = -Infinity;

  const byBw = new Map<number, Map<number, Bucket>>();
  function bucketFor(freqHz: number, bwKhz: number): Bucket {
    let m = byBw.get(bwKhz);
    if (m === undefined) byBw.set(bwKhz, (m = new Map()));
    let b = m.get(freqHz);
    if (b === undefined) {
      b = { freqHz, bwKhz, list: [], head: 0, maxAir: 0, related: [] };
      for (const o of bucketList) {
        if (sameChannel(o, b)) {
          o.related.push(b);
          b.related.push(o);
        }
      }
      b.related.push(b);
      m.set(freqHz, b);
      bucketList.push(b);
    }
    return b;
  }

  function makeRec(tx: Transmission): Rec {
    const v = links.valuesOf(tx);
    const preamble = tx.preambleSymbols ?? 8;
    const symMs = Math.pow(2, tx.sf) / tx.bwKhz;
    const start = tx.startMs;
    if (tx instanceof ChannelFrame && tx.tx === null) {
      // the frame has room for its record (see ChannelFrame): the same values in its own fields
      tx.tx = tx;
      tx.start = start;
      tx.end = start + tx.airtimeMs;
      tx.critStart = start + Math.max(0, preamble - 5) * symMs;
      tx.vals = v.vals;
      tx.link = v;
      tx.status = v.status;
      return tx;
    }
    // the link values are shared read-only; the status too until it changes (setStatus)
    return { tx, start, end: start + tx.airtimeMs, critStart: start + Math.max(0, preamble - 5) * symMs, sf: tx.sf, vals: v.vals, link: v, status: v.status, allocated: false, settled: false, bucket: null };
  }

  /** Gives `r` a free demodulation path at every gateway that detects it (in (start, id) order). */
  function allocate(r: Rec): void {
    r.allocated = true;
    for (let g = 0; g < nGw; g++) {
      if (r.status[g] !== OK) continue;
      const paths = (gws[g] as Gw).paths;
      let slot = -1;
      for (let k = 0; k < paths.length; k++) {
        if ((paths[k] as number) <= r.start) {
          slot = k;
          break;
        }
      }
      if (slot < 0) setStatus(r, g, NO_DEMODULATOR);
      else paths[slot] = r.end;
    }
  }

  /** The gateways that received a decided frame (frozen, shared reception records), in gateway order. */
  function receptionsOf(r: Rec): GatewayReception[] {
    const received: GatewayReception[] = [];
    const own = r.link.receptions;
    for (let g = 0; g < nGw; g++) {
      if (r.status[g] === OK) received.push(own[g] ?? (own[g] = Object.freeze({ gatewayId: (gws[g] as Gw).cfg.id, rssi: r.vals[3 * g] as number, snr: r.vals[3 * g + 2] as number })));
    }
    return received;
  }

  /**
   * receptionsOf(r), shared by the frames sent with the same link values that the same
   * gateways received (see LinkValues.received): a fleet run keeps every frame's list to its end,
   * and a frame's list is one of the few that its node's link allows.
   */
  function receivedOf(r: Rec): GatewayReception[] {
    const s = sharedOf(r);
    return s !== null ? s.list : receptionsOf(r);
  }

  /** The shared list receivedOf gives `r` (with its SharedReceptions), or null when r's list is its own. */
  function sharedOf(r: Rec): SharedReceptions | null {
    const v = r.link;
    // Read-only (see SettledTransmission.received), but not frozen: V8 iterates a frozen array with
    // for-of far more slowly (an iterator result object per element), and every reader does that.
    if (r.status === v.status) return v.received ?? (v.received = { list: receptionsOf(r), memo: undefined });
    // another frame changed the status (setStatus): the list of its receiving gateways (a bit mask),
    // per link, unless the link is the frame's own (fading) or the gateways are too many for a mask
    if (fading !== 'off' || nGw > 30) return null;
    let mask = 0;
    for (let g = 0; g < nGw; g++) if (r.status[g] === OK) mask |= 1 << g;
    const lists = v.byMask ?? (v.byMask = new Map());
    let s = lists.get(mask);
    if (s === undefined) lists.set(mask, (s = { list: receptionsOf(r), memo: undefined }));
    return s;
  }

  function outcome(r: Rec): SettledTransmission {
    const lost: GatewayLoss[] = [];
    for (let g = 0; g < nGw; g++) {
      const st = r.status[g] as number;
      if (st !== OK) lost.push({ gatewayId: (gws[g] as Gw).cfg.id, rssi: r.vals[3 * g] as number, snr: r.vals[3 * g + 2] as number, reason: REASONS[st] as LossReason });
    }
    return { tx: r.tx, received: receivedOf(r), lost };
  }

  /** Why no gateway received a decided frame: 'collision' when any gateway lost it to one, else the first gateway's reason. */
  function lostReasonOf(r: Rec): LossReason {
    let lostReason = REASONS[r.status[0] as number] as LossReason;
    for (let g = 0; g < nGw; g++) if (r.status[g] === COLLISION) lostReason = 'collision';
    return lostReason;
  }

  /** The outcome without loss records: only the summary reason when no gateway received it. */
  function brief(r: Rec): BriefSettlement {
    const received = receivedOf(r);
    return { tx: r.tx, received, lostReason: received.length === 0 ? lostReasonOf(r) : undefined };
  }

  /** Drops settled frames that ended by `horizon`: nothing still to be settled can overlap them. */
  function prune(horizon: number): void {
    for (const b of bucketList) {
      while (b.head < b.list.length) {
        const r = b.list[b.head] as Rec;
        if (!r.settled || r.end > horizon) break;
        // let the frame go now (it would otherwise live until the list is compacted)
        b.list[b.head] = undefined as unknown as Rec;
        b.head++;
      }
      if (b.head > 256 && b.head * 2 > b.list.length) {
        b.list = b.list.slice(b.head);
        b.head = 0;
      }
    }
  }

  /** Whether a frame with this id is on air (for the ids the set does not hold, see activeIds). */
  function onAir(id: string | number): boolean {
    if (typeof id !== 'number') return false; // every string id on air is in the set
    const same = (r: Rec): boolean => r.tx.id === id;
    return incoming.some(same) || open.some(same);
  }

  /** The settle contract (see RadioChannel.settle): the frames that ended by `nowMs`, decided, in (start, id) order. */
  function settleRecs(nowMs: number): Rec[] {
    if (typeof nowMs !== 'number' || Number.isNaN(nowMs)) throw new RangeError('settle: nowMs must be a number');
    if (nowMs < lastNow) throw new RangeError(`settle: time went backwards (${nowMs} < ${lastNow})`);
    lastNow = nowMs;
    if (incoming.length > 0) {
      if (incoming.length > 1) sortRecs(incoming);
      // file each frame in its bucket, kept sorted: frames usually arrive in order (append),
      // otherwise the ones out of order are merged in
      let late: Map<Bucket, Rec[]> | null = null;
      for (const r of incoming) {
        const b = bucketFor(r.tx.freqHz, r.tx.bwKhz);
        r.bucket = b;
        if (r.tx.airtimeMs > b.maxAir) b.maxAir = r.tx.airtimeMs;
        const arr = late === null ? undefined : late.get(b);
        const last = b.list[b.list.length - 1];
        if (arr !== undefined) arr.push(r);
        else if (last === undefined || compareRecs(last, r) <= 0) b.list.push(r);
        else (late ??= new Map()).set(b, [r]);
      }
      if (late !== null) {
        for (const [b, add] of late) {
          b.list = mergeSorted(b.list, b.head, add);
          b.head = 0;
        }
      }
      const lastOpen = open[open.length - 1];
      if (lastOpen === undefined || compareRecs(lastOpen, incoming[0] as Rec) <= 0) for (const r of incoming) open.push(r);
      else open = mergeSorted(open, 0, incoming);
      truncate(incoming, 0); // (the same array, and its backing store, from frame to frame)
    }
    for (const r of open) {
      if (r.start >= nowMs) break;
      if (!r.allocated) allocate(r);
    }
    // the list of settled frames: the spare one when the last settle gave it back (see release)
    const done = spare ?? [];
    spare = null;
    let keep = 0;
    for (let i = 0; i < open.length; i++) {
      const r = open[i] as Rec;
      if (r.end <= nowMs) {
        markCollisions(r, rules, scratch); // before any pruning: it reads the frames around r
        r.settled = true;
        done.push(r);
        if (activeIds.size > 0) activeIds.delete(r.tx.id);
      } else open[keep++] = r;
    }
    truncate(open, keep);
    if (done.length > 0) prune(keep > 0 ? Math.min(nowMs, (open[0] as Rec).start) : nowMs);
    return done;
  }

  /** Takes back a list settleRecs returned, once read: the next settle reuses it (a nested settle makes its own). */
  function release(done: Rec[]): void {
    truncate(done, 0);
    spare = done;
  }

  return {
    transmit(tx: Transmission): void {
      checkTx(tx, lastNow);
      if (region !== undefined && subBandIndex(region, tx.freqHz) < 0) {
        throw new RangeError(`transmission ${String(tx.id)}: ${tx.freqHz} Hz is outside every ${region.name} sub-band`);
      }
      const id = tx.id;
      if (typeof id === 'number' && id > maxNumId) maxNumId = id;
      else {
        if (activeIds.has(id) || onAir(id)) throw new RangeError(`transmission id ${String(id)} is already on air`);
        activeIds.add(id);
      }
      incoming.push(makeRec(tx));
    },

    settle(nowMs: number): SettledTransmission[] {
      const done = settleRecs(nowMs);
      const out = done.map(outcome);
      release(done);
      return out;
    },
    settleBrief(nowMs: number): BriefSettlement[] {
      const done = settleRecs(nowMs);
      const out = done.map(brief);
      release(done);
      return out;
    },
    settleEach(nowMs: number, each: SettleEach): void {
      const done = settleRecs(nowMs);
      for (let i = 0; i < done.length; i++) {
        const r = done[i] as Rec;
        const shared = sharedOf(r);
        const received = shared !== null ? shared.list : receptionsOf(r);
        each(r.tx, received, received.length === 0 ? lostReasonOf(r) : undefined, shared);
      }
      release(done); // (not reached when `each` throws: the next settle then makes a new list)
    },

    link(nodeId: string, x: number, y: number, powerDbm: number, bwKhz: number): LinkEstimate[] {
      if (!finite(x) || !finite(y) || !finite(powerDbm) || !(finite(bwKhz) && bwKhz > 0)) throw new RangeError('link: x, y, powerDbm and bwKhz must be finite (bwKhz > 0)');
      return gws.map((gw, g) => {
        const pl = links.pathLoss(nodeId, x, y, g);
        const rssi = powerDbm + gw.gainDb - pl;
        return { gatewayId: gw.cfg.id, rssi, snr: rssi - noiseFloor(gw, bwKhz), pathLossDb: pl };
      });
    },

    pending(): number {
      return open.length + incoming.length;
    },
  };
}
