// Register-level model of a Bosch BME280 for the simulator. It holds the
// physical temperature, pressure and humidity and answers register reads as the
// chip does: chip id 0xD0, calibration NVM 0x88..0xA1 / 0xE1..0xE7, ctrl_hum
// 0xF2 (latched by the next ctrl_meas write), status 0xF3 (bit 3 while
// measuring), ctrl_meas 0xF4 (forced mode runs one conversion, then sleeps),
// soft reset 0xE0 = 0xB6, data 0xF7..0xFE (reset value 0x80000 / 0x8000, and
// the same for a skipped measurement). The raw ADC values come from inverting
// the datasheet's double-precision compensation (§8.1) by bisection, quantised
// to the oversampling's resolution (16 + osrs - 1 bits without IIR filter, §3.4.1),
// so a correct driver reads the physical value back within the resolution.
// Faults: absent / busError (I2C throws), stuck (the conversion never runs: the
// data registers keep their reset values); `chipId` can be changed (0x58 = BMP280).
import type { Bme280Calibration } from '../../../firmware/sensors/bme280.ts';
import { checkI2cFault, RegisterI2cDevice } from '../i2c.ts';
import type { TwinClock } from './clock.ts';

/**
 * T and P trimming values from the BMP280 datasheet's computation example (§3.12,
 * identical formulas in the BME280); H values as read from a production BME280.
 */
export const BME280_EXAMPLE_CALIBRATION: Bme280Calibration = {
  T1: 27504, T2: 26435, T3: -1000,
  P1: 36477, P2: -10685, P3: 3024, P4: 2855, P5: 140, P6: -7, P7: 15500, P8: -14600, P9: 6000,
  H1: 75, H2: 362, H3: 0, H4: 313, H5: 50, H6: 30,
};

/** var1 + var2 of the datasheet's double-precision temperature formula (t_fine before truncation). */
function tFineRaw(adcT: number, c: Bme280Calibration): number {
  const var1 = (adcT / 16384 - c.T1 / 1024) * c.T2;
  const d = adcT / 131072 - c.T1 / 8192;
  const var2 = d * d * c.T3;
  return var1 + var2;
}

/** Datasheet §8.1, double precision: t_fine (as the datasheet, truncated to an integer) and degC. */
export function bme280DoubleT(adcT: number, c: Bme280Calibration): { tFine: number; t: number } {
  const v = tFineRaw(adcT, c);
  return { tFine: Math.trunc(v), t: v / 5120 };
}

/** var1 and var2 of the datasheet's double-precision pressure formula (§8.1), which depend on t_fine only. */
const pTerms = new Float64Array(2);
function pressureTerms(tFine: number, c: Bme280Calibration): Float64Array {
  let var1 = tFine / 2 - 64000;
  let var2 = (var1 * var1 * c.P6) / 32768;
  var2 = var2 + var1 * c.P5 * 2;
  var2 = var2 / 4 + c.P4 * 65536;
  var1 = ((c.P3 * var1 * var1) / 524288 + c.P2 * var1) / 524288;
  pTerms[0] = (1 + var1 / 32768) * c.P1;
  pTerms[1] = var2;
  return pTerms;
}

/** Datasheet §8.1, double precision: pressure in Pa. */
export function bme280DoubleP(adcP: number, tFine: number, c: Bme280Calibration): number {
  const terms = pressureTerms(tFine, c);
  let var1 = terms[0]!;
  let var2 = terms[1]!;
  if (var1 === 0) return 0;
  let p = 1048576 - adcP;
  p = ((p - var2 / 4096) * 6250) / var1;
  var1 = (c.P9 * p * p) / 2147483648;
  var2 = (p * c.P8) / 32768;
  return p + (var1 + var2 + c.P7) / 16;
}

/** Datasheet §8.1, double precision: relative humidity in %. */
export function bme280DoubleH(adcH: number, tFine: number, c: Bme280Calibration): number {
  let h = tFine - 76800;
  h = (adcH - (c.H4 * 64 + (c.H5 / 16384) * h)) *
    ((c.H2 / 65536) * (1 + (c.H6 / 67108864) * h * (1 + (c.H3 / 67108864) * h)));
  h = h * (1 - (c.H1 * h) / 524288);
  return h > 100 ? 100 : h < 0 ? 0 : h;
}

/** A monotonic function of the raw value, as `invert` searches it (an object: see TwinCompensation). */
interface RawFunction {
  at(raw: number): number;
}

