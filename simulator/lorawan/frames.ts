// LoRaWAN 1.0.x frames, built and checked with lora-packet (the reference
// implementation the project trusts). Uint8Array at every boundary; Buffers stay
// inside. EUIs, DevAddr and keys are given in the usual display order (big-endian,
// as printed by consoles); the wire order is lora-packet's business. Frame
// counters are 32-bit: the low 16 bits travel in FCnt, the upper 16 enter the MIC
// and the encryption blocks (lora-packet's FCntMSBytes). Parsers never throw.
import loraPacket from 'lora-packet';

export type Result<T> = { ok: true; value: T } | { ok: false; error: string };

const ok = <T>(value: T): Result<T> => ({ ok: true, value });
const fail = <T>(error: string): Result<T> => ({ ok: false, error });

export const MType = {
  JoinRequest: 0,
  JoinAccept: 1,
  UnconfirmedUp: 2,
  UnconfirmedDown: 3,
  ConfirmedUp: 4,
  ConfirmedDown: 5,
} as const;

// ---------- small byte helpers ----------

const buf = (u: Uint8Array): Buffer => Buffer.from(u.buffer, u.byteOffset, u.byteLength);
const u8 = (b: Buffer): Uint8Array => new Uint8Array(b); // copy out of lora-packet's buffers

export function hexToBytes(hex: string): Uint8Array | null {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return null;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}

export function bytesToHex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s.toUpperCase();
}

/** 32-bit DevAddr as 4 big-endian bytes. */
const devAddrBytes = (a: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(a >>> 0, 0);
  return b;
};

/** The upper 16 bits of a 32-bit FCnt in B0/Ai order (little-endian), as lora-packet wants. */
const fCntMsb = (fCnt: number): Buffer => Buffer.from([(fCnt >>> 16) & 0xff, (fCnt >>> 24) & 0xff]);

const checkKey = (k: Uint8Array, name: string): string | null =>
  k instanceof Uint8Array && k.length === 16 ? null : `${name} must be 16 bytes`;

// ---------- join request ----------

export interface JoinRequest {
  joinEui: Uint8Array; // 8 bytes
  devEui: Uint8Array; // 8 bytes
  devNonce: number; // 0..65535
}

export function buildJoinRequest(f: JoinRequest, appKey: Uint8Array): Uint8Array {
  const p = loraPacket.fromFields(
    {
      MType: 'Join Request',
      AppEUI: Buffer.from(f.joinEui),
      DevEUI: Buffer.from(f.devEui),
      DevNonce: Buffer.from([(f.devNonce >> 8) & 0xff, f.devNonce & 0xff]),
    },
    undefined,
    undefined,
    Buffer.from(appKey),
  );
  return u8(p.getPHYPayload() as Buffer);
}

export interface ParsedJoinRequest extends JoinRequest {
  mic: Uint8Array;
}

export function parseJoinRequest(phy: Uint8Array): Result<ParsedJoinRequest> {
  if (phy.length !== 23) return fail(`join request must be 23 bytes, got ${phy.length}`);
  if (phy[0]! >> 5 !== MType.JoinRequest) return fail('not a join request');
  try {
    const p = loraPacket.fromWire(buf(phy));
    return ok({
      joinEui: u8(p.AppEUI!),
      devEui: u8(p.DevEUI!),
      devNonce: p.DevNonce!.readUInt16BE(0),
      mic: u8(p.MIC!),
    });
  } catch (e) {
    return fail(`malformed join request: ${(e as Error).message}`);
  }
}

export function verifyJoinRequest(phy: Uint8Array, appKey: Uint8Array): boolean {
  if (phy.length !== 23 || checkKey(appKey, 'AppKey')) return false;
  try {
    return loraPacket.verifyMIC(loraPacket.fromWire(buf(phy)), undefined, Buffer.from(appKey));
  } catch {
    return false;
  }
}

// ---------- join accept ----------

export interface JoinAccept {
  joinNonce: number; // 24-bit (AppNonce in 1.0.2)
  netId: number; // 24-bit
  devAddr: number; // 32-bit
  rx1DrOffset: number; // 0..7
  rx2Dr: number; // 0..15
  rxDelaySec: number; // 0..15 (0 means 1 s)
  cfList?: Uint8Array; // 16 bytes, optional
}

