// The simulator's radio channel: transmissions on air, gateways with a limited number
// of demodulation paths, path loss with static shadowing (+ optional fast fading),
// sensitivity and SNR floors, collisions with capture and imperfect SF orthogonality.
// Seeded: same seed and inputs, same results, whatever the submission order of
// transmissions that start in the same millisecond. See docs/CHANNEL.md.
import { DEFAULT_NOISE_FIGURE_DB, demodFloorSnr, sensitivityDbm } from '../../firmware/lorawan/linkbudget.ts';
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
  type Bucket,
  type InterferenceRules,
  type Rec,
  type Scratch,
} from './collision.ts';
import { medianPathLossDb, resolvePathLoss } from './pathloss.ts';
import { resolveRejection } from './rejection.ts';
import { createRng } from './rng.ts';
import type { BriefSettlement, ChannelOptions, GatewayConfig, GatewayLoss, GatewayReception, LinkEstimate, LossReason, RadioChannel, SettledTransmission, Transmission } from './types.ts';

const REASONS: Record<number, LossReason> = {
  [BELOW_SENSITIVITY]: 'below-sensitivity',
  [BELOW_SNR_FLOOR]: 'below-snr-floor',
  [NO_DEMODULATOR]: 'no-free-demodulator',
  [COLLISION]: 'collision',
};