/** A plain function as a RawFunction (the exported `invert`). */
class FnRaw implements RawFunction {
  constructor(private readonly f: (raw: number) => number) {}
  at(raw: number): number {
    return this.f(raw);
  }
}

/**
 * The raw value in [0, max] (multiples of `step`) whose f(raw) is closest to `target`; f monotonic.
 * The search starts at `guess` (a raw value from the closed-form inverse, or NaN for none) and
 * gallops to a bracket, then bisects: the answer is the same as a bisection over the whole range
 * (the first raw value not on the target's near side, or the one below it if that is closer),
 * in a handful of evaluations instead of twenty.
 */
export function invert(f: (raw: number) => number, target: number, max: number, step: number, increasing: boolean, guess: number): number {
  return search(new FnRaw(f), target, max, step, increasing, guess);
}

/** A value of f is still on the near side of the target (before the answer). */
function near(v: number, target: number, increasing: boolean): boolean {
  return increasing ? v < target : v > target;
}

/**
 * `invert` over a RawFunction. The final comparison needs f at the answer and below it: the
 * search keeps the values it computed at lo - 1 and at hi (usually those two, once the gallop
 * from a good guess has bracketed the answer), so it evaluates f about half as often.
 */
function search(f: RawFunction, target: number, max: number, step: number, increasing: boolean, guess: number): number {
  const top = Math.floor(max / step);
  let lo = 0;
  let hi = top; // the answer is the first index in [lo, hi) where f is not near, else hi
  let fBelow = 0; // f at lo - 1 (set whenever lo is)
  let fHi = 0; // f at hi once hiKnown (set whenever hi is)
  let hiKnown = false;
  const g = Math.round(guess / step);
  if (g >= 0 && g < top) {
    let v = f.at(g * step);
    if (near(v, target, increasing)) {
      lo = g + 1;
      fBelow = v;
      for (let d = 1; lo + d - 1 < top; d *= 2) {
        const i = lo + d - 1;
        v = f.at(i * step);
        if (!near(v, target, increasing)) {
          hi = i;
          fHi = v;
          hiKnown = true;
          break;
        }
        lo = i + 1;
        fBelow = v;
      }
    } else {
      hi = g;
      fHi = v;
      hiKnown = true;
      for (let d = 1; hi - d >= 0; d *= 2) {
        const i = hi - d;
        v = f.at(i * step);
        if (near(v, target, increasing)) {
          lo = i + 1;
          fBelow = v;
          break;
        }
        hi = i;
        fHi = v;
      }
    }
  }
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const v = f.at(mid * step);
    if (near(v, target, increasing)) {
      lo = mid + 1;
      fBelow = v;
    } else {
      hi = mid;
      fHi = v;
      hiKnown = true;
    }
  }
  // lo === hi: the answer a = lo and the raw value below it, b (a itself when lo is 0)
  const a = lo * step;
  const b = Math.max(0, lo - 1) * step;
  const fa = hiKnown ? fHi : f.at(a);
  const fb = lo > 0 ? fBelow : fa;
  return Math.abs(fa - target) <= Math.abs(fb - target) ? a : b;
}

/**
 * The twin's three compensation formulas for one calibration and t_fine. One module-wide
 * instance serves every conversion (the searches run to completion before the next one),
 * so a conversion allocates no closures: it ran on every uplink of every simulated node.
 */
class TwinCompensation implements RawFunction {
  kind = 0; // 0: temperature (degC), 1: pressure (Pa), 2: humidity (%RH)
  c: Bme280Calibration = BME280_EXAMPLE_CALIBRATION;
  tFine = 0;
  at(raw: number): number {
    const k = this.kind;
    if (k === 0) return tFineRaw(raw, this.c) / 5120;
    return k === 1 ? bme280DoubleP(raw, this.tFine, this.c) : bme280DoubleH(raw, this.tFine, this.c);
  }
}
const compensation = new TwinCompensation();

/** ADC step of an oversampling field: the conversion's resolution is 16 + osrs - 1 bits of 20 (osrs 1..5). */
const stepOf = (osrs: number): number => 1 << (5 - Math.min(osrs, 5));

/** adcT, adcP, adcH of the last `convert` (read at once by its caller). */
const converted = new Float64Array(3);

