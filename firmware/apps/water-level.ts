// water-level: distance to the water surface of a river or drain (HC-SR04 above the
// water), water temperature (DS18B20 on a cable), battery; every 10 minutes. The
// level alarm is set when the distance falls below the alarm level and cleared
// above alarm level + hysteresis; setting it sends a confirmed uplink ahead of the
// queue. Downlinks: setInterval, setAlarmLevel, reboot.
import codec from 'lorakit:codec/water-level/1';
import { defineApp } from '../core/app.ts';
import { defaultSettings } from '../core/defaults.ts';
import { createHcSr04 } from '../sensors/hcsr04.ts';
import { createDs18b20 } from '../sensors/ds18b20.ts';
import { createBattery } from '../sensors/battery.ts';
import { chain, step } from '../sensors/chain.ts';
import type { ReadStep } from '../sensors/chain.ts';

export const app = defineApp({
  name: 'water-level',
  codec: codec,
  uplinkPort: 1,
  // thresholds: [alarm distance mm, hysteresis mm]
  settings: defaultSettings(600, [500, 50]),
  createSensors(hal, pins, config) {
    const sonar = createHcSr04(hal, pins.trig, pins.echo);
    const water = createDs18b20(hal, pins.oneWire);
    const battery = createBattery(hal);
    let alarm = false;
    // the steps are made once per node (not on every read); they hold only the read in flight
    const steps: ReadStep[] = [
      step(water, 'waterTemperature'),
      step(sonar, (r, mm) => {
        if (mm !== undefined) {
          r.distance = mm;
          const th = config().thresholds;
          alarm = alarm ? mm < th[0] + th[1] : mm < th[0];
        }
      }),
      step(battery, 'battery'),
      (r, next) => {
        r.levelAlarm = alarm;
        next();
      },
    ];
    return { read: chain(steps) };
  },
  alarm: (r) => r.levelAlarm === true,
  applyCommand(cmd, cfg) {
    if (cmd.command !== 'setAlarmLevel' || typeof cmd.alarmDistance !== 'number') return false;
    cfg.thresholds[0] = cmd.alarmDistance;
    if (typeof cmd.hysteresis === 'number') cfg.thresholds[1] = cmd.hysteresis;
    return true;
  },
});
