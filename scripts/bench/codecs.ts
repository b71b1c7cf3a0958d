// Codec benchmark: bytes on air and encode/decode throughput for the reference
// reading (21.3 degC, 55.5 %RH, 3012 mV, counter 40000) and a 12-sample batch,
// in lorakit's bit-packed format (env-monitor climate v2), CayenneLPP (the
// schema's own LPP mapping), CBOR (cbor-x, scaled integers, 1-char keys; and
// lorakit's device CBOR encoder) and JSON; against the information-theoretic minimum.
import { Decoder, Encoder } from 'cbor-x';
import { compiledApp, decodeUplink, deviceEncodeBatch, deviceEncodeUplink, envMonitorSchema } from './codecs-lorakit.ts';
import { cborEncode } from '../../codecs/device/cbor.ts';
import { decodeCbor } from '../../codecs/cbor/index.ts';
import { lppEncodeReading } from '../../codecs/device/lpp.ts';
import { decodeLpp, lppCatalogue, lppMappings, lppReadingSize } from '../../codecs/lpp/index.ts';
import { measure, ratio, table, type Cell, type Measurement } from './harness.ts';
import type { BenchContext, BenchSuite } from './index.ts';

type Reading = { temperature: number; humidity: number; battery: number; counter: number };

const REFERENCE: Reading = { temperature: 21.3, humidity: 55.5, battery: 3012, counter: 40000 };
const BATCH_SIZE = 12;
const INTERVAL_S = 300;

/** 12 plausible consecutive readings around the reference one (deterministic). */
function batchReadings(): Reading[] {
  return Array.from({ length: BATCH_SIZE }, (_, i) => ({
    temperature: Math.round((REFERENCE.temperature + 0.1 * ((i * 7) % 5) - 0.2) * 10) / 10,
    humidity: REFERENCE.humidity + 0.5 * ((i * 3) % 4),
    battery: REFERENCE.battery - i,
    counter: REFERENCE.counter + i * 17,
  }));
}

/** Scaled integers with 1-char keys: what a careful CBOR user would send. */
const toScaled = (r: Reading) => ({ t: Math.round(r.temperature * 10), h: Math.round(r.humidity * 2), b: r.battery, c: r.counter });
const fromScaled = (s: { t: number; h: number; b: number; c: number }): Reading => ({ temperature: s.t / 10, humidity: s.h / 2, battery: s.b, counter: s.c });

interface Format {
  name: string;
  one: Uint8Array;
  batch: Uint8Array;
  encode: () => unknown;
  decode: () => unknown;
  note?: string;
}

function formats(): { formats: Format[]; minimumBits: number; notes: string[] } {
  const app = compiledApp(envMonitorSchema);
  const uplink = app.up.find((u) => u.v === 2);
  if (!uplink) throw new Error('env-monitor has no climate v2 uplink');
  const schemaFields = envMonitorSchema.uplinks.find((u) => u.version === 2)?.fields ?? [];
  const names = Object.keys(REFERENCE);
  // Information-theoretic minimum: each field's value count on its range and resolution.
  let minimumBits = 0;
  for (const f of schemaFields) {
    if (!names.includes(f.name) || (f.type !== 'signed' && f.type !== 'unsigned')) continue;
    minimumBits += Math.ceil(Math.log2(Math.round((f.max - f.min) / f.resolution) + 1));
  }
  const batch = batchReadings();
  const ages = batch.map((_, i) => (BATCH_SIZE - 1 - i) * INTERVAL_S);

  const lkOne = deviceEncodeUplink(uplink, REFERENCE);
  const lkBatch = deviceEncodeBatch(uplink, batch, ages);

  // CayenneLPP through the schema's LPP mapping (device path), one frame per reading.
  const cat = lppCatalogue();
  const map = lppMappings(schemaFields.filter((f) => names.includes(f.name)), cat);
  const lppSize = lppReadingSize(map);
  const lppEnc = (r: Reading): Uint8Array => {
    const out = new Uint8Array(lppSize);
    lppEncodeReading(map, r, out);
    return out;
  };
  // A batch in LPP: readings back to back, each sample on its own channels (LPP has no batch form).
  const lppBatchMap = batch.flatMap((_, i) => map.map((m) => ({ ...m, name: `${m.name}${i}`, channel: m.channel + 8 * i })));
  const lppBatchReading = Object.fromEntries(batch.flatMap((r, i) => Object.entries(r).map(([k, v]) => [`${k}${i}`, v])));
  const lppBatch = new Uint8Array(lppReadingSize(lppBatchMap));
  lppEncodeReading(lppBatchMap, lppBatchReading, lppBatch);
  const lppOne = lppEnc(REFERENCE);

  const cx = new Encoder({ useRecords: false });
  const cxDec = new Decoder({ mapsAsObjects: true, useRecords: false });
  const cxOne = new Uint8Array(cx.encode(toScaled(REFERENCE)));
  const cxBatch = new Uint8Array(cx.encode(batch.map(toScaled)));

  const devOne = cborEncode(toScaled(REFERENCE));
  const devBatch = cborEncode(batch.map(toScaled));

  const te = new TextEncoder();
  const td = new TextDecoder();
  const jsonOne = te.encode(JSON.stringify(REFERENCE));
  const jsonBatch = te.encode(JSON.stringify(batch));

  const input = { bytes: lkOne, fPort: uplink.port };
  return {
    minimumBits,
    notes: [
      `lorakit: env-monitor climate v2 (fPort ${uplink.port}; batch fPort ${uplink.bport}), the absent pressure costs its presence bit; the batch also carries sample ages (12 samples, ${INTERVAL_S} s apart).`,
      'minimum: sum over the fields of ceil(log2(value count)) for independent samples; lorakit\'s batch form packs each field\'s values together, so similar consecutive readings can go below it.',
      'CayenneLPP: the schema\'s LPP mapping (temperature, humidity, voltage, generic counter); a batch is 12 readings back to back on distinct channels.',
      'cbor-x: {t,h,b,c} scaled integers, cbor-x Encoder({ useRecords: false }); decode includes unscaling back to units.',
      'JSON: {"temperature":21.3,...} as UTF-8.',
    ],
    formats: [
      { name: 'lorakit', one: lkOne, batch: lkBatch, encode: () => deviceEncodeUplink(uplink, REFERENCE), decode: () => decodeUplink(app, input) },
      { name: 'CayenneLPP', one: lppOne, batch: lppBatch, encode: () => lppEnc(REFERENCE), decode: () => decodeLpp(lppOne, cat) },
      { name: 'cbor-x', one: cxOne, batch: cxBatch, encode: () => cx.encode(toScaled(REFERENCE)), decode: () => fromScaled(cxDec.decode(cxOne)) },
      {
        name: 'CBOR (lorakit device encoder)',
        one: devOne,
        batch: devBatch,
        encode: () => cborEncode(toScaled(REFERENCE)),
        decode: () => fromScaled(decodeCbor(devOne).data as { t: number; h: number; b: number; c: number }),
      },
      { name: 'JSON', one: jsonOne, batch: jsonBatch, encode: () => te.encode(JSON.stringify(REFERENCE)), decode: () => JSON.parse(td.decode(jsonOne)) as unknown },
    ],
  };
}

