// The fleet-file schema (zod v4). It validates the parsed YAML/JSON and outputs a
// FleetDefinition minus `source`/`baseDir` (load.ts adds those and reads CSVs).
// Cross-field rules (region, data rates, unique names, counts vs points) are
// checked here too, so every error names its field.
import { z } from 'zod';
import { regionByName, regionNames } from '../../firmware/lorawan/regions.ts';
import { TTN_FAIR_USE, type FairUseConfig } from '../../firmware/lorawan/fairuse.ts';
import { BOARD_IDS } from '../../scripts/build/boards.ts';
import type { FaultKind } from '../modems/types.ts';
import { APP_NAMES, APP_PROFILES, appQuantities, type AppName } from './apps.ts';
import { clean, duration, nonNeg, num, obj, placement, positive, signal } from './schema-parts.ts';
import type { ChannelSpec, FaultSpec, FleetDefinition, GatewaySpec, GroupSpec, SettingsOverrides } from './types.ts';

export const MODEM_FAULT_KINDS = ['drop-reply', 'garbage', 'busy', 'no-free-ch', 'deny-join', 'reset', 'hang'] as const satisfies readonly FaultKind[];
// every FaultKind must be listed (a compile error here means modems/types.ts gained one)
const allModemFaults: Exclude<FaultKind, (typeof MODEM_FAULT_KINDS)[number]> extends never ? true : never = true;
void allModemFaults;

export const SENSOR_FAULT_KINDS = ['absent', 'busError', 'badCrc', 'stuck'] as const;

/** Limits that keep a typo from asking for a billion nodes. */
export const MAX_NODES = 1000000;
const MAX_REBOOTS_PER_NODE = 10000;

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const name = z.string().regex(NAME_RE, { error: 'expected a name of letters, digits, ".", "_" or "-"' });
const rate = z.number().min(0).max(1);

const gatewayRadio = {
  antennaGainDb: num.optional(),
  cableLossDb: nonNeg.optional(),
  noiseFigureDb: nonNeg.optional(),
  noiseRiseDb: nonNeg.optional(),
};

const gateway = obj({
  id: name.optional(),
  x: num.optional(),
  y: num.optional(),
  generate: obj({ count: z.int().min(1).max(1000), placement, prefix: name.default('gw-') }).optional(),
  ...gatewayRadio,
})
  .superRefine((g, ctx) => {
    if (g.generate) {
      for (const k of ['id', 'x', 'y'] as const) {
        if (g[k] !== undefined) ctx.addIssue({ code: 'custom', path: [k], message: 'a gateway has either id, x, y or generate, not both' });
      }
      return;
    }
    for (const k of ['id', 'x', 'y'] as const) {
      if (g[k] === undefined) ctx.addIssue({ code: 'custom', path: [k], message: `missing (a gateway needs id, x and y in metres, or generate: {count, placement})` });
    }
  }, clean)
  .transform((g): GatewaySpec => {
    const radio: GatewaySpec['radio'] = {};
    for (const k of ['antennaGainDb', 'cableLossDb', 'noiseFigureDb', 'noiseRiseDb'] as const) if (g[k] !== undefined) radio[k] = g[k];
    if (g.generate) return { kind: 'generated', prefix: g.generate.prefix, count: g.generate.count, placement: g.generate.placement, radio };
    return { kind: 'fixed', id: g.id as string, x: g.x as number, y: g.y as number, radio };
  });

const settings = obj({
  interval: duration({ positive: true }).optional(),
  confirmed: z.boolean().optional(),
  alarmConfirmed: z.boolean().optional(),
  dataRate: z.int().min(0).max(15).optional(),
  adr: z.boolean().optional(),
  enforceDutyCycle: z.boolean().optional(),
  thresholds: z.array(num).optional(),
}).transform((s): SettingsOverrides => {
  const out: SettingsOverrides = {};
  if (s.interval !== undefined) out.intervalS = s.interval / 1000;
  for (const k of ['confirmed', 'alarmConfirmed', 'adr', 'enforceDutyCycle'] as const) if (s[k] !== undefined) out[k] = s[k];
  if (s.dataRate !== undefined) out.dataRate = s.dataRate;
  if (s.thresholds !== undefined) out.thresholds = s.thresholds;
  return out;
});

