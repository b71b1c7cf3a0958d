// The fast crypto path (frames.ts on crypto.ts) against lora-packet, the reference:
// thousands of random frames built by both must be byte-identical, and MIC
// verification and decryption must agree, including 32-bit counters above 65535
// (lora-packet gets the low 16 bits in FCnt and the upper two bytes as FCntMSBytes).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import loraPacket from 'lora-packet';
import {
  buildDataFrame,
  buildJoinAccept,
  buildJoinRequest,
  bytesToHex,
  decryptJoinAccept,
  deriveSessionKeys,
  hexToBytes,
  openDataFrame,
  verifyDataMic,
  verifyJoinRequest,
  type DataFrame,
  type JoinAccept,
} from '../../simulator/lorawan/frames.ts';
import { be24, fCntMsBytes, lpBuildDataFrame, lpBuildJoinAccept, lpOpenDataFrame } from '../../scripts/bench/frames.ts';

const h = (s: string): Uint8Array => hexToBytes(s)!;
const B = (u: Uint8Array): Buffer => Buffer.from(u);
const key16 = fc.uint8Array({ minLength: 16, maxLength: 16 });
const eui = fc.uint8Array({ minLength: 8, maxLength: 8 });

const msb = fCntMsBytes;
/** The reference: the frame exactly as lora-packet builds and signs it. */
const referenceDataFrame = (f: DataFrame, nwk: Uint8Array, app: Uint8Array): Buffer => lpBuildDataFrame(f, { nwkSKey: nwk, appSKey: app });

// Random data frames over the whole field space: both directions, confirmed or not,
// FOpts (never with port 0), ports 0..223 or none, payloads 0..222 bytes, 32-bit FCnt.
const frameArb: fc.Arbitrary<DataFrame> = fc
  .record({
    mType: fc.constantFrom(2 as const, 3 as const, 4 as const, 5 as const),
    devAddr: fc.integer({ min: 0, max: 0xffffffff }),
    fCnt: fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0x1ffff }), fc.constantFrom(0, 0xffff, 0x10000, 0xffffffff)),
    adr: fc.boolean(),
    adrAckReq: fc.boolean(),
    ack: fc.boolean(),
    fPending: fc.boolean(),
    fPort: fc.option(fc.integer({ min: 0, max: 223 }), { nil: undefined }),
    payload: fc.uint8Array({ maxLength: 222 }),
    fOpts: fc.uint8Array({ maxLength: 15 }),
  })
  .map((f) => ({
    ...f,
    fOpts: f.fPort === 0 ? new Uint8Array(0) : f.fOpts,
    payload: f.fPort === undefined ? new Uint8Array(0) : f.payload,
  }));

