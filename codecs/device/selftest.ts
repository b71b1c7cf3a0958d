// On-device self-test of the codecs: re-encodes every shared vector with the device
// encoder and decodes every downlink vector with the device decoder, comparing bytes.
// The self-test builder inlines the vector files (test/vectors/codec-<app>.json) and
// calls selftestCodecs([...files], report). Device profile, ES5 style.
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { CApp } from './types.ts';
import { encodeBatch, encodeUplink, findUplink } from './encoder.ts';
import { decodeDownlink } from './downlink.ts';

function stHex(b: ArrayLike<number>): string {
  var s = '';
  for (var i = 0; i < b.length; i++) s += (b[i] < 16 ? '0' : '') + b[i].toString(16);
  return s;
}

function stBytes(hex: string): Uint8Array {
  var out = new Uint8Array(hex.length / 2);
  for (var i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}

/** Same keys, same primitive values (one level deep: decoded commands are flat). */
function stSame(a: any, b: any): boolean {
  if (!a || !b) return a === b;
  var ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (var i = 0; i < ka.length; i++) if (a[ka[i]] !== b[ka[i]]) return false;
  return true;
}

function stCommands(res: any, want: any): boolean {
  if (!res.ok) return false;
  var list = want.commands ? want.commands : [want];
  if (list.length !== res.commands.length) return false;
  for (var i = 0; i < list.length; i++) if (!stSame(res.commands[i], list[i])) return false;
  return true;
}

/**
 * `vectors`: parsed vector files ({ app, compiled, uplinks, batches, downlinks, rejects }).
 * Calls `report(name, ok, detail)` once per vector.
 */
export function selftestCodecs(vectors: any[], report: (name: string, ok: boolean, detail: string) => void): void {
  for (var v = 0; v < vectors.length; v++) {
    var file = vectors[v];
    var app: CApp = file.compiled;
    var i: number;
    var up = file.uplinks || [];
    for (i = 0; i < up.length; i++) {
      var p = findUplink(app.up, up[i].fPort);
      var got = p ? stHex(encodeUplink(p, up[i].readings)) : 'no payload';
      report(file.app + ' uplink: ' + up[i].name, got === up[i].hex, got);
    }
    var bt = file.batches || [];
    for (i = 0; i < bt.length; i++) {
      var q = findUplink(app.up, bt[i].fPort);
      var gb = q ? stHex(encodeBatch(q, bt[i].samples, bt[i].ages)) : 'no payload';
      report(file.app + ' batch: ' + bt[i].name, gb === bt[i].hex, gb);
    }
    var dn = file.downlinks || [];
    for (i = 0; i < dn.length; i++) {
      var res: any = app.down ? decodeDownlink(app.down, stBytes(dn[i].hex)) : { ok: false, error: 'no downlink' };
      report(file.app + ' downlink: ' + dn[i].name, stCommands(res, dn[i].decoded), res.ok ? res.commands.length + ' command(s)' : res.error);
    }
    var rj = file.rejects || [];
    for (i = 0; i < rj.length; i++) {
      if (!rj[i].downlink || !app.down) continue;
      var rr: any = decodeDownlink(app.down, stBytes(rj[i].hex));
      report(file.app + ' rejects: ' + rj[i].name, !rr.ok, rr.ok ? 'accepted' : rr.error);
    }
  }
}
