// `lorakit simulate`: load and expand a fleet, build the bundles, run, audit, estimate
// battery life, write the report and the decoded-uplink log, print the summary, check
// the assertions. Exit 0 when every assertion holds and no rule was broken, 1 when
// not, 2 for bad input.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SingleBar } from 'cli-progress';
import { CliError } from '../commands/types.ts';
import type { SimulateCliOptions } from '../commands/simulate.ts';
import { FleetError, expandFleet, loadFleet, parseDuration } from '../../simulator/fleet/index.ts';
import { runFleet } from '../../simulator/run/fleet.ts';
import { buildReport } from '../../simulator/run/report.ts';
import { estimateBatteryDays } from '../../simulator/run/battery.ts';
import { audit } from '../../simulator/audit/index.ts';
import { createUplinkLog, formatSummary, formatSummaryJson, writeReport } from '../../simulator/report/index.ts';
import { checkAssertion, parseAssertion, type Assertion } from './assertions.ts';

function usage(msg: string): never {
  throw new CliError(msg, 2);
}

/** The fleet's devices and keys, for registering them on the real server (file mode 0600; never printed). */
function writeDevices(nodes: Array<{ id: string; app: string; devEui: string; activation: unknown }>, out: string): void {
  mkdirSync(out, { recursive: true });
  const list = nodes.map((n) => {
    const a = n.activation as Record<string, string>;
    return a.mode === 'otaa'
      ? { id: n.id, app: n.app, mode: 'otaa', devEui: n.devEui, joinEui: a.joinEui, appKey: a.appKey }
      : { id: n.id, app: n.app, mode: 'abp', devEui: n.devEui, devAddr: a.devAddr, nwkSKey: a.nwkSKey, appSKey: a.appSKey };
  });
  writeFileSync(join(out, 'devices.json'), JSON.stringify(list, null, 2) + '\n', { mode: 0o600 });
}

/** EUI of a fleet gateway towards a real network server: stable for its id. */
export function gatewayEui(id: string): string {
  return ('AA555A' + createHash('sha256').update(id).digest('hex').slice(0, 10)).toUpperCase();
}

/** --udp: one Semtech UDP packet forwarder per fleet gateway, paced to the wall clock. */
function udpGateways(target: string, speedText: string, ids: string[], out: string) {
  const m = /^([^:\s]+):(\d{1,5})$/.exec(target);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) usage(`--udp must be host:port, e.g. 127.0.0.1:1700, got "${target}"`);
  const speed = Number(speedText);
  if (!(speed > 0 && speed <= 1000)) usage(`--speed must be a number in (0, 1000], got "${speedText}"`);
  process.stderr.write(`lorakit: forwarding to ${target} as gateways ${ids.map((id) => `${id}=${gatewayEui(id)}`).join(', ')}; device keys are in ${join(out, 'devices.json')}\n`);
  return {
    speed,
    async gateways(clock: import('../../simulator/clock.ts').Clock) {
      const { createSemtechUdpGateway } = await import('../../simulator/gateway/semtech-udp.ts');
      const map = new Map<string, import('../../simulator/gateway/types.ts').VirtualGateway>();
      for (const id of ids) {
        const g = createSemtechUdpGateway({ clock, host: m![1], port: Number(m![2]), gatewayEui: gatewayEui(id) });
        await g.ready;
        map.set(id, g);
      }
      return map;
    },
  };
}

/** Connects the MQTT sink, or fails with one line when the broker cannot be reached. */
async function openSink(url: string, prefix: string) {
  if (!/^mqtts?:\/\/[^\s]+$/.test(url)) usage(`--mqtt must be a URL like mqtt://127.0.0.1:1883, got "${url}"`);
  const { createMqttSink } = await import('../../simulator/sinks/mqtt.ts');
  const sink = createMqttSink(url, { topicPrefix: prefix, qos: 1 });
  let timer: NodeJS.Timeout | undefined;
  const ok = await Promise.race([sink.ready.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), 10_000)))]);
  clearTimeout(timer);
  if (!ok) {
    await sink.close(0);
    throw new CliError(`cannot connect to the MQTT broker at ${url}`);
  }
  return sink;
}

