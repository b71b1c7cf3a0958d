// Platform checks: interpreter behaviours the firmware relies on, checked on the
// board itself (these are the rows of ESPRUINO.md that lowering must handle).
import type { Hal } from '../hal.ts';
import type { Report, Suite } from './runner.ts';

class Base {
  v: number;
  constructor(v: number) {
    this.v = v;
  }
  twice(): number {
    return this.v * 2;
  }
}

class Derived extends Base {
  constructor(v: number) {
    super(v + 1);
  }
  override twice(): number {
    return super.twice() + 1;
  }
}

export function platformSuite(hal: Hal): Suite {
  return {
    name: 'platform',
    run(report: Report) {
      const fns: Array<() => number> = [];
      for (let i = 0; i < 3; i++) fns.push(() => i);
      const got = fns[0]() + ',' + fns[1]() + ',' + fns[2]();
      report('platform.loop-closures', got === '0,1,2', got);

      const d = new Derived(1);
      report('platform.class-inheritance', d.twice() === 5 && d instanceof Base, String(d.twice()));

      const b = new Uint8Array([0x12, 0x34, 0x56, 0x78]);
      const dv = new DataView(b.buffer);
      report('platform.dataview-endianness', dv.getUint16(0, false) === 0x1234 && dv.getUint32(0, true) === 0x78563412, dv.getUint16(0, false).toString(16));

      const crc = hal.crc32('123456789');
      report('platform.crc32', crc === 0xcbf43926, crc.toString(16));

      const o: { a?: { b?: number } } = {};
      const spreadArgs = [1, 2, 3];
      const sum3 = (x: number, y: number, z: number) => x + y + z;
      report('platform.lowered-syntax', (o.a?.b ?? 7) === 7 && sum3(...(spreadArgs as [number, number, number])) === 6 && 2 ** 8 === 256, '');
    },
  };
}
