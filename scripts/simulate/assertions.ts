// `--assert '<metric><op><value>'`: CI gates on a fleet run.
import type { SimReport } from '../../simulator/report/types.ts';

export const METRICS: Record<string, { describe: string; value: (r: SimReport) => number | null }> = {
  delivery: { describe: 'delivered / sent application uplinks (0..1)', value: (r) => r.summary.deliveryRatio },
  collisions: { describe: 'transmissions no gateway received because of a collision', value: (r) => r.summary.collisions },
  violations: { describe: 'rules broken, from the transmission log (duty cycle, fair use, join back-off, FCnt/DevNonce reuse, payload size)', value: (r) => r.summary.violationCount },
  battery_days_min: { describe: 'shortest estimated battery life of any node (days)', value: (r) => r.summary.batteryDays.min },
  battery_days_median: { describe: 'median estimated battery life (days)', value: (r) => r.summary.batteryDays.median },
  uplinks: { describe: 'application uplinks sent', value: (r) => r.summary.uplinksSent },
  delivered: { describe: 'application uplinks delivered', value: (r) => r.summary.uplinksDelivered },
  not_joined: { describe: 'nodes that never joined', value: (r) => r.summary.joins.nodesNotJoined },
  duty_cycle_headroom_min: {
    describe: 'smallest duty-cycle headroom over the limited sub-bands (limit - worst hourly share)',
    value: (r) => {
      const h = r.summary.dutyCycle.map((b) => b.headroom).filter((x): x is number => x !== null);
      return h.length ? Math.min(...h) : null;
    },
  },
};

export interface Assertion {
  text: string;
  metric: string;
  op: '>=' | '<=' | '>' | '<' | '==' | '!=';
  value: number;
}

const OPS = ['>=', '<=', '==', '!=', '>', '<'] as const;

/** Parses `delivery>=0.9`; returns an error message for bad input. */
export function parseAssertion(text: string): Assertion | string {
  const t = text.replace(/\s+/g, '');
  for (const op of OPS) {
    const i = t.indexOf(op);
    if (i <= 0) continue;
    const metric = t.slice(0, i);
    const raw = t.slice(i + op.length);
    if (!(metric in METRICS)) return `unknown metric "${metric}" in --assert '${text}' (metrics: ${Object.keys(METRICS).join(', ')})`;
    const value = Number(raw);
    if (raw === '' || !Number.isFinite(value)) return `--assert '${text}': "${raw}" is not a number`;
    return { text, metric, op, value };
  }
  return `--assert '${text}' is not <metric><op><value> with op one of ${OPS.join(' ')}`;
}

export function checkAssertion(a: Assertion, r: SimReport): { ok: boolean; actual: number | null } {
  const actual = METRICS[a.metric].value(r);
  if (actual === null) return { ok: false, actual };
  const v = a.value;
  const ok =
    a.op === '>=' ? actual >= v : a.op === '<=' ? actual <= v : a.op === '>' ? actual > v : a.op === '<' ? actual < v : a.op === '==' ? actual === v : actual !== v;
  return { ok, actual };
}
