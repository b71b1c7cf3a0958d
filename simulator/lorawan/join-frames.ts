// LoRaWAN 1.0.x join frames: the join request (device -> network), the encrypted join
// accept (network -> device) and the session keys both sides derive from it. Each
// function taking AppKey's bytes has a `...With` twin taking its key context
// (keyctx.ts) for callers that keep one: the key is then looked up once per join,
// not once per step. EUIs are given in display order (big-endian); on the wire they
// are little-endian. Parsers never throw.
import {
  decryptJoinAcceptOf,
  encryptJoinAcceptOf,
  joinMic32Of,
  loraCrypto as C,
  sessionKeysOf,
  type KeyContext,
} from './crypto.ts';
import { checkKey, fail, isKey, micIs, MType, ok, putLe, putMic, readLe, type Result } from './frame-common.ts';

/** Copies `src` reversed into `dst` at `off` (display order <-> wire order). */
function putReversed(dst: Uint8Array, off: number, src: Uint8Array): void {
  for (let i = 0; i < src.length; i++) dst[off + i] = src[src.length - 1 - i]!;
}

const reversed = (b: Uint8Array): Uint8Array => b.slice().reverse();

// ---------- join request ----------

export interface JoinRequest {
  joinEui: Uint8Array; // 8 bytes
  devEui: Uint8Array; // 8 bytes
  devNonce: number; // 0..65535
}

/** MHDR | JoinEUI (LE) | DevEUI (LE) | DevNonce (LE) | MIC (CMAC with AppKey). */
export function buildJoinRequest(f: JoinRequest, appKey: Uint8Array): Uint8Array {
  if (f.joinEui.length !== 8 || f.devEui.length !== 8) throw new RangeError('JoinEUI and DevEUI must be 8 bytes');
  const phy = new Uint8Array(23);
  phy[0] = MType.JoinRequest << 5;
  putReversed(phy, 1, f.joinEui);
  putReversed(phy, 9, f.devEui);
  putLe(phy, 17, f.devNonce, 2);
  putMic(phy, 19, joinMic32Of(C.keys.get(appKey), phy, 19));
  return phy;
}

export interface ParsedJoinRequest extends JoinRequest {
  mic: Uint8Array;
}

/** The frame is a join request (length and MType): its fields can be read in place (JoinEUI at 1, DevEUI at 9, DevNonce at 17). */
export const isJoinRequest = (phy: Uint8Array): boolean => phy.length === 23 && phy[0]! >> 5 === MType.JoinRequest;

/** The DevNonce of a join request (isJoinRequest). */
export const joinRequestDevNonce = (phy: Uint8Array): number => phy[17]! | (phy[18]! << 8);

export function parseJoinRequest(phy: Uint8Array): Result<ParsedJoinRequest> {
  if (phy.length !== 23) return fail(`join request must be 23 bytes, got ${phy.length}`);
  if (phy[0]! >> 5 !== MType.JoinRequest) return fail('not a join request');
  return ok({
    joinEui: reversed(phy.subarray(1, 9)),
    devEui: reversed(phy.subarray(9, 17)),
    devNonce: readLe(phy, 17, 2),
    mic: phy.slice(19),
  });
}

export function verifyJoinRequest(phy: Uint8Array, appKey: Uint8Array): boolean {
  return isKey(appKey) && verifyJoinRequestWith(phy, C.keys.get(appKey));
}

