// simulate --udp: the fleet's gateways become Semtech UDP packet forwarders talking to a
// real GWMP server on loopback (written from the protocol's byte layout, with the
// simulator's network server behind it). Joins only succeed if the join accepts come
// back as PULL_RESP and reach the devices in their receive windows.
import { afterAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expandFleet, loadFleet } from '../../simulator/fleet/index.ts';
import type { DeviceRegistration } from '../../simulator/network/types.ts';
import { gwmpServer } from './gwmp-server.ts';

const CLI = join(import.meta.dirname, '../../scripts/lorakit.mjs');
const FLEET = join(import.meta.dirname, '../fixtures/udp-fleet.yaml');

describe('simulate --udp (a real network server behind Semtech UDP gateways)', () => {
  const closers: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of closers) await c();
  });

  it('joins every node through PULL_RESP downlinks and forwards their uplinks; keys go to devices.json, never to the terminal', async () => {
    const fleet = expandFleet(loadFleet(FLEET));
    const devices: DeviceRegistration[] = fleet.nodes.map((n) => {
      const a = n.activation as { joinEui: string; appKey: string };
      return { devEui: n.devEui, joinEui: a.joinEui, appKey: a.appKey };
    });
    const server = await gwmpServer({ devices });
    closers.push(server.close);
    const out = mkdtempSync(join(tmpdir(), 'lk-udp-'));
    const r = await promisify(execFile)(process.execPath, [CLI, 'simulate', FLEET, '--udp', `127.0.0.1:${server.port}`, '--speed', '40', '--out', out, '--json'], { timeout: 120_000 });
    const stats = server.ns.stats();
    expect(stats.joins).toBe(3);
    expect(stats.uplinks).toBeGreaterThan(10);
    const summary = JSON.parse(r.stdout);
    expect(summary.summary.joins.nodesNotJoined).toBe(0);
    expect(summary.summary.violationCount).toBe(0);
    // the operator gets the keys in a private file; nothing printed contains one
    const listed = JSON.parse(readFileSync(join(out, 'devices.json'), 'utf8'));
    expect(listed.map((d: { devEui: string }) => d.devEui)).toEqual(fleet.nodes.map((n) => n.devEui));
    expect(statSync(join(out, 'devices.json')).mode & 0o077).toBe(0);
    for (const d of devices) expect(r.stdout + r.stderr).not.toContain((d as { appKey: string }).appKey);
    expect(r.stderr).toMatch(/forwarding to 127\.0\.0\.1:\d+ as gateways gw-1=AA555A[0-9A-F]{10}/);
  }, 150_000);
});
