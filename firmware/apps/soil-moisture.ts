// soil-moisture: volumetric water content from a capacitive probe (analog, two-point
// calibration), soil temperature (DS18B20 on the probe cable), battery; hourly. No
// alarm. Downlinks: setInterval, reboot.
import codec from 'lorakit:codec/soil-moisture/1';
import { defineApp } from '../core/app.ts';
import { defaultSettings } from '../core/defaults.ts';
import { createSoilMoisture } from '../sensors/soil.ts';
import { createDs18b20 } from '../sensors/ds18b20.ts';
import { createBattery } from '../sensors/battery.ts';
import { chain, step } from '../sensors/chain.ts';

/** Probe calibration: ADC fraction in dry air and in water (capacitive v1.2 probe at 3.3 V). */
const DRY = 0.82;
const WET = 0.41;

export const app = defineApp({
  name: 'soil-moisture',
  codec: codec,
  uplinkPort: 1,
  settings: defaultSettings(3600, []),
  createSensors(hal, pins) {
    const probe = createSoilMoisture(hal, pins.analog, DRY, WET);
    const soil = createDs18b20(hal, pins.oneWire);
    const battery = createBattery(hal);
    // made once, not on every read
    const steps = [step(probe, 'moisture'), step(soil, 'soilTemperature'), step(battery, 'battery')];
    return { read: chain(steps) };
  },
});
