// Runs a fleet: the built firmware bundles on virtual nodes, their emulated modems
// transmitting through the radio channel to gateways and the network server, on one
// discrete-event clock. Returns the logs (transmissions, downlinks) and the counts the
// report needs; decoded uplinks stream to `onUplink` as they arrive.
import { buildCode } from '../../scripts/build/build.ts';
import { BOARDS, type BoardId } from '../../scripts/build/boards.ts';
import { decodeUplink } from '../../codecs/index.ts';
import { createClock, type Clock } from '../clock.ts';
import type { VirtualGateway } from '../gateway/types.ts';
import { startRealtimePacer } from '../gateway/realtime.ts';
import { createChannel } from '../channel/channel.ts';
import { createRng } from '../channel/rng.ts';
import { createNetworkServer } from '../network/server.ts';
import { networkRegion } from '../network/region.ts';
import { loadFirmware, type LoadedFirmware } from '../node/bundle.ts';
import { createVirtualNode, type VirtualNode } from '../node/virtual-node.ts';
import type { ExpandedFleet, FleetNode } from '../fleet/expand.ts';
import type { DecodedUplink, DownlinkRecord, TxRecord } from '../types.ts';
import { createFleetAir, type AirNode } from './air.ts';
import { bytesToHex } from '../lorawan/bytes.ts';

export interface FleetRunOptions {
  fleet: ExpandedFleet;
  /** Decoded uplinks, in arrival order (deterministic for a seed). */
  onUplink?: (u: DecodedUplink) => void;
  /** Progress 0..1 of simulated time. */
  onProgress?: (fraction: number) => void;
  /** Pre-built bundles by `<app>.<board>` (else built here). */
  bundles?: Map<string, LoadedFirmware>;
  /**
   * A real network server instead of the simulator's: one virtual gateway per fleet
   * gateway id (e.g. Semtech UDP packet forwarders), made on the run's clock. Virtual
   * time then follows the wall clock (times `speed`), so the server's receive windows
   * line up; decoding is the real server's job.
   */
  external?: { gateways: (clock: Clock) => Promise<Map<string, VirtualGateway>>; speed: number };
}

export interface NodeOutcome {
  node: FleetNode;
  sim: VirtualNode;
  /** Application uplinks the network accepted (first copies). */
  delivered: number;
  /** Their FCnts. */
  deliveredFCnts: Set<number>;
  wakeups: number;
  stats: ReturnType<ReturnType<VirtualNode['firmware']>['stats']>;
}

export interface FleetRunResult {
  txs: TxRecord[];
  downlinks: DownlinkRecord[];
  nodes: NodeOutcome[];
  gatewayReceived: Record<string, number>;
  collisions: number;
  joinsAccepted: number;
  /** Whether the network delivered the payload of this node's data frame with this 32-bit FCnt. */
  isDelivered(nodeId: string, fCnt: number | undefined): boolean;
  wallTimeMs: number;
}

/** Builds and loads each (app, board) bundle the fleet needs, once. */
/**
 * A node as the air knows it, with what the run counts for it as it goes: kept on this object,
 * which each uplink's handling reads anyway, rather than in its NodeOutcome and a Set (more cold
 * objects to reach per uplink with a thousand nodes); `finishNodes` hands them over at the end.
 */
interface RunNode extends AirNode {
  out: NodeOutcome;
  delivered: number;
  /** FCnts of the delivered uplinks, in arrival order (deliveredFCnts is built from them). */
  fCnts: number[];
}

export async function loadBundles(fleet: ExpandedFleet): Promise<Map<string, LoadedFirmware>> {
  const out = new Map<string, LoadedFirmware>();
  for (const n of fleet.nodes) {
    const key = `${n.app}.${n.board}`;
    if (out.has(key)) continue;
    out.set(key, loadFirmware(`${key}.js`, await buildCode(n.app, BOARDS[n.board as BoardId])));
  }
  return out;
}