/** verifyJoinRequest with AppKey's context. */
export function verifyJoinRequestWith(phy: Uint8Array, appKey: KeyContext): boolean {
  return isJoinRequest(phy) && micIs(phy, 19, joinMic32Of(appKey, phy, 19));
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

/** Builds and encrypts a join accept (the network side), MIC with AppKey. */
export function buildJoinAccept(f: JoinAccept, appKey: Uint8Array): Uint8Array {
  return buildJoinAcceptWith(f, C.keys.get(appKey));
}

/** A CFList, when given, is 16 bytes. */
function checkCfList(f: JoinAccept): void {
  if (f.cfList && f.cfList.length > 0 && f.cfList.length !== 16) throw new RangeError('CFList must be 16 bytes');
}

/** buildJoinAccept with AppKey's context. */
export function buildJoinAcceptWith(f: JoinAccept, appKey: KeyContext): Uint8Array {
  checkCfList(f);
  const cf = f.cfList && f.cfList.length > 0 ? f.cfList : undefined;
  const plain = new Uint8Array(cf ? 33 : 17);
  plain[0] = MType.JoinAccept << 5;
  putLe(plain, 1, f.joinNonce, 3);
  putLe(plain, 4, f.netId, 3);
  putLe(plain, 7, f.devAddr >>> 0, 4);
  plain[11] = ((f.rx1DrOffset & 0x07) << 4) | (f.rx2Dr & 0x0f);
  plain[12] = f.rxDelaySec & 0x0f;
  if (cf) plain.set(cf, 13);
  const micAt = plain.length - 4;
  putMic(plain, micAt, joinMic32Of(appKey, plain, micAt));
  return encryptJoinAcceptOf(appKey, plain);
}

/** The device side: decrypts a join accept with AppKey and checks its MIC. */
export function decryptJoinAccept(phy: Uint8Array, appKey: Uint8Array): Result<JoinAccept> {
  const err = acceptProblem(phy);
  if (err !== null) return fail(err);
  const keyErr = checkKey(appKey, 'AppKey');
  if (keyErr) return fail(keyErr);
  return openAccept(phy, C.keys.get(appKey));
}

/** decryptJoinAccept with AppKey's context. */
export function decryptJoinAcceptWith(phy: Uint8Array, appKey: KeyContext): Result<JoinAccept> {
  const err = acceptProblem(phy);
  return err !== null ? fail(err) : openAccept(phy, appKey);
}

/** Why `phy` cannot be a join accept, or null. */
function acceptProblem(phy: Uint8Array): string | null {
  if (phy.length !== 17 && phy.length !== 33) return `join accept must be 17 or 33 bytes, got ${phy.length}`;
  if (phy[0]! >> 5 !== MType.JoinAccept) return 'not a join accept';
  return null;
}

function openAccept(phy: Uint8Array, appKey: KeyContext): Result<JoinAccept> {
  const p = decryptJoinAcceptOf(appKey, phy);
  // A 1.0.x device treats DLSettings bit 7 (OptNeg in 1.1) as RFU: always the 1.0 MIC.
  const micAt = p.length - 4;
  if (!micIs(p, micAt, joinMic32Of(appKey, p, micAt))) return fail('join accept MIC mismatch');
  const dl = p[11]!;
  const joinNonce = readLe(p, 1, 3);
  const netId = readLe(p, 4, 3);
  const devAddr = readLe(p, 7, 4);
  const rx1DrOffset = (dl >> 4) & 0x07;
  const rx2Dr = dl & 0x0f;
  const rxDelaySec = p[12]! & 0x0f;
  // two literals instead of a conditional spread: the same keys in the same order
  return ok(
    p.length === 33
      ? { joinNonce, netId, devAddr, rx1DrOffset, rx2Dr, rxDelaySec, cfList: p.slice(13, 29) }
      : { joinNonce, netId, devAddr, rx1DrOffset, rx2Dr, rxDelaySec },
  );
}

export interface SessionKeys {
  nwkSKey: Uint8Array;
  appSKey: Uint8Array;
}

/** LoRaWAN 1.0 session keys from AppKey, JoinNonce (AppNonce), NetID and DevNonce. */
export function deriveSessionKeys(appKey: Uint8Array, joinNonce: number, netId: number, devNonce: number): SessionKeys {
  return C.sessionKeys(appKey, joinNonce & 0xffffff, netId & 0xffffff, devNonce & 0xffff);
}

/** deriveSessionKeys with AppKey's context. */
export function deriveSessionKeysWith(appKey: KeyContext, joinNonce: number, netId: number, devNonce: number): SessionKeys {
  return sessionKeysOf(appKey, joinNonce & 0xffffff, netId & 0xffffff, devNonce & 0xffff);
}

