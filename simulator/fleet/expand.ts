// Expansion of a fleet definition into concrete nodes and gateways: positions,
// identities and keys, per-node signals and fault schedules, all deterministic from
// the seed. Each purpose draws from its own named stream (channel/rng.ts), so e.g.
// adding a group never moves another group's nodes.
import { inspect } from 'node:util';
import { createRng, hashParts, type Seed } from '../channel/rng.ts';
import type { ChannelOptions, GatewayConfig } from '../channel/types.ts';
import { regionByName } from '../../firmware/lorawan/regions.ts';
import type { Region } from '../../firmware/lorawan/region.ts';
import type { FairUseConfig } from '../../firmware/lorawan/fairuse.ts';
import type { Activation } from '../../firmware/core/types.ts';
import { BOARDS, type BoardId, type ModemType } from '../../scripts/build/boards.ts';
import type { FaultRates } from '../modems/types.ts';
import { APP_PROFILES, type AppName } from './apps.ts';
import { FleetError } from './errors.ts';
import { place } from './placement.ts';
import { createSignal, type SignalFn } from './signals.ts';
import type { FleetDefinition, GatewaySpec, GroupSpec, Placement, Point, SensorFaultSpec, SettingsOverrides } from './types.ts';

export interface NodeFaults {
  /** Times (ms, ascending, within the run) the node reboots. */
  rebootsAtMs: number[];
  /** Random modem fault rates for the node's modem emulator. */
  modem: FaultRates;
  /** Sensor failures of this node: the quantity's sensor shows `fault` from fromMs until untilMs (null: to the end). */
  sensors: Array<{ quantity: string; fault: SensorFaultSpec['fault']; fromMs: number; untilMs: number | null }>;
}

export interface FleetNode {
  /** 0-based, across the whole fleet. */
  index: number;
  /** `<group>-<n>`, n from 1, zero-padded. */
  id: string;
  group: string;
  app: AppName;
  board: BoardId;
  modem: ModemType;
  x: number;
  y: number;
  devEui: string;
  /** Keys: JSON, String() and util.inspect of this object show them redacted. */
  activation: Activation;
  settings: SettingsOverrides;
  /** Every quantity of the app (the file's signals, the app's defaults for the rest). */
  signals: Record<string, SignalFn>;
  faults: NodeFaults;
}

export interface ExpandedFleet {
  name: string;
  description: string;
  region: Region;
  durationMs: number;
  seed: Seed;
  fairUse: FairUseConfig | null;
  gateways: GatewayConfig[];
  /** Ready for createChannel (simulator/channel). */
  channel: ChannelOptions;
  groups: Array<{ name: string; app: AppName; board: BoardId; count: number; placement: Placement['kind'] }>;
  nodes: FleetNode[];
}

export interface ExpandOptions {
  /** Scale the fleet to this many nodes in all (group shares kept, largest remainder). */
  devices?: number;
}

const hex = (n: number, digits: number): string => (n >>> 0).toString(16).toUpperCase().padStart(8, '0').slice(8 - digits);

function randomHex(seed: Seed, bytes: number, ...path: Seed[]): string {
  const rng = createRng(seed, ...path);
  let out = '';
  for (let i = 0; i < bytes; i += 4) out += hex(rng.next32(), 8);
  return out.slice(0, bytes * 2);
}

/** DevEUI of node `index`: locally administered (0x02), 4 bytes from the seed, 3 bytes of index. Unique below 2^24 nodes. */
export function devEuiFor(seed: Seed, index: number): string {
  return `02${hex(hashParts([seed, 'dev-eui'])[0], 8)}${hex(index, 6)}`;
}

/** The fleet's JoinEUI (one per seed, locally administered). */
export function joinEuiFor(seed: Seed): string {
  const [a, b] = hashParts([seed, 'join-eui']);
  return `${hex((a & 0xfcffffff) | 0x02000000, 8)}${hex(b, 8)}`;
}

const REDACTED = '<redacted>';

/** An activation whose keys never show up in JSON, String() or console output. */
function sealed(a: Activation): Activation {
  const shown = a.mode === 'otaa' ? { mode: a.mode, devEui: a.devEui, joinEui: a.joinEui, appKey: REDACTED } : { mode: a.mode, devAddr: a.devAddr, nwkSKey: REDACTED, appSKey: REDACTED };
  Object.defineProperties(a, {
    toJSON: { value: () => shown },
    toString: { value: () => (a.mode === 'otaa' ? `otaa ${a.devEui}` : `abp ${a.devAddr}`) },
    [inspect.custom]: { value: () => shown },
  });
  return a;
}

function activationFor(seed: Seed, index: number, mode: 'otaa' | 'abp', devEui: string): Activation {
  if (mode === 'otaa') return sealed({ mode: 'otaa', devEui, joinEui: joinEuiFor(seed), appKey: randomHex(seed, 16, 'app-key', index) });
  // TTN's NetID 0x000013: DevAddr 0x26000000..0x27FFFFFF; consecutive from a seeded base, so unique
  const base = hashParts([seed, 'dev-addr'])[0] & 0x1ffffff;
  const devAddr = hex(0x26000000 | ((base + index) & 0x1ffffff), 8);
  return sealed({ mode: 'abp', devAddr, nwkSKey: randomHex(seed, 16, 'nwk-s-key', index), appSKey: randomHex(seed, 16, 'app-s-key', index) });
}

