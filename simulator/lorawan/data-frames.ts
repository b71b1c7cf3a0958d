// LoRaWAN 1.0.x data frames: build (encrypt FRMPayload, sign), parse the clear header
// (in place or into copies), verify the MIC, decrypt. Functions taking session key
// arrays have `...With` twins taking the keys' contexts (keyctx.ts), for callers that
// keep them (the network's sessions, the modems): no key lookup per frame. Frame
// counters are 32-bit: the low 16 bits travel in FCnt, the upper 16 enter the MIC and
// the encryption blocks (lora-packet's FCntMSBytes). Parsers never throw.
import { emptyBytes } from './bytes.ts';
import { cryptInto, dataMic32Of, loraCrypto as C, type Dir, type KeyContext } from './crypto.ts';
import { checkKey, fail, isKey, micIs, MType, ok, putLe, putMic, readLe, type Result } from './frame-common.ts';
import type { SessionKeys } from './join-frames.ts';

/** `b.slice(start, end)` for start <= end, without the slow empty case. */
const copyRange = (b: Uint8Array, start: number, end: number): Uint8Array => (end > start ? b.slice(start, end) : emptyBytes());

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

const dirOf = (mType: number): Dir => (isUplink(mType) ? 0 : 1);

/** Builds, encrypts (AppSKey, or NwkSKey on port 0) and signs (NwkSKey, 32-bit FCnt) a data frame. */
export function buildDataFrame(f: DataFrame, keys: SessionKeys): Uint8Array {
  return buildFrame(f, keys, null, null);
}

/**
 * buildDataFrame with the session's key contexts (NwkSKey, AppSKey) instead of its key
 * arrays: for a caller that keeps the contexts (the network's sessions), no key lookup.
 */
export function buildDataFrameWith(f: DataFrame, nwk: KeyContext, app: KeyContext): Uint8Array {
  return buildFrame(f, null, nwk, app);
}