export async function runSimulateCommand(file: string, o: SimulateCliOptions): Promise<number> {
  const assertions: Assertion[] = [];
  for (const a of o.assert ?? []) {
    const p = parseAssertion(a);
    if (typeof p === 'string') usage(p);
    assertions.push(p);
  }
  let devices: number | undefined;
  if (o.devices !== undefined) {
    devices = Number(o.devices);
    if (!Number.isInteger(devices) || devices < 1) usage(`--devices must be a whole number >= 1, got "${o.devices}"`);
  }
  let fleet;
  try {
    const def = loadFleet(resolve(file));
    if (o.duration !== undefined) {
      const ms = parseDuration(o.duration);
      if (typeof ms !== 'number' || !(ms > 0)) usage(`--duration must be like 24h, 7d, 90m or seconds, got "${o.duration}"`);
      def.durationMs = ms;
    }
    if (o.seed !== undefined) def.seed = /^-?\d+$/.test(o.seed) ? Number(o.seed) : o.seed;
    fleet = expandFleet(def, def.seed, { devices });
  } catch (err) {
    if (err instanceof FleetError) usage(err.message);
    throw err;
  }

  if (o.udp) writeDevices(fleet.nodes, o.out);
  const external = o.udp ? udpGateways(o.udp, o.speed ?? '1', fleet.gateways.map((g) => g.id), o.out) : undefined;
  const tty = process.stderr.isTTY && !o.json;
  const bar = tty ? new SingleBar({ format: 'simulating [{bar}] {percentage}% | {eta_formatted} left', hideCursor: true, clearOnComplete: true }) : null;
  const log = createUplinkLog(o.out, { cbor: !!o.cbor });
  const sink = o.mqtt ? await openSink(o.mqtt, o.mqttPrefix ?? 'lorakit') : null;
  bar?.start(100, 0);
  let run;
  try {
    run = await runFleet({
      fleet,
      external,
      onUplink: (u) => {
        log.write(u);
        sink?.publish(u);
      },
      onProgress: (f) => bar?.update(Math.round(f * 100)),
    });
  } finally {
    bar?.stop();
    log.close();
  }
  const mqttLost = sink ? (await sink.close(60_000)).failed : 0;
  const result = audit(run.txs, run.downlinks, {
    region: fleet.region,
    fairUse: fleet.fairUse && fleet.fairUse.enabled ? { uplinkAirtimeMs: fleet.fairUse.uplinkAirtimeMs, downlinksPerWindow: fleet.fairUse.downlinksPerWindow, windowMs: fleet.fairUse.windowMs } : null,
    joinBackoff: true,
    nodeStart: Object.fromEntries(run.nodes.map((n) => [n.node.id, n.sim.boots()])),
  });
  const report = buildReport(fleet, run, result, estimateBatteryDays(fleet, run));
  const files = writeReport(report, o.out);

  const failed: string[] = [];
  for (const a of assertions) {
    const c = checkAssertion(a, report);
    if (!c.ok) failed.push(`assertion failed: ${a.text} (actual ${c.actual === null ? 'n/a' : +c.actual.toFixed(4)})`);
  }
  if (mqttLost > 0) failed.push(`${mqttLost} decoded uplink(s) not acknowledged by the MQTT broker ${o.mqtt}`);
  if (report.violations.length > 0) failed.push(`${report.violations.length} rule violation(s) in the transmission log (see ${files.html})`);

  if (o.udp) process.stderr.write(`lorakit: network external (${o.udp}): delivery and decoding are the server's; the figures below count what the gateways forwarded\n`);
  if (o.json) process.stdout.write(formatSummaryJson(report));
  else {
    process.stdout.write(formatSummary(report) + '\n');
    process.stdout.write(`report: ${files.html}\n        ${files.json}\n uplinks: ${log.files.jsonl}${log.files.cbor ? `\n         ${log.files.cbor}` : ''}\n`);
  }
  for (const f of failed) process.stderr.write(`lorakit: ${f}\n`);
  return failed.length ? 1 : 0;
}
