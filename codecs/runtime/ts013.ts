// The decoder side, written once in ES5 style (see codecs/device/bits.ts) so the same
// code serves Node, browsers and the exported TS013 codec (goja, QuickJS). It reads the
// compiled table (codecs/device/types.ts) and follows LoRaWAN TS013: results are
// { data, warnings, errors }, nothing throws, no NaN or Infinity is ever produced.
import type { CApp, CField, CUplink, DecodedCommand } from '../device/types.ts';
import { bitsFor, brGet, brHex, brLeft, brPadOk, bwPut, byteList, codeValue, newWriter, readCode, readHex, valueCode } from '../device/bits.ts';
import { readDownlink } from '../device/downlink.ts';

/* eslint-disable @typescript-eslint/no-explicit-any */
export interface Ts013Result {
  data?: any;
  bytes?: number[];
  fPort?: number;
  warnings: string[];
  errors: string[];
}

function lkByteProblem(bytes: any): string {
  if (!bytes || typeof bytes !== 'object' || typeof bytes.length !== 'number') return 'bytes must be an array of byte values';
  for (var i = 0; i < bytes.length; i++) {
    // one comparison rejects non-numbers, NaN, fractions, negatives and values above 255
    if (bytes[i] !== (bytes[i] & 255)) return 'bytes[' + i + '] is not a byte (0..255)';
  }
  return '';
}

function lkPorts(app: CApp): string {
  var s = [];
  for (var i = 0; i < app.up.length; i++) {
    s.push(app.up[i].port);
    if (app.up[i].bport) s.push(app.up[i].bport);
  }
  return s.join(', ');
}

function lkUnit(f: CField): string {
  return f.u ? ' ' + f.u : '';
}

function lkLimit(f: CField, c: number): string {
  return String(codeValue(f, c)) + lkUnit(f);
}

function lkWhat(u: CUplink, batch: boolean): string {
  return (u.name || 'payload') + ' v' + u.v + (batch ? ' batch' : '') + ' (fPort ' + (batch ? u.bport : u.port) + ')';
}

/**
 * into[name] = v for the field at position `i` of its payload, with one store site per
 * position: a site that always adds the same name to the same shape is fast, one that
 * has seen many (a single site for all fields) is not (V8's megamorphic stores). It is for
 * Node (the simulator decodes every uplink: decode bench 1.05x -> 1.31x cbor-x); in an exported
 * codec on goja or QuickJS it costs a few hundred bytes and changes nothing.
 */
function lkPut(into: any, i: number, name: string, v: any): void {
  switch (i) {
    case 0: into[name] = v; return;
    case 1: into[name] = v; return;
    case 2: into[name] = v; return;
    case 3: into[name] = v; return;
    case 4: into[name] = v; return;
    case 5: into[name] = v; return;
    case 6: into[name] = v; return;
    case 7: into[name] = v; return;
    default: into[name] = v;
  }
}

/** Decodes the code of field f (position i of its payload) into `into`; returns an error or ''. */
function lkStore(f: CField, i: number, c: number, into: any, satNames: string[] | null): string {
  if (c === -3) return f.n + ': invalid code (corrupt payload)';
  if (c >= 0) {
    lkPut(into, i, f.n, f.t === 0 ? (f.lo + c * f.st) / f.dv : codeValue(f, c));
    if (satNames && f.t === 0 && (c === 0 || c === f.mx)) satNames.push(f.n + ' at ' + (c === 0 ? 'min ' : 'max ') + lkLimit(f, c));
  }
  return '';
}

function lkSatWarning(satNames: string[] | null, warnings: string[]): void {
  if (!satNames) return;
  if (satNames.length) warnings.push('out-of-range reading saturated: ' + satNames.join(', '));
  else warnings.push('the device flagged a saturated reading');
}

function lkEnd(r: any, what: string): string {
  if (brPadOk(r)) return '';
  var extra = Math.floor(brLeft(r) / 8);
  return extra > 0 ? 'payload too long for ' + what + ': ' + extra + ' extra byte(s)' : 'padding bits are not zero (corrupt payload)';
}

function lkShort(u: CUplink, got: number): string {
  var minBits = 1;
  var maxBits = 1;
  for (var k = 0; k < u.f.length; k++) {
    var fb = u.f[k].b + (u.f[k].m === 1 ? 1 : 0);
    minBits += u.f[k].m === 1 ? 1 : fb;
    maxBits += fb;
  }
  var lo = Math.ceil(minBits / 8);
  var hi = Math.ceil(maxBits / 8);
  return 'payload too short for ' + lkWhat(u, false) + ': got ' + got + ' byte(s), expected ' + (lo === hi ? lo : lo + '..' + hi);
}