const modemFaults = obj(Object.fromEntries(MODEM_FAULT_KINDS.map((k) => [k, rate.optional()])) as Record<(typeof MODEM_FAULT_KINDS)[number], z.ZodOptional<typeof rate>>);

const faults = obj({
  reboots: obj({ meanInterval: duration({ positive: true }).optional(), at: z.array(duration()).optional() }).optional(),
  modem: modemFaults.optional(),
  sensors: z
    .array(obj({ quantity: z.string(), fault: z.enum(SENSOR_FAULT_KINDS), fraction: rate.default(1), from: duration().optional(), until: duration().optional() }))
    .optional(),
}).transform(
  (f): FaultSpec => ({
    reboots: { meanIntervalMs: f.reboots?.meanInterval ?? null, atMs: [...(f.reboots?.at ?? [])].sort((a, b) => a - b) },
    modem: Object.fromEntries(Object.entries(f.modem ?? {}).filter((e) => e[1] !== undefined)),
    sensors: (f.sensors ?? []).map((s) => ({ quantity: s.quantity, fault: s.fault, fraction: s.fraction, fromMs: s.from ?? null, untilMs: s.until ?? null })),
  }),
);

const group = obj({
  name: name.optional(),
  app: z.enum(APP_NAMES),
  count: z.int().min(1).max(MAX_NODES).optional(),
  board: z.enum(BOARD_IDS).optional(),
  modem: z.enum(['rn2483', 'rak3172']).optional(),
  placement,
  activation: z.enum(['otaa', 'abp']).default('otaa'),
  settings: settings.default({}),
  signals: z.record(z.string(), signal).default({}),
  faults: faults.default({ reboots: { meanIntervalMs: null, atMs: [] }, modem: {}, sensors: [] }),
}).superRefine((g, ctx) => {
  const quantities = appQuantities(g.app);
  for (const q of Object.keys(g.signals)) {
    if (!quantities.includes(q)) ctx.addIssue({ code: 'custom', path: ['signals', q], message: `${g.app} has no quantity "${q}" (it has ${quantities.join(', ')})` });
  }
  g.faults.sensors.forEach((s, i) => {
    if (!quantities.includes(s.quantity)) ctx.addIssue({ code: 'custom', path: ['faults', 'sensors', i, 'quantity'], message: `${g.app} has no quantity "${s.quantity}" (it has ${quantities.join(', ')})` });
    if (s.fromMs !== null && s.untilMs !== null && s.untilMs <= s.fromMs) ctx.addIssue({ code: 'custom', path: ['faults', 'sensors', i, 'until'], message: 'until must be after from' });
  });
  const p = g.placement;
  if (p.kind === 'points' && g.count !== undefined && g.count !== p.points.length) {
    ctx.addIssue({ code: 'custom', path: ['count'], message: `count ${g.count} does not match the ${p.points.length} points of the placement (omit count to use them all)` });
  }
  if (p.kind !== 'points' && g.count === undefined) ctx.addIssue({ code: 'custom', path: ['count'], message: 'missing (how many nodes in this group)' });
}, clean);

const fairUse = z
  .union([z.enum(['ttn', 'off']), obj({ uplinkAirtime: duration(), downlinks: z.int().min(0), window: duration({ positive: true }).default(86400000) })])
  .transform((f): FairUseConfig | null => {
    if (f === 'off') return null;
    if (f === 'ttn') return { ...TTN_FAIR_USE };
    return { enabled: true, uplinkAirtimeMs: f.uplinkAirtime, downlinksPerWindow: f.downlinks, windowMs: f.window, capacity: TTN_FAIR_USE.capacity };
  });

const rejectionMatrix = z.array(z.array(num).length(6)).length(6);
const channel = obj({
  pathLoss: z.union([z.enum(['suburban', 'urban']), obj({ d0: positive, pl0: num, gamma: nonNeg, sigma: nonNeg })]).default('suburban'),
  capture: z.boolean().default(true),
  captureThresholdDb: num.optional(),
  rejection: z.union([z.enum(['goursaud', 'croce', 'ideal']), rejectionMatrix]).default('goursaud'),
  fading: z.union([z.enum(['off', 'rayleigh']), obj({ sigmaDb: nonNeg })]).default('off'),
  demodulators: z.int().min(1).max(64).optional(),
}).transform((c): ChannelSpec => {
  const out: ChannelSpec = { pathLoss: c.pathLoss, capture: c.capture, rejection: c.rejection, fading: c.fading };
  if (c.captureThresholdDb !== undefined) out.captureThresholdDb = c.captureThresholdDb;
  if (c.demodulators !== undefined) out.demodulators = c.demodulators;
  return out;
});

