// The lorakit codec as the benchmark sees it: everything comes from the public
// codecs API (codecs/index.ts), so the numbers are those of the shipped code.
import { getApp } from '../../codecs/index.ts';

export { compiledApp, decodeUplink, deviceEncodeBatch, deviceEncodeUplink } from '../../codecs/index.ts';

/** The schema of the reference reading: env-monitor (climate v2 has temperature, humidity, battery, counter). */
export const envMonitorSchema = getApp('env-monitor');
