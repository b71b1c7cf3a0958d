// The fleet's air: every modem emulator transmits here. Each frame goes through the
// radio channel (path loss, collisions, capture, demodulator limits); when it ends,
// the gateways that demodulated it hand it to the network server, whose downlink
// (join accept, ACK, data) comes back to the node's modem in its receive window.
import type { Clock } from '../clock.ts';
import type { GatewayReception, LossReason, RadioChannel, SharedReceptions, Transmission } from '../channel/types.ts';
import type { Air, AirRx, AirTx, TxLog } from '../modems/types.ts';
import type { GatewayRx, NetworkServer, ReceiveResult } from '../network/types.ts';
import type { DownlinkRecord, TxRecord } from '../types.ts';
import type { Region } from '../../firmware/lorawan/region.ts';
import type { VirtualGateway } from '../gateway/types.ts';
import { drOf, modulationOfDr } from '../gateway/radio.ts';
import { ChannelFrame } from '../channel/frame.ts';

/**
 * A real network server behind the fleet's gateways (Semtech UDP, ChirpStack MQTT):
 * frames the channel lets a gateway demodulate go out through that gateway, and every
 * downlink a gateway transmits is offered to the devices still listening (their modems
 * check window, frequency, data rate, address and MIC, as a radio would).
 */
export interface ExternalNetwork {
  gateways: Map<string, VirtualGateway>;
  region: Region;
}

/** How long after an uplink a device may still receive (join accept RX2 at 6 s, plus margin). */
const LISTEN_MS = 8000;

export interface AirNode {
  id: string;
  app: string;
  x: number;
  y: number;
  /** The node's modem's transmission log: what only the modem knows (FCnt, DevNonce, retransmission number). */
  log: TxLog;
  /** Transmissions the air has seen from this node (the log index of the next one). */
  sent: number;
}

export interface FleetAirEvents<N extends AirNode = AirNode> {
  /** An accepted uplink or join at the network server (after the channel). */
  onReceive(r: ReceiveResult, node: N, tx: TxRecord, endMs: number): void;
}

export interface FleetAir<N extends AirNode = AirNode> extends Air {
  /** Every transmission, in the order they started, complete (FCnt / DevNonce and retry from the modem's log). */
  readonly txs: TxRecord[];
  readonly downlinks: DownlinkRecord[];
  /** Transmissions no gateway received because of a collision. */
  collisions(): number;
  /**
   * Registers `node` under `devEui`, and returns an Air for that node's modem to transmit on: its frames with that
   * DevEUI reach their node without a lookup by DevEUI (a map lookup by a string that is not the
   * key's own object compares the texts; per uplink, with the map and its keys cold in the caches).
   * Frames with another DevEUI are looked up as `transmit` does; so are all once a DevEUI is registered twice.
   */
  registerNode(devEui: string, node: N): Air;
}

/**
 * A node's own Air (FleetAir.registerNode): one small object per node, with a shared method. It is
 * also the node's Transmission.sender: the channel keeps its link state for the node in `link`.
 */
class NodeAir<N extends AirNode> implements Air {
  /** The channel's (Transmission.sender). */
  link: unknown = undefined;

  constructor(
    private readonly key: string,
    private readonly node: N,
    private readonly air: { send(node: N | undefined, tx: AirTx, rx: (dl: AirRx) => void, sender: NodeAir<N> | undefined): void; dupes: boolean },
  ) {}

  transmit(tx: AirTx, rx: (dl: AirRx) => void): void {
    // the node the map holds for tx.devEui, when that is this key and nobody replaced it
    if (tx.devEui === this.key && !this.air.dupes) this.air.send(this.node, tx, rx, this);
    else this.air.send(undefined, tx, rx, undefined);
  }
}

/**
 * What the air hands the channel: the transmission, carrying its own in-flight state (the channel
 * gives the object back) and, as a ChannelFrame, the channel's. One object per frame rather than
 * three: at thousands of nodes the per-frame objects are what the CPU cache misses on.
 */
class AirTransmission<N extends AirNode> extends ChannelFrame {
  constructor(
    id: number,
    tx: AirTx,
    sender: NodeAir<N> | undefined,
    readonly rec: TxRecord,
    readonly phy: Uint8Array,
    readonly node: N,
    readonly rx: (dl: AirRx) => void,
  ) {
    super(id, node.id, node.x, node.y, tx.freqHz, tx.sf, tx.bwKhz, tx.powerDbm, tx.startMs, tx.airtimeMs, sender);
  }
}

