// The sensor hardware of a simulated node, per app, as register-level twins on
// virtual buses (simulator/hardware/sensors/), their physical values driven by
// signals of virtual time. A sleeping node costs no events: the physical values are
// those at the firmware's last touch of a sensor, and they are computed only when a
// twin actually samples them (a conversion starts, an echo or a pin is read).
import type { Hal, I2cBus, OneWireBus } from '../../firmware/hal.ts';
import type { SensorPins } from '../../firmware/core/types.ts';
import { I2cNackError, i2cWriteBytes } from '../hardware/i2c.ts';
import { VirtualOneWireBus } from '../hardware/onewire.ts';
import { AnalogPins, Bme280Twin, Ds18b20Twin, HcSr04Twin, SoilProbeTwin } from '../hardware/sensors/index.ts';

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

/** What the HAL reaches of a node's sensors; the buses and pins an app has not are absent. */
export interface SensorHardware {
  /** The bus itself: transfers on it do not touch (the HAL touches first). */
  i2c?: I2cBus;
  oneWire?(pin: string): OneWireBus;
  analogRead?(pin: string): number;
  digitalRead?(pin: string): boolean;
  pulseEcho?: Hal['pulseEcho'];
  batteryMv(): number | undefined;
  /** The firmware touches a sensor at `nowMs` (default: the timers' now): the twins will show the values of then. */
  touch(nowMs?: number): void;
}

type Timers = Pick<Hal, 'now' | 'setTimeout'>;

/** Soil probe: volts in dry air and in water, matching firmware/apps/soil-moisture.ts's calibration at 3.3 V. */
const PROBE_DRY_V = 0.82 * 3.3;
const PROBE_WET_V = 0.41 * 3.3;

/**
 * Each default as a constant signal, made once and shared by every node (read-only: a node
 * without a signal for a quantity costs no function of its own).
 */
const DEFAULT_SIGNALS = new Map<string, Signal>();
for (const q of Object.keys(DEFAULTS)) {
  const d = DEFAULTS[q] as number;
  DEFAULT_SIGNALS.set(q, () => d);
}

/** The quantity's signal, or its default as a constant: looked up once, not on every sample. */
function signalOf(signals: Signals, q: string): Signal {
  const s = signals[q];
  if (s) return s;
  let c = DEFAULT_SIGNALS.get(q);
  if (c === undefined) {
    // not a known quantity: undefined, as DEFAULTS[q] is (kept apart, not shared)
    const d = DEFAULTS[q] as number;
    c = () => d;
  }
  return c;
}

export function createSensorHardware(app: string, pins: SensorPins, timers: Timers, signals: Signals): SensorHardware {
  const hw =
    app === 'env-monitor' ? new EnvSensors(timers, signals)
    : app === 'soil-moisture' ? new SoilSensors(timers, signals, pins)
    : new SonarSensors(timers, signals, pins, app);
  hw.touch();
  return hw;
}

// One class instance per node rather than an object of closures over a shared context:
// when a node wakes (its state cold in the CPU caches) a touch, a conversion and its
// signals read this one object instead of a chain of closures and contexts.

/** The state every app's sensors share: the last touch, and the battery. */
abstract class Sensors implements SensorHardware {
  protected readonly timers: Timers;
  // the time of the firmware's last touch of a sensor; the twins' values are those at that time
  private touchedAt = -1;
  private synced = true;
  private readonly battery: Signal;
  /** sync() bound to this, for the twins' beforeConversion (a bound function: no closure context). */
  protected readonly syncHook: () => void;

  constructor(timers: Timers, signals: Signals) {
    this.timers = timers;
    this.battery = signalOf(signals, 'battery');
    this.syncHook = this.sync.bind(this);
  }

  /** Sets the twins' physical values to those at time t. */
  protected abstract update(t: number): void;

  /** Brings the twins' physical values to the last touch (once per touch). */
  protected sync(): void {
    if (this.synced) return;
    this.synced = true;
    this.update(this.touchedAt);
  }

  touch(nowMs?: number): void {
    const now = nowMs === undefined ? this.timers.now() : nowMs;
    if (now === this.touchedAt) return;
    this.touchedAt = now;
    this.synced = false;
  }

  batteryMv(): number | undefined {
    return this.battery(this.timers.now());
  }
}

/** The BME280's address on an env-monitor's bus. */
const BME_ADDR = 0x76;

/**
 * env-monitor: a BME280 on I2C. The sensors object is itself the bus (`i2c === this`), as a
 * VirtualI2cBus with the one chip attached at BME_ADDR would be: any other address is a NACK.
 * A bus object and its two lists per node would be three objects more to make, and one more
 * to reach on every transfer.
 */