/** Raw ADC values for these physical values and oversampling fields (0 = skipped), into `converted`. */
function convert(c: Bme280Calibration, degC: number, pa: number, rh: number, osrsT: number, osrsP: number, osrsH: number): void {
  const f = compensation;
  f.c = c;
  f.kind = 0;
  const t = search(f, degC, 0xfffff, stepOf(osrsT === 0 ? 1 : osrsT), true, guessAdcT(degC, c));
  const tFine = Math.trunc(tFineRaw(t, c));
  f.tFine = tFine;
  converted[0] = osrsT === 0 ? 0x80000 : t;
  f.kind = 1;
  converted[1] = osrsP === 0 ? 0x80000 : search(f, pa, 0xfffff, stepOf(osrsP), false, guessAdcP(pa, tFine, c));
  f.kind = 2;
  converted[2] = osrsH === 0 ? 0x8000 : search(f, rh, 0xffff, 1, true, guessAdcH(rh, tFine, c));
}

/** The positive root of q x^2 + x - v = 0 nearest the linear solution x = v (q small), in a cancellation-free form. */
function nearRoot(q: number, v: number): number {
  if (q === 0) return v;
  const d = 1 + 4 * q * v;
  return d < 0 ? NaN : (2 * v) / (1 + Math.sqrt(d));
}

/** Closed-form inverses of the double-precision compensation: starting points for `invert`. */
export function guessAdcT(degC: number, c: Bme280Calibration): number {
  // tFineRaw = 8 T2 x + T3 x^2 with x = adcT / 131072 - T1 / 8192
  const x = nearRoot(c.T3 / (8 * c.T2), (degC * 5120) / (8 * c.T2));
  return (x + c.T1 / 8192) * 131072;
}

export function guessAdcP(pa: number, tFine: number, c: Bme280Calibration): number {
  // the same var1/var2 as bme280DoubleP, then p = p0 + (P9 p0^2 / 2^31 + P8 p0 / 32768 + P7) / 16 solved for p0
  const terms = pressureTerms(tFine, c);
  const var1 = terms[0]!;
  const var2 = terms[1]!;
  const b = 1 + c.P8 / 524288;
  const p0 = nearRoot(c.P9 / 34359738368 / b, (pa - c.P7 / 16) / b);
  return 1048576 - var2 / 4096 - (p0 * var1) / 6250;
}

export function guessAdcH(rh: number, tFine: number, c: Bme280Calibration): number {
  // y = x (1 - H1 x / 524288) solved for x, then x = (adcH - offset) * m solved for adcH
  const h = tFine - 76800;
  const m = (c.H2 / 65536) * (1 + (c.H6 / 67108864) * h * (1 + (c.H3 / 67108864) * h));
  const x = nearRoot(-c.H1 / 524288, rh);
  return x / m + c.H4 * 64 + (c.H5 / 16384) * h;
}