/**
 * A record's receivedBy until its frame is settled (deliver sets the channel's list): one shared,
 * empty, read-only list rather than an empty array per uplink that deliver drops (the channel's
 * lists are shared and read-only too).
 */
const NOT_YET: GatewayReception[] = [];

/**
 * The record of a transmission; kind, FPort and FRMPayload size from the MHDR MType (0 join request,
 * 2 unconfirmed up, 4 confirmed up) and FHDR. The 32-bit FCnt (data) or DevNonce (join) and the
 * retransmission number come from the modem's log, whose entry for this frame the MAC engine wrote
 * just before handing it to the air: reading it now, while the entry and the record are in the CPU
 * cache, costs far less than a pass over every record after the run.
 */
function txRecord(tx: AirTx, node: AirNode): TxRecord {
  const phy = tx.phy;
  const mtype = phy[0] >> 5;
  const foptsLen = phy.length > 5 ? phy[5] & 0x0f : 0;
  const portAt = 8 + foptsLen;
  const hasPort = mtype !== 0 && phy.length > portAt + 4;
  const log = node.log;
  const k = node.sent++;
  if (k >= log.count()) throw new Error(`node ${node.id}: transmission ${k} on air at ${tx.startMs}, the modem logged only ${log.count()}`);
  if (Math.abs(log.timeMs(k) - tx.startMs) > 1e-6) throw new Error(`node ${node.id}: transmission ${k} logged at ${log.timeMs(k)}, on air at ${tx.startMs}`);
  const retry = log.retry(k);
  const counter = log.counter(k);
  // A record carries only its own counter's key: devNonce for a join, fCnt for a data frame. One
  // literal per kind with every key, in the order they always had (the counter last): all 17 fields
  // then live in the object itself, where adding the counter afterwards put it in a separate property
  // array (one more allocation per record, and every record lives to the end of the run).
  const kind = mtype === 0 ? 'join' : mtype === 4 ? 'confirmed' : 'unconfirmed';
  const appBytes = hasPort ? phy.length - portAt - 1 - 4 : 0;
  const fPort = hasPort ? phy[portAt] : undefined;
  if (log.isJoin(k)) {
    return { nodeId: node.id, devEui: tx.devEui, app: node.app, kind, startMs: tx.startMs, airtimeMs: tx.airtimeMs, freqHz: tx.freqHz, dr: tx.dr, sf: tx.sf, bwKhz: tx.bwKhz, powerDbm: tx.powerDbm, phyBytes: phy.length, appBytes, fPort, retry, receivedBy: NOT_YET, devNonce: counter };
  }
  return { nodeId: node.id, devEui: tx.devEui, app: node.app, kind, startMs: tx.startMs, airtimeMs: tx.airtimeMs, freqHz: tx.freqHz, dr: tx.dr, sf: tx.sf, bwKhz: tx.bwKhz, powerDbm: tx.powerDbm, phyBytes: phy.length, appBytes, fPort, retry, receivedBy: NOT_YET, fCnt: counter };
}

/**
 * The network server's view of a list of receptions (id instead of gatewayId). The channel hands
 * the frames sent with the same link values that the same gateways received one shared, read-only
 * list (see the channel's LinkValues.received), so the converted list is made once per shared list,
 * kept in the memo settleEach hands with it, not once per frame (it was ~0.8 KB of garbage per
 * uplink); the list and its records are frozen, so the server keeps the list in its result without a
 * copy (network/state.ts gatewaysList; readers index it: for-of over a frozen array is slow in V8).
 */
function gatewaysOf(received: readonly GatewayReception[], shared: SharedReceptions | null): GatewayRx[] {
  let out = shared !== null ? (shared.memo as GatewayRx[] | undefined) : undefined;
  if (out === undefined) {
    out = [];
    for (let i = 0; i < received.length; i++) {
      const g = received[i]!;
      out.push(Object.freeze({ id: g.gatewayId, rssi: g.rssi, snr: g.snr }));
    }
    Object.freeze(out);
    if (shared !== null) shared.memo = out;
  }
  return out;
}

