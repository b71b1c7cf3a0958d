// Joining (OTAA) or activating (ABP) the session, within LoRaWAN 1.0.4 §7's join
// back-off and the duty-cycle ledger, with randomised retry times.
import type { Hal } from '../hal.ts';
import type { JoinOutcome, Modem } from '../radio/modem.ts';
import { createJoinBackoff } from '../lorawan/joinbackoff.ts';
import { drTimeOnAir } from '../lorawan/region.ts';
import { MODE_OTAA, type Persist } from './persist.ts';
import type { NodeSettings, NodeStats } from './types.ts';

/** A join-request is 23 bytes on air (MHDR, JoinEUI, DevEUI, DevNonce, MIC). */
const JOIN_REQUEST_BYTES = 23;
/** Random wait before a retry, after the back-off allows one. */
const RETRY_MIN_MS = 20000;
const RETRY_MAX_MS = 60000;

export interface JoinHooks {
  /** Earliest start >= now that the duty-cycle ledger allows for `air` ms (-1: never). */
  earliest(now: number, air: number): number;
  record(t: number, air: number): void;
  joined(): void;
}

export interface Joiner {
  start(): void;
  joins(): number;
  attempts(): number;
}

export function createJoiner(hal: Hal, s: NodeSettings, modem: Modem, persist: Persist, stats: NodeStats, hooks: JoinHooks): Joiner {
  const backoff = createJoinBackoff(hal.now(), 24, RETRY_MIN_MS, RETRY_MAX_MS);
  // tries: attempts since the last successful join (a rejoin starts again at the configured DR).
  // Variables of this closure rather than an object's fields: one object fewer per node, shorter code.
  let timer = -1;
  let inFlight = false;
  let joins = 0;
  let attempts = 0;
  let tries = 0;
  const rnd = (): number => (hal.random() % 1000000) / 1000000;
  // join attempts step down from the configured data rate to DR0 and start over, so a
  // node out of SF7 range still joins (and ADR moves it back up once joined)
  const joinDr = (): number => s.dataRate - (tries % (s.dataRate + 1));
  const air = (): number => drTimeOnAir(s.region, joinDr(), JOIN_REQUEST_BYTES, true);

  function later(ms: number): void {
    if (timer >= 0) hal.clearTimeout(timer);
    timer = hal.setTimeout(attempt, ms > 0 ? ms : 0);
  }

  function done(o: JoinOutcome): void {
    inFlight = false;
    const k = o.kind;
    if (k === 'joined') {
      joins++;
      tries = 0;
      if (s.activation.mode === 'otaa') persist.saveSession(MODE_OTAA, 0, null, null);
      hooks.joined();
    } else if (k === 'join-failed') later(backoff.next(hal.now(), air(), rnd) - hal.now());
    else if (o.kind === 'duty-cycle-wait') later(o.ms > 1000 ? o.ms : 30000);
    else if (k === 'busy') later(5000);
    else {
      stats.modemResets++;
      modem.reset(() => later(backoff.next(hal.now(), air(), rnd) - hal.now()));
    }
  }

  function attempt(): void {
    timer = -1;
    if (inFlight || modem.joined()) {
      if (modem.joined()) hooks.joined();
      return;
    }
    const a = s.activation;
    hal.sleep(false);
    if (a.mode === 'abp') {
      inFlight = true;
      attempts++;
      const fcnt = persist.nextFCntUp();
      modem.join({ mode: 'abp', devAddr: a.devAddr, nwkSKey: a.nwkSKey, appSKey: a.appSKey, fCntUp: fcnt < 0 ? 0 : fcnt, fCntDown: persist.load().fcntDown }, done);
      return;
    }
    const now = hal.now();
    const t = air();
    let at = backoff.earliest(now, t);
    if (at >= 0) {
      const l = hooks.earliest(at, t);
      at = l >= 0 ? l : -1;
    }
    if (at < 0) {
      later(3600000);
      return;
    }
    if (at > now) {
      later(at - now);
      return;
    }
    backoff.record(now, t);
    hooks.record(now, t);
    inFlight = true;
    const dr = joinDr();
    attempts++;
    tries++;
    modem.setDataRate(dr, () => modem.join({ mode: 'otaa', devEui: a.devEui, joinEui: a.joinEui, appKey: a.appKey }, done));
  }

  return {
    start: () => {
      if (!inFlight) later(0);
    },
    joins: () => joins,
    attempts: () => attempts,
  };
}
