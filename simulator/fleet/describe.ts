// A human summary of an expanded fleet (for the CLI and logs). It names groups,
// gateways and settings, never a key.
import type { ExpandedFleet } from './expand.ts';

function durationText(ms: number): string {
  const units: Array<[string, number]> = [['d', 86400000], ['h', 3600000], ['m', 60000], ['s', 1000]];
  for (const [u, size] of units) if (ms >= size && ms % size === 0) return `${ms / size}${u}`;
  return `${ms / 1000}s`;
}

/** Lines like `fleet "town": EU868, 24h, seed 42, 200 nodes, 3 gateways`. */
export function describeFleet(f: ExpandedFleet): string[] {
  const lines = [`fleet "${f.name}": ${f.region.name}, ${durationText(f.durationMs)}, seed ${String(f.seed)}, ${f.nodes.length} nodes, ${f.gateways.length} gateways`];
  for (const g of f.groups) {
    const first = f.nodes.find((n) => n.group === g.name);
    const interval = first?.settings.intervalS !== undefined ? `, every ${durationText(first.settings.intervalS * 1000)}` : '';
    const activation = first ? `, ${first.activation.mode}` : '';
    lines.push(`  ${g.name}: ${g.count} x ${g.app} on ${g.board} (${g.placement}${interval}${activation})`);
  }
  lines.push(`  gateways: ${f.gateways.map((g) => `${g.id} (${Math.round(g.x)}, ${Math.round(g.y)})`).join(', ')}`);
  return lines;
}