function nodeFaults(g: GroupSpec, seed: Seed, nodeId: string, durationMs: number): NodeFaults {
  const reboots = g.faults.reboots.atMs.filter((t) => t < durationMs);
  const mean = g.faults.reboots.meanIntervalMs;
  if (mean !== null) {
    const rng = createRng(seed, 'reboots', nodeId);
    for (let t = rng.exponential(mean); t < durationMs; t += rng.exponential(mean)) reboots.push(Math.round(t));
    reboots.sort((a, b) => a - b);
  }
  const sensors: NodeFaults['sensors'] = [];
  g.faults.sensors.forEach((s, k) => {
    const rng = createRng(seed, 'sensor-fault', nodeId, k);
    if (!(rng.float() < s.fraction)) return;
    const fromMs = s.fromMs ?? Math.floor(rng.float() * durationMs);
    sensors.push({ quantity: s.quantity, fault: s.fault, fromMs, untilMs: s.untilMs });
  });
  return { rebootsAtMs: reboots, modem: { ...g.faults.modem }, sensors };
}

/** Counts scaled to `total` by largest remainder (ties to the earlier group). */
export function scaleCounts(counts: readonly number[], total: number): number[] {
  const sum = counts.reduce((a, b) => a + b, 0);
  if (sum === 0) return counts.map(() => 0);
  const exact = counts.map((c) => (c * total) / sum);
  const out = exact.map(Math.floor);
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => ({ i, r: e - Math.floor(e) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (let k = 0; left > 0; k++, left--) out[(order[k % order.length] as { i: number }).i]! += 1;
  return out;
}

function placeOrFail(p: Placement, count: number, seed: Seed, source: string, field: string, ...stream: Seed[]): Point[] {
  try {
    return place(p, count, createRng(seed, ...stream));
  } catch (err) {
    throw new FleetError(source, field, (err as Error).message);
  }
}

function expandGateways(def: FleetDefinition, seed: Seed): GatewayConfig[] {
  const out: GatewayConfig[] = [];
  const ids = new Set<string>();
  def.gateways.forEach((g: GatewaySpec, i) => {
    const positions: Array<{ id: string; p: Point }> =
      g.kind === 'fixed'
        ? [{ id: g.id, p: [g.x, g.y] }]
        : placeOrFail(g.placement, g.count, seed, def.source, `gateways[${i}].generate.placement`, 'gateway-placement', i).map((p, k) => ({ id: `${g.prefix}${k + 1}`, p }));
    for (const { id, p } of positions) {
      if (ids.has(id)) throw new FleetError(def.source, `gateways[${i}]`, `duplicate gateway id "${id}"`);
      ids.add(id);
      out.push({ id, x: p[0], y: p[1], ...g.radio });
    }
  });
  return out;
}

/** Concrete nodes and gateways for `def` under `seed` (default: the file's). Throws FleetError. */
export function expandFleet(def: FleetDefinition, seed: Seed = def.seed, opts: ExpandOptions = {}): ExpandedFleet {
  const region = regionByName(def.region);
  if (!region) throw new FleetError(def.source, 'region', `unknown region ${JSON.stringify(def.region)}`);
  let counts = def.groups.map((g) => g.count);
  if (opts.devices !== undefined) {
    if (!(Number.isInteger(opts.devices) && opts.devices >= 0 && opts.devices <= 1000000)) throw new FleetError(def.source, 'devices', `expected a whole number of devices 0..1000000, got ${String(opts.devices)}`);
    counts = scaleCounts(counts, opts.devices);
  }
  const gateways = expandGateways(def, seed);
  const nodes: FleetNode[] = [];
  def.groups.forEach((g, gi) => {
    const count = counts[gi] as number;
    const positions = placeOrFail(g.placement, count, seed, def.source, `groups[${gi}].placement`, 'placement', g.name);
    const profile = APP_PROFILES[g.app];
    const width = Math.max(3, String(count).length);
    for (let k = 0; k < count; k++) {
      const index = nodes.length;
      const id = `${g.name}-${String(k + 1).padStart(width, '0')}`;
      const devEui = devEuiFor(seed, index);
      const signals: Record<string, SignalFn> = {};
      for (const [q, qp] of Object.entries(profile.quantities)) {
        signals[q] = createSignal(g.signals[q] ?? qp.default, { seed, nodeId: id, quantity: q, min: qp.min, max: qp.max });
      }
      const [x, y] = positions[k] as Point;
      nodes.push({
        index,
        id,
        group: g.name,
        app: g.app,
        board: g.board,
        modem: g.modem ?? BOARDS[g.board].modem,
        x,
        y,
        devEui,
        activation: activationFor(seed, index, g.activation, devEui),
        settings: { ...g.settings, ...(g.settings.thresholds ? { thresholds: [...g.settings.thresholds] } : {}) },
        signals,
        faults: nodeFaults(g, seed, id, def.durationMs),
      });
    }
  });
  const channel: ChannelOptions = { region, gateways, seed, ...def.channel };
  return {
    name: def.name,
    description: def.description,
    region,
    durationMs: def.durationMs,
    seed,
    fairUse: def.fairUse ? { ...def.fairUse } : null,
    gateways,
    channel,
    groups: def.groups.map((g, gi) => ({ name: g.name, app: g.app, board: g.board, count: counts[gi] as number, placement: g.placement.kind })),
    nodes,
  };
}