class EnvSensors extends Sensors implements I2cBus {
  readonly i2c: I2cBus;
  private readonly bme: Bme280Twin;
  private readonly temperature: Signal;
  private readonly humidity: Signal;
  private readonly pressure: Signal;

  constructor(timers: Timers, signals: Signals) {
    super(timers, signals);
    const bme = new Bme280Twin(timers, BME_ADDR);
    bme.beforeConversion = this.syncHook;
    this.i2c = this;
    this.bme = bme;
    this.temperature = signalOf(signals, 'temperature');
    this.humidity = signalOf(signals, 'humidity');
    this.pressure = signalOf(signals, 'pressure');
  }

  protected update(t: number): void {
    const bme = this.bme;
    bme.setTemperature(this.temperature(t));
    bme.setHumidity(this.humidity(t));
    bme.setPressure(this.pressure(t) * 100);
  }

  writeTo(addr: number, data: Uint8Array | number[]): void {
    if (addr !== BME_ADDR) throw new I2cNackError(addr);
    this.bme.write(i2cWriteBytes(data));
  }

  readFrom(addr: number, count: number): Uint8Array {
    if (addr !== BME_ADDR) throw new I2cNackError(addr);
    return this.bme.read(count);
  }
}

/** The apps with a DS18B20 probe on 1-Wire (and more: see the subclasses). */
abstract class ProbeSensors extends Sensors {
  private readonly pin: string | undefined;
  private readonly ow: VirtualOneWireBus;
  protected readonly probe: Ds18b20Twin;
  protected readonly probeTemperature: Signal;

  constructor(timers: Timers, signals: Signals, pins: SensorPins, probeQuantity: string) {
    super(timers, signals);
    this.pin = pins.oneWire;
    const ow = new VirtualOneWireBus();
    const probe = new Ds18b20Twin(timers, 1);
    probe.beforeConversion = this.syncHook;
    ow.attach(probe);
    this.ow = ow;
    this.probe = probe;
    this.probeTemperature = signalOf(signals, probeQuantity);
  }

  oneWire(pin: string): OneWireBus {
    if (pin !== this.pin) throw new Error(`no 1-Wire bus on ${pin}`);
    return this.ow;
  }
}

/** soil-moisture: the probe, and a capacitive soil probe on an analog pin. */
class SoilSensors extends ProbeSensors {
  private readonly analog: AnalogPins;
  private readonly soil: SoilProbeTwin;
  private readonly moisture: Signal;

  constructor(timers: Timers, signals: Signals, pins: SensorPins) {
    super(timers, signals, pins, 'soilTemperature');
    this.analog = new AnalogPins(3.3);
    this.soil = new SoilProbeTwin(this.analog, pins.analog, PROBE_DRY_V, PROBE_WET_V);
    this.moisture = signalOf(signals, 'moisture');
  }

  protected update(t: number): void {
    this.probe.setTemperature(this.probeTemperature(t));
    this.soil.setMoisture(this.moisture(t));
  }

  analogRead(pin: string): number {
    this.sync();
    return this.analog.analogRead(pin);
  }
}

/** water-level, bin-level (and any other app): the probe, an HC-SR04 and a tilt switch. */
class SonarSensors extends ProbeSensors {
  private readonly tiltPin: string | undefined;
  private readonly sonar: HcSr04Twin;
  private readonly distance: Signal;
  private readonly air: Signal;
  private readonly tiltSignal: Signal;
  private tilt = false;

  constructor(timers: Timers, signals: Signals, pins: SensorPins, app: string) {
    super(timers, signals, pins, app === 'water-level' ? 'waterTemperature' : 'lidTemperature');
    this.tiltPin = pins.tilt;
    this.sonar = new HcSr04Twin(timers, pins.trig, pins.echo);
    this.distance = signalOf(signals, 'distance');
    this.air = signalOf(signals, app === 'bin-level' ? 'lidTemperature' : 'airTemperature');
    this.tiltSignal = signalOf(signals, 'tilt');
  }

  protected update(t: number): void {
    this.probe.setTemperature(this.probeTemperature(t));
    this.sonar.setDistance(this.distance(t));
    this.sonar.setAirTemperature(this.air(t));
    this.tilt = this.tiltSignal(t) >= 0.5;
  }

  pulseEcho(trig: string, echo: string, us: number, timeout: number, cb: (us: number) => void): void {
    this.sync();
    this.sonar.pulseEcho(trig, echo, us, timeout, cb);
  }

  digitalRead(pin: string): boolean {
    this.sync();
    return pin === this.tiltPin && this.tilt;
  }
}
