// Configuration downlinks through the codec's downlink schema. A malformed or
// out-of-range downlink is rejected and counted, and changes nothing.
import type { Hal } from '../hal.ts';
import { decodeDownlink } from '../../codecs/device/downlink.ts';
import type { Persist, PersistConfig } from './persist.ts';
import type { AppDefinition, NodeStats } from './types.ts';

export function applyDownlink(hal: Hal, app: AppDefinition, persist: Persist, stats: NodeStats, port: number, data: Uint8Array): void {
  stats.downlinks++;
  const d = app.codec.down;
  if (!d || port !== d.port) return;
  const res = decodeDownlink(d, data);
  if (!res.ok) {
    stats.downlinksRejected++;
    hal.log('downlink rejected: ' + res.error);
    return;
  }
  const cur = persist.config();
  const cfg: PersistConfig = { intervalS: cur.intervalS, confirmed: cur.confirmed, thresholds: cur.thresholds.concat() };
  let reboot = false;
  for (let i = 0; i < res.commands.length; i++) {
    const c = res.commands[i];
    if (c.command === 'setInterval') cfg.intervalS = c.interval as number;
    else if (c.command === 'setConfirmed') cfg.confirmed = !!c.confirmed;
    else if (c.command === 'reboot') reboot = true;
    else if (!app.applyCommand || !app.applyCommand(c, cfg)) {
      stats.downlinksRejected++;
      hal.log('downlink rejected: unsupported ' + c.command);
      return;
    }
  }
  if (!persist.saveConfig(cfg)) {
    stats.downlinksRejected++;
    hal.log('downlink rejected: configuration not stored');
    return;
  }
  stats.configApplied++;
  if (reboot) {
    persist.flush();
    hal.setTimeout(() => hal.reboot(), 2000);
  }
}
