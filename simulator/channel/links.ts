// The radio channel's gateways and its per-node link values: path loss, static shadowing,
// optional fast fading, and what each gateway makes of a frame before other frames count
// (sensitivity, SNR floor). See docs/CHANNEL.md.
import { DEFAULT_NOISE_FIGURE_DB, demodFloorSnr, sensitivityDbm } from '../../firmware/lorawan/linkbudget.ts';
import { BELOW_SENSITIVITY, BELOW_SNR_FLOOR, OK, type LinkValues } from './collision.ts';
import { medianPathLossDb, type PathLossModel } from './pathloss.ts';
import { createRng, firstGaussian, type Seed } from './rng.ts';
import type { Fading, GatewayConfig, Transmission } from './types.ts';

/** A gateway as the channel uses it. */
export interface Gw {
  cfg: GatewayConfig;
  gainDb: number;
  nfDb: number;
  riseDb: number;
  /** End time of the frame each demodulation path is busy with. */
  paths: Float64Array;
}

export const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export function checkGateways(list: GatewayConfig[], demods: number): Gw[] {
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

/** Thermal noise (+ the gateway's noise figure and ambient rise) over `bwKhz`, dBm. */
export const noiseFloor = (gw: Gw, bwKhz: number): number => -174 + 10 * Math.log10(bwKhz * 1000) + gw.nfDb + gw.riseDb;

export interface LinkTable {
  /** The link values of a frame (with fading, its own; without, its node's, shared: see LinkValues). */
  valuesOf(tx: Transmission): LinkValues;
  /** Path loss (dB, shadowing included) from `nodeId` at (x, y) to gateway g. */
  pathLoss(nodeId: string, x: number, y: number, g: number): number;
}

/**
 * Per node: its shadowing and the median path loss to each gateway at its last position, and the
 * link values of its last (power, SF, bandwidth) without fading. A node sends from one place at
 * one setting for long stretches, so most frames reuse them (same arithmetic, same numbers).
 * One entry (one map lookup, one typed array) per node: a fleet makes one for each node at boot.
 */
interface NodeLinks {
  /** The table it belongs to, and its node (checked when a Transmission.sender hands it back). */
  owner: Map<string, NodeLinks>;
  nodeId: string;
  /** Per gateway g: median path loss at (x, y) at [g], shadowing at [nGw + g] (dB). */
  db: Float64Array;
  /** The position `db`'s path losses are for (NaN before the first frame). */
  x: number;
  y: number;
  powerDbm: number;
  sf: number;
  bwKhz: number;
  values: LinkValues | null;
}

export function createLinkTable(gws: Gw[], model: PathLossModel, seed: Seed, fading: Fading): LinkTable {
  const nGw = gws.length;
  const fadingSigma = typeof fading === 'object' && fading !== null ? fading.sigmaDb : 0;
  const links = new Map<string, NodeLinks>();

  /** The node's entry, made with its shadowing (dB) of each (node, gateway) link, drawn once from its own stream. */
  function nodeLinks(nodeId: string): NodeLinks {
    let l = links.get(nodeId);
    if (l === undefined) {
      const db = new Float64Array(2 * nGw);
      if (model.sigma > 0) {
        // createRng(seed, 'shadow', nodeId, gateway id).gaussian(0, sigma), without a generator per link
        for (let g = 0; g < nGw; g++) db[nGw + g] = firstGaussian(seed, 'shadow', nodeId, (gws[g] as Gw).cfg.id, 0, model.sigma);
      }
      l = { owner: links, nodeId, db, x: Number.NaN, y: Number.NaN, powerDbm: Number.NaN, sf: 0, bwKhz: 0, values: null };
      links.set(nodeId, l);
    }
    return l;
  }

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

  /** The node's entry with its path losses at the frame's position (a move drops its link values). */
  function linksOf(tx: Transmission): NodeLinks {
    // the entry the sender keeps for the node (Transmission.sender), if it is this table's and this node's; else the table's
    const s = tx.sender;
    let l = s === undefined ? undefined : (s.link as NodeLinks | null | undefined);
    if (l === undefined || l === null || l.owner !== links || l.nodeId !== tx.nodeId) {
      l = nodeLinks(tx.nodeId);
      if (s !== undefined) s.link = l;
    }
    if (l.x !== tx.x || l.y !== tx.y) {
      const db = l.db;
      for (let g = 0; g < nGw; g++) {
        const gw = gws[g] as Gw;
        db[g] = medianPathLossDb(model, Math.hypot(tx.x - gw.cfg.x, tx.y - gw.cfg.y));
      }
      l.x = tx.x;
      l.y = tx.y;
      l.powerDbm = Number.NaN;
      l.sf = 0;
      l.bwKhz = 0;
      l.values = null;
    }
    return l;
  }

  /** The link values of `tx` from its node's path losses and shadowing (`db`), with this frame's fading if any. */
  function linkValues(tx: Transmission, db: Float64Array): LinkValues {
    const vals = new Float64Array(3 * nGw);
    const status: number[] = []; // filled in gateway order below (a packed array)
    const fade = fading === 'off' ? null : createRng(seed, 'fading', tx.id);
    const f = floorsFor(tx.bwKhz);
    const floorSnr = demodFloorSnr(tx.sf);
    for (let g = 0; g < nGw; g++) {
      const gw = gws[g] as Gw;
      let p = tx.powerDbm + gw.gainDb - (db[g] as number) - (db[nGw + g] as number);
      if (fade !== null) p += fading === 'rayleigh' ? 10 * Math.log10(Math.max(fade.exponential(1), 1e-30)) : fade.gaussian(0, fadingSigma);
      const q = p - (f.noise[g] as number);
      vals[3 * g] = p;
      vals[3 * g + 1] = Math.pow(10, p / 10);
      vals[3 * g + 2] = q;
      status[g] = p < (f.sens[g * 13 + tx.sf] as number) ? BELOW_SENSITIVITY : q < floorSnr ? BELOW_SNR_FLOOR : OK;
    }
    return { vals, status, receptions: [], received: null, byMask: null };
  }

  return {
    valuesOf(tx: Transmission): LinkValues {
      const l = linksOf(tx);
      if (fading !== 'off') return linkValues(tx, l.db);
      let v = l.values;
      if (v === null || l.powerDbm !== tx.powerDbm || l.sf !== tx.sf || l.bwKhz !== tx.bwKhz) {
        v = l.values = linkValues(tx, l.db);
        l.powerDbm = tx.powerDbm;
        l.sf = tx.sf;
        l.bwKhz = tx.bwKhz;
      }
      return v;
    },

    pathLoss(nodeId: string, x: number, y: number, g: number): number {
      const gw = gws[g] as Gw;
      return medianPathLossDb(model, Math.hypot(x - gw.cfg.x, y - gw.cfg.y)) + (nodeLinks(nodeId).db[nGw + g] as number);
    },
  };
}