function lkSingle(u: CUplink, bytes: any, data: any, warnings: string[]): string {
  var r = { b: bytes, p: 0 };
  var satNames: string[] | null = brGet(r, 1) ? [] : null;
  for (var i = 0; i < u.f.length; i++) {
    var f = u.f[i];
    if (f.t === 3) {
      var h = readHex(r, f);
      if (h === null) return lkShort(u, bytes.length);
      if (h !== '') lkPut(data, i, f.n, h);
      continue;
    }
    var c = readCode(r, f);
    if (c === -2) return lkShort(u, bytes.length);
    var e = lkStore(f, i, c, data, satNames);
    if (e) return e;
  }
  if (!brPadOk(r)) {
    var extra = Math.floor(brLeft(r) / 8);
    if (extra === 0) return 'padding bits are not zero (corrupt payload)';
    var want = lkShort(u, 0).split('expected ')[1];
    return 'payload too long for ' + lkWhat(u, false) + ': ' + extra + ' extra byte(s) (expected ' + want + ')';
  }
  lkSatWarning(satNames, warnings);
  return '';
}

/** Reads k codes of field f written by the batch encoder (absolute or delta); null on error. */
function lkCodes(r: any, f: CField, k: number): number[] | null {
  var out: number[] = [];
  if (k === 0) return out;
  if (k === 1) {
    if (brLeft(r) < f.b) return null;
    out.push(brGet(r, f.b));
    return out;
  }
  var hb = bitsFor(f.b + 1);
  if (brLeft(r) < hb) return null;
  var h = brGet(r, hb);
  if (h > f.b) return null;
  if (h === f.b) {
    if (brLeft(r) < k * f.b) return null;
    for (var i = 0; i < k; i++) out.push(brGet(r, f.b));
    return out;
  }
  if (brLeft(r) < f.b + (k - 1) * h) return null;
  out.push(brGet(r, f.b));
  var half = h > 0 ? Math.pow(2, h - 1) : 0;
  var top = Math.pow(2, f.b);
  for (var j = 1; j < k; j++) {
    var c = out[j - 1] + (h > 0 ? brGet(r, h) - half : 0);
    if (c < 0 || c >= top) return null;
    out.push(c);
  }
  return out;
}

function lkTime(recvTime: any): number {
  if (recvTime === undefined || recvTime === null) return NaN;
  var t = new Date(recvTime).getTime();
  return typeof t === 'number' && isFinite(t) ? t : NaN;
}

function lkBatch(u: CUplink, bytes: any, data: any, warnings: string[], recvTime: any): string {
  var r = { b: bytes, p: 0 };
  var short = 'payload too short for ' + lkWhat(u, true);
  if (brLeft(r) < 22) return short;
  var satNames: string[] | null = brGet(r, 1) ? [] : null;
  var n = brGet(r, 5) + 1;
  var ages = [];
  ages[n - 1] = brGet(r, 16);
  if (n > 1) {
    if (brLeft(r) < 6) return short;
    var regular = brGet(r, 1);
    var gw = brGet(r, 5);
    if (brLeft(r) < (regular ? 1 : n - 1) * gw) return short;
    var gap = regular ? brGet(r, gw) : 0;
    for (var g = n - 2; g >= 0; g--) ages[g] = ages[g + 1] + (regular ? gap : 0);
    if (!regular) {
      var gaps = [];
      for (var q = 0; q < n - 1; q++) gaps.push(brGet(r, gw));
      for (var a = n - 2; a >= 0; a--) ages[a] = ages[a + 1] + gaps[a];
    }
  }
  var samples: any[] = [];
  var now = lkTime(recvTime);
  if (recvTime !== undefined && recvTime !== null && !isFinite(now)) warnings.push('recvTime not understood: samples carry ageSeconds only');
  for (var s = 0; s < n; s++) {
    samples.push({ ageSeconds: ages[s] });
    if (isFinite(now)) samples[s].time = new Date(now - ages[s] * 1000).toISOString();
  }
  for (var i = 0; i < u.f.length; i++) {
    var f = u.f[i];
    var present = [];
    var k = 0;
    var flags = f.t === 3 || f.m === 1;
    var any = 1;
    if (flags) {
      if (brLeft(r) < 1) return short;
      any = brGet(r, 1);
      if (any && brLeft(r) < n) return short;
    }
    for (var j = 0; j < n; j++) {
      present.push(flags ? (any ? brGet(r, 1) : 0) : 1);
      if (present[j]) k++;
    }
    if (f.t === 3) {
      for (var b = 0; b < n; b++) {
        if (!present[b]) continue;
        if (brLeft(r) < f.b) return short;
        lkPut(samples[b], i, f.n, brHex(r, f.b / 8));
      }
      continue;
    }
    var codes = lkCodes(r, f, k);
    if (codes === null) return brLeft(r) <= 0 ? short : f.n + ': corrupt batch encoding';
    var next = 0;
    for (var m = 0; m < n; m++) {
      if (!present[m]) continue;
      var c = codes[next++];
      if (f.m === 0 && c === f.mx + 1) continue;
      var e = lkStore(f, i, c > f.mx ? -3 : c, samples[m], satNames);
      if (e) return e;
    }
  }
  var end = lkEnd(r, lkWhat(u, true));
  if (end) return end;
  data.samples = samples;
  lkSatWarning(satNames, warnings);
  return '';
}

