// Shared shapes of the sensor drivers. Every driver is made by a factory
// (`createX(hal, ...)`) that keeps its state in a closure, and exposes
// `read(cb)`: the callback gets the value, or `undefined` when the sensor
// failed (absent, bus error, CRC error, timeout, out of range). A driver never
// throws. The callback may run synchronously when the failure is immediate
// (no bus, no presence pulse); run one read at a time per sensor.

/** Receives a reading, or undefined for a missing reading. */
export type SensorCallback<T> = (value: T | undefined) => void;

export interface Sensor<T> {
  read(cb: SensorCallback<T>): void;
}
