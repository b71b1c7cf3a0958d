// The drivers against the simulator's modem emulators (simulator/modems/) on the
// virtual clock and UART, with the simulated network server behind a loss-free air.
import { describe, expect, it } from 'vitest';
import { createClock } from '../../simulator/clock.ts';
import { createSerialPair } from '../../simulator/hardware/serial.ts';
import { createNetworkServer } from '../../simulator/network/server.ts';
import { createDirectAir } from '../../simulator/network/direct-air.ts';
import { createSeededRng } from '../../simulator/lorawan/rng.ts';
import { createRn2483 } from '../../firmware/radio/rn2483.ts';
import { createRak3172 } from '../../firmware/radio/rak3172.ts';
import { createRn2483 as emulateRn2483 } from '../../simulator/modems/rn2483.ts';
import { createRak3172 as emulateRak3172 } from '../../simulator/modems/rak3172.ts';
import type { Done, JoinOutcome, Modem, TxOutcome } from '../../firmware/radio/modem.ts';
import type { Hal } from '../../firmware/hal.ts';
import { fakeHal, settle, KEYS } from './fakes.ts';
import type { FakeClock } from './fakes.ts';

type EmulatorFactory = (clock: ReturnType<typeof createClock>, peer: unknown, opts: unknown) => unknown;

function world(
  peerBaud: number,
  emulator: EmulatorFactory,
  driver: (hal: Hal) => Modem,
) {
  const clock = createClock();
  const vclock: FakeClock = {
    now: () => clock.now(),
    setTimeout: (fn, ms) => clock.after(ms, fn),
    clearTimeout: (id) => clock.cancel(id),
    advance: (ms) => clock.runUntil(clock.now() + ms),
    pending: () => clock.pending(),
  };
  const pair = createSerialPair(clock, { peerBaud });
  const ns = createNetworkServer({
    rng: createSeededRng(7),
    devices: [{ devEui: KEYS.devEui, joinEui: KEYS.joinEui, appKey: KEYS.appKey }],
  });
  const air = createDirectAir(clock, ns);
  const emu = emulator(clock, pair.peer, { seed: 11, air, hwEui: KEYS.devEui }) as {
    state(): { dr: number; joined: boolean; hung: boolean };
    inject(kind: string): void;
  };
  const hal = fakeHal(vclock, pair.device);
  return { clock: vclock, ns, air, hal, emu, m: driver(hal) };
}

/** OTAA join, an unconfirmed and a confirmed uplink, and a queued downlink. */
function scenario(w: ReturnType<typeof world>) {
  expect(settle<Done>(w.clock, (cb) => w.m.init(cb))).toEqual({ kind: 'ok' });
  expect(w.m.joined()).toBe(w.emu.state().joined);
  expect(w.m.dataRate()).toBe(w.emu.state().dr);
  const j = settle<JoinOutcome>(w.clock, (cb) =>
    w.m.join({ mode: 'otaa', devEui: KEYS.devEui, joinEui: KEYS.joinEui, appKey: KEYS.appKey }, cb),
  );
  expect(j).toEqual({ kind: 'joined' });
  expect(w.m.joined()).toBe(true);
  expect(w.m.dataRate()).toBe(w.emu.state().dr);
  expect(w.ns.device(KEYS.devEui)?.joined).toBe(true);

  const up = (port: number, bytes: number[], cnf: boolean) =>
    settle<TxOutcome>(w.clock, (cb) => w.m.send(port, new Uint8Array(bytes), cnf, cb));

  // The module's own duty-cycle limit may refuse an uplink right after the join: wait as told and retry.
  const sendOk = (port: number, bytes: number[], cnf: boolean): TxOutcome => {
    for (let i = 0; i < 20; i++) {
      const o = up(port, bytes, cnf);
      if (o.kind !== 'duty-cycle-wait' && o.kind !== 'busy') return o;
      w.clock.advance(Math.max(o.kind === 'duty-cycle-wait' ? o.ms : 0, 30000));
    }
    throw new Error('no free channel for 10 minutes');
  };

  expect(sendOk(1, [1, 2, 3], false)).toEqual({ kind: 'sent' });
  expect(sendOk(223, [4], true)).toEqual({ kind: 'delivered' });
  w.ns.enqueue(KEYS.devEui, { fPort: 42, payload: new Uint8Array([0xca, 0xfe]) });
  expect(sendOk(2, [5, 6], false)).toEqual({ kind: 'downlink', port: 42, data: new Uint8Array([0xca, 0xfe]), acked: false });
  // the network saw three data uplinks (plus any retransmissions)
  expect(w.ns.stats().uplinks).toBeGreaterThanOrEqual(3);
  // keys never reach a log line
  if (process.env.RADIO_TRACE) console.log(w.hal.logs.join("\n"));
  for (const k of [KEYS.appKey]) expect(w.hal.logs.join('\n')).not.toContain(k.slice(0, 8));
}

const rnEmu = emulateRn2483 as unknown as EmulatorFactory;
const rakEmu = emulateRak3172 as unknown as EmulatorFactory;

describe('drivers against the modem emulators', () => {
  it('RN2483: OTAA join, unconfirmed, confirmed, downlink', () => {
    scenario(world(57600, rnEmu, (hal) => createRn2483(hal, { debug: true })));
  });

  for (const [name, baud, emu, drv] of [
    ['RN2483', 57600, rnEmu, createRn2483],
    ['RAK3172', 115200, rakEmu, createRak3172],
  ] as const) {
    it(`${name}: a hung module is reset after three silent commands and works again`, () => {
      const w = world(baud, emu, (hal) => drv(hal, {}));
      expect(settle<Done>(w.clock, (cb) => w.m.init(cb))).toEqual({ kind: 'ok' });
      w.emu.inject('hang');
      const outcomes: Done[] = [];
      for (let i = 0; i < 3; i++) outcomes.push(settle<Done>(w.clock, (cb) => w.m.setDataRate(3, cb)));
      expect(outcomes.map((o) => o.kind)).toEqual(['fault', 'fault', 'fault']);
      expect(outcomes[2]).toEqual({ kind: 'fault', detail: 'no reply; modem reset' });
      expect(w.emu.state().hung).toBe(false);
      expect(settle<Done>(w.clock, (cb) => w.m.setDataRate(3, cb))).toEqual({ kind: 'ok' });
      expect(w.emu.state().dr).toBe(3);
    });
  }

  it('RAK3172: OTAA join, unconfirmed, confirmed, downlink', () => {
    scenario(world(115200, rakEmu, (hal) => createRak3172(hal, { debug: true })));
  });
});