export const fleetSchema = obj({
  name: name.default('fleet'),
  description: z.string().default(''),
  region: z.string().default('EU868'),
  duration: duration({ positive: true }).default(86400000),
  seed: z.union([z.int(), z.string().min(1)]).default(1),
  channel: channel.default({ pathLoss: 'suburban', capture: true, rejection: 'goursaud', fading: 'off' }),
  fairUse: fairUse.default({ ...TTN_FAIR_USE }),
  gateways: z.array(gateway).min(1),
  groups: z.array(group).min(1),
})
  .superRefine((f, ctx) => {
    const region = regionByName(f.region);
    if (!region) {
      ctx.addIssue({ code: 'custom', path: ['region'], message: `unknown region ${JSON.stringify(f.region)} (use ${regionNames().join(', ')})` });
    } else {
      f.groups.forEach((g, i) => {
        const dr = g.settings.dataRate;
        if (dr === undefined) return;
        const ok = region.dataRates[dr] != null && (region.maxMacPayload[dr] ?? 0) > 0 && region.channels.some((b) => dr >= b.minDr && dr <= b.maxDr);
        if (!ok) ctx.addIssue({ code: 'custom', path: ['groups', i, 'settings', 'dataRate'], message: `DR${dr} is not an uplink data rate of ${region.name}` });
      });
    }
    const ids = new Set<string>();
    f.gateways.forEach((g, i) => {
      if (g.kind !== 'fixed') return;
      if (ids.has(g.id)) ctx.addIssue({ code: 'custom', path: ['gateways', i, 'id'], message: `duplicate gateway id "${g.id}"` });
      ids.add(g.id);
    });
    const names = new Set<string>();
    let total = 0;
    f.groups.forEach((g, i) => {
      if (g.name !== undefined) {
        if (names.has(g.name)) ctx.addIssue({ code: 'custom', path: ['groups', i, 'name'], message: `duplicate group name "${g.name}"` });
        names.add(g.name);
      }
      total += g.count ?? (g.placement.kind === 'points' ? g.placement.points.length : 0);
      const mean = g.faults.reboots.meanIntervalMs;
      if (mean !== null && (f.duration / mean) > MAX_REBOOTS_PER_NODE) ctx.addIssue({ code: 'custom', path: ['groups', i, 'faults', 'reboots', 'meanInterval'], message: `too short: more than ${MAX_REBOOTS_PER_NODE} reboots per node in the run` });
    });
    if (total > MAX_NODES) ctx.addIssue({ code: 'custom', path: ['groups'], message: `${total} nodes in all; at most ${MAX_NODES}` });
  }, clean)
  .transform((f): Omit<FleetDefinition, 'source' | 'baseDir'> => {
    const region = regionByName(f.region);
    const taken = new Set(f.groups.map((g) => g.name).filter((n): n is string => n !== undefined));
    const perApp: Record<string, number> = {};
    for (const g of f.groups) perApp[g.app] = (perApp[g.app] ?? 0) + (g.name === undefined ? 1 : 0);
    const seen: Record<string, number> = {};
    const groups = f.groups.map((g): GroupSpec => {
      let gname = g.name;
      if (gname === undefined) {
        // unnamed groups are called after their app, numbered when an app has several
        seen[g.app] = (seen[g.app] ?? 0) + 1;
        gname = (perApp[g.app] as number) > 1 ? `${g.app}.${seen[g.app]}` : g.app;
        while (taken.has(gname)) gname = `${gname}_`;
        taken.add(gname);
      }
      const count = g.count ?? (g.placement.kind === 'points' ? g.placement.points.length : 0);
      return {
        name: gname,
        app: g.app as AppName,
        count,
        board: g.board ?? APP_PROFILES[g.app].board,
        modem: g.modem ?? null,
        placement: g.placement,
        activation: g.activation,
        settings: g.settings,
        signals: g.signals,
        faults: g.faults,
      };
    });
    return {
      name: f.name,
      description: f.description,
      region: region ? region.name : f.region,
      durationMs: f.duration,
      seed: f.seed,
      channel: f.channel,
      fairUse: f.fairUse,
      gateways: f.gateways,
      groups,
    };
  });
