// Frame crypto benchmark: LoRaWAN data frames built and opened (encrypt + MIC,
// verify + decrypt) per second through lora-packet (the reference, as frames.ts
// used it before the fast path) and through frames.ts on simulator/lorawan/crypto.ts;
// the raw crypto with the table-driven AES vs node:crypto ECB cipher objects; and
// joins. Each workload first checks that both paths give the same bytes.
import loraPacket from 'lora-packet';
import {
  buildDataFrame,
  buildJoinAccept,
  buildJoinRequest,
  bytesToHex,
  decryptJoinAccept,
  deriveSessionKeys,
  openDataFrame,
  verifyJoinRequest,
  type DataFrame,
  type JoinAccept,
  type SessionKeys,
} from '../../simulator/lorawan/frames.ts';
import { createLoRaCrypto } from '../../simulator/lorawan/crypto.ts';
import { measure, ratio, table, type Cell } from './harness.ts';
import type { BenchContext, BenchSuite } from './index.ts';

// ---------- the lora-packet reference path (exported for the equivalence tests) ----------

const B = (u: Uint8Array): Buffer => Buffer.from(u);
/** lora-packet's FCntMSBytes: bytes 2 and 3 of the 32-bit counter, little-endian. */
export const fCntMsBytes = (fCnt: number): Buffer => Buffer.from([(fCnt >>> 16) & 0xff, (fCnt >>> 24) & 0xff]);
const be32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};
export const be24 = (n: number): Buffer => Buffer.from([(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);

/** A data frame exactly as lora-packet builds and signs it (FCnt low 16 bits + FCntMSBytes). */
export function lpBuildDataFrame(f: DataFrame, keys: SessionKeys): Buffer {
  const nwk = B(keys.nwkSKey);
  const msb = fCntMsBytes(f.fCnt);
  const p = loraPacket.fromFields(
    {
      MType: f.mType,
      DevAddr: be32(f.devAddr),
      FCnt: f.fCnt & 0xffff,
      FCtrl: { ADR: !!f.adr, ADRACKReq: !!f.adrAckReq, ACK: !!f.ack, FPending: !!f.fPending },
      FOpts: B(f.fOpts ?? new Uint8Array(0)),
      ...(f.fPort !== undefined ? { FPort: f.fPort } : {}),
      payload: B(f.payload ?? new Uint8Array(0)),
    },
    B(keys.appSKey),
    nwk,
    undefined,
    msb,
  );
  // lora-packet signs in fromFields only when there is an FPort
  if (f.fPort === undefined) loraPacket.recalculateMIC(p, nwk, undefined, msb);
  return p.getPHYPayload() as Buffer;
}

/** Verifies and decrypts with lora-packet; null on a MIC mismatch. */
export function lpOpenDataFrame(phy: Uint8Array, keys: SessionKeys, fCnt32: number): Buffer | null {
  const p = loraPacket.fromWire(B(phy));
  const msb = fCntMsBytes(fCnt32);
  if (!loraPacket.verifyMIC(p, B(keys.nwkSKey), undefined, msb)) return null;
  return p.FRMPayload && p.FRMPayload.length > 0 ? loraPacket.decrypt(p, B(keys.appSKey), B(keys.nwkSKey), msb) : Buffer.alloc(0);
}

/** A join accept as lora-packet builds and encrypts it. */
export function lpBuildJoinAccept(f: JoinAccept, appKey: Uint8Array): Buffer {
  const p = loraPacket.fromFields(
    {
      MType: 'Join Accept',
      AppNonce: be24(f.joinNonce),
      NetID: be24(f.netId),
      DevAddr: be32(f.devAddr),
      DLSettings: ((f.rx1DrOffset & 0x07) << 4) | (f.rx2Dr & 0x0f),
      RxDelay: f.rxDelaySec & 0x0f,
      CFList: f.cfList ? B(f.cfList) : Buffer.alloc(0),
    },
    undefined,
    undefined,
    B(appKey),
  );
  return p.getPHYPayload() as Buffer;
}

// ---------- workloads ----------

const seq = (n: number, mul: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * mul + 7) & 0xff);
const KEYS: SessionKeys = { nwkSKey: seq(16, 31), appSKey: seq(16, 57) };
const APP_KEY = seq(16, 13);

interface Workload {
  name: string;
  frame: DataFrame;
}

const WORKLOADS: Workload[] = [
  { name: '11 B uplink, FCnt 70000', frame: { mType: 2, devAddr: 0x26011234, fCnt: 70000, fPort: 2, payload: seq(11, 3) } },
  { name: '51 B confirmed uplink + 5 B FOpts', frame: { mType: 4, devAddr: 0x26011234, fCnt: 123456, adr: true, fOpts: seq(5, 9), fPort: 10, payload: seq(51, 5) } },
  { name: 'empty ACK downlink', frame: { mType: 3, devAddr: 0x26011234, fCnt: 17, ack: true } },
];

function checkSame(w: Workload): void {
  const fast = buildDataFrame(w.frame, KEYS);
  const ref = lpBuildDataFrame(w.frame, KEYS);
  if (bytesToHex(fast) !== bytesToHex(ref)) throw new Error(`fast path and lora-packet differ on "${w.name}"`);
  const opened = openDataFrame(ref, KEYS, w.frame.fCnt);
  if (!opened.ok || bytesToHex(opened.value.payload ?? new Uint8Array(0)) !== bytesToHex(w.frame.payload ?? new Uint8Array(0))) {
    throw new Error(`fast path cannot open lora-packet's "${w.name}"`);
  }
}

const rate = (fn: () => unknown, ctx: BenchContext): number => measure(fn, ctx.timing).opsPerSec;

export const suite: BenchSuite = {
  name: 'frames',
  description: 'frames built+opened per second',
  async run(ctx: BenchContext) {
    // Every operation uses a new FCnt: the fast path remembers the last MIC and keystream per key
    // (with their complete inputs), so repeating one frame would time a memo, not the crypto.
    ctx.print('\n### Data frames: build (encrypt + MIC) and open (verify + decrypt), one of each per operation, a new FCnt each time\n');
    const rows: Cell[][] = [];
    for (const w of WORKLOADS) {
      checkSame(w);
      let i = 0;
      const next = (): DataFrame => ({ ...w.frame, fCnt: w.frame.fCnt + (i++ & 0xffff) });
      const lp = rate(() => {
        const f = next();
        return lpOpenDataFrame(lpBuildDataFrame(f, KEYS), KEYS, f.fCnt);
      }, ctx);
      const fast = rate(() => {
        const f = next();
        return openDataFrame(buildDataFrame(f, KEYS), KEYS, f.fCnt);
      }, ctx);
      rows.push([w.name, lp, fast, ratio(fast, lp)]);
    }
    ctx.print(table(['frame', 'lora-packet ops/s', 'fast path ops/s', 'speed-up'], rows));
    ctx.print('\nOpening the frame it has just built is answered from the fast path\'s memo (a byte comparison), as when the network opens what a simulated device sent; the next table opens frames built elsewhere.');

    ctx.print('\n### Open only (verify + decrypt) of 1,024 different frames built by lora-packet, in turn\n');
    const openRows: Cell[][] = [];
    for (const w of WORKLOADS) {
      const frames = Array.from({ length: 1024 }, (_, k) => lpBuildDataFrame({ ...w.frame, fCnt: w.frame.fCnt + k }, KEYS));
      let i = 0;
      const lp = rate(() => {
        const k = i++ & 1023;
        return lpOpenDataFrame(frames[k]!, KEYS, w.frame.fCnt + k);
      }, ctx);
      i = 0;
      const fast = rate(() => {
        const k = i++ & 1023;
        return openDataFrame(frames[k]!, KEYS, w.frame.fCnt + k);
      }, ctx);
      openRows.push([w.name, lp, fast, ratio(fast, lp)]);
    }
    ctx.print(table(['frame', 'lora-packet ops/s', 'fast path ops/s', 'speed-up'], openRows));

    ctx.print('\n### Crypto only (11 B FRMPayload encryption + MIC over a 24 B message, a new FCnt each time): AES backends\n');
    const msg = seq(24, 11);
    const payload = seq(11, 3);
    const backendRows: Cell[][] = [];
    const rates: Record<string, number> = {};
    for (const backend of ['js', 'node'] as const) {
      const c = createLoRaCrypto({ backend });
      let fCnt = 70000;
      rates[backend] = rate(() => {
        fCnt++;
        c.cryptFrmPayload(KEYS.appSKey, 0, 0x26011234, fCnt, payload);
        return c.dataMic(KEYS.nwkSKey, 0, 0x26011234, fCnt, msg);
      }, ctx);
    }
    backendRows.push(['table-driven JS AES (used)', rates.js!, '1.00×'], ['node:crypto aes-128-ecb, one cipher per key', rates.node!, ratio(rates.node, rates.js)]);
    ctx.print(table(['AES backend', 'ops/s', 'vs JS'], backendRows));

    ctx.print('\n### Joins (network + device side of one OTAA join per operation)\n');
    const req = { joinEui: seq(8, 1), devEui: seq(8, 2), devNonce: 0xcc85 };
    const acc: JoinAccept = { joinNonce: 0xe5063a, netId: 0x13, devAddr: 0x26012e43, rx1DrOffset: 0, rx2Dr: 3, rxDelaySec: 1 };
    if (bytesToHex(buildJoinAccept(acc, APP_KEY)) !== bytesToHex(lpBuildJoinAccept(acc, APP_KEY))) throw new Error('join accepts differ');
    const lpJoin = rate(() => {
      const r = loraPacket.fromFields(
        { MType: 'Join Request', AppEUI: B(req.joinEui), DevEUI: B(req.devEui), DevNonce: Buffer.from([0xcc, 0x85]) },
        undefined,
        undefined,
        B(APP_KEY),
      );
      loraPacket.verifyMIC(loraPacket.fromWire(r.getPHYPayload() as Buffer), undefined, B(APP_KEY));
      const a = loraPacket.fromWire(loraPacket.decryptJoinAccept(loraPacket.fromWire(lpBuildJoinAccept(acc, APP_KEY)), B(APP_KEY)));
      loraPacket.verifyMIC(a, undefined, B(APP_KEY));
      return loraPacket.generateSessionKeys10(B(APP_KEY), be24(acc.netId), be24(acc.joinNonce), Buffer.from([0xcc, 0x85]));
    }, ctx);
    const fastJoin = rate(() => {
      verifyJoinRequest(buildJoinRequest(req, APP_KEY), APP_KEY);
      decryptJoinAccept(buildJoinAccept(acc, APP_KEY), APP_KEY);
      return deriveSessionKeys(APP_KEY, acc.joinNonce, acc.netId, req.devNonce);
    }, ctx);
    ctx.print(table(['path', 'joins/s', 'speed-up'], [['lora-packet', lpJoin, '1.00×'], ['fast path', fastJoin, ratio(fastJoin, lpJoin)]]));
    ctx.print('\nBoth paths are checked byte-identical before timing (test/simulator/crypto-lorapacket.test.ts proves it on thousands of random frames).');
  },
};