function sizeTable(fs: Format[], minimumBits: number): string {
  const minOne = Math.ceil(minimumBits / 8);
  const minBatch = Math.ceil((minimumBits * BATCH_SIZE) / 8);
  const lpp = fs.find((f) => f.name === 'CayenneLPP');
  const rows: Cell[][] = [
    [`minimum (${minimumBits} bits per reading)`, minOne, '1.00×', ratio(minOne, lpp?.one.length), minBatch, '1.00×', ratio(minBatch, lpp?.batch.length)],
    ...fs.map((f) => [f.name, f.one.length, ratio(f.one.length, minOne), ratio(f.one.length, lpp?.one.length), f.batch.length, ratio(f.batch.length, minBatch), ratio(f.batch.length, lpp?.batch.length)]),
  ];
  return table(['format', '1 reading (B)', 'vs minimum', 'vs CayenneLPP', `${BATCH_SIZE} readings (B)`, 'vs minimum', 'vs CayenneLPP'], rows);
}

function speedTable(fs: Format[], enc: Map<string, Measurement>, dec: Map<string, Measurement>): string {
  const cell = (m: Measurement | undefined): string => (m ? `${Math.round(m.opsPerSec).toLocaleString('en-US')} (${Math.round(m.min).toLocaleString('en-US')}..${Math.round(m.max).toLocaleString('en-US')})` : 'n/a');
  const e = (n: string) => enc.get(n)?.opsPerSec;
  const d = (n: string) => dec.get(n)?.opsPerSec;
  const rows: Cell[][] = fs.map((f) => [
    f.name, cell(enc.get(f.name)), ratio(e(f.name), e('cbor-x')), ratio(e(f.name), e('CayenneLPP')),
    cell(dec.get(f.name)), ratio(d(f.name), d('cbor-x')), ratio(d(f.name), d('CayenneLPP')),
  ]);
  return table(['format (1 reading)', 'encode ops/s', 'vs cbor-x', 'vs LPP', 'decode ops/s', 'vs cbor-x', 'vs LPP'], rows);
}

export const suite: BenchSuite = {
  name: 'codecs',
  description: 'payload size and encode/decode speed',
  async run(ctx: BenchContext) {
    const { formats: fs, minimumBits, notes } = formats();
    ctx.print('\n### Size (bytes on air)\n');
    ctx.print(sizeTable(fs, minimumBits));
    const lk = fs.find((f) => f.name === 'lorakit');
    const lpp = fs.find((f) => f.name === 'CayenneLPP');
    if (lk && lpp) {
      const minOne = Math.ceil(minimumBits / 8);
      ctx.print(`\nGoal "within one byte of the minimum": ${lk.one.length - minOne <= 1 ? 'met' : 'NOT met'} (${lk.one.length} B vs ${minOne} B).`);
      ctx.print(`Goal "at most half of CayenneLPP": ${lk.one.length * 2 <= lpp.one.length ? 'met' : 'NOT met'} (${lk.one.length} B vs ${lpp.one.length} B).`);
    }
    ctx.print('\n### Speed (one reading per operation; median ops/s, min..max over the rounds)\n');
    const enc = new Map<string, Measurement>();
    const dec = new Map<string, Measurement>();
    for (const f of fs) {
      enc.set(f.name, measure(f.encode, ctx.timing));
      dec.set(f.name, measure(f.decode, ctx.timing));
    }
    ctx.print(speedTable(fs, enc, dec));
    const lkDec = dec.get('lorakit')?.opsPerSec;
    const cxDecRate = dec.get('cbor-x')?.opsPerSec;
    if (lkDec !== undefined && cxDecRate !== undefined) {
      ctx.print(`\nGoal "lorakit decoder at least as fast as cbor-x decode": ${lkDec >= cxDecRate ? 'met' : 'NOT met'} (${ratio(lkDec, cxDecRate)}).`);
    }
    ctx.print(`\nNotes:\n${notes.map((n) => `- ${n}`).join('\n')}`);
  },
};