/** The T and P trimming values in NVM order (16 bits each, little-endian, from 0x88). */
const TP_TRIMMING = ['T1', 'T2', 'T3', 'P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'P7', 'P8', 'P9'] as const;

function put16(r: Uint8Array, at: number, v: number): void {
  r[at] = v & 0xff;
  r[at + 1] = (v >> 8) & 0xff;
}

/** Oversampling factor of an osrs field (0 = skipped). */
const over = (o: number): number => (o === 0 ? 0 : 1 << (Math.min(o, 5) - 1));

export class Bme280Twin extends RegisterI2cDevice {
  /** Degrees Celsius. */
  temperature = 20;
  /** Pascal. */
  pressure = 101325;
  /** Percent relative humidity. */
  humidity = 50;
  chipId = 0x60;
  /** Number of conversions run (forced-mode triggers). */
  conversions = 0;
  private measureEnd = -Infinity;
  // the raw values of the conversion in progress (numbers, not an object per conversion)
  private pending = false;
  private pendingT = 0;
  private pendingP = 0;
  private pendingH = 0;
  private hum = 0; // ctrl_hum as latched by the last ctrl_meas write
  /** Called when a conversion starts, before it samples the physical values (lets a simulator set them lazily). */
  beforeConversion: (() => void) | null = null;

  constructor(
    private readonly clock: TwinClock,
    addr = 0x76,
    readonly calibration: Bme280Calibration = BME280_EXAMPLE_CALIBRATION,
  ) {
    super(addr);
    this.powerOn();
  }

  setTemperature(c: number): void {
    this.temperature = c;
  }
  setPressure(pa: number): void {
    this.pressure = pa;
  }
  setHumidity(rh: number): void {
    this.humidity = rh;
  }

  /** Raw ADC values the chip would produce now at these oversampling fields (0 = skipped). */
  rawValues(osrsT: number, osrsP: number, osrsH: number): { adcT: number; adcP: number; adcH: number } {
    convert(this.calibration, this.temperature, this.pressure, this.humidity, osrsT, osrsP, osrsH);
    return { adcT: converted[0]!, adcP: converted[1]!, adcH: converted[2]! };
  }

  private powerOn(): void {
    const r = this.regs;
    r.fill(0);
    const c = this.calibration;
    for (let i = 0; i < TP_TRIMMING.length; i++) put16(r, 0x88 + 2 * i, c[TP_TRIMMING[i]!]);
    r[0xa1] = c.H1;
    put16(r, 0xe1, c.H2);
    r[0xe3] = c.H3;
    r[0xe4] = (c.H4 >> 4) & 0xff;
    r[0xe5] = (c.H4 & 0x0f) | ((c.H5 & 0x0f) << 4);
    r[0xe6] = (c.H5 >> 4) & 0xff;
    r[0xe7] = c.H6 & 0xff;
    this.setData(0x80000, 0x80000, 0x8000);
    this.measureEnd = -Infinity;
    this.pending = false;
  }

  private setData(adcT: number, adcP: number, adcH: number): void {
    const r = this.regs;
    r[0xf7] = adcP >> 12; r[0xf8] = (adcP >> 4) & 0xff; r[0xf9] = (adcP & 0x0f) << 4;
    r[0xfa] = adcT >> 12; r[0xfb] = (adcT >> 4) & 0xff; r[0xfc] = (adcT & 0x0f) << 4;
    r[0xfd] = adcH >> 8; r[0xfe] = adcH & 0xff;
  }

  protected override onWrite(reg: number, value: number): void {
    if (reg === 0xe0) {
      if (value === 0xb6) this.powerOn();
      return;
    }
    if (reg === 0xf2 || reg === 0xf5) {
      this.regs[reg] = value;
      return;
    }
    if (reg !== 0xf4) return; // everything else is read-only
    this.regs[0xf4] = value;
    this.hum = this.regs[0xf2] & 0x07;
    const mode = value & 0x03;
    if (mode === 0x01 || mode === 0x02) {
      if (this.fault === 'stuck') return;
      this.conversions++;
      if (this.beforeConversion) this.beforeConversion();
      const osrsT = (value >> 5) & 0x07;
      const osrsP = (value >> 2) & 0x07;
      // maximum measurement time, datasheet §9.1
      const ms = 1.25 + 2.3 * over(osrsT) + (osrsP ? 2.3 * over(osrsP) + 0.575 : 0) + (this.hum ? 2.3 * over(this.hum) + 0.575 : 0);
      convert(this.calibration, this.temperature, this.pressure, this.humidity, osrsT, osrsP, this.hum);
      this.pendingT = converted[0]!;
      this.pendingP = converted[1]!;
      this.pendingH = converted[2]!;
      this.pending = true;
      this.measureEnd = this.clock.now() + ms;
    }
  }

  private measuring(): boolean {
    if (this.clock.now() < this.measureEnd) return true;
    if (this.pending) {
      // the data registers change only when the conversion ends
      this.setData(this.pendingT, this.pendingP, this.pendingH);
      this.pending = false;
    }
    return false;
  }

  /**
   * As RegisterI2cDevice.read, asking `measuring()` once for the whole read rather than per byte
   * (a transfer takes no virtual time: the first byte's answer holds for the rest, and a read
   * of no bytes asks nothing, as before). It reads the clock through the twin's timers.
   */
  override read(count: number): Uint8Array {
    checkI2cFault(this.fault, this.addr);
    const out = new Uint8Array(count);
    if (count === 0) return out;
    const busy = this.measuring();
    let p = this.ptr;
    for (let i = 0; i < count; i++) {
      out[i] = this.regAt(p, busy);
      p = (p + 1) & 0xff;
    }
    this.ptr = p;
    return out;
  }

  private regAt(reg: number, busy: boolean): number {
    if (reg === 0xd0) return this.chipId;
    if (reg === 0xf3) return busy ? 0x08 : 0x00;
    if (reg === 0xf4) return busy ? this.regs[0xf4] : this.regs[0xf4] & 0xfc; // back to sleep mode
    return this.regs[reg];
  }
}
