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
import type { GatewayReception } from '../channel/types.ts';
import { createFleetAir, type AirNode } from './air.ts';
import type { TxLog } from '../modems/types.ts';
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

/**
 * A node as the air knows it, with what the run counts for it as it goes: kept on this object,
 * which each uplink's handling reads anyway, rather than in its NodeOutcome and a Set (more cold
 * objects to reach per uplink with a thousand nodes). Its NodeOutcome is made at the end
 * (`finishNodes`): ten thousand nodes boot with one object fewer each, and an empty Set fewer.
 */
interface RunNode extends AirNode {
  /** Its place in the run's list of nodes (the delivered-FCnt log names nodes by it). */
  index: number;
  node: FleetNode;
  sim: VirtualNode;
  /** Made at the end of the run. */
  out: NodeOutcome | null;
  delivered: number;
}

/** Powers a node up (a clock callback shared by every node: no closure per node). */
const startNode = (sim: VirtualNode): void => sim.start();

/** Builds and loads each (app, board) bundle the fleet needs, once. */
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
  const airNodes: RunNode[] = [];
  const gatewayReceived: Record<string, number> = {};
  for (const g of f.gateways) gatewayReceived[g.id] = 0;
  // Accepted frames per list of receiving gateways: the channel hands every frame that the same
  // gateways received at the same link values one shared list, so one count per frame here and a
  // pass over the lists at the end replace an increment per gateway keyed by its id (slow keyed
  // access by a string that is not a literal).
  const acceptedBy = new Map<readonly GatewayReception[], number>();
  // the FCnts the network delivered, in arrival order, as (node index, FCnt) pairs: one array for
  // the run rather than one per node (one more cold object to reach per uplink); finishNodes sorts them out
  const deliveredLog: number[] = [];
  let joinsAccepted = 0;
  const external = o.external ? { gateways: await o.external.gateways(clock), region: f.region } : undefined;

  const air = createFleetAir<RunNode>(clock, channel, ns, {
    onReceive(r, node, tx, endMs) {
      if (!r.accepted) return;
      const by = tx.receivedBy;
      acceptedBy.set(by, (acceptedBy.get(by) ?? 0) + 1);
      if (r.kind === 'join') {
        joinsAccepted++;
        return;
      }
      if (r.kind !== 'data' || r.retransmission || !r.payload || !r.fPort) return;
      node.delivered++;
      if (r.fCnt !== undefined) deliveredLog.push(node.index, r.fCnt);
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

  /**
   * Registers node `n` with the network and the air, creates it and schedules its power-up. A
   * function rather than the loop's body: called once per node, it is optimized like any hot
   * function (a loop body in a function that runs once waits for on-stack replacement).
   */
  const addNode = (n: FleetNode): void => {
    const fw = bundles.get(`${n.app}.${n.board}`);
    if (!fw) throw new Error(`no bundle for ${n.app}.${n.board}`);
    if (n.activation.mode === 'otaa') ns.register({ devEui: n.devEui, joinEui: n.activation.joinEui, appKey: n.activation.appKey });
    else ns.register({ mode: 'abp', devEui: n.devEui, devAddr: n.activation.devAddr, nwkSKey: n.activation.nwkSKey, appSKey: n.activation.appSKey });
    // made before its node (filled in below): the node's modem transmits on the Air made for it
    // (FleetAir.registerNode: no lookup by DevEUI per frame)
    const airNode: RunNode = { id: n.id, app: n.app, x: n.x, y: n.y, log: undefined as unknown as TxLog, sent: 0, index: airNodes.length, node: n, sim: undefined as unknown as VirtualNode, out: null, delivered: 0 };
    const sim = createVirtualNode({
      id: n.id,
      firmware: fw,
      clock,
      air: air.registerNode(n.devEui, airNode),
      seed: `${String(f.seed)}/${n.id}`,
      hwEui: n.devEui,
      override: { ...n.settings, fairUse: f.fairUse, activation: n.activation },
      signals: n.signals,
      modemFaults: n.faults.modem,
    });
    airNode.log = sim.modem.log;
    airNode.sim = sim;
    airNodes.push(airNode);
    // nodes power up spread over the first ten minutes, as a real roll-out would
    const startRng = createRng(f.seed, 'start', n.id);
    clock.scheduleCall(startRng.int(600_000), startNode, sim);
    const reboots = n.faults.rebootsAtMs;
    for (let i = 0; i < reboots.length; i++) {
      // a reboot is a power cut in the middle of the next flash write, or at once if none comes soon
      clock.schedule(reboots[i]!, () => (startRng.float() < 0.5 ? sim.cutPowerDuringNextWrite(startRng.int(64)) : sim.reboot()));
    }
  };
  for (let i = 0; i < f.nodes.length; i++) addNode(f.nodes[i]!);

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

  // the outcomes, by id (a later node of the same id replaces an earlier one, in its place)
  const byId = new Map<string, NodeOutcome>();
  for (const a of airNodes) byId.set(a.id, (a.out = { node: a.node, sim: a.sim, delivered: 0, deliveredFCnts: new Set(), wakeups: 0, stats: undefined as never }));
  const nodes = [...byId.values()];
  for (const n of nodes) {
    n.wakeups = n.sim.wakeups();
    n.stats = n.sim.firmware().stats();
  }
  finishNodes(airNodes, deliveredLog);
  // (in the order the lists first came: a gateway missing from f.gateways, if any, is added where it was before)
  acceptedBy.forEach((count, list) => {
    for (let i = 0; i < list.length; i++) gatewayReceived[list[i]!.gatewayId] += count;
  });
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
function finishNodes(nodes: RunNode[], delivered: number[]): void {
  for (const n of nodes) {
    if (n.log.count() !== n.sent) throw new Error(`node ${n.id}: modem logged ${n.log.count()} transmissions, the air saw ${n.sent}`);
    n.out!.delivered = n.delivered;
  }
  for (let i = 0; i < delivered.length; i += 2) nodes[delivered[i]!]!.out!.deliveredFCnts.add(delivered[i + 1]!);
}