/** buildDataFrame on `keys`, or (keys null) on the contexts `nwk` and `app`. */
function buildFrame(f: DataFrame, keys: SessionKeys | null, nwk: KeyContext | null, app: KeyContext | null): Uint8Array {
  const fOpts = f.fOpts ?? emptyBytes();
  if (fOpts.length > 15) throw new RangeError('FOpts longer than 15 bytes');
  if (f.fPort === 0 && fOpts.length > 0) throw new RangeError('FOpts must be empty when FPort is 0');
  const payload = f.payload ?? emptyBytes();
  if (f.fPort === undefined && payload.length > 0) throw new RangeError('a payload needs an FPort');
  if (f.fPort !== undefined && !(f.fPort >= 0 && f.fPort <= 255)) throw new RangeError('FPort must be 0..255');
  const hasPort = f.fPort !== undefined;
  const head = 8 + fOpts.length;
  const msgLen = head + (hasPort ? 1 + payload.length : 0);
  const phy = new Uint8Array(msgLen + 4);
  const devAddr = f.devAddr >>> 0;
  const fCnt = f.fCnt >>> 0;
  phy[0] = f.mType << 5;
  putLe(phy, 1, devAddr, 4);
  phy[5] = (f.adr ? 0x80 : 0) | (f.adrAckReq ? 0x40 : 0) | (f.ack ? 0x20 : 0) | (f.fPending ? 0x10 : 0) | fOpts.length;
  putLe(phy, 6, fCnt, 2);
  phy.set(fOpts, 8);
  const dir = dirOf(f.mType);
  if (hasPort) {
    phy[head] = f.fPort!;
    if (payload.length > 0) {
      if (keys !== null) C.cryptFrmPayload(f.fPort === 0 ? keys.nwkSKey : keys.appSKey, dir, devAddr, fCnt, payload, phy, head + 1);
      else cryptInto(f.fPort === 0 ? nwk! : app!, dir, devAddr, fCnt, payload, 0, payload.length, phy, head + 1);
    }
  }
  putMic(phy, msgLen, keys !== null ? C.dataMic32(keys.nwkSKey, dir, devAddr, fCnt, phy, msgLen) : dataMic32Of(nwk!, dir, devAddr, fCnt, phy, msgLen));
  return phy;
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

/**
 * Where the parts of a data frame lie in the PHYPayload, read in place (no copies):
 * parseDataHeader's checks and fields, for callers that only read the frame (the
 * network server) and for parseDataHeader itself.
 */
export interface DataLayout {
  mType: 2 | 3 | 4 | 5;
  devAddr: number;
  fCnt16: number;
  fCtrl: number;
  /** FOpts is phy[8, 8 + fOptsLen). */
  fOptsLen: number;
  /** FPort, or -1 when the frame has none. */
  fPort: number;
  /** FRMPayload is phy[payloadAt, micAt) (empty without an FPort); the MIC is the 4 bytes at micAt. */
  payloadAt: number;
  micAt: number;
}

/** The layout of a data frame, or why it is not a well-formed one (parseDataHeader's error). */
export function scanDataHeader(phy: Uint8Array): DataLayout | string {
  const l: DataLayout = { mType: 2, devAddr: 0, fCnt16: 0, fCtrl: 0, fOptsLen: 0, fPort: -1, payloadAt: 0, micAt: 0 };
  return scanDataHeaderInto(phy, l) ?? l;
}

/**
 * scanDataHeader into the caller's layout object (the network reuses one: no allocation
 * per frame): null when well formed (`l` then holds the layout), else the error (`l` unchanged).
 */
export function scanDataHeaderInto(phy: Uint8Array, l: DataLayout): string | null {
  if (phy.length < 12) return `data frame too short (${phy.length} bytes)`;
  const mType = phy[0]! >> 5;
  if (mType < 2 || mType > 5) return `not a data frame (MType ${mType})`;
  if ((phy[0]! & 0x03) !== 0) return 'unsupported LoRaWAN major version';
  const fCtrl = phy[5]!;
  const fOptsLen = fCtrl & 0x0f;
  const micAt = phy.length - 4;
  if (8 + fOptsLen > micAt) return 'FOpts length exceeds frame';
  const hasPort = 8 + fOptsLen < micAt;
  const fPort = hasPort ? phy[8 + fOptsLen]! : -1;
  if (fPort === 0 && fOptsLen > 0) return 'FOpts present with FPort 0';
  l.mType = mType as 2 | 3 | 4 | 5;
  l.devAddr = ((phy[4]! << 24) | (phy[3]! << 16) | (phy[2]! << 8) | phy[1]!) >>> 0;
  l.fCnt16 = phy[6]! | (phy[7]! << 8);
  l.fCtrl = fCtrl;
  l.fOptsLen = fOptsLen;
  l.fPort = fPort;
  l.payloadAt = hasPort ? 9 + fOptsLen : micAt;
  l.micAt = micAt;
  return null;
}

/** The FOpts bytes of a scanned frame (a copy). */
export const fOptsOf = (phy: Uint8Array, l: DataLayout): Uint8Array => copyRange(phy, 8, 8 + l.fOptsLen);

/** Parses the clear parts of a data frame (no keys needed). */
export function parseDataHeader(phy: Uint8Array): Result<DataHeader> {
  const l = scanDataHeader(phy);
  if (typeof l === 'string') return fail(l);
  const { mType, devAddr, fCnt16, fCtrl, fPort } = l;
  const down = mType === MType.UnconfirmedDown || mType === MType.ConfirmedDown;
  const adr = (fCtrl & 0x80) !== 0;
  const adrAckReq = !down && (fCtrl & 0x40) !== 0;
  const ack = (fCtrl & 0x20) !== 0;
  const fPending = down && (fCtrl & 0x10) !== 0;
  const fOpts = fOptsOf(phy, l);
  const frmPayload = copyRange(phy, l.payloadAt, l.micAt);
  const mic = phy.slice(l.micAt);
  // two literals instead of a conditional spread (no temporary object): the same keys in the same order
  return ok(
    fPort >= 0
      ? { mType, devAddr, fCnt16, adr, adrAckReq, ack, fPending, fOpts, fPort, frmPayload, mic }
      : { mType, devAddr, fCnt16, adr, adrAckReq, ack, fPending, fOpts, frmPayload, mic },
  );
}

export function verifyDataMic(phy: Uint8Array, nwkSKey: Uint8Array, fCnt32: number): boolean {
  return isKey(nwkSKey) && signedDataFrame(phy) && micMatches(phy, C.keys.get(nwkSKey), fCnt32);
}

/** verifyDataMic with NwkSKey's context (the network's sessions keep theirs: no key lookup). */
export const verifyDataMicWith = (phy: Uint8Array, nwk: KeyContext, fCnt32: number): boolean => signedDataFrame(phy) && micMatches(phy, nwk, fCnt32);

/** A data frame of a length a MIC can cover. */
const signedDataFrame = (phy: Uint8Array): boolean => phy.length >= 12 && phy.length <= 259 && phy[0]! >> 5 >= 2 && phy[0]! >> 5 <= 5;

/** The frame's MIC equals the one computed with `nwk` (a signedDataFrame). */
function micMatches(phy: Uint8Array, nwk: KeyContext, fCnt32: number): boolean {
  const micAt = phy.length - 4;
  // the low 16 bits come from the frame itself, the upper 16 from the caller (as lora-packet's FCntMSBytes)
  const fCnt = ((fCnt32 >>> 16) * 0x10000 + (phy[6]! | (phy[7]! << 8))) >>> 0;
  return micIs(phy, micAt, dataMic32Of(nwk, dirOf(phy[0]! >> 5), readLe(phy, 1, 4), fCnt, phy, micAt));
}

/** Verifies the MIC with the given 32-bit FCnt and decrypts FRMPayload. */
export function openDataFrame(phy: Uint8Array, keys: SessionKeys, fCnt32: number): Result<DataFrame> {
  const h = parseDataHeader(phy);
  if (!h.ok) return h;
  if ((fCnt32 & 0xffff) !== h.value.fCnt16) return fail('32-bit FCnt does not match the frame');
  if (!verifyDataMic(phy, keys.nwkSKey, fCnt32)) return fail('MIC mismatch');
  return decryptDataFrame(h.value, keys, fCnt32);
}

/** The frame openDataFrameWith is reading (scanDataHeaderInto): one reused object, its fields copied to locals at once. */
const OPENING: DataLayout = { mType: 2, devAddr: 0, fCnt16: 0, fCtrl: 0, fOptsLen: 0, fPort: -1, payloadAt: 0, micAt: 0 };

/**
 * openDataFrame with the session's key contexts (NwkSKey, AppSKey) instead of its key
 * arrays: for a caller that keeps them (a modem's session), no key lookup per frame and
 * the header read in place. The same result and errors as openDataFrame.
 */
export function openDataFrameWith(phy: Uint8Array, nwk: KeyContext, app: KeyContext, fCnt32: number): Result<DataFrame> {
  const l = OPENING;
  const err = scanDataHeaderInto(phy, l);
  if (err !== null) return fail(err);
  const mType = l.mType;
  const devAddr = l.devAddr;
  const fCtrl = l.fCtrl;
  const fPort = l.fPort;
  const payloadAt = l.payloadAt;
  const len = l.micAt - payloadAt;
  if ((fCnt32 & 0xffff) !== l.fCnt16) return fail('32-bit FCnt does not match the frame');
  if (!verifyDataMicWith(phy, nwk, fCnt32)) return fail('MIC mismatch');
  const fOpts = copyRange(phy, 8, 8 + (fCtrl & 0x0f));
  let payload: Uint8Array;
  if (len === 0) payload = emptyBytes();
  else {
    payload = new Uint8Array(len);
    cryptInto(fPort === 0 ? nwk : app, dirOf(mType), devAddr, fCnt32 >>> 0, phy, payloadAt, len, payload, 0);
  }
  // parseDataHeader's flags (FPending only downlink, ADRACKReq only uplink), decryptDataFrame's keys and order
  const down = mType === MType.UnconfirmedDown || mType === MType.ConfirmedDown;
  const adr = (fCtrl & 0x80) !== 0;
  const adrAckReq = !down && (fCtrl & 0x40) !== 0;
  const ack = (fCtrl & 0x20) !== 0;
  const fPending = down && (fCtrl & 0x10) !== 0;
  const fCnt = fCnt32 >>> 0;
  return ok(
    fPort >= 0
      ? { mType, devAddr, fCnt, adr, adrAckReq, ack, fPending, fOpts, fPort, payload }
      : { mType, devAddr, fCnt, adr, adrAckReq, ack, fPending, fOpts, payload },
  );
}

/**
 * The second half of openDataFrame, for a caller that parsed the header `v` from the frame
 * and already verified its MIC with this 32-bit FCnt (the network's device lookup does):
 * decrypts FRMPayload without checking the MIC again.
 */
export function decryptDataFrame(v: DataHeader, keys: SessionKeys, fCnt32: number): Result<DataFrame> {
  if ((fCnt32 & 0xffff) !== v.fCnt16) return fail('32-bit FCnt does not match the frame');
  const src = v.frmPayload;
  const payload = decryptPayload(v.mType, v.devAddr, v.fPort === 0, keys, fCnt32, src, 0, src.length);
  if (typeof payload === 'string') return fail(payload);
  const { mType, devAddr, adr, adrAckReq, ack, fPending, fOpts, fPort } = v;
  const fCnt = fCnt32 >>> 0;
  // two literals instead of a conditional spread: the same keys in the same order
  return ok(
    fPort !== undefined
      ? { mType, devAddr, fCnt, adr, adrAckReq, ack, fPending, fOpts, fPort, payload }
      : { mType, devAddr, fCnt, adr, adrAckReq, ack, fPending, fOpts, payload },
  );
}

/**
 * The network's decryptDataFrame for a frame it scanned (scanDataHeader) and whose MIC it
 * verified with this 32-bit FCnt: the plaintext FRMPayload (a new array) or the error.
 */
export function decryptScanned(phy: Uint8Array, l: DataLayout, keys: SessionKeys, fCnt32: number): Uint8Array | string {
  if ((fCnt32 & 0xffff) !== l.fCnt16) return '32-bit FCnt does not match the frame';
  return decryptPayload(l.mType, l.devAddr, l.fPort === 0, keys, fCnt32, phy, l.payloadAt, l.micAt - l.payloadAt);
}

/** FRMPayload decryption (AppSKey, NwkSKey on port 0) of src[off, off+len) into a new array, or the error. */
function decryptPayload(mType: number, devAddr: number, port0: boolean, keys: SessionKeys, fCnt32: number, src: Uint8Array, off: number, len: number): Uint8Array | string {
  if (len === 0) return emptyBytes();
  const key = port0 ? keys.nwkSKey : keys.appSKey;
  const keyErr = checkKey(key, port0 ? 'NwkSKey' : 'AppSKey');
  if (keyErr) return `cannot decrypt: ${keyErr}`;
  return C.cryptFrmPayloadFrom(key, dirOf(mType), devAddr, fCnt32 >>> 0, src, off, len);
}

/**
 * decryptScanned with the session's key contexts (NwkSKey, AppSKey): the network's path,
 * no key lookup. The plaintext FRMPayload (a new array) or the error.
 */
export function decryptScannedWith(phy: Uint8Array, l: DataLayout, nwk: KeyContext, app: KeyContext, fCnt32: number): Uint8Array | string {
  if ((fCnt32 & 0xffff) !== l.fCnt16) return '32-bit FCnt does not match the frame';
  const len = l.micAt - l.payloadAt;
  if (len === 0) return emptyBytes();
  const out = new Uint8Array(len);
  cryptInto(l.fPort === 0 ? nwk : app, dirOf(l.mType), l.devAddr, fCnt32 >>> 0, phy, l.payloadAt, len, out, 0);
  return out;
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
