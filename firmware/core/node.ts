// The sensor node: samples its sensors, queues readings, and plans every uplink at
// the earliest time the duty-cycle ledger, the fair-use budget and the join
// back-off allow; while blocked it batches queued samples into one frame up to the
// payload limit of the current data rate. Alarms jump the queue (and may go
// confirmed); failed sends retry with exponential back-off and jitter; a modem that
// faults is reset. Between tasks the node sleeps. No module-level state: every
// node is an object made here, so the simulator can run thousands from one bundle.
import type { Hal } from '../hal.ts';
import type { Modem, TxOutcome } from '../radio/modem.ts';
import type { CUplink, Readings } from '../../codecs/device/types.ts';
import { encodeBatch, findUplink, BATCH_MAX } from '../../codecs/device/encoder.ts';
import { createDutyCycleLedger } from '../lorawan/dutycycle.ts';
import { createFairUseBudget } from '../lorawan/fairuse.ts';
import { channelFrequency, drTimeOnAir, maxAppPayload } from '../lorawan/region.ts';
import { phyPayloadBytes } from '../lorawan/airtime.ts';
import { createPersist, MODE_ABP, MODE_OTAA, type Persist, type PersistConfig } from './persist.ts';
import { packSample, sampleValid, unpackSample, type Sample } from './samples.ts';
import { createJoiner } from './join.ts';
import { applyDownlink } from './downlink.ts';
import type { AppDefinition, ModemFactory, NodeStats, SensorPins } from './types.ts';

/** Retry back-off: 15 s doubling to 1 h, plus up to 50% jitter. */
const RETRY_BASE_MS = 15000;
const RETRY_MAX_MS = 3600000;
/** A send that has not called back after this long is abandoned and the modem reset. */
const SEND_STUCK_MS = 180000;

export interface LoraNode {
  start(): void;
  stats(): NodeStats;
  persist: Persist;
  modem: Modem;
}

