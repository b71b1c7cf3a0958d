// env-monitor: air temperature, humidity, pressure (BME280 on I2C) and battery, every
// 15 minutes; an alarm (confirmed uplink, ahead of the queue) when the temperature
// leaves [low, high]. Downlinks: setInterval, setThresholds, reboot.
import codec from 'lorakit:codec/env-monitor/2';
import { defineApp } from '../core/app.ts';
import { defaultSettings } from '../core/defaults.ts';
import { createBme280 } from '../sensors/bme280.ts';
import { createBattery } from '../sensors/battery.ts';
import { chain, step } from '../sensors/chain.ts';
import type { ReadStep } from '../sensors/chain.ts';

export const app = defineApp({
  name: 'env-monitor',
  codec: codec,
  uplinkPort: 2,
  settings: defaultSettings(900, [35, -10]),
  createSensors(hal) {
    const bme = createBme280(hal);
    const battery = createBattery(hal);
    let count = 0;
    // the steps are made once per node (not on every read); they hold only the read in flight
    const steps: ReadStep[] = [
      step(bme, (r, v) => {
        if (v) {
          r.temperature = v.temperature;
          r.humidity = v.humidity;
          r.pressure = v.pressure / 100;
        }
      }),
      step(battery, 'battery'),
      (r, next) => {
        r.counter = count;
        next();
      },
    ];
    const run = chain(steps);
    return {
      read(cb) {
        count = (count + 1) % 65535;
        run(cb);
      },
    };
  },
  // thresholds: [high, low] in degC
  alarm: (r, th) => typeof r.temperature === 'number' && (r.temperature > th[0] || r.temperature < th[1]),
  applyCommand(cmd, cfg) {
    if (cmd.command !== 'setThresholds') return false;
    if (typeof cmd.high === 'number') cfg.thresholds[0] = cmd.high;
    if (typeof cmd.low === 'number') cfg.thresholds[1] = cmd.low;
    return true;
  },
});