/** TS013 decodeUplink over a compiled app. */
export function lkDecodeUplink(app: CApp, input: any): Ts013Result {
  var out: Ts013Result = { data: {}, warnings: [], errors: [] };
  try {
    var bytes = input ? input.bytes : undefined;
    var fPort = input ? input.fPort : undefined;
    var bad = lkByteProblem(bytes);
    if (bad) out.errors.push(bad);
    else if (typeof fPort !== 'number' || Math.floor(fPort) !== fPort || fPort < 0 || fPort > 255) out.errors.push('fPort must be an integer 0..255');
    else if (fPort === 0) out.warnings.push('fPort 0 carries LoRaWAN MAC commands, not application data: ignored');
    else {
      var u = null;
      var batch = false;
      for (var i = 0; i < app.up.length; i++) {
        if (app.up[i].port === fPort) u = app.up[i];
        if (app.up[i].bport === fPort) {
          u = app.up[i];
          batch = true;
        }
      }
      var err = '';
      if (!u) err = 'unknown fPort ' + fPort + ' (' + app.app + ' uses fPorts ' + lkPorts(app) + ')';
      else if (bytes.length === 0) err = 'empty payload on fPort ' + fPort;
      else if (batch) err = lkBatch(u, bytes, out.data, out.warnings, input.recvTime);
      else err = lkSingle(u, bytes, out.data, out.warnings);
      if (err) {
        out.errors.push(err);
        out.data = {};
      }
    }
  } catch (e) {
    out.data = {};
    out.errors.push('decoder failure: ' + String(e));
  }
  return out;
}

function lkCheckValue(f: CField, cmd: string, v: any, w: any, warnings: string[]): string {
  var where = cmd + ': ' + f.n;
  if (f.t === 3) return byteList(f, v) ? '' : where + ' must be ' + f.b / 8 + ' bytes (hex or array)';
  w.s = 0;
  var c = valueCode(f, v, w);
  if (c < 0) {
    if (f.t === 1) return where + ' must be one of ' + (f.e || []).join(', ');
    if (f.t === 2) return where + ' must be true or false';
    return where + ' must be a number';
  }
  if (f.t === 0) {
    var min = f.lo / f.dv;
    var max = (f.lo + f.mx * f.st) / f.dv;
    if (v < min || v > max) return where + ' ' + v + lkUnit(f) + ' is out of range ' + min + '..' + max + lkUnit(f);
    var got = codeValue(f, c);
    if (got !== v) warnings.push(where + ' ' + v + lkUnit(f) + ' rounded to ' + got + lkUnit(f));
  }
  return '';
}

