// A trivial app that exercises what the build must lower for Espruino: classes
// with inheritance, closures created in loops, typed arrays, destructuring,
// default/rest parameters, spread, `**`, `?.` and logical assignment. It prints
// one line per check so a test (or a maker with a board) can see the results.
import type { Hal } from '../hal.ts';

class Shape {
  name: string;
  constructor(name: string) {
    this.name = name;
  }
  area(): number {
    return 0;
  }
  describe(): string {
    return `${this.name}:${this.area()}`;
  }
}

class Rect extends Shape {
  w: number;
  h: number;
  constructor(w: number, h: number) {
    super('rect');
    this.w = w;
    this.h = h;
  }
  override area(): number {
    return this.w * this.h;
  }
}

class Square extends Rect {
  constructor(side: number) {
    super(side, side);
    this.name = 'square';
  }
}

function sum(first: number, ...rest: number[]): number {
  let total = first;
  for (const x of rest) total += x;
  return total;
}

function scaled(value: number, factor = 10): number {
  return value * factor;
}

interface Reading {
  temp?: number;
  meta?: { unit?: string };
}

export function runHello(hal: Hal): string[] {
  const lines: string[] = [];
  const out = (line: string) => {
    lines.push(line);
    hal.log(line);
  };

  // closures in loops: each must see its own iteration's value
  const getters: Array<() => number> = [];
  for (let i = 0; i < 3; i++) getters.push(() => i);
  out(`closures ${getters.map((g) => g()).join(',')}`);

  // classes and inheritance
  const shapes = [new Rect(2, 3), new Square(4)];
  out(`classes ${shapes.map((s) => s.describe()).join(' ')} ${shapes[1] instanceof Shape}`);

  // typed arrays
  const buf = new Uint8Array(4);
  for (let i = 0; i < buf.length; i++) buf[i] = (i + 1) * 0x11;
  const view = new DataView(buf.buffer);
  out(`typed ${view.getUint16(0, false).toString(16)} ${view.getUint16(2, true).toString(16)}`);

  // destructuring, defaults, rest, spread
  const { temp = -1, meta } = { temp: 21, meta: { unit: 'C' } } as Reading;
  const [a, , c] = [1, 2, 3];
  const more = [4, 5];
  out(`lowered ${temp}${meta?.unit} ${a + c} ${sum(1, ...more)} ${scaled(2)} ${2 ** 10}`);

  // optional chaining and logical assignment
  const cfg: { interval?: number; name?: string; nested?: { deep?: number } } = {};
  cfg.interval ??= 900;
  cfg.name ||= 'node';
  out(`optional ${cfg.nested?.deep ?? 'none'} ${cfg.interval} ${cfg.name}`);
  return lines;
}

export const app = {
  name: 'hello',
  start(hal: Hal): void {
    runHello(hal);
    hal.log('hello: done');
  },
};
