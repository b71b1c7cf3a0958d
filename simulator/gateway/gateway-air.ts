// The simulated air in front of real-network gateways: every transmission of a
// modem emulator reaches each gateway when it ends (as an uplink with fixed RSSI and
// SNR), and every downlink a gateway transmits is offered to the devices that are
// listening (the modem itself checks frequency, data rate, window timing, address
// and MIC, as a radio would). Used by `lorakit modem --udp` and by fleet runs that
// talk to a real network server.
import type { Clock } from '../clock.ts';
import type { Region } from '../../firmware/lorawan/region.ts';
import type { Air, AirRx, AirTx } from '../modems/types.ts';
import { drOf, modulationOfDr } from './radio.ts';
import type { GatewayDownlink, VirtualGateway } from './types.ts';

export interface GatewayAirOptions {
  region: Region;
  /** Link quality each gateway reports, and each device sees downlinks with. */
  rssi?: number;
  snr?: number;
  /** How long after an uplink ends a device may still receive (join accept RX2 at 6 s, plus margin). */
  listenMs?: number;
}

export interface GatewayAir extends Air {
  readonly transmissions: AirTx[];
  readonly downlinks: GatewayDownlink[];
}

export function createGatewayAir(clock: Clock, gateways: VirtualGateway[], o: GatewayAirOptions): GatewayAir {
  const rssi = o.rssi ?? -80;
  const snr = o.snr ?? 8;
  const listenMs = o.listenMs ?? 8000;
  const transmissions: AirTx[] = [];
  const downlinks: GatewayDownlink[] = [];
  const listening: { until: number; rx: (dl: AirRx) => void }[] = [];

  const offer = (dl: GatewayDownlink): void => {
    downlinks.push(dl);
    const dr = drOf(o.region, dl.modulation);
    const now = clock.now();
    for (let i = listening.length - 1; i >= 0; i--) if (listening[i]!.until < now) listening.splice(i, 1);
    if (dr < 0 || !dl.invertIq) return; // a device only demodulates inverted-IQ frames at a known DR
    for (const l of listening.slice()) l.rx({ phy: dl.phy, freqHz: dl.freqHz, dr, rssi, snr });
  };
  for (const g of gateways) g.onDownlink(offer);

  return {
    transmissions,
    downlinks,
    transmit(tx, rx) {
      transmissions.push(tx);
      const end = tx.startMs + tx.airtimeMs;
      const modulation = modulationOfDr(o.region, tx.dr);
      if (!modulation) return;
      clock.schedule(end, () => {
        listening.push({ until: end + listenMs, rx });
        for (const g of gateways) g.uplink({ phy: tx.phy, timeMs: end, freqHz: tx.freqHz, modulation, rssi, snr });
      });
    },
  };
}
