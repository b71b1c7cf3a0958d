// What both modem emulators share: the seeded randomness, the fault plan, the reply writer
// and the line reader (which calls the emulator's onLine), the transmission log, and the
// fault injection and log views of the ModemEmulator interface. A subclass must not declare
// these fields again (a redeclared field would be reset to undefined after this constructor).
import type { Clock } from '../clock.ts';
import type { SerialPeer } from '../hardware/serial.ts';
import { createSeededRng } from '../lorawan/rng.ts';
import { junk, pushChars, withCrlf } from './line.ts';
import { createFaultPlan, type FaultKind, type FaultPlan, type FaultRates, TxLog, type TxLogEntry } from './types.ts';

/** The longest command line the emulators keep (characters past it are dropped). */
const MAX_LINE = 520;

// The emulator is its own line reader (lineBuf, pushChars) and reply writer rather than
// holding reader and replier objects: every command line and reply then reaches one object
// less, which counts with ten thousand emulators whose state is rarely in the CPU cache.
export abstract class EmulatorBase {
  readonly log = new TxLog();
  readonly clock: Clock;
  readonly peer: SerialPeer;
  readonly rng: () => number;
  /**
   * True while no fault can happen (no rates, nothing ever injected; the plan keeps it): the
   * command and reply paths then skip the plan, whose take() would answer false drawing nothing.
   */
  faultless = true;
  readonly faults: FaultPlan;
  /** The command line being received. */
  lineBuf = '';

  constructor(clock: Clock, peer: SerialPeer, seed: number, faults: FaultRates | undefined) {
    this.clock = clock;
    this.peer = peer;
    this.rng = createSeededRng(seed);
    this.faults = createFaultPlan(faults ?? {}, this.rng, this);
  }

  /** A complete command line from the host. */
  abstract onLine(line: string): void;

  /** `faults.take(k)`, without reaching the plan while no fault can happen. */
  fault(k: FaultKind): boolean {
    return !this.faultless && this.faults.take(k);
  }

  /** Received characters: complete lines go to onLine. */
  pushChars(chunk: string): void {
    pushChars(this, chunk, MAX_LINE);
  }

  /** Drops the partly received line. */
  clearLine(): void {
    this.lineBuf = '';
  }

  /** Writes a reply line, applying the reply faults (drop, garbage). */
  writeReply(line: string): void {
    if (!this.faultless) {
      if (this.faults.take('drop-reply')) return;
      if (this.faults.take('garbage')) this.peer.write(junk(this.rng) + '\r\n');
    }
    this.peer.write(withCrlf(line));
  }

  /** Writes a line whatever the reply faults say (boot banners). */
  writeRaw(line: string): void {
    this.peer.write(line + '\r\n');
  }

  get txLog(): TxLogEntry[] {
    return this.log.entries();
  }

  inject(k: FaultKind): void {
    this.faults.inject(k);
  }
}
