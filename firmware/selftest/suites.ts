// The suites the self-test bundle runs, each with the shared vectors it checks
// (test/vectors/*.json, inlined into the bundle by the build).
import type { Hal } from '../hal.ts';
import type { Suite } from './runner.ts';
import { platformSuite } from './platform.ts';
import { selftestLorawan } from './lorawan.ts';
import { selftestCodecs } from '../../codecs/device/selftest.ts';
import airtime from '../../test/vectors/airtime.json';
import dutycycle from '../../test/vectors/dutycycle.json';
import envMonitor from '../../test/vectors/codec-env-monitor.json';
import binLevel from '../../test/vectors/codec-bin-level.json';
import waterLevel from '../../test/vectors/codec-water-level.json';
import soilMoisture from '../../test/vectors/codec-soil-moisture.json';

export function selftestSuites(hal: Hal): Suite[] {
  return [
    platformSuite(hal),
    { name: 'lorawan', run: (report) => selftestLorawan({ airtime: airtime, dutycycle: dutycycle }, report) },
    { name: 'codecs', run: (report) => selftestCodecs([envMonitor, binLevel, waterLevel, soilMoisture], report) },
  ];
}
