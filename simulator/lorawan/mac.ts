// LoRaWAN 1.0.x MAC commands (TS001 §5): encoding and parsing of the core set,
// carried in FOpts or in FRMPayload on port 0. Parsing never throws: an unknown
// CID or a truncated command ends parsing with an error (the rest cannot be framed).

import { emptyBytes } from './bytes.ts';

export type MacDir = 'up' | 'down';

export interface MacCommand {
  cid: number;
  name: string;
  /** The command's payload bytes (without the CID). */
  payload: Uint8Array;
}

interface CidInfo {
  name: string;
  up: number; // payload length when sent by the device, -1 if not defined
  down: number; // payload length when sent by the network, -1 if not defined
}

// Payload lengths per TS001 1.0.4 Table 4 (Req/Ans lengths in each direction).
const CIDS: Record<number, CidInfo> = {
  0x02: { name: 'LinkCheck', up: 0, down: 2 },
  0x03: { name: 'LinkADR', up: 1, down: 4 },
  0x04: { name: 'DutyCycle', up: 0, down: 1 },
  0x05: { name: 'RXParamSetup', up: 1, down: 4 },
  0x06: { name: 'DevStatus', up: 2, down: 0 },
  0x07: { name: 'NewChannel', up: 1, down: 5 },
  0x08: { name: 'RXTimingSetup', up: 0, down: 1 },
  0x09: { name: 'TxParamSetup', up: 0, down: 1 },
  0x0a: { name: 'DlChannel', up: 1, down: 4 },
  0x0d: { name: 'DeviceTime', up: 0, down: 5 },
};

export const CID = {
  LinkCheck: 0x02,
  LinkADR: 0x03,
  DutyCycle: 0x04,
  RXParamSetup: 0x05,
  DevStatus: 0x06,
  NewChannel: 0x07,
  RXTimingSetup: 0x08,
  TxParamSetup: 0x09,
  DlChannel: 0x0a,
  DeviceTime: 0x0d,
} as const;

export interface MacParseResult {
  commands: MacCommand[];
  /** Set when parsing stopped early (unknown CID, truncated payload). */
  error?: string;
}

export function parseMacCommands(bytes: Uint8Array, dir: MacDir): MacParseResult {
  const commands: MacCommand[] = [];
  let i = 0;
  while (i < bytes.length) {
    const cid = bytes[i]!;
    const info = CIDS[cid];
    const len = info ? (dir === 'up' ? info.up : info.down) : -1;
    if (!info || len < 0) {
      return { commands, error: `unknown MAC command 0x${cid.toString(16).padStart(2, '0')} (${dir}link) at byte ${i}` };
    }
    if (i + 1 + len > bytes.length) {
      return { commands, error: `truncated ${info.name} command at byte ${i}` };
    }
    commands.push({ cid, name: info.name, payload: bytes.slice(i + 1, i + 1 + len) });
    i += 1 + len;
  }
  return { commands };
}

export function encodeMacCommands(cmds: readonly { cid: number; payload?: Uint8Array | readonly number[] }[]): Uint8Array {
  // sized first and written in place (Uint8Array.from over a number[] costs several times more)
  let n = 0;
  for (const c of cmds) n += 1 + (c.payload ? c.payload.length : 0);
  if (n === 0) return emptyBytes();
  const out = new Uint8Array(n);
  let i = 0;
  for (const c of cmds) {
    out[i++] = c.cid & 0xff;
    const p = c.payload;
    if (p) for (let j = 0; j < p.length; j++) out[i++] = p[j]! & 0xff;
  }
  return out;
}

// --- typed helpers for the commands the simulator acts on ---

/** LinkCheckAns: demodulation margin (dB above the floor, 0..254) and gateway count. */
export function linkCheckAns(marginDb: number, gwCnt: number): MacCommand {
  const m = Math.max(0, Math.min(254, Math.floor(marginDb)));
  const g = Math.max(0, Math.min(255, gwCnt));
  return { cid: CID.LinkCheck, name: 'LinkCheck', payload: Uint8Array.of(m, g) };
}

export interface LinkAdrReq {
  dr: number;
  txPowerIdx: number;
  chMask: number;
  chMaskCntl: number;
  nbTrans: number;
}

export function linkAdrReq(r: LinkAdrReq): MacCommand {
  return {
    cid: CID.LinkADR,
    name: 'LinkADR',
    payload: Uint8Array.of(
      ((r.dr & 0x0f) << 4) | (r.txPowerIdx & 0x0f),
      r.chMask & 0xff,
      (r.chMask >> 8) & 0xff,
      ((r.chMaskCntl & 0x07) << 4) | (r.nbTrans & 0x0f),
    ),
  };
}

export function decodeLinkAdrReq(p: Uint8Array): LinkAdrReq {
  return {
    dr: (p[0]! >> 4) & 0x0f,
    txPowerIdx: p[0]! & 0x0f,
    chMask: p[1]! | (p[2]! << 8),
    chMaskCntl: (p[3]! >> 4) & 0x07,
    nbTrans: p[3]! & 0x0f,
  };
}

/** LinkADRAns status: bit0 channel mask ACK, bit1 data rate ACK, bit2 power ACK. */
export function linkAdrAns(powerOk: boolean, drOk: boolean, chMaskOk: boolean): MacCommand {
  return { cid: CID.LinkADR, name: 'LinkADR', payload: Uint8Array.of((powerOk ? 4 : 0) | (drOk ? 2 : 0) | (chMaskOk ? 1 : 0)) };
}

/** DevStatusAns: battery (0 external, 1..254 level, 255 unknown) and SNR margin (-32..31). */
export function devStatusAns(battery: number, marginDb: number): MacCommand {
  const m = Math.max(-32, Math.min(31, Math.round(marginDb)));
  return { cid: CID.DevStatus, name: 'DevStatus', payload: Uint8Array.of(battery & 0xff, m & 0x3f) };
}

export function decodeDevStatusAns(p: Uint8Array): { battery: number; marginDb: number } {
  const raw = p[1]! & 0x3f;
  return { battery: p[0]!, marginDb: raw >= 32 ? raw - 64 : raw };
}

/** DutyCycleReq: aggregated duty cycle 1 / 2^maxDCycle (0 = no limit beyond regional). */
export function dutyCycleReq(maxDCycle: number): MacCommand {
  return { cid: CID.DutyCycle, name: 'DutyCycle', payload: Uint8Array.of(maxDCycle & 0x0f) };
}

export function simpleCommand(cid: number, payload: readonly number[] = []): MacCommand {
  return { cid, name: CIDS[cid]?.name ?? `0x${cid.toString(16)}`, payload: Uint8Array.from(payload) };
}
