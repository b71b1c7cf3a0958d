// A scripted modem host for emulator tests: the peer end of a serial line that records what
// the emulator writes and hands the test the emulator's handlers to feed lines in.
import type { SerialPeer, SerialPeerHandlers } from '../../simulator/hardware/serial.ts';

export interface FakePeer {
  peer: SerialPeer;
  /** Everything the emulator wrote, in order. */
  out: string[];
  /** Feeds `text` to the emulator as if it arrived on the line. */
  feed(text: string): void;
}

export function fakePeer(baud: number): FakePeer {
  let handlers: SerialPeerHandlers | null = null;
  const out: string[] = [];
  const peer: SerialPeer = {
    attach: (h) => void (handlers = h),
    write: (s) => void out.push(s),
    baud: () => baud,
    setBaud: () => undefined,
    autobaud: () => undefined,
    deviceOpen: () => true,
  };
  return {
    peer,
    out,
    feed(text) {
      if (!handlers) throw new Error('the emulator has not attached to the line');
      handlers.onData(text);
    },
  };
}
