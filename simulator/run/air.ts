// The fleet's air: every modem emulator transmits here. Each frame goes through the
// radio channel (path loss, collisions, capture, demodulator limits); when it ends,
// the gateways that demodulated it hand it to the network server, whose downlink
// (join accept, ACK, data) comes back to the node's modem in its receive window.
import type { Clock } from '../clock.ts';
import type { RadioChannel, SettledTransmission, Transmission } from '../channel/types.ts';
import type { Air, AirRx, AirTx } from '../modems/types.ts';
import type { NetworkServer, ReceiveResult } from '../network/types.ts';
import type { DownlinkRecord, TxRecord } from '../types.ts';
import type { Region } from '../../firmware/lorawan/region.ts';
import type { VirtualGateway } from '../gateway/types.ts';
import { drOf, modulationOfDr } from '../gateway/radio.ts';

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
}

export interface FleetAirEvents {
  /** An accepted uplink or join at the network server (after the channel). */
  onReceive(r: ReceiveResult, node: AirNode, tx: TxRecord, endMs: number): void;
}

export interface FleetAir extends Air {
  /** Every transmission, in the order they started (completed by `finish`). */
  readonly txs: TxRecord[];
  readonly downlinks: DownlinkRecord[];
  /** Transmissions no gateway received because of a collision. */
  collisions(): number;
  register(devEui: string, node: AirNode): void;
}

interface Inflight {
  tx: TxRecord;
  phy: Uint8Array;
  node: AirNode;
  rx: (dl: AirRx) => void;
}

/** What the air hands the channel: the transmission, carrying its own in-flight state (the channel gives the object back). */
interface AirTransmission extends Transmission {
  f: Inflight;
}

/** The record of a transmission; kind, FPort and FRMPayload size from the MHDR MType (0 join request, 2 unconfirmed up, 4 confirmed up) and FHDR. */
function txRecord(tx: AirTx, node: AirNode): TxRecord {
  const phy = tx.phy;
  const mtype = phy[0] >> 5;
  const foptsLen = phy.length > 5 ? phy[5] & 0x0f : 0;
  const portAt = 8 + foptsLen;
  const hasPort = mtype !== 0 && phy.length > portAt + 4;
  return {
    nodeId: node.id,
    devEui: tx.devEui,
    app: node.app,
    kind: mtype === 0 ? 'join' : mtype === 4 ? 'confirmed' : 'unconfirmed',
    startMs: tx.startMs,
    airtimeMs: tx.airtimeMs,
    freqHz: tx.freqHz,
    dr: tx.dr,
    sf: tx.sf,
    bwKhz: tx.bwKhz,
    powerDbm: tx.powerDbm,
    phyBytes: phy.length,
    appBytes: hasPort ? phy.length - portAt - 1 - 4 : 0,
    fPort: hasPort ? phy[portAt] : undefined,
    retry: 0,
    receivedBy: [],
  };
}

export function createFleetAir(clock: Clock, channel: RadioChannel, ns: NetworkServer, events: FleetAirEvents, external?: ExternalNetwork): FleetAir {
  const nodes = new Map<string, AirNode>();
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
  function forward(f: Inflight, end: number): void {
    const rec = f.tx;
    const modulation = modulationOfDr(external!.region, rec.dr);
    if (!modulation) return;
    for (const g of rec.receivedBy) external!.gateways.get(g.gatewayId)?.uplink({ phy: f.phy, timeMs: end, freqHz: rec.freqHz, modulation, rssi: g.rssi, snr: g.snr });
    const best = rec.receivedBy[0];
    listening.push({ until: end + LISTEN_MS, rx: f.rx, rssi: best.rssi, snr: best.snr });
  }

  function deliver(s: SettledTransmission): void {
    const f = (s.tx as AirTransmission).f;
    const rec = f.tx;
    // the channel's receptions are fresh objects of exactly this shape (gatewayId, rssi, snr)
    rec.receivedBy = s.received;
    if (s.received.length === 0) {
      const reasons = s.lost.map((l) => l.reason);
      rec.lostReason = reasons.includes('collision') ? 'collision' : reasons[0] ?? 'no-gateway';
      if (rec.lostReason === 'collision') collisions++;
      return;
    }
    const end = rec.startMs + rec.airtimeMs;
    if (external) {
      forward(f, end);
      return;
    }
    const r = ns.receive(f.phy, { timeMs: end, freqHz: rec.freqHz, dr: rec.dr, gateways: rec.receivedBy.map((g) => ({ id: g.gatewayId, rssi: g.rssi, snr: g.snr })) });
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
  const settle = (): void => {
    const done = channel.settle(clock.now());
    for (let i = 0; i < done.length; i++) deliver(done[i]!);
  };

  return {
    txs,
    downlinks,
    collisions: () => collisions,
    register(devEui, node) {
      nodes.set(devEui.toUpperCase(), node);
    },
    transmit(tx: AirTx, rx: (dl: AirRx) => void) {
      const node = nodes.get(tx.devEui) ?? nodes.get(tx.devEui.toUpperCase());
      if (!node) throw new Error(`transmission from an unknown device ${tx.devEui}`);
      const rec = txRecord(tx, node);
      txs.push(rec);
      const id = nextId++;
      const t: AirTransmission = { id, nodeId: node.id, x: node.x, y: node.y, freqHz: tx.freqHz, sf: tx.sf, bwKhz: tx.bwKhz, powerDbm: tx.powerDbm, startMs: tx.startMs, airtimeMs: tx.airtimeMs, f: { tx: rec, phy: tx.phy, node, rx } };
      channel.transmit(t);
      clock.schedule(tx.startMs + tx.airtimeMs, settle);
    },
  };
}