const u24 = (n: number): Buffer => Buffer.from([(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);

/** Builds and encrypts a join accept (the network side), MIC with AppKey. */
export function buildJoinAccept(f: JoinAccept, appKey: Uint8Array): Uint8Array {
  const p = loraPacket.fromFields(
    {
      MType: 'Join Accept',
      AppNonce: u24(f.joinNonce),
      NetID: u24(f.netId),
      DevAddr: devAddrBytes(f.devAddr),
      DLSettings: ((f.rx1DrOffset & 0x07) << 4) | (f.rx2Dr & 0x0f),
      RxDelay: f.rxDelaySec & 0x0f,
      CFList: f.cfList ? Buffer.from(f.cfList) : Buffer.alloc(0),
    },
    undefined,
    undefined,
    Buffer.from(appKey),
  );
  return u8(p.getPHYPayload() as Buffer);
}

/** The device side: decrypts a join accept with AppKey and checks its MIC. */
export function decryptJoinAccept(phy: Uint8Array, appKey: Uint8Array): Result<JoinAccept> {
  if (phy.length !== 17 && phy.length !== 33) return fail(`join accept must be 17 or 33 bytes, got ${phy.length}`);
  if (phy[0]! >> 5 !== MType.JoinAccept) return fail('not a join accept');
  const keyErr = checkKey(appKey, 'AppKey');
  if (keyErr) return fail(keyErr);
  try {
    const plain = loraPacket.decryptJoinAccept(loraPacket.fromWire(buf(phy)), Buffer.from(appKey));
    const p = loraPacket.fromWire(plain);
    // A 1.0.x device treats DLSettings bit 7 (OptNeg in 1.1) as RFU: always the 1.0 MIC.
    p.getDLSettingsOptNeg = () => false;
    if (!loraPacket.verifyMIC(p, undefined, Buffer.from(appKey))) return fail('join accept MIC mismatch');
    const dl = p.DLSettings![0]!;
    return ok({
      joinNonce: p.AppNonce!.readUIntBE(0, 3),
      netId: p.NetID!.readUIntBE(0, 3),
      devAddr: p.DevAddr!.readUInt32BE(0),
      rx1DrOffset: (dl >> 4) & 0x07,
      rx2Dr: dl & 0x0f,
      rxDelaySec: p.RxDelay![0]! & 0x0f,
      ...(p.CFList && p.CFList.length === 16 ? { cfList: u8(p.CFList) } : {}),
    });
  } catch (e) {
    return fail(`malformed join accept: ${(e as Error).message}`);
  }
}

export interface SessionKeys {
  nwkSKey: Uint8Array;
  appSKey: Uint8Array;
}

/** LoRaWAN 1.0 session keys from AppKey, JoinNonce (AppNonce), NetID and DevNonce. */
export function deriveSessionKeys(appKey: Uint8Array, joinNonce: number, netId: number, devNonce: number): SessionKeys {
  const k = loraPacket.generateSessionKeys10(
    Buffer.from(appKey),
    u24(netId),
    u24(joinNonce),
    Buffer.from([(devNonce >> 8) & 0xff, devNonce & 0xff]),
  );
  return { nwkSKey: u8(k.NwkSKey), appSKey: u8(k.AppSKey) };
}

// ---------- data frames ----------

export interface DataFrame {
  mType: 2 | 3 | 4 | 5;
  devAddr: number;
  /** Full 32-bit frame counter. */
  fCnt: number;
  adr?: boolean;
  adrAckReq?: boolean;
  ack?: boolean;
  fPending?: boolean;
  /** MAC commands piggybacked in FOpts (at most 15 bytes, sent in clear in 1.0.x). */
  fOpts?: Uint8Array;
  /** Absent: no FPort and no FRMPayload (e.g. an empty ACK). */
  fPort?: number;
  /** Plaintext FRMPayload. */
  payload?: Uint8Array;
}

export const isUplink = (mType: number): boolean => mType === MType.UnconfirmedUp || mType === MType.ConfirmedUp;

/** Builds, encrypts (AppSKey, or NwkSKey on port 0) and signs (NwkSKey, 32-bit FCnt) a data frame. */
export function buildDataFrame(f: DataFrame, keys: SessionKeys): Uint8Array {
  const fOpts = f.fOpts ?? new Uint8Array(0);
  if (fOpts.length > 15) throw new RangeError('FOpts longer than 15 bytes');
  if (f.fPort === 0 && fOpts.length > 0) throw new RangeError('FOpts must be empty when FPort is 0');
  const payload = f.payload ?? new Uint8Array(0);
  if (f.fPort === undefined && payload.length > 0) throw new RangeError('a payload needs an FPort');
  const msb = fCntMsb(f.fCnt);
  const nwk = Buffer.from(keys.nwkSKey);
  const p = loraPacket.fromFields(
    {
      MType: f.mType,
      DevAddr: devAddrBytes(f.devAddr),
      FCnt: f.fCnt & 0xffff,
      FCtrl: { ADR: !!f.adr, ADRACKReq: !!f.adrAckReq, ACK: !!f.ack, FPending: !!f.fPending },
      FOpts: Buffer.from(fOpts),
      ...(f.fPort !== undefined ? { FPort: f.fPort } : {}),
      payload: Buffer.from(payload),
    },
    Buffer.from(keys.appSKey),
    nwk,
    undefined,
    msb,
  );
  // lora-packet signs only frames with an FPort: sign every frame here.
  loraPacket.recalculateMIC(p, nwk, undefined, msb);
  return u8(p.getPHYPayload() as Buffer);
}

export interface DataHeader {
  mType: 2 | 3 | 4 | 5;
  devAddr: number;
  fCnt16: number;
  adr: boolean;
  adrAckReq: boolean; // uplink meaning of bit 6 (FPending downlink)
  ack: boolean;
  fPending: boolean;
  fOpts: Uint8Array;
  fPort?: number;
  /** Encrypted FRMPayload. */
  frmPayload: Uint8Array;
  mic: Uint8Array;
}

/** Parses the clear parts of a data frame (no keys needed). */
export function parseDataHeader(phy: Uint8Array): Result<DataHeader> {
  if (phy.length < 12) return fail(`data frame too short (${phy.length} bytes)`);
  const mType = phy[0]! >> 5;
  if (mType < 2 || mType > 5) return fail(`not a data frame (MType ${mType})`);
  if ((phy[0]! & 0x03) !== 0) return fail('unsupported LoRaWAN major version');
  const fCtrl = phy[5]!;
  const fOptsLen = fCtrl & 0x0f;
  const macEnd = phy.length - 4;
  if (8 + fOptsLen > macEnd) return fail('FOpts length exceeds frame');
  const hasPort = 8 + fOptsLen < macEnd;
  const fPort = hasPort ? phy[8 + fOptsLen]! : undefined;
  if (fPort === 0 && fOptsLen > 0) return fail('FOpts present with FPort 0');
  const down = mType === MType.UnconfirmedDown || mType === MType.ConfirmedDown;
  return ok({
    mType: mType as 2 | 3 | 4 | 5,
    devAddr: ((phy[4]! << 24) | (phy[3]! << 16) | (phy[2]! << 8) | phy[1]!) >>> 0,
    fCnt16: phy[6]! | (phy[7]! << 8),
    adr: (fCtrl & 0x80) !== 0,
    adrAckReq: !down && (fCtrl & 0x40) !== 0,
    ack: (fCtrl & 0x20) !== 0,
    fPending: down && (fCtrl & 0x10) !== 0,
    fOpts: phy.slice(8, 8 + fOptsLen),
    ...(fPort !== undefined ? { fPort } : {}),
    frmPayload: hasPort ? phy.slice(9 + fOptsLen, macEnd) : new Uint8Array(0),
    mic: phy.slice(macEnd),
  });
}

export function verifyDataMic(phy: Uint8Array, nwkSKey: Uint8Array, fCnt32: number): boolean {
  if (phy.length < 12 || checkKey(nwkSKey, 'NwkSKey')) return false;
  try {
    return loraPacket.verifyMIC(loraPacket.fromWire(buf(phy)), Buffer.from(nwkSKey), undefined, fCntMsb(fCnt32));
  } catch {
    return false;
  }
}

/** Verifies the MIC with the given 32-bit FCnt and decrypts FRMPayload. */
export function openDataFrame(phy: Uint8Array, keys: SessionKeys, fCnt32: number): Result<DataFrame> {
  const h = parseDataHeader(phy);
  if (!h.ok) return h;
  if ((fCnt32 & 0xffff) !== h.value.fCnt16) return fail('32-bit FCnt does not match the frame');
  if (!verifyDataMic(phy, keys.nwkSKey, fCnt32)) return fail('MIC mismatch');
  let payload: Uint8Array = new Uint8Array(0);
  if (h.value.frmPayload.length > 0) {
    try {
      const p = loraPacket.fromWire(buf(phy));
      payload = u8(loraPacket.decrypt(p, Buffer.from(keys.appSKey), Buffer.from(keys.nwkSKey), fCntMsb(fCnt32)));
    } catch (e) {
      return fail(`cannot decrypt: ${(e as Error).message}`);
    }
  }
  const v = h.value;
  return ok({
    mType: v.mType,
    devAddr: v.devAddr,
    fCnt: fCnt32 >>> 0,
    adr: v.adr,
    adrAckReq: v.adrAckReq,
    ack: v.ack,
    fPending: v.fPending,
    fOpts: v.fOpts,
    ...(v.fPort !== undefined ? { fPort: v.fPort } : {}),
    payload,
  });
}

/**
 * Reconstructs a 32-bit frame counter from its low 16 bits: the smallest value
 * >= `next` with those low bits (TS001 §4.3.1.5). Returns `last` itself when the
 * low bits equal it (a retransmission), and null when the jump is >= `maxGap`.
 */
export function reconstructFCnt(fCnt16: number, last: number | undefined, maxGap = 16384): number | null {
  if (last !== undefined && (last & 0xffff) === fCnt16) return last;
  const next = last === undefined ? 0 : last + 1;
  let v = (next - (next & 0xffff) + fCnt16) >>> 0;
  if (v < next) v += 0x10000;
  if (v > 0xffffffff) return null;
  return v - next < maxGap ? v : null;
}