export function createFleetAir<N extends AirNode>(clock: Clock, channel: RadioChannel, ns: NetworkServer, events: FleetAirEvents<N>, external?: ExternalNetwork): FleetAir<N> {
  const nodes = new Map<string, N>();
  const txs: TxRecord[] = [];
  const downlinks: DownlinkRecord[] = [];
  let nextId = 0;
  let collisions = 0;
  const listening: Array<{ until: number; rx: (dl: AirRx) => void; rssi: number; snr: number }> = [];
  if (external) {
    for (const g of external.gateways.values()) {
      g.onDownlink((dl) => {
        const dr = drOf(external.region, dl.modulation);
        const now = clock.now();
        for (let i = listening.length - 1; i >= 0; i--) if (listening[i].until < now) listening.splice(i, 1);
        if (dr < 0 || !dl.invertIq) return; // a device only demodulates inverted-IQ frames at a known DR
        for (const l of listening.slice()) l.rx({ phy: dl.phy, freqHz: dl.freqHz, dr, rssi: l.rssi, snr: l.snr });
      });
    }
  }

  /** External network: the receiving gateways forward the frame; the device listens for the answer. */
  function forward(f: AirTransmission<N>, end: number): void {
    const rec = f.rec;
    const modulation = modulationOfDr(external!.region, rec.dr);
    if (!modulation) return;
    for (const g of rec.receivedBy) external!.gateways.get(g.gatewayId)?.uplink({ phy: f.phy, timeMs: end, freqHz: rec.freqHz, modulation, rssi: g.rssi, snr: g.snr });
    const best = rec.receivedBy[0];
    listening.push({ until: end + LISTEN_MS, rx: f.rx, rssi: best.rssi, snr: best.snr });
  }

  /** A settled frame (RadioChannel.settleEach). */
  function deliver(tx: Transmission, received: GatewayReception[], lostReason: LossReason | undefined, shared: SharedReceptions | null): void {
    const f = tx as AirTransmission<N>;
    const rec = f.rec;
    // the channel's receptions are objects of exactly this shape (gatewayId, rssi, snr)
    rec.receivedBy = received;
    if (received.length === 0) {
      // the channel's summary: 'collision' if any gateway lost it to one, else the first gateway's reason
      rec.lostReason = lostReason ?? 'no-gateway';
      if (rec.lostReason === 'collision') collisions++;
      return;
    }
    const end = rec.startMs + rec.airtimeMs;
    if (external) {
      forward(f, end);
      return;
    }
    const r = ns.receive(f.phy, { timeMs: end, freqHz: rec.freqHz, dr: rec.dr, gateways: gatewaysOf(received, shared) });
    events.onReceive(r, f.node, rec, end);
    const dl = r.downlink;
    if (!dl) return;
    const gw = r.bestGateway ?? { id: rec.receivedBy[0].gatewayId, rssi: rec.receivedBy[0].rssi, snr: rec.receivedBy[0].snr };
    const record: DownlinkRecord = {
      nodeId: f.node.id,
      gatewayId: dl.gatewayId ?? gw.id,
      startMs: dl.atMs,
      airtimeMs: 0,
      freqHz: dl.freqHz,
      dr: dl.dr,
      window: dl.window,
      kind: dl.kind === 'join-accept' ? 'join-accept' : dl.fPort !== undefined && dl.fPort > 0 ? 'data' : 'ack',
      received: true,
    };
    downlinks.push(record);
    // the downlink reaches the node over the same link the uplink came in on (reciprocity)
    clock.schedule(dl.atMs, () => f.rx({ phy: dl.phy, freqHz: dl.freqHz, dr: dl.dr, rssi: gw.rssi, snr: gw.snr }));
  }

  /** Runs when a transmission ends: every frame that ended by now is settled and delivered. */
  const settle = (): void => channel.settleEach(clock.now(), deliver);

  /** What a NodeAir calls; `dupes` turns its shortcut off once a DevEUI is registered twice. */
  const core = { send, dupes: false };
  const register = (devEui: string, node: N): string => {
    const key = devEui.toUpperCase();
    if (nodes.has(key)) core.dupes = true;
    nodes.set(key, node);
    return key;
  };

  /**
   * Puts a frame on air; `known` is its node when the caller knows it, else it is looked up by DevEUI;
   * `sender` is that node's NodeAir, when known (the channel's Transmission.sender).
   */
  function send(known: N | undefined, tx: AirTx, rx: (dl: AirRx) => void, sender: NodeAir<N> | undefined): void {
    const node = known ?? nodes.get(tx.devEui.toUpperCase());
    if (!node) throw new Error(`transmission from an unknown device ${tx.devEui}`);
    const rec = txRecord(tx, node);
    txs.push(rec);
    const id = nextId++;
    channel.transmit(new AirTransmission(id, tx, sender, rec, tx.phy, node, rx));
    clock.schedule(tx.startMs + tx.airtimeMs, settle);
  }

  return {
    txs,
    downlinks,
    collisions: () => collisions,
    registerNode(devEui, node) {
      return new NodeAir(register(devEui, node), node, core);
    },
    transmit(tx: AirTx, rx: (dl: AirRx) => void) {
      send(undefined, tx, rx, undefined);
    },
  };
}
