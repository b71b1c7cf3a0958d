// A loss-free radio channel between modem emulators and the network server: each
// transmission reaches the network when it ends, heard by the configured gateways,
// and the network's downlink comes back at the start of its receive window. The
// real channel model (path loss, collisions) lives elsewhere; this one is for tests
// and simple runs.
import type { Clock } from '../clock.ts';
import type { Air, AirTx } from '../modems/types.ts';
import type { GatewayRx, NetworkServer, ReceiveResult } from './types.ts';

export interface DirectAir extends Air {
  readonly transmissions: AirTx[];
  readonly results: ReceiveResult[];
}

export function createDirectAir(
  clock: Clock,
  ns: NetworkServer,
  opts: { gateways?: GatewayRx[]; drop?: (tx: AirTx) => boolean } = {},
): DirectAir {
  const gateways = opts.gateways ?? [{ id: 'gw-1', rssi: -90, snr: 7 }];
  const transmissions: AirTx[] = [];
  const results: ReceiveResult[] = [];
  return {
    transmissions,
    results,
    transmit(tx, rx) {
      transmissions.push(tx);
      if (opts.drop && opts.drop(tx)) return;
      const end = tx.startMs + tx.airtimeMs;
      clock.schedule(end, () => {
        const r = ns.receive(tx.phy, { timeMs: end, freqHz: tx.freqHz, dr: tx.dr, gateways });
        results.push(r);
        const dl = r.downlink;
        if (!dl) return;
        const best = r.bestGateway ?? gateways[0]!;
        clock.schedule(dl.atMs, () => rx({ phy: dl.phy, freqHz: dl.freqHz, dr: dl.dr, rssi: best.rssi, snr: best.snr }));
      });
    },
  };
}