export async function runFleet(o: FleetRunOptions): Promise<FleetRunResult> {
  const f = o.fleet;
  const bundles = o.bundles ?? (await loadBundles(f));
  const started = Date.now();
  const clock = createClock(0);
  const channel = createChannel({ ...f.channel, region: f.region });
  const rng = createRng(f.seed, 'network');
  const ns = createNetworkServer({ rng: () => rng.next32(), region: networkRegion(f.region) });
  const byId = new Map<string, NodeOutcome>();
  const airNodes: RunNode[] = [];
  const gatewayReceived: Record<string, number> = {};
  for (const g of f.gateways) gatewayReceived[g.id] = 0;
  let joinsAccepted = 0;
  const external = o.external ? { gateways: await o.external.gateways(clock), region: f.region } : undefined;

  const air = createFleetAir<RunNode>(clock, channel, ns, {
    onReceive(r, node, tx, endMs) {
      if (!r.accepted) return;
      for (const g of tx.receivedBy) gatewayReceived[g.gatewayId]++;
      if (r.kind === 'join') {
        joinsAccepted++;
        return;
      }
      if (r.kind !== 'data' || r.retransmission || !r.payload || !r.fPort) return;
      node.delivered++;
      if (r.fCnt !== undefined) node.fCnts.push(r.fCnt);
      if (!o.onUplink) return;
      const d = decodeUplink(node.app, { bytes: r.payload, fPort: r.fPort });
      o.onUplink({
        timeMs: endMs,
        nodeId: node.id,
        devEui: tx.devEui,
        app: node.app,
        fCnt: r.fCnt ?? -1,
        fPort: r.fPort,
        payload: bytesToHex(r.payload, true),
        data: d.data,
        warnings: d.warnings ?? [],
        errors: d.errors ?? [],
        gateways: tx.receivedBy,
        dr: tx.dr,
      });
    },
  }, external);

  for (const n of f.nodes) {
    const fw = bundles.get(`${n.app}.${n.board}`);
    if (!fw) throw new Error(`no bundle for ${n.app}.${n.board}`);
    if (n.activation.mode === 'otaa') ns.register({ devEui: n.devEui, joinEui: n.activation.joinEui, appKey: n.activation.appKey });
    else ns.register({ mode: 'abp', devEui: n.devEui, devAddr: n.activation.devAddr, nwkSKey: n.activation.nwkSKey, appSKey: n.activation.appSKey });
    const sim = createVirtualNode({
      id: n.id,
      firmware: fw,
      clock,
      air,
      seed: `${String(f.seed)}/${n.id}`,
      hwEui: n.devEui,
      override: { ...n.settings, fairUse: f.fairUse, activation: n.activation },
      signals: n.signals,
      modemFaults: n.faults.modem,
    });
    const out: NodeOutcome = { node: n, sim, delivered: 0, deliveredFCnts: new Set(), wakeups: 0, stats: undefined as never };
    byId.set(n.id, out);
    const airNode: RunNode = { id: n.id, app: n.app, x: n.x, y: n.y, log: sim.modem.log, sent: 0, out, delivered: 0, fCnts: [] };
    airNodes.push(airNode);
    air.register(n.devEui, airNode);
    // nodes power up spread over the first ten minutes, as a real roll-out would
    const startRng = createRng(f.seed, 'start', n.id);
    clock.schedule(startRng.int(600_000), () => sim.start());
    for (const t of n.faults.rebootsAtMs) {
      // a reboot is a power cut in the middle of the next flash write, or at once if none comes soon
      clock.schedule(t, () => (startRng.float() < 0.5 ? sim.cutPowerDuringNextWrite(startRng.int(64)) : sim.reboot()));
    }
  }

  const steps = 100;
  if (o.external) {
    const pacer = startRealtimePacer(clock, { speed: o.external.speed });
    for (let i = 1; i <= steps; i++) {
      await pacer.until((f.durationMs * i) / steps);
      o.onProgress?.(i / steps);
    }
    pacer.stop();
    // what each gateway forwarded (the real server decides what it accepts)
    for (const t of air.txs) for (const g of t.receivedBy) gatewayReceived[g.gatewayId]++;
    await Promise.all([...external!.gateways.values()].map((g) => g.close()));
  } else {
    for (let i = 1; i <= steps; i++) {
      clock.runUntil((f.durationMs * i) / steps);
      o.onProgress?.(i / steps);
      // let I/O run (progress bar, MQTT sink) between steps
      await new Promise<void>((r) => setImmediate(r));
    }
  }

  const nodes = [...byId.values()];
  for (const n of nodes) {
    n.wakeups = n.sim.wakeups();
    n.stats = n.sim.firmware().stats();
  }
  finishNodes(airNodes);
  return {
    txs: air.txs,
    downlinks: air.downlinks,
    nodes,
    gatewayReceived,
    collisions: air.collisions(),
    joinsAccepted,
    isDelivered: (nodeId, fCnt) => fCnt !== undefined && byId.get(nodeId)?.deliveredFCnts.has(fCnt) === true,
    wallTimeMs: Date.now() - started,
  };
}

/**
 * Hands each node's counts to its outcome, and checks that every transmission its modem logged went
 * on air (the air completed each record from the log as the frame went on air: air.ts txRecord).
 */
function finishNodes(nodes: RunNode[]): void {
  for (const n of nodes) {
    if (n.log.count() !== n.sent) throw new Error(`node ${n.id}: modem logged ${n.log.count()} transmissions, the air saw ${n.sent}`);
    n.out.delivered = n.delivered;
    for (let i = 0; i < n.fCnts.length; i++) n.out.deliveredFCnts.add(n.fCnts[i]!);
  }
}
