// Poisson traffic through the channel for the pure-ALOHA check: one channel, one SF,
// capture off, every frame the same airtime T, arrivals a Poisson process of rate G/T
// (exponential gaps of mean T/G), all nodes well inside coverage with no shadowing.
// Then a frame is delivered iff no other frame starts within T before or after it,
// with probability e^(-2G). Used by the `channel` benchmark and the statistical test.
import { loraTimeOnAir } from '../../firmware/lorawan/airtime.ts';
import { createChannel } from './channel.ts';
import { createRng, type Seed } from './rng.ts';
import type { SettledTransmission } from './types.ts';

export interface AlohaOptions {
  /** Offered load G (frames per airtime). */
  g: number;
  /** Frames to offer. */
  packets: number;
  seed: Seed;
  /** PHY payload bytes (default 20 at SF7/125 kHz: 56.58 ms). */
  phyBytes?: number;
  /** Settle every this many submissions (default 256), as a discrete-event simulator would. */
  settleEvery?: number;
}

export interface AlohaResult {
  offered: number;
  delivered: number;
  /** Losses by reason (collision; no-free-demodulator when 9+ frames overlap, which is a collision anyway). */
  collisions: number;
  noDemodulator: number;
  /** Airtime of each frame, ms. */
  airtimeMs: number;
}

const SF = 7;
const BW_KHZ = 125;
const FREQ_HZ = 868100000;

/** Runs the ALOHA scenario; deterministic for a given seed. */
export function runAloha(o: AlohaOptions): AlohaResult {
  if (!(o.g > 0) || !(Number.isInteger(o.packets) && o.packets > 0)) throw new RangeError('runAloha: g > 0 and a positive whole packets count are required');
  const airtimeMs = loraTimeOnAir(o.phyBytes ?? 20, { sf: SF, bwKhz: BW_KHZ });
  if (!(airtimeMs > 0)) throw new RangeError('runAloha: invalid phyBytes');
  const every = o.settleEvery ?? 256;
  // No shadowing; 100 m from the gateway on the suburban curve: RSSI = 14 - 135.7 = -121.7 dBm, 2.8 dB above SF7 sensitivity.
  const channel = createChannel({
    pathLoss: { d0: 40, pl0: 127.41, gamma: 2.08, sigma: 0 },
    gateways: [{ id: 'gw', x: 0, y: 0 }],
    capture: false,
    rejection: 'ideal',
    seed: o.seed,
  });
  const arrivals = createRng(o.seed, 'aloha-arrivals');
  const result: AlohaResult = { offered: 0, delivered: 0, collisions: 0, noDemodulator: 0, airtimeMs };
  const count = (done: SettledTransmission[]): void => {
    for (const s of done) {
      if (s.received.length > 0) result.delivered++;
      else if (s.lost[0]?.reason === 'collision') result.collisions++;
      else if (s.lost[0]?.reason === 'no-free-demodulator') result.noDemodulator++;
    }
  };
  const meanGap = airtimeMs / o.g;
  let t = 0;
  for (let i = 0; i < o.packets; i++) {
    t += arrivals.exponential(meanGap);
    if (i > 0 && i % every === 0) count(channel.settle(t));
    channel.transmit({ id: i, nodeId: `n${i % 1000}`, x: 100, y: 0, freqHz: FREQ_HZ, sf: SF, bwKhz: BW_KHZ, powerDbm: 14, startMs: t, airtimeMs });
    result.offered++;
  }
  count(channel.settle(Infinity));
  return result;
}
