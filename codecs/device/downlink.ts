// Downlink commands on the device, and the reader shared with the TS013 decodeDownlink.
// Frame: one or more commands, each an 8-bit command id followed by its fields
// (bit-packed like uplinks, no saturation flag), zero-padded to a whole byte.
// A value whose code lies outside the schema's range is rejected, never clamped.
// ES5 style (see bits.ts): this module is bundled into firmware and into the exported codec.
import type { CDownlink, DecodedCommand, DownlinkResult } from './types.ts';
import { brGet, brLeft, brPadOk, codeValue, readCode, readHex } from './bits.ts';

/** Reads a configuration downlink (shared by the device and the TS013 decodeDownlink). Never throws; any problem gives { ok: false, error }. */
export function readDownlink(d: CDownlink, bytes: ArrayLike<number>): DownlinkResult {
  if (!bytes || typeof bytes.length !== 'number' || bytes.length === 0) return { ok: false, error: 'empty downlink' };
  for (var i = 0; i < bytes.length; i++) {
    var x = bytes[i];
    if (typeof x !== 'number' || !(x >= 0 && x <= 255) || Math.floor(x) !== x) return { ok: false, error: 'byte ' + i + ' is not 0..255' };
  }
  var r = { b: bytes, p: 0 };
  var out: DecodedCommand[] = [];
  while (brLeft(r) >= 8) {
    var id = brGet(r, 8);
    var cmd = null;
    for (var k = 0; k < d.cmds.length; k++) if (d.cmds[k].id === id) cmd = d.cmds[k];
    if (!cmd) return { ok: false, error: 'unknown command id ' + id };
    var one: DecodedCommand = { command: cmd.name };
    for (var j = 0; j < cmd.f.length; j++) {
      var f = cmd.f[j];
      if (f.t === 3) {
        var h = readHex(r, f);
        if (h === null) return { ok: false, error: cmd.name + ': downlink too short' };
        if (h !== '') one[f.n] = h;
        continue;
      }
      var c = readCode(r, f);
      if (c === -2) return { ok: false, error: cmd.name + ': downlink too short' };
      if (c === -3) return { ok: false, error: cmd.name + ': ' + f.n + ' out of range' };
      if (c >= 0) one[f.n] = codeValue(f, c);
    }
    out.push(one);
  }
  if (!brPadOk(r)) return { ok: false, error: 'padding bits are not zero' };
  return { ok: true, commands: out };
}

/** The firmware's entry point: decodes a configuration downlink ({ ok, commands } or { ok: false, error }). */
export function decodeDownlink(d: CDownlink, bytes: ArrayLike<number>): DownlinkResult {
  return readDownlink(d, bytes);
}