describe('data frames: fast path vs lora-packet', () => {
  it('builds byte-identical PHYPayloads (encryption + MIC) for thousands of random frames', () => {
    fc.assert(
      fc.property(frameArb, key16, key16, (f, nwk, app) => {
        const fast = buildDataFrame(f, { nwkSKey: nwk, appSKey: app });
        expect(bytesToHex(fast)).toBe(bytesToHex(referenceDataFrame(f, nwk, app)));
      }),
      { numRuns: 3000 },
    );
  });

  it('opens what lora-packet built, and lora-packet opens what the fast path built', () => {
    fc.assert(
      fc.property(frameArb, key16, key16, (f, nwk, app) => {
        const keys = { nwkSKey: nwk, appSKey: app };
        const ref = new Uint8Array(referenceDataFrame(f, nwk, app));
        const opened = openDataFrame(ref, keys, f.fCnt);
        expect(opened.ok).toBe(true);
        if (!opened.ok) return;
        expect(bytesToHex(opened.value.payload!)).toBe(bytesToHex(f.payload!));
        expect(opened.value.fCnt).toBe(f.fCnt);
        expect(opened.value.fPort).toBe(f.fPort);
        const lpOpened = lpOpenDataFrame(buildDataFrame(f, keys), keys, f.fCnt);
        expect(lpOpened && bytesToHex(lpOpened)).toBe(bytesToHex(f.payload!));
      }),
      { numRuns: 1500 },
    );
  });

  // Verification with the right or a wrong key, the right or a wrong upper counter
  // half, and an intact or damaged frame: the fast path and lora-packet must agree
  // on every combination (and both must accept exactly the intact, right ones).
  it('MIC verification and decryption agree with lora-packet on right and wrong inputs', () => {
    fc.assert(
      fc.property(
        frameArb,
        key16,
        key16,
        key16,
        fc.boolean(),
        fc.boolean(),
        fc.option(fc.nat(), { nil: undefined }),
        fc.integer({ min: 0, max: 7 }),
        (f, nwk, app, other, wrongKey, wrongHigh, flipAt, bit) => {
          const phy = buildDataFrame(f, { nwkSKey: nwk, appSKey: app });
          if (flipAt !== undefined) phy[flipAt % phy.length] = phy[flipAt % phy.length]! ^ (1 << bit);
          const key = wrongKey ? other : nwk;
          const fCnt = wrongHigh ? (f.fCnt + 0x10000) >>> 0 : f.fCnt;
          let reference: boolean;
          try {
            reference = loraPacket.verifyMIC(loraPacket.fromWire(B(phy)), B(key), undefined, msb(fCnt));
          } catch {
            reference = false; // a flipped MType bit can turn the frame into something lora-packet rejects
          }
          expect(verifyDataMic(phy, key, fCnt)).toBe(reference);
          const sameKey = bytesToHex(key) === bytesToHex(nwk);
          const sameHigh = fCnt >>> 16 === f.fCnt >>> 16;
          if (flipAt === undefined) expect(reference).toBe(sameKey && sameHigh);
          // decryption of whatever ciphertext is there, with the frame's own counter bits
          if (flipAt === undefined && f.payload!.length > 0) {
            const lp = loraPacket.fromWire(B(phy));
            const ref = loraPacket.decrypt(lp, B(other), B(other), msb(fCnt));
            const opened = openDataFrame(phy, { nwkSKey: nwk, appSKey: other }, fCnt);
            if (wrongHigh) expect(opened).toEqual({ ok: false, error: 'MIC mismatch' });
            else expect(opened.ok && bytesToHex(opened.value.payload!)).toBe(bytesToHex(f.fPort === 0 ? f.payload! : ref));
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('matches the published lora-packet README uplink', () => {
    const nwk = h('44024241ed4ce9a68c6a8bc055233fd3');
    const app = h('ec925802ae430ca77fd3dd73cb2cc588');
    const phy = buildDataFrame({ mType: 2, devAddr: 0x49be7df1, fCnt: 2, fPort: 1, payload: new TextEncoder().encode('test') }, { nwkSKey: nwk, appSKey: app });
    expect(bytesToHex(phy)).toBe('40F17DBE4900020001954378762B11FF0D');
  });
});

describe('joins: fast path vs lora-packet', () => {
  // Published vector: lora-packet issue #10 (a live EU868 join) with the session keys derived there.
  const V = {
    appKey: h('B6B53F4A168A7A88BDF7EA135CE9CFCA'),
    joinRequest: '00DC0000D07ED5B3701E6FEDF57CEEAF0085CC587FE913',
    joinAccept: '204DD85AE608B87FC4889970B7D2042C9E72959B0057AED6094B16003DF12DE145',
    nwkSKey: '2C96F7028184BB0BE8AA49275290D4FC',
    appSKey: 'F3A5C8F0232A38C144029C165865802C',
  };

  it('reproduces the published join request, accept and session keys', () => {
    expect(bytesToHex(buildJoinRequest({ joinEui: h('70B3D57ED00000DC'), devEui: h('00AFEE7CF5ED6F1E'), devNonce: 0xcc85 }, V.appKey))).toBe(V.joinRequest);
    const accept: JoinAccept = { joinNonce: 0xe5063a, netId: 0x13, devAddr: 0x26012e43, rx1DrOffset: 0, rx2Dr: 3, rxDelaySec: 1, cfList: h('184F84E85684B85E84886684586E8400') };
    expect(bytesToHex(buildJoinAccept(accept, V.appKey))).toBe(V.joinAccept);
    expect(decryptJoinAccept(h(V.joinAccept), V.appKey)).toEqual({ ok: true, value: accept });
    const k = deriveSessionKeys(V.appKey, 0xe5063a, 0x13, 0xcc85);
    expect(bytesToHex(k.nwkSKey)).toBe(V.nwkSKey);
    expect(bytesToHex(k.appSKey)).toBe(V.appSKey);
  });

  it('join requests are byte-identical and verification agrees on intact and damaged frames', () => {
    fc.assert(
      fc.property(eui, eui, fc.integer({ min: 0, max: 0xffff }), key16, key16, fc.option(fc.integer({ min: 0, max: 22 * 8 + 7 }), { nil: undefined }), (j, d, n, k, other, flip) => {
        const phy = buildJoinRequest({ joinEui: j, devEui: d, devNonce: n }, k);
        const ref = loraPacket.fromFields(
          { MType: 'Join Request', AppEUI: B(j), DevEUI: B(d), DevNonce: Buffer.from([n >> 8, n & 0xff]) },
          undefined,
          undefined,
          B(k),
        );
        expect(bytesToHex(phy)).toBe(bytesToHex(ref.getPHYPayload() as Buffer));
        if (flip !== undefined && flip >= 8) phy[flip >> 3] = phy[flip >> 3]! ^ (1 << (flip & 7)); // keep MHDR intact
        for (const key of [k, other]) {
          expect(verifyJoinRequest(phy, key)).toBe(loraPacket.verifyMIC(loraPacket.fromWire(B(phy)), undefined, B(key)));
        }
      }),
      { numRuns: 1000 },
    );
  });

  const acceptArb = fc.record({
    joinNonce: fc.integer({ min: 0, max: 0xffffff }),
    netId: fc.integer({ min: 0, max: 0xffffff }),
    devAddr: fc.integer({ min: 0, max: 0xffffffff }),
    rx1DrOffset: fc.integer({ min: 0, max: 7 }),
    rx2Dr: fc.integer({ min: 0, max: 15 }),
    rxDelaySec: fc.integer({ min: 0, max: 15 }),
    cfList: fc.option(fc.uint8Array({ minLength: 16, maxLength: 16 }), { nil: undefined }),
  });

  it('join accepts are byte-identical, decrypt identically, and yield the same session keys', () => {
    fc.assert(
      fc.property(acceptArb, key16, fc.integer({ min: 0, max: 0xffff }), (f, k, devNonce) => {
        const accept: JoinAccept = { ...f };
        if (f.cfList === undefined) delete accept.cfList;
        const phy = buildJoinAccept(accept, k);
        expect(bytesToHex(phy)).toBe(bytesToHex(lpBuildJoinAccept(accept, k)));
        // device side: the plaintext lora-packet recovers carries a MIC it accepts, and we read the same fields
        const plain = loraPacket.fromWire(loraPacket.decryptJoinAccept(loraPacket.fromWire(B(phy)), B(k)));
        expect(loraPacket.verifyMIC(plain, undefined, B(k))).toBe(true);
        expect(decryptJoinAccept(phy, k)).toEqual({ ok: true, value: accept });
        const s = deriveSessionKeys(k, f.joinNonce, f.netId, devNonce);
        const r = loraPacket.generateSessionKeys10(B(k), be24(f.netId), be24(f.joinNonce), Buffer.from([devNonce >> 8, devNonce & 0xff]));
        expect(bytesToHex(s.nwkSKey)).toBe(bytesToHex(r.NwkSKey));
        expect(bytesToHex(s.appSKey)).toBe(bytesToHex(r.AppSKey));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('bad input never throws and never verifies', () => {
  it('random bytes and random keys', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 20 }), fc.integer({ min: 0, max: 0xffffffff }), (b, k, fCnt) => {
        expect(typeof verifyDataMic(b, k, fCnt)).toBe('boolean');
        expect(typeof verifyJoinRequest(b, k)).toBe('boolean');
        const o = openDataFrame(b, { nwkSKey: k, appSKey: k }, fCnt);
        if (!o.ok) expect(o.error).toMatch(/\S/);
        const j = decryptJoinAccept(b, k);
        if (!j.ok) expect(j.error).toMatch(/\S/);
        if (k.length !== 16) {
          expect(verifyDataMic(b, k, fCnt)).toBe(false);
          expect(o.ok).toBe(false);
          expect(j.ok).toBe(false);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
