// Analog inputs for the simulator: pin voltages turned into the fractions 0..1
// that analogRead returns, quantised like the board's ADC (12 bit by default),
// plus the two analog sensors of the municipal nodes: a battery behind a
// resistor divider (or measured by the board itself, hal.batteryMv) and a
// capacitive soil-moisture probe. Faults per pin: absent (nothing connected,
// the pin reads 0), stuck (shorted to the supply, reads full scale),
// busError (analogRead throws, e.g. a pin that is not an analog input).
import type { SensorFault } from '../i2c.ts';

export class AnalogPins {
  private readonly volts = new Map<string, number>();
  private readonly faults = new Map<string, SensorFault>();

  constructor(public vref = 3.3, readonly bits = 12) {}

  setVoltage(pin: string, volts: number): void {
    this.volts.set(pin, volts);
  }

  setFault(pin: string, fault: SensorFault): void {
    this.faults.set(pin, fault);
  }

  /** The HAL's analogRead. */
  analogRead = (pin: string): number => {
    const fault = this.faults.get(pin) ?? 'none';
    if (fault === 'busError') throw new Error(`Pin ${pin} is not capable of ADC`);
    if (fault === 'absent') return 0;
    if (fault === 'stuck') return 1;
    const f = (this.volts.get(pin) ?? 0) / this.vref;
    const max = 2 ** this.bits - 1;
    return Math.round(Math.min(1, Math.max(0, f)) * max) / max;
  };

  /** The HAL's analogVRef. */
  analogVRef = (): number => this.vref;
}

/** A battery behind a divider with ratio (R_top + R_bottom) / R_bottom on `pin`. */
export class BatteryTwin {
  private mv = 3700;

  constructor(private readonly pins: AnalogPins, readonly pin: string, readonly ratio: number) {
    this.setMillivolts(this.mv);
  }

  setMillivolts(mv: number): void {
    this.mv = mv;
    this.pins.setVoltage(this.pin, mv / 1000 / this.ratio);
  }

  /** The HAL's batteryMv, for boards that measure their supply themselves. */
  batteryMv = (): number => this.mv;
}

/**
 * A capacitive soil-moisture probe on `pin`: its output falls linearly from
 * `dryVolts` (0 % volumetric water) to `wetVolts` (100 %).
 */
export class SoilProbeTwin {
  constructor(private readonly pins: AnalogPins, readonly pin: string, readonly dryVolts: number, readonly wetVolts: number) {
    this.setMoisture(0);
  }

  setMoisture(percent: number): void {
    const p = Math.min(100, Math.max(0, percent));
    this.pins.setVoltage(this.pin, this.dryVolts + ((this.wetVolts - this.dryVolts) * p) / 100);
  }
}
