// Virtual sensor chips for the simulator (see docs/SENSORS.md).
export { AnalogPins, BatteryTwin, SoilProbeTwin } from './analog.ts';
export { BME280_EXAMPLE_CALIBRATION, Bme280Twin } from './bme280.ts';
export { Ds18b20Twin, ds18b20Rom } from './ds18b20.ts';
export { HcSr04Twin } from './hcsr04.ts';
export { Sht4xTwin } from './sht4x.ts';
export { Vl53l0xTwin } from './vl53l0x.ts';
export type { TwinClock, TwinTimers } from './clock.ts';
