// On-device self-test of the LoRaWAN core: runs time-on-air and budget vectors
// (test/vectors/airtime.json, test/vectors/dutycycle.json, inlined by the self-test
// builder) through the same functions the firmware uses. Device profile.
import { fskTimeOnAir, loraTimeOnAir } from '../lorawan/airtime.ts';
import { createDutyCycleLedger } from '../lorawan/dutycycle.ts';
import { createFairUseBudget } from '../lorawan/fairuse.ts';
import { createJoinBackoff } from '../lorawan/joinbackoff.ts';
import { regionByName } from '../lorawan/regions.ts';

type Report = (name: string, ok: boolean, detail: string) => void;

function airtimeChecks(v: any, report: Report): void {
  const lora = v && v.lora ? v.lora : [];
  for (let i = 0; i < lora.length; i++) {
    const c = lora[i];
    const got = loraTimeOnAir(c.bytes, {
      sf: c.sf,
      bwKhz: c.bwKhz,
      cr: c.cr,
      preamble: c.preamble,
      explicitHeader: c.explicitHeader,
      crc: c.crc,
      ldro: c.ldro,
    });
    const ok = got >= 0 && Math.abs(got - c.ms) <= c.tol;
    report('toa SF' + c.sf + '/' + c.bwKhz + ' ' + c.bytes + 'B #' + i, ok, 'got ' + got + ' want ' + c.ms);
  }
  const f = v && v.fsk ? v.fsk : [];
  for (let i = 0; i < f.length; i++) {
    const got = fskTimeOnAir(f[i].bytes, f[i].kbps);
    report('toa FSK ' + f[i].bytes + 'B #' + i, Math.abs(got - f[i].ms) <= f[i].tol, 'got ' + got + ' want ' + f[i].ms);
  }
}

function makeTarget(s: any): any {
  if (s.kind === 'ledger') {
    const region = regionByName(s.region);
    return region === null ? null : createDutyCycleLedger(region, s.capacity);
  }
  if (s.kind === 'fairuse') return createFairUseBudget(s.config);
  if (s.kind === 'join') return createJoinBackoff(s.t0, s.capacity, 0, 0);
  return null;
}

function call(target: any, op: string, a: any[]): any {
  const fn = target[op];
  if (typeof fn !== 'function') return undefined;
  if (a.length === 1) return fn(a[0]);
  if (a.length === 2) return fn(a[0], a[1]);
  return fn(a[0], a[1], a[2]);
}

function budgetChecks(v: any, report: Report): void {
  const list = v && v.scenarios ? v.scenarios : [];
  for (let i = 0; i < list.length; i++) {
    const s = list[i];
    const target = makeTarget(s);
    if (target === null) {
      report('budget ' + s.name, false, 'unknown scenario kind or region');
      continue;
    }
    for (let j = 0; j < s.steps.length; j++) {
      const st = s.steps[j];
      const n = st.repeat ? st.repeat : 1;
      let got: any;
      for (let k = 0; k < n; k++) {
        const a: any[] = [];
        for (let m = 0; m < st.args.length; m++) a.push(st.args[m]);
        if (k > 0) a[0] = a[0] + k * st.everyMs;
        got = call(target, st.op, a);
      }
      if (st.expect !== undefined) {
        report('budget ' + s.name + ' step ' + j, got === st.expect, st.op + ' got ' + got + ' want ' + st.expect);
      }
    }
  }
}

/** Runs every vector; `report` is called once per check. */
export function selftestLorawan(vectors: { airtime: any; dutycycle: any }, report: Report): void {
  airtimeChecks(vectors.airtime, report);
  budgetChecks(vectors.dutycycle, report);
}
