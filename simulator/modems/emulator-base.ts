// What both modem emulators share: the seeded randomness, the fault plan, the reply writer
// and the line reader (which calls the emulator's onLine), the transmission log, and the
// fault injection and log views of the ModemEmulator interface. A subclass must not declare
// these fields again (a redeclared field would be reset to undefined after this constructor).
import type { Clock } from '../clock.ts';
import type { SerialPeer } from '../hardware/serial.ts';
import { createSeededRng } from '../lorawan/rng.ts';
import { createLineReaderFor, createReplier } from './line.ts';
import { createFaultPlan, type FaultKind, type FaultPlan, type FaultRates, TxLog, type TxLogEntry } from './types.ts';

export abstract class EmulatorBase {
  readonly log = new TxLog();
  readonly clock: Clock;
  readonly peer: SerialPeer;
  readonly rng: () => number;
  readonly faults: FaultPlan;
  readonly out: ReturnType<typeof createReplier>;
  readonly reader: ReturnType<typeof createLineReaderFor>;

  constructor(clock: Clock, peer: SerialPeer, seed: number, faults: FaultRates | undefined) {
    this.clock = clock;
    this.peer = peer;
    this.rng = createSeededRng(seed);
    this.faults = createFaultPlan(faults ?? {}, this.rng);
    this.out = createReplier(peer, this.faults, this.rng);
    this.reader = createLineReaderFor(this);
  }

  /** A complete command line from the host. */
  abstract onLine(line: string): void;

  get txLog(): TxLogEntry[] {
    return this.log.entries();
  }

  inject(k: FaultKind): void {
    this.faults.inject(k);
  }
}
