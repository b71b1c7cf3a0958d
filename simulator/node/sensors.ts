// The sensor hardware of a simulated node, per app, as register-level twins on
// virtual buses (simulator/hardware/sensors/), their physical values driven by
// signals of virtual time. A sleeping node costs no events: the physical values are
// those at the firmware's last touch of a sensor, and they are computed only when a
// twin actually samples them (a conversion starts, an echo or a pin is read).
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
  // the time of the firmware's last touch of a sensor; the twins' values are those at that time
  let touchedAt = -1;
  let synced = true;
  /** The quantity's signal, or its default as a constant: looked up once, not on every sample. */
  const signal = (q: string): Signal => {
    const s = signals[q];
    if (s) return s;
    const d = DEFAULTS[q] as number;
    return () => d;
  };
  /** Sets the twins' physical values to those at time t. */
  let update = (t: number): void => void t;
  /** Brings the twins' physical values to the last touch (once per touch). */
  const sync = (): void => {
    if (synced) return;
    synced = true;
    update(touchedAt);
  };
  const hw: SensorHardware = {};
  const battery = signal('battery');
  hw.batteryMv = () => battery(timers.now());

  if (app === 'env-monitor') {
    const i2c = new VirtualI2cBus();
    const bme = new Bme280Twin(timers, 0x76);
    bme.beforeConversion = sync;
    i2c.attach(0x76, bme);
    update = bmeUpdate(bme, signal('temperature'), signal('humidity'), signal('pressure'));
    hw.i2c = i2c;
  } else {
    const ow = new VirtualOneWireBus();
    const probe = new Ds18b20Twin(timers, 1);
    probe.beforeConversion = sync;
    ow.attach(probe);
    hw.oneWire = (pin) => {
      if (pin !== pins.oneWire) throw new Error(`no 1-Wire bus on ${pin}`);
      return ow;
    };
    const probeTemperature = signal(app === 'water-level' ? 'waterTemperature' : app === 'soil-moisture' ? 'soilTemperature' : 'lidTemperature');
    if (app === 'soil-moisture') {
      const analog = new AnalogPins(3.3);
      const soil = new SoilProbeTwin(analog, pins.analog, PROBE_DRY_V, PROBE_WET_V);
      const moisture = signal('moisture');
      update = (t) => {
        probe.setTemperature(probeTemperature(t));
        soil.setMoisture(moisture(t));
      };
      hw.analogRead = (pin) => (sync(), analog.analogRead(pin));
    } else {
      const sonar = new HcSr04Twin(timers, pins.trig, pins.echo);
      const distance = signal('distance');
      const air = signal(app === 'bin-level' ? 'lidTemperature' : 'airTemperature');
      const tiltSignal = signal('tilt');
      const tilt = { on: false };
      update = (t) => {
        probe.setTemperature(probeTemperature(t));
        sonar.setDistance(distance(t));
        sonar.setAirTemperature(air(t));
        tilt.on = tiltSignal(t) >= 0.5;
      };
      hw.pulseEcho = (trig, echo, us, timeout, cb) => (sync(), sonar.pulseEcho(trig, echo, us, timeout, cb));
      hw.digitalRead = (pin) => (sync(), pin === pins.tilt && tilt.on);
    }
  }
  hw.touch = (nowMs) => {
    const now = nowMs === undefined ? timers.now() : nowMs;
    if (now === touchedAt) return;
    touchedAt = now;
    synced = false;
  };
  hw.touch();
  return hw;
}

/** The BME280's update, built apart so its context holds only what a conversion reads. */
function bmeUpdate(bme: Bme280Twin, temperature: Signal, humidity: Signal, pressure: Signal): (t: number) => void {
  return (t) => {
    bme.setTemperature(temperature(t));
    bme.setHumidity(humidity(t));
    bme.setPressure(pressure(t) * 100);
  };
}