interface Gw {
  cfg: GatewayConfig;
  gainDb: number;
  nfDb: number;
  riseDb: number;
  /** End time of the frame each demodulation path is busy with. */
  paths: Float64Array;
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function checkGateways(list: GatewayConfig[], demods: number): Gw[] {
  if (!Array.isArray(list) || list.length === 0) throw new RangeError('channel needs at least one gateway');
  const seen = new Set<string>();
  return list.map((g, i) => {
    if (typeof g.id !== 'string' || g.id === '') throw new TypeError(`gateways[${i}].id must be a non-empty string`);
    if (seen.has(g.id)) throw new RangeError(`duplicate gateway id "${g.id}"`);
    seen.add(g.id);
    for (const k of ['x', 'y', 'antennaGainDb', 'cableLossDb', 'noiseFigureDb', 'noiseRiseDb'] as const) {
      const v = g[k];
      if ((k === 'x' || k === 'y' || v !== undefined) && !finite(v)) throw new RangeError(`gateway "${g.id}": ${k} must be a finite number`);
    }
    const paths = new Float64Array(demods).fill(-Infinity);
    return { cfg: g, gainDb: (g.antennaGainDb ?? 0) - (g.cableLossDb ?? 0), nfDb: g.noiseFigureDb ?? DEFAULT_NOISE_FIGURE_DB, riseDb: g.noiseRiseDb ?? 0, paths };
  });
}

const TX_NUMBERS = ['x', 'y', 'freqHz', 'powerDbm', 'startMs'] as const;

/** The start of an error message about a transmission (only built for an error: checkTx runs for every frame). */
const txName = (id: string | number): string => `transmission ${String(id)}`;

function checkTx(tx: Transmission, notBefore: number): void {
  if (tx === null || typeof tx !== 'object') throw new TypeError('transmission must be an object');
  const id = tx.id;
  if (!(typeof id === 'string' || finite(id))) throw new TypeError('transmission id must be a string or a finite number');
  if (typeof tx.nodeId !== 'string' || tx.nodeId === '') throw new TypeError(`${txName(id)}: nodeId must be a non-empty string`);
  for (let i = 0; i < TX_NUMBERS.length; i++) {
    const k = TX_NUMBERS[i]!;
    if (!finite(tx[k])) throw new RangeError(`${txName(id)}: ${k} must be a finite number`);
  }
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

  const shadow = new Map<string, Float64Array>();
  const bucketList: Bucket[] = [];
  // Ids of the frames on air (submitted, not settled), to reject a duplicate. A numeric id above
  // every one before it (the fleet's air numbers its frames 0, 1, 2, ...) cannot be on air yet: it
  // stays out of the set (no add and delete per frame), and the rare id that is not found there is
  // also looked for among the frames on air (see onAir).
  const activeIds = new Set<string | number>();
  let maxNumId = -Infinity;
  const scratch: Scratch = { same: [], cross: [] };
  let incoming: Rec[] = [];
  let open: Rec[] = [];
  let lastNow = -Infinity;

  /** Shadowing (dB) of each (node, gateway) link, drawn once from its own stream. */
  function shadowOf(nodeId: string): Float64Array {
    let s = shadow.get(nodeId);
    if (s === undefined) {
      s = new Float64Array(nGw);
      if (model.sigma > 0) {
        for (let g = 0; g < nGw; g++) s[g] = createRng(seed, 'shadow', nodeId, (gws[g] as Gw).cfg.id).gaussian(0, model.sigma);
      }
      shadow.set(nodeId, s);
    }
    return s;
  }

  function pathLoss(nodeId: string, x: number, y: number, g: number): number {
    const gw = gws[g] as Gw;
    return medianPathLossDb(model, Math.hypot(x - gw.cfg.x, y - gw.cfg.y)) + (shadowOf(nodeId)[g] as number);
  }

  const noiseFloor = (gw: Gw, bwKhz: number): number => -174 + 10 * Math.log10(bwKhz * 1000) + gw.nfDb + gw.riseDb;

  /** Per bandwidth: each gateway's noise floor, and its sensitivity per SF (index gateway * 13 + sf). */
  const floors = new Map<number, { noise: number[]; sens: number[] }>();
  function floorsFor(bwKhz: number): { noise: number[]; sens: number[] } {
    let f = floors.get(bwKhz);
    if (f === undefined) {
      f = { noise: gws.map((gw) => noiseFloor(gw, bwKhz)), sens: [] };
      for (const gw of gws) for (let sf = 0; sf <= 12; sf++) f.sens.push(sensitivityDbm(sf, bwKhz, gw.nfDb));
      floors.set(bwKhz, f);
    }
    return f;
  }

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

  /**
   * Per node: the median path loss to each gateway at its last position, and the link values
   * of its last (power, SF, bandwidth) without fading. A node sends from one place at one
   * setting for long stretches, so most frames reuse them (same arithmetic, same numbers).
   */
  interface NodeLinks {
    x: number;
    y: number;
    pl: Float64Array;
    powerDbm: number;
    sf: number;
    bwKhz: number;
    rssi: Float64Array | null;
    mw: Float64Array | null;
    snr: Float64Array | null;
    /** A plain array: each frame copies it (Array slice is cheaper than a typed array's, see Rec.status). */
    status: number[] | null;
    receptions: Array<GatewayReception | undefined> | null;
  }
  const links = new Map<string, NodeLinks>();

  function linksOf(tx: Transmission): NodeLinks {
    let l = links.get(tx.nodeId);
    if (l === undefined || l.x !== tx.x || l.y !== tx.y) {
      const pl = new Float64Array(nGw);
      for (let g = 0; g < nGw; g++) {
        const gw = gws[g] as Gw;
        pl[g] = medianPathLossDb(model, Math.hypot(tx.x - gw.cfg.x, tx.y - gw.cfg.y));
      }
      l = { x: tx.x, y: tx.y, pl, powerDbm: NaN, sf: 0, bwKhz: 0, rssi: null, mw: null, snr: null, status: null, receptions: null };
      links.set(tx.nodeId, l);
    }
    return l;
  }

  function makeRec(tx: Transmission): Rec {
    const l = linksOf(tx);
    let rssi = l.rssi;
    let mw = l.mw;
    let snr = l.snr;
    let status = l.status;
    let receptions = l.receptions;
    if (fading !== 'off' || rssi === null || l.powerDbm !== tx.powerDbm || l.sf !== tx.sf || l.bwKhz !== tx.bwKhz) {
      rssi = new Float64Array(nGw);
      mw = new Float64Array(nGw);
      snr = new Float64Array(nGw);
      status = []; // filled in gateway order below (a packed array)
      receptions = [];
      const fade = fading === 'off' ? null : createRng(seed, 'fading', tx.id);
      const f = floorsFor(tx.bwKhz);
      const shadowDb = shadowOf(tx.nodeId);
      const floorSnr = demodFloorSnr(tx.sf);
      for (let g = 0; g < nGw; g++) {
        const gw = gws[g] as Gw;
        let p = tx.powerDbm + gw.gainDb - (l.pl[g] as number) - (shadowDb[g] as number);
        if (fade !== null) p += fading === 'rayleigh' ? 10 * Math.log10(Math.max(fade.exponential(1), 1e-30)) : fade.gaussian(0, fadingSigma);
        const q = p - (f.noise[g] as number);
        rssi[g] = p;
        mw[g] = Math.pow(10, p / 10);
        snr[g] = q;
        status[g] = p < (f.sens[g * 13 + tx.sf] as number) ? BELOW_SENSITIVITY : q < floorSnr ? BELOW_SNR_FLOOR : OK;
      }
      if (fading === 'off') {
        l.powerDbm = tx.powerDbm;
        l.sf = tx.sf;
        l.bwKhz = tx.bwKhz;
        l.rssi = rssi;
        l.mw = mw;
        l.snr = snr;
        l.status = status;
        l.receptions = receptions;
      }
    }
    const preamble = tx.preambleSymbols ?? 8;
    const symMs = Math.pow(2, tx.sf) / tx.bwKhz;
    const start = tx.startMs;
    // rssi, mw and snr are shared read-only; the status is this frame's own
    return { tx, start, end: start + tx.airtimeMs, critStart: start + Math.max(0, preamble - 5) * symMs, sf: tx.sf, rssi, mw: mw!, snr: snr!, receptions: receptions!, status: status!.slice(), allocated: false, settled: false, bucket: null };
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
      if (slot < 0) r.status[g] = NO_DEMODULATOR;
      else paths[slot] = r.end;
    }
  }