export function createNode(hal: Hal, app: AppDefinition, makeModem: ModemFactory, pins: SensorPins): LoraNode {
  const s = app.settings;
  const stats: NodeStats = { samples: 0, uplinks: 0, samplesSent: 0, alarms: 0, joins: 0, joinAttempts: 0, downlinks: 0, configApplied: 0, downlinksRejected: 0, dutyCycleWaits: 0, retries: 0, modemResets: 0, drops: 0 };
  const up: CUplink = findUplink(app.codec.up, app.uplinkPort) || app.codec.up[0];
  const persist = createPersist(hal, {
    queueCapacity: s.queueCapacity,
    config: { intervalS: s.intervalS, confirmed: s.confirmed, thresholds: s.thresholds },
  });
  const modem = makeModem(hal, s.enforceDutyCycle ? s.modem : Object.assign({}, s.modem, { dutyCycle: false }));
  // the stored configuration, read once (persist.config() copies it) and again after a downlink changed it
  let cfg: PersistConfig | null = null;
  function config(): PersistConfig {
    if (!cfg) cfg = persist.config();
    return cfg;
  }
  const sensors = app.createSensors(hal, pins, config);
  const region = s.region;
  const ledgerFreq = channelFrequency(region, 0);
  const ledger = s.enforceDutyCycle && region.subBands.length > 0 ? createDutyCycleLedger(region, 32) : null;
  const fair = s.fairUse && s.fairUse.enabled ? createFairUseBudget(s.fairUse) : null;
  // The node's scheduling state, as variables of this closure rather than fields of an object
  // of their own: the closure's context is touched on every event anyway, so one object fewer
  // per wake-up (and shorter code: local names are mangled, property names are not).
  let sampleTimer = -1;
  let nextSampleAt = 0;
  let uplinkTimer = -1;
  let sending = false;
  let sendStarted = 0;
  let failures = 0;
  let retryAt = 0;
  let urgent = false;
  let alarmed = false;
  /** An alarm sample waiting to jump the queue (sent on its own, before the batch). */
  let alarmSample: Uint8Array | null = null;
  let maxBatch = BATCH_MAX;

  const dr = (): number => {
    const d = modem.dataRate();
    return d >= 0 ? d : s.dataRate;
  };

  const joiner = createJoiner(hal, s, modem, persist, stats, {
    earliest: (now, air) => (ledger ? ledger.earliest(now, ledgerFreq, air) : now),
    record: (t, air) => {
      if (ledger) ledger.record(t, ledgerFreq, air);
    },
    joined: () => {
      failures = 0;
      plan();
      if (!sending) rest();
    },
  });

  function scheduleSample(): void {
    if (sampleTimer >= 0) hal.clearTimeout(sampleTimer);
    const ms = config().intervalS * 1000;
    nextSampleAt = hal.now() + ms;
    sampleTimer = hal.setTimeout(sample, ms);
  }

  /** Between tasks: commit what must survive a long sleep, put the modem to sleep, close the UART. */
  function rest(): void {
    const ms = nextSampleAt - hal.now() - 1000;
    persist.beforeSleep(ms);
    if (ms > 5000 && uplinkTimer < 0) modem.sleep(ms, asleep);
    else modem.close();
  }

  /** The modem is asleep: close the UART. (Callbacks that need no per-call state are made once, not per call.) */
  function asleep(): void {
    modem.close();
    // nothing to hear from the modem now: the board may deep-sleep until its next timer
    hal.sleep(true);
  }

  function sample(): void {
    sampleTimer = -1;
    scheduleSample();
    // a send that never finished: abandon it and reset the modem
    if (sending && hal.now() - sendStarted > SEND_STUCK_MS) {
      sending = false;
      resetModem();
    }
    sensors.read(readings);
  }

  function readings(r: Readings): void {
    stats.samples++;
    // an alarm is a threshold crossing: it jumps the queue once, not on every sample above
    const a = app.alarm ? app.alarm(r, config().thresholds) : false;
    if (a && !alarmed) {
      urgent = true;
      stats.alarms++;
    }
    alarmed = a;
    const packed = packSample(up, hal.now() / 1000, r);
    if (urgent && !alarmSample) alarmSample = packed;
    else queueSample(packed);
    plan();
  }

  function queueSample(packed: Uint8Array): void {
    // a push onto a full queue drops the oldest sample: the length stays the same. The packed
    // sample is handed over, not copied: nothing here changes or reuses it once queued.
    const before = persist.queueLength();
    if (persist.queuePush(packed, true) && persist.queueLength() === before) stats.drops++;
  }

  /** An alarm that could not jump the queue joins it (it is sent with the next batch). */
  function requeueAlarm(): void {
    if (alarmSample) queueSample(alarmSample);
    alarmSample = null;
    urgent = false;
  }

  // The last frame buildFrame() made: how many queued samples it holds (0: the alarm sample), its
  // port, and where its payload starts in the bytes returned (4: a packed sample, sent past its
  // time bytes, without a copy). Variables, not an object made per frame.
  let frameCount = 0;
  let framePort = 0;
  let frameFrom = 0;

  /** The bytes of a frame of the oldest queued samples that fit the current data rate (frameCount, framePort, frameFrom: the rest). */
  function buildFrame(now: number): Uint8Array | null {
    frameFrom = 4;
    if (alarmSample) {
      // a packed sample is [time][its own single-reading payload]: that payload goes as it is
      // (re-encoding the unpacked values would lose its saturation flag)
      if (sampleValid(up, alarmSample)) {
        frameCount = 0;
        framePort = up.port;
        return alarmSample;
      }
      alarmSample = null;
    }
    const limit = maxAppPayload(region, dr(), 0, region.defaultUplinkDwell);
    const queued = persist.queueLength();
    let n = queued < maxBatch ? queued : maxBatch;
    if (up.bport === 0 && n > 1) n = 1;
    if (n === 1) {
      // one sample (the usual case): it goes as the payload it was packed as, so it is only
      // checked, not unpacked, and not copied out of the queue whole (nothing here writes to it)
      const one = persist.queueOldest()!;
      if (!sampleValid(up, one)) {
        persist.queueDrop(1);
        return null;
      }
      if (one.length - 4 > limit) return null;
      frameCount = 1;
      framePort = up.port;
      return one;
    }
    const packed = persist.queuePeek(n);
    const samples: Sample[] = [];
    for (let i = 0; i < packed.length; i++) {
      const x = unpackSample(up, packed[i]);
      if (x) samples.push(x);
    }
    if (samples.length < packed.length) {
      // an unreadable queued sample (flash corruption): drop it and carry on
      persist.queueDrop(packed.length);
      return null;
    }
    while (n > 0) {
      let bytes = packed[0]!;
      frameFrom = n === 1 ? 4 : 0;
      if (n > 1) {
        const rs: Readings[] = [];
        const ages: number[] = [];
        for (let i = 0; i < n; i++) {
          rs.push(samples[i].readings);
          const age = now / 1000 - samples[i].tS;
          ages.push(age > 0 ? age : 0);
        }
        bytes = encodeBatch(up, rs, ages);
        // the frame's saturation flag (its first bit) is set when any of its samples had theirs
        for (let i = 0; i < n; i++) if (packed[i][4] & 0x80) bytes[0] |= 0x80;
      }
      if (bytes.length - frameFrom <= limit) {
        frameCount = n;
        framePort = n === 1 ? up.port : up.bport;
        return bytes;
      }
      n = n > 8 ? n - 4 : n - 1;
    }
    return null;
  }

  /** Plans the next uplink: now if allowed, else a timer at the earliest allowed time. */
  function plan(): void {
    if (uplinkTimer >= 0) hal.clearTimeout(uplinkTimer);
    uplinkTimer = -1;
    if (sending || !modem.joined() || (persist.queueLength() === 0 && !alarmSample)) return;
    const now = hal.now();
    const frame = buildFrame(now);
    if (!frame) {
      if (persist.queueLength() > 0) uplinkTimer = hal.setTimeout(plan, 1000);
      return;
    }
    // (what is used once per uplink is written out where it is used: on the device every function
    // costs JsVars, and in the simulator every call a little time)
    const air = drTimeOnAir(region, dr(), phyPayloadBytes(frame.length - frameFrom, 0), true);
    // the earliest start the retry back-off, the duty cycle and fair use allow (-1: never, at this size)
    let at = now > retryAt ? now : retryAt;
    if (ledger) at = ledger.earliest(at, ledgerFreq, air);
    if (fair && at >= 0) at = fair.earliestUplink(at, air);
    if (at < 0) {
      // larger than a whole window's budget: send fewer samples per frame
      maxBatch = frameCount > 1 ? frameCount >> 1 : 1;
      uplinkTimer = hal.setTimeout(plan, RETRY_BASE_MS);
      return;
    }
    if (at > now) {
      stats.dutyCycleWaits++;
      uplinkTimer = hal.setTimeout(plan, at - now);
      return;
    }
    send(frame, frameCount, now, air);
  }

  /**
   * Sends the frame buildFrame() just made: its port and payload start are read here, once, from
   * framePort and frameFrom; its count is a parameter, as the outcome callback keeps it.
   */
  function send(bytes: Uint8Array, count: number, now: number, air: number): void {
    const confirmed = urgent ? s.alarmConfirmed : config().confirmed;
    // deep sleep cannot wake on UART traffic: stay awake while the modem talks
    hal.sleep(false);
    sending = true;
    sendStarted = now;
    persist.nextFCntUp();
    // The outcome: a callback per send, as it keeps this send's count (0: the alarm sample),
    // airtime and start (a stale callback after a reset must not take a later send's values)
    modem.send(framePort, bytes, confirmed, (o: TxOutcome) => {
      if (!sending) return;
      sending = false;
      const k = o.kind;
      const onAir = k === 'sent' || k === 'delivered' || k === 'downlink' || k === 'no-ack';
      if (onAir) {
        if (ledger) ledger.record(now, ledgerFreq, air);
        if (fair) fair.recordUplink(now, air);
        stats.uplinks++;
      }
      if (k === 'sent' || k === 'delivered' || k === 'downlink') {
        if (count === 0) {
          alarmSample = null;
          stats.samplesSent++;
        } else {
          persist.queueDrop(count);
          stats.samplesSent += count;
        }
        urgent = false;
        failures = 0;
        retryAt = 0;
        maxBatch = BATCH_MAX;
        if (o.kind === 'downlink') {
          if (fair) fair.recordDownlink(hal.now());
          const before = config().intervalS;
          applyDownlink(hal, app, persist, stats, o.port, o.data);
          cfg = null;
          if (config().intervalS !== before) scheduleSample();
        }
        plan();
        rest();
      } else if (k === 'no-ack' || k === 'busy') {
        requeueAlarm();
        // retry later: 15 s doubling to 1 h, plus up to 50% jitter
        stats.retries++;
        failures++;
        let d = RETRY_BASE_MS * Math.pow(2, failures - 1);
        if (d > RETRY_MAX_MS) d = RETRY_MAX_MS;
        retryAt = hal.now() + d + Math.floor((hal.random() % 1000) * d * 0.0005);
        plan();
      }
      else if (o.kind === 'duty-cycle-wait') {
        stats.dutyCycleWaits++;
        retryAt = hal.now() + (o.ms > 1000 ? o.ms : 30000);
        plan();
      } else if (k === 'invalid-length') {
        // the modem's limit is lower than ours (pending MAC commands): fewer samples per frame
        maxBatch = count > 1 ? count >> 1 : 1;
        if (count === 1) persist.queueDrop(1);
        if (count === 0) alarmSample = null;
        plan();
      } else if (k === 'not-joined' || k === 'rejoin-needed') joiner.start();
      else {
        // fault or invalid-param: the modem is in a bad state
        requeueAlarm();
        failures++;
        resetModem();
      }
    }, frameFrom);
  }

  function resetModem(): void {
    stats.modemResets++;
    modem.reset(() => joiner.start());
  }

  return {
    persist: persist,
    modem: modem,
    stats: () => {
      stats.joins = joiner.joins();
      stats.joinAttempts = joiner.attempts();
      return stats;
    },
    start() {
      const loaded = persist.load();
      hal.watchdog(20);
      hal.sleep(false);
      if (s.activation.mode === 'abp' && loaded.session.mode !== MODE_ABP) persist.saveSession(MODE_ABP, parseInt(s.activation.devAddr, 16), null, null);
      if (s.activation.mode === 'otaa' && loaded.session.mode !== MODE_OTAA) persist.saveSession(MODE_OTAA, 0, null, null);
      scheduleSample();
      modem.init((o) => {
        if (o.kind !== 'ok') {
          resetModem();
          return;
        }
        // the configured data rate and ADR, whatever the modem kept from before
        modem.setDataRate(s.dataRate, () => modem.setAdr(s.adr, () => joiner.start()));
      });
    },
  };
}