/** TS013 encodeDownlink: data is { command, ...fields } or { commands: [ ... ] }. */
export function lkEncodeDownlink(app: CApp, input: any): Ts013Result {
  var warnings: string[] = [];
  var errors: string[] = [];
  try {
    var d = app.down;
    var data = input ? input.data : undefined;
    if (!d) return { warnings: warnings, errors: [app.app + ' has no downlink commands'] };
    if (!data || typeof data !== 'object') return { warnings: warnings, errors: ['data must be an object such as { "command": "' + d.cmds[0].name + '" }'] };
    var list = Object.prototype.toString.call(data.commands) === '[object Array]' ? data.commands : [data];
    if (list.length === 0) errors.push('commands is empty');
    var names = [];
    for (var n = 0; n < d.cmds.length; n++) names.push(d.cmds[n].name);
    var w = newWriter();
    for (var i = 0; i < list.length; i++) {
      var obj = list[i] || {};
      var cmd = null;
      for (var k = 0; k < d.cmds.length; k++) if (d.cmds[k].name === obj.command) cmd = d.cmds[k];
      if (!cmd) {
        errors.push('unknown command ' + JSON.stringify(obj.command) + ' (commands: ' + names.join(', ') + ')');
        continue;
      }
      for (var key in obj) {
        var known = key === 'command';
        for (var q = 0; q < cmd.f.length; q++) if (cmd.f[q].n === key) known = true;
        if (!known && Object.prototype.hasOwnProperty.call(obj, key)) errors.push(cmd.name + ': unknown field ' + key);
      }
      bwPut(w, cmd.id, 8);
      for (var j = 0; j < cmd.f.length; j++) {
        var f = cmd.f[j];
        var v = obj[f.n];
        if (v === undefined || v === null) {
          if (f.m === 2) errors.push(cmd.name + ': ' + f.n + ' is required');
          else bwPut(w, 0, 1);
          continue;
        }
        var e = lkCheckValue(f, cmd.name, v, w, warnings);
        if (e) {
          errors.push(e);
          continue;
        }
        if (f.m === 1) bwPut(w, 1, 1);
        if (f.t === 3) {
          var bl = byteList(f, v) || [];
          for (var b = 0; b < bl.length; b++) bwPut(w, bl[b], 8);
        } else bwPut(w, valueCode(f, v, w), f.b);
      }
    }
    if (errors.length) return { warnings: warnings, errors: errors };
    return { bytes: w.b, fPort: d.port, warnings: warnings, errors: [] };
  } catch (e) {
    return { warnings: warnings, errors: ['encoder failure: ' + String(e)] };
  }
}

/** TS013 decodeDownlink: one command gives { command, ... }, several give { commands: [...] }. */
export function lkDecodeDownlink(app: CApp, input: any): Ts013Result {
  var out: Ts013Result = { data: {}, warnings: [], errors: [] };
  try {
    var d = app.down;
    var bytes = input ? input.bytes : undefined;
    var bad = lkByteProblem(bytes);
    if (!d) out.errors.push(app.app + ' has no downlink commands');
    else if (bad) out.errors.push(bad);
    else if (input.fPort !== d.port) out.errors.push('unknown downlink fPort ' + input.fPort + ' (commands use fPort ' + d.port + ')');
    else {
      var res = readDownlink(d, bytes);
      if (!res.ok) out.errors.push(res.error);
      else {
        var cmds: DecodedCommand[] = res.commands;
        out.data = cmds.length === 1 ? cmds[0] : { commands: cmds };
      }
    }
  } catch (e) {
    out.errors.push('decoder failure: ' + String(e));
  }
  if (out.errors.length) out.data = {};
  return out;
}

function lkMeasure(app: CApp, src: any): any {
  var m: any = {};
  var empty = true;
  for (var i = 0; i < app.up.length; i++) {
    for (var j = 0; j < app.up[i].f.length; j++) {
      var f = app.up[i].f[j];
      var v = src[f.n];
      if (!f.z || typeof v !== 'number') continue;
      var path = f.z.split('.');
      var at = m;
      for (var k = 0; k < path.length - 1; k++) {
        if (!at[path[k]]) at[path[k]] = {};
        at = at[path[k]];
      }
      at[path[path.length - 1]] = f.zd ? v / f.zd : v;
      empty = false;
    }
  }
  if (typeof src.time === 'string') m.time = src.time;
  return empty ? null : m;
}

/** TS013 normalizeUplink: TTN normalized payload (air.temperature, air.relativeHumidity, air.pressure, soil.*, battery in V). */
export function lkNormalizeUplink(app: CApp, input: any): Ts013Result {
  var out: Ts013Result = { data: [], warnings: [], errors: [] };
  try {
    var data = input ? input.data : undefined;
    if (!data || typeof data !== 'object') {
      out.errors.push('data must be the decoded uplink object');
      return out;
    }
    var list = Object.prototype.toString.call(data.samples) === '[object Array]' ? data.samples : [data];
    for (var i = 0; i < list.length; i++) {
      var m = lkMeasure(app, list[i] || {});
      if (m) out.data.push(m);
    }
    if (out.data.length === 0) out.warnings.push('no normalized measurements in this payload');
  } catch (e) {
    out.errors.push('normalizer failure: ' + String(e));
  }
  return out;
}
