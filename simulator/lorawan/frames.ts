// LoRaWAN 1.0.x frames, one import for all: join frames (join-frames.ts), data frames
// (data-frames.ts), their shared types (frame-common.ts) and the hex helpers (bytes.ts).
// The crypto runs on the fast path (crypto.ts: table-driven AES, cached key schedules
// and CMAC subkeys); lora-packet remains the reference, and test/simulator/crypto*.test.ts
// proves the bytes identical to its output. Uint8Array at every boundary. EUIs, DevAddr
// and keys are given in the usual display order (big-endian, as printed by consoles);
// on the wire they are little-endian. Parsers never throw.
export { bytesToHex, emptyBytes, euiHexLe, hexEqualsLe, hexToBytes } from './bytes.ts';
export { MType, type Result } from './frame-common.ts';
export {
  buildJoinAccept,
  buildJoinAcceptWith,
  buildJoinRequest,
  decryptJoinAccept,
  decryptJoinAcceptWith,
  deriveSessionKeys,
  deriveSessionKeysWith,
  isJoinRequest,
  joinRequestDevNonce,
  parseJoinRequest,
  verifyJoinRequest,
  verifyJoinRequestWith,
  type JoinAccept,
  type JoinRequest,
  type ParsedJoinRequest,
  type SessionKeys,
} from './join-frames.ts';
export {
  buildDataFrame,
  buildDataFrameWith,
  decryptDataFrame,
  decryptScanned,
  decryptScannedWith,
  fOptsOf,
  isUplink,
  openDataFrame,
  openDataFrameWith,
  parseDataHeader,
  reconstructFCnt,
  scanDataHeader,
  scanDataHeaderInto,
  verifyDataMic,
  verifyDataMicWith,
  type DataFrame,
  type DataHeader,
  type DataLayout,
} from './data-frames.ts';
