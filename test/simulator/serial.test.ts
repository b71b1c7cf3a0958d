import { describe, expect, it } from 'vitest';
import { createClock } from '../../simulator/clock.ts';
import { byteTimeMs, createSerialPair, garble } from '../../simulator/hardware/serial.ts';

function setup(peerBaud = 57600) {
  const clock = createClock();
  const { device, peer } = createSerialPair(clock, { peerBaud });
  const atPeer: [string, number][] = [];
  const atDevice: [string, number][] = [];
  let breaks = 0;
  peer.attach({ onData: (c) => atPeer.push([c, clock.now()]), onBreak: () => breaks++ });
  return { clock, device, peer, atPeer, atDevice, onDev: (c: string) => atDevice.push([c, clock.now()]), breaks: () => breaks };
}

describe('virtual UART', () => {
  it('delivers bytes after their transmission time (10 bits per byte)', () => {
    const s = setup();
    s.device.open(57600, s.onDev);
    s.device.write('sys get ver\r\n'); // 13 bytes
    s.clock.runUntil(byteTimeMs(13, 57600) - 0.001);
    expect(s.atPeer).toEqual([]);
    s.clock.runUntil(10);
    expect(s.atPeer).toEqual([['sys get ver\r\n', (13 * 10 * 1000) / 57600]]);
    // back-to-back writes queue on the wire
    s.peer.write('ok\r\n');
    s.peer.write('ok\r\n');
    s.clock.runUntil(100);
    const t0 = 10;
    expect(s.atDevice.map(([, t]) => t)).toEqual([t0 + byteTimeMs(4, 57600), t0 + byteTimeMs(8, 57600)]);
  });

  it('splits long writes into chunks that arrive progressively', () => {
    const s = setup(115200);
    s.device.open(115200, s.onDev);
    s.peer.write('x'.repeat(100));
    s.clock.runUntil(1000);
    expect(s.atDevice.map(([c]) => c).join('')).toBe('x'.repeat(100));
    expect(s.atDevice.length).toBe(4);
    expect(s.atDevice[3]![1]).toBeCloseTo(byteTimeMs(100, 115200), 9);
  });

  it('a receiver at another baud gets deterministic junk, never a line ending', () => {
    const s = setup(57600);
    s.device.open(9600, s.onDev);
    s.device.write('mac tx uncnf 1 AB\r\n');
    s.peer.write('ok\r\n');
    s.clock.runUntil(1000);
    const got = s.atPeer.map(([c]) => c).join('');
    expect(got).not.toContain('mac');
    expect(got).not.toMatch(/[\r\n]/);
    expect(got.length).toBe(19);
    expect(got).toBe(garble('mac tx uncnf 1 AB\r\n', 9600, 57600));
    expect(s.atDevice.map(([c]) => c).join('')).not.toContain('ok');
  });

  it('loses writes while the device end is closed', () => {
    const s = setup();
    s.device.write('lost\r\n');
    s.peer.write('also lost\r\n');
    s.clock.runUntil(100);
    expect(s.atPeer).toEqual([]);
    s.device.open(57600, s.onDev);
    s.peer.write('in flight');
    s.device.close();
    s.clock.runUntil(200);
    expect(s.atDevice).toEqual([]);
    expect(s.device.isOpen()).toBe(false);
  });

  it('signals a break after its duration, and autobaud adopts the device baud', () => {
    const s = setup(57600);
    s.device.open(19200, s.onDev);
    s.device.sendBreak(5);
    s.clock.runUntil(4.9);
    expect(s.breaks()).toBe(0);
    s.clock.runUntil(5);
    expect(s.breaks()).toBe(1);
    s.peer.autobaud();
    expect(s.peer.baud()).toBe(19200);
    s.device.write('U');
    s.clock.runUntil(10);
    expect(s.atPeer.map(([c]) => c)).toEqual(['U']);
  });
});
