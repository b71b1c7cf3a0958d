// Register-level model of an ST VL53L0X for the simulator. It holds the physical
// distance to the target. Modelled registers: identification 0xC0 = 0xEE,
// 0xC1 = 0xAA, 0xC2 = 0x10; the private page selected by 0xFF = 0x01, holding
// the stop variable at 0x91; SYSRANGE_START 0x00 (bit 0 starts a single-shot
// range and clears itself once the ranging has started); RESULT_INTERRUPT_STATUS
// 0x13 (0x04 "new sample ready" when the ranging ended, cleared by writing 1 to
// SYSTEM_INTERRUPT_CLEAR 0x0B); RESULT_RANGE_STATUS 0x14 (device range status in
// bits 6:3: 11 valid, 4 phase out of bounds (no target)) with the range in mm at
// 0x1E..0x1F (big-endian), 8190 when there is no target.
// A ranging started without the stop variable written back gives status 0
// (the chip is not in its idle state). Timing budget 33 ms.
// Faults: absent / busError (I2C throws), stuck (a ranging never completes);
// `modelId` can be changed (a different chip).
import { RegisterI2cDevice } from '../i2c.ts';
import type { TwinClock } from './clock.ts';

export const VL53L0X_STOP_VARIABLE = 0x3c;

export class Vl53l0xTwin extends RegisterI2cDevice {
  /** Distance to the target in mm. */
  distanceMm = 500;
  /** Farthest target the chip sees (default mode, white target indoors: about 1.2..2 m). */
  maxRangeMm = 2000;
  modelId = 0xee;
  timingBudgetMs = 33;
  /** Number of rangings completed. */
  rangings = 0;
  private readonly page1 = new Uint8Array(256);
  private startedAt = -Infinity;
  private doneAt = Infinity;
  private validStart = false;
  private published = true;

  constructor(private readonly clock: TwinClock, addr = 0x29) {
    super(addr);
    this.regs[0xc1] = 0xaa;
    this.regs[0xc2] = 0x10;
    this.page1[0x91] = VL53L0X_STOP_VARIABLE;
  }

  setDistance(mm: number): void {
    this.distanceMm = mm;
  }

  private onPage1(reg: number): boolean {
    return this.regs[0xff] === 0x01 && reg !== 0xff && reg !== 0x80;
  }

  protected override onWrite(reg: number, value: number): void {
    this.settle();
    if (this.onPage1(reg)) {
      this.page1[reg] = value;
      return;
    }
    if (reg === 0x00) {
      if (value & 0x01) {
        this.startedAt = this.clock.now();
        this.doneAt = this.fault === 'stuck' ? Infinity : this.startedAt + this.timingBudgetMs;
        this.validStart = this.page1[0x91] === VL53L0X_STOP_VARIABLE && this.regs[0x80] === 0x00;
        this.published = false;
        this.regs[0x13] = 0;
      }
      return;
    }
    if (reg === 0x0b) {
      if (value & 0x01) this.regs[0x13] = 0;
      return;
    }
    this.regs[reg] = value;
  }

  protected override regRead(reg: number): number {
    this.settle();
    if (this.onPage1(reg)) return this.page1[reg];
    if (reg === 0xc0) return this.modelId;
    if (reg === 0x00) return this.clock.now() < this.startedAt + 1 ? 0x01 : 0x00;
    return this.regs[reg];
  }

  private settle(): void {
    if (this.published || this.clock.now() < this.doneAt) return;
    this.published = true;
    this.rangings++;
    const seen = this.distanceMm <= this.maxRangeMm;
    const status = !this.validStart ? 0 : seen ? 11 : 4;
    const mm = status === 11 ? Math.max(0, Math.round(this.distanceMm)) : 8190;
    const r = this.regs;
    for (let i = 0x14; i < 0x20; i++) r[i] = 0;
    r[0x14] = (status << 3) | 0x01;
    r[0x1a] = 0x00; r[0x1b] = seen ? 0x80 : 0x02; // signal rate (arbitrary, plausible)
    r[0x1e] = mm >> 8;
    r[0x1f] = mm & 0xff;
    r[0x13] = 0x04;
  }
}
