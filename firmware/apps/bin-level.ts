// bin-level: fill level of a waste bin by an ultrasonic sensor in the lid (HC-SR04),
// a tilt switch and a fire sensor (DS18B20 in the lid: above 70 degC is a fire),
// battery; hourly. An alarm (confirmed, ahead of the queue) when the bin becomes full,
// tips over or heats up. Downlinks: setInterval, setFullThreshold, reboot.
import codec from 'lorakit:codec/bin-level/1';
import { defineApp } from '../core/app.ts';
import { defaultSettings } from '../core/defaults.ts';
import { createHcSr04 } from '../sensors/hcsr04.ts';
import { createDs18b20 } from '../sensors/ds18b20.ts';
import { createBattery } from '../sensors/battery.ts';
import { chain, step } from '../sensors/chain.ts';
import type { ReadStep } from '../sensors/chain.ts';

/** Distance from the sensor to the bottom of an empty bin, and to contents at 100%. */
const EMPTY_MM = 1100;
const FULL_MM = 150;
const FIRE_DEGC = 70;

export const app = defineApp({
  name: 'bin-level',
  codec: codec,
  uplinkPort: 1,
  // thresholds: [fullPercent]
  settings: defaultSettings(3600, [80]),
  createSensors(hal, pins) {
    const sonar = createHcSr04(hal, pins.trig, pins.echo);
    const lid = createDs18b20(hal, pins.oneWire);
    const battery = createBattery(hal);
    // made once, not on every read; `fire` belongs to the read in flight (one at a time, as for every sensor)
    let fire = false;
    const steps: ReadStep[] = [
      step(lid, (_r, t) => {
        if (t !== undefined) {
          sonar.setAirTemperature(t);
          fire = t >= FIRE_DEGC;
        }
      }),
      step(sonar, (r, mm) => {
        if (mm !== undefined) {
          r.distance = mm;
          const p = ((EMPTY_MM - mm) / (EMPTY_MM - FULL_MM)) * 100;
          r.fillPercent = p < 0 ? 0 : p > 100 ? 100 : p;
        }
      }),
      (r, next) => {
        const tilt = hal.digitalRead(pins.tilt);
        r.alarm = tilt ? (fire ? 'tiltAndFire' : 'tilt') : fire ? 'fire' : 'none';
        next();
      },
      step(battery, 'battery'),
    ];
    const run = chain(steps);
    return {
      read(cb) {
        fire = false;
        run(cb);
      },
    };
  },
  alarm: (r, th) => (typeof r.alarm === 'string' && r.alarm !== 'none') || (typeof r.fillPercent === 'number' && r.fillPercent >= th[0]),
  applyCommand(cmd, cfg) {
    if (cmd.command !== 'setFullThreshold' || typeof cmd.fullPercent !== 'number') return false;
    cfg.thresholds[0] = cmd.fullPercent;
    return true;
  },
});
