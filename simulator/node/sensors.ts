// The sensor hardware of a simulated node, per app, as register-level twins on
// virtual buses (simulator/hardware/sensors/), their physical values driven by
// signals of virtual time. Signals are read lazily, whenever the firmware touches
// a sensor, so a sleeping node costs no events.
import type { Hal } from '../../firmware/hal.ts';
import type { SensorPins } from '../../firmware/core/types.ts';
import { VirtualI2cBus } from '../hardware/i2c.ts';
import { VirtualOneWireBus } from '../hardware/onewire.ts';
import { AnalogPins, Bme280Twin, Ds18b20Twin, HcSr04Twin, SoilProbeTwin } from '../hardware/sensors/index.ts';
import type { VirtualHalParts } from './hal.ts';

/** A physical quantity over virtual time (ms). */
export type Signal = (tMs: number) => number;

/**
 * Quantities a fleet may drive, with defaults: temperature (degC), humidity (%RH),
 * pressure (hPa), battery (mV), distance (mm: bin contents or water surface),
 * waterTemperature, soilTemperature (degC), moisture (%vol), tilt (0/1), lidTemperature (degC),
 * airTemperature (degC: the air an ultrasonic pulse crosses; in a bin that is the lid temperature).
 */
export type Signals = Partial<Record<string, Signal>>;

const DEFAULTS: Record<string, number> = {
  temperature: 18,
  humidity: 60,
  pressure: 1013,
  battery: 3600,
  distance: 900,
  waterTemperature: 12,
  soilTemperature: 14,
  moisture: 30,
  tilt: 0,
  lidTemperature: 20,
  airTemperature: 20,
};

export type SensorHardware = Pick<VirtualHalParts, 'i2c' | 'oneWire' | 'analogRead' | 'digitalRead' | 'pulseEcho' | 'batteryMv' | 'touch'>;

/** Soil probe: volts in dry air and in water, matching firmware/apps/soil-moisture.ts's calibration at 3.3 V. */
const PROBE_DRY_V = 0.82 * 3.3;
const PROBE_WET_V = 0.41 * 3.3;

export function createSensorHardware(app: string, pins: SensorPins, timers: Pick<Hal, 'now' | 'setTimeout'>, signals: Signals): SensorHardware {
  const value = (q: string): number => {
    const s = signals[q];
    return s ? s(timers.now()) : DEFAULTS[q];
  };
  const updates: Array<() => void> = [];
  const hw: SensorHardware = {};
  hw.batteryMv = () => value('battery');

  if (app === 'env-monitor') {
    const i2c = new VirtualI2cBus();
    const bme = new Bme280Twin(timers, 0x76);
    i2c.attach(0x76, bme);
    updates.push(() => {
      bme.setTemperature(value('temperature'));
      bme.setHumidity(value('humidity'));
      bme.setPressure(value('pressure') * 100);
    });
    hw.i2c = i2c;
  } else {
    const ow = new VirtualOneWireBus();
    const probe = new Ds18b20Twin(timers, 1);
    ow.attach(probe);
    hw.oneWire = (pin) => {
      if (pin !== pins.oneWire) throw new Error(`no 1-Wire bus on ${pin}`);
      return ow;
    };
    const tq = app === 'water-level' ? 'waterTemperature' : app === 'soil-moisture' ? 'soilTemperature' : 'lidTemperature';
    updates.push(() => probe.setTemperature(value(tq)));
    if (app === 'soil-moisture') {
      const analog = new AnalogPins(3.3);
      const soil = new SoilProbeTwin(analog, pins.analog, PROBE_DRY_V, PROBE_WET_V);
      updates.push(() => soil.setMoisture(value('moisture')));
      hw.analogRead = analog.analogRead;
    } else {
      const sonar = new HcSr04Twin(timers, pins.trig, pins.echo);
      updates.push(() => {
        sonar.setDistance(value('distance'));
        sonar.setAirTemperature(value(app === 'bin-level' ? 'lidTemperature' : 'airTemperature'));
      });
      hw.pulseEcho = sonar.pulseEcho;
      const tilt = { on: false };
      updates.push(() => (tilt.on = value('tilt') >= 0.5));
      hw.digitalRead = (pin) => pin === pins.tilt && tilt.on;
    }
  }
  // a reading touches the bus many times within one virtual millisecond: refresh once per ms
  let touchedAt = -1;
  hw.touch = () => {
    const now = timers.now();
    if (now === touchedAt) return;
    touchedAt = now;
    for (const u of updates) u();
  };
  hw.touch();
  return hw;
}
