// A one-network, loss-free test bench for firmware bundles: the built bundle on
// virtual nodes, emulated modems, a direct air link, the network server, and the
// app's own codec decoding what arrives.
import { buildCode } from '../../scripts/build/build.ts';
import { BOARDS, type BoardId } from '../../scripts/build/boards.ts';
import { createClock, type Clock } from '../../simulator/clock.ts';
import { createNetworkServer } from '../../simulator/network/server.ts';
import type { NetworkServer, ReceiveResult } from '../../simulator/network/types.ts';
import { createDirectAir, type DirectAir } from '../../simulator/network/direct-air.ts';
import { createSeededRng } from '../../simulator/lorawan/rng.ts';
import { loadFirmware, type LoadedFirmware } from '../../simulator/node/bundle.ts';
import { createVirtualNode, type VirtualNode, type VirtualNodeOptions } from '../../simulator/node/virtual-node.ts';
import { decodeUplink } from '../../codecs/index.ts';
import type { Activation } from '../../firmware/core/types.ts';

const cache = new Map<string, LoadedFirmware>();

/** Builds (once per run) and loads the bundle of `app` for `board`. */
export async function firmware(app: string, board: BoardId): Promise<LoadedFirmware> {
  const key = `${app}.${board}`;
  let f = cache.get(key);
  if (!f) {
    f = loadFirmware(`${key}.js`, await buildCode(app, BOARDS[board]));
    cache.set(key, f);
  }
  return f;
}

export interface Bench {
  clock: Clock;
  ns: NetworkServer;
  air: DirectAir;
  uplinks: Array<ReceiveResult & { timeMs: number }>;
  nodes: VirtualNode[];
}

export function hexKey(seed: number, bytes: number): string {
  const rng = createSeededRng(seed);
  let s = '';
  for (let i = 0; i < bytes; i++) s += (rng() & 255).toString(16).padStart(2, '0');
  return s.toUpperCase();
}

export function createBench(app: string, seed = 1): Bench {
  const clock = createClock(0);
  const uplinks: Bench['uplinks'] = [];
  const ns = createNetworkServer({
    rng: createSeededRng(seed),
    decode: (fPort, bytes) => decodeUplink(app, { bytes, fPort }),
    onUplink: (r) => uplinks.push({ ...r, timeMs: clock.now() }),
  });
  const air = createDirectAir(clock, ns);
  return { clock, ns, air, uplinks, nodes: [] };
}

function addWith(b: Bench, fw: LoadedFirmware, i: number, activation: Activation, extra: Partial<VirtualNodeOptions>): VirtualNode {
  const node = createVirtualNode({
    id: `n${i}`,
    firmware: fw,
    clock: b.clock,
    air: b.air,
    seed: i,
    hwEui: hexKey(1000 + i, 8),
    ...extra,
    override: { activation, ...(extra.override ?? {}) },
  });
  b.nodes.push(node);
  return node;
}

/** Adds an OTAA node (registered on the network) running `fw`. */
export function addNode(b: Bench, fw: LoadedFirmware, i: number, extra: Partial<VirtualNodeOptions> = {}): VirtualNode {
  const devEui = hexKey(1000 + i, 8);
  const joinEui = hexKey(2000 + i, 8);
  const appKey = hexKey(3000 + i, 16);
  b.ns.register({ devEui, joinEui, appKey });
  return addWith(b, fw, i, { mode: 'otaa', devEui, joinEui, appKey }, extra);
}

/** Adds an ABP node (session registered on the network) running `fw`. */
export function addAbpNode(b: Bench, fw: LoadedFirmware, i: number, extra: Partial<VirtualNodeOptions> = {}): VirtualNode {
  const devAddr = '26' + hexKey(4000 + i, 3);
  const nwkSKey = hexKey(5000 + i, 16);
  const appSKey = hexKey(6000 + i, 16);
  b.ns.register({ mode: 'abp', devEui: hexKey(1000 + i, 8), devAddr, nwkSKey, appSKey });
  return addWith(b, fw, i, { mode: 'abp', devAddr, nwkSKey, appSKey }, extra);
}

/** Data-frame FCnts the modem put on air, first transmissions only, in order. */
export function sentFCnts(node: VirtualNode): number[] {
  return node.modem.txLog.filter((t) => t.type !== 'join' && t.retry === 0).map((t) => t.fCnt as number);
}