  /** The gateways that received a decided frame: its shared, frozen reception records. */
  function receivedOf(r: Rec): GatewayReception[] {
    const received: GatewayReception[] = [];
    for (let g = 0; g < nGw; g++) {
      if (r.status[g] === OK) received.push(r.receptions[g] ?? (r.receptions[g] = Object.freeze({ gatewayId: (gws[g] as Gw).cfg.id, rssi: r.rssi[g] as number, snr: r.snr[g] as number })));
    }
    return received;
  }

  function outcome(r: Rec): SettledTransmission {
    const lost: GatewayLoss[] = [];
    for (let g = 0; g < nGw; g++) {
      const st = r.status[g] as number;
      if (st !== OK) lost.push({ gatewayId: (gws[g] as Gw).cfg.id, rssi: r.rssi[g] as number, snr: r.snr[g] as number, reason: REASONS[st] as LossReason });
    }
    return { tx: r.tx, received: receivedOf(r), lost };
  }

  /** The outcome without loss records: only the summary reason when no gateway received it. */
  function brief(r: Rec): BriefSettlement {
    const received = receivedOf(r);
    let lostReason: LossReason | undefined;
    if (received.length === 0) {
      // 'collision' when any gateway lost it to one, else the first gateway's reason
      lostReason = REASONS[r.status[0] as number];
      for (let g = 0; g < nGw; g++) if (r.status[g] === COLLISION) lostReason = 'collision';
    }
    return { tx: r.tx, received, lostReason };
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
      if (incoming.length > 1) incoming.sort(compareRecs);
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
      incoming = [];
    }
    for (const r of open) {
      if (r.start >= nowMs) break;
      if (!r.allocated) allocate(r);
    }
    const done: Rec[] = [];
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
    if (open.length !== keep) open.length = keep; // (a call into the runtime even when unchanged)
    if (done.length > 0) prune(keep > 0 ? Math.min(nowMs, (open[0] as Rec).start) : nowMs);
    return done;
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

    settle: (nowMs: number): SettledTransmission[] => settleRecs(nowMs).map(outcome),
    settleBrief: (nowMs: number): BriefSettlement[] => settleRecs(nowMs).map(brief),

    link(nodeId: string, x: number, y: number, powerDbm: number, bwKhz: number): LinkEstimate[] {
      if (!finite(x) || !finite(y) || !finite(powerDbm) || !(finite(bwKhz) && bwKhz > 0)) throw new RangeError('link: x, y, powerDbm and bwKhz must be finite (bwKhz > 0)');
      return gws.map((gw, g) => {
        const pl = pathLoss(nodeId, x, y, g);
        const rssi = powerDbm + gw.gainDb - pl;
        return { gatewayId: gw.cfg.id, rssi, snr: rssi - noiseFloor(gw, bwKhz), pathLossDb: pl };
      });
    },

    pending(): number {
      return open.length + incoming.length;
    },
  };
}
