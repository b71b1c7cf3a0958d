// The virtual UART keeps each wire's chunks in flight on the line and delivers the first one
// per event (no closure per chunk): property test against the plain model, one delivery
// closure per chunk, including the degenerate bauds (0, negative) whose chunks are due now.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createClock, type Clock } from '../../simulator/clock.ts';
import { byteTimeMs, createSerialPair, garble, type SerialPeerHandlers } from '../../simulator/hardware/serial.ts';

/** The plain model: every chunk is a closure of its own. */
function plainPair(clock: Clock, chunkBytes: number, peerBaud0: number) {
  let peerBaud = peerBaud0;
  let deviceBaud = 0;
  let open = false;
  let onDev: ((c: string) => void) | null = null;
  let h: SerialPeerHandlers | null = null;
  let tx = 0;
  let rx = 0;
  const send = (data: string, baud: number, busy: number, deliver: (c: string, baud: number) => void): number => {
    let t = Math.max(clock.now(), busy);
    for (let i = 0; i < data.length; i += chunkBytes) {
      const chunk = data.substring(i, i + chunkBytes);
      t += byteTimeMs(chunk.length, baud);
      clock.schedule(t, () => deliver(chunk, baud));
    }
    return t;
  };
  return {
    device: {
      open(b: number, f: (c: string) => void) {
        deviceBaud = b;
        onDev = f;
        open = true;
      },
      write(d: string) {
        if (!open || d.length === 0) return;
        tx = send(d, deviceBaud, tx, (c, b) => h && h.onData(garble(c, b, peerBaud)));
      },
      close() {
        open = false;
        onDev = null;
      },
    },
    peer: {
      attach(x: SerialPeerHandlers) {
        h = x;
      },
      write(d: string) {
        if (d.length === 0) return;
        rx = send(d, peerBaud, rx, (c, b) => open && onDev && onDev(garble(c, b, deviceBaud)));
      },
      setBaud(b: number) {
        peerBaud = b;
      },
    },
  };
}

type Op =
  | { k: 'dw'; s: string }
  | { k: 'pw'; s: string }
  | { k: 'open'; baud: number }
  | { k: 'close' }
  | { k: 'setBaud'; baud: number }
  | { k: 'run'; ms: number };

// bauds of 0 or below make chunks due now or earlier than those in flight: the wire's order breaks
const baud = fc.constantFrom(9600, 57600, 115200, 0, -9600, -115200);
const op: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ k: fc.constant('dw' as const), s: fc.string({ maxLength: 80 }) }), weight: 3 },
  { arbitrary: fc.record({ k: fc.constant('pw' as const), s: fc.string({ maxLength: 80 }) }), weight: 3 },
  { arbitrary: fc.record({ k: fc.constant('open' as const), baud }), weight: 2 },
  { arbitrary: fc.record({ k: fc.constant('close' as const) }), weight: 1 },
  { arbitrary: fc.record({ k: fc.constant('setBaud' as const), baud }), weight: 3 },
  { arbitrary: fc.record({ k: fc.constant('run' as const), ms: fc.integer({ min: 0, max: 30 }) }), weight: 1 },
);

/** What each end received, with times, after running `ops` on a pair (fast) or the plain model. */
function transcript(ops: Op[], chunkBytes: number, fast: boolean): string[] {
  const clock = createClock();
  const log: string[] = [];
  const pair = fast ? createSerialPair(clock, { chunkBytes, peerBaud: 57600 }) : plainPair(clock, chunkBytes, 57600);
  pair.peer.attach({ onData: (c) => log.push(`p ${clock.now()} ${c}`), onBreak: () => log.push('break') });
  for (const o of ops) {
    if (o.k === 'dw') pair.device.write(o.s);
    else if (o.k === 'pw') pair.peer.write(o.s);
    else if (o.k === 'open') pair.device.open(o.baud, (c) => log.push(`d ${clock.now()} ${c}`));
    else if (o.k === 'close') pair.device.close();
    else if (o.k === 'setBaud') pair.peer.setBaud(o.baud);
    else clock.runUntil(clock.now() + o.ms);
  }
  clock.runUntil(1e9);
  return log;
}

describe('virtual UART chunks in flight', () => {
  it('arrive as with one delivery closure per chunk (content, time and order)', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), fc.constantFrom(1, 7, 32, 256), (ops, chunkBytes) => {
        expect(transcript(ops, chunkBytes, true)).toEqual(transcript(ops, chunkBytes, false));
      }),
      { numRuns: 1000 },
    );
  });

  it('a chunk due before those in flight (after a write at a negative baud) does not take their turn', () => {
    const ops: Op[] = [
      { k: 'open', baud: 115200 },
      { k: 'setBaud', baud: 115200 },
      { k: 'pw', s: 'abc' },
      { k: 'setBaud', baud: -9600 },
      { k: 'pw', s: 'abcdef' },
      { k: 'setBaud', baud: 115200 },
      { k: 'pw', s: 'x' },
    ];
    expect(transcript(ops, 256, true)).toEqual(transcript(ops, 256, false));
  });
});
