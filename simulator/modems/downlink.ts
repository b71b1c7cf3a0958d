// Device-side handling of a received downlink: address and MIC check with the
// 32-bit downlink counter, decryption, and the core MAC commands a LoRaWAN 1.0.x
// modem answers (LinkCheckAns, LinkADRReq, DutyCycleReq, RXParamSetupReq,
// DevStatusReq, NewChannelReq, RXTimingSetupReq, TxParamSetupReq, DlChannelReq).
import { dataRate, txPowerDbm, type Region } from '../../firmware/lorawan/region.ts';
import { decryptScannedWith, reconstructFCnt, scanDataHeaderInto, verifyDataMicWith, type DataLayout } from '../lorawan/frames.ts';
import { NO_BYTES } from '../lorawan/bytes.ts';
import { CID, decodeLinkAdrReq, devStatusAns, linkAdrAns, parseMacCommands, simpleCommand, type MacCommand } from '../lorawan/mac.ts';
import type { KeyContext } from '../lorawan/crypto.ts';
import type { MacConfig } from './mac-engine.ts';

export interface OpenedDownlink {
  mType: number;
  fCnt: number;
  ack: boolean;
  port?: number;
  payload: Uint8Array;
  mac: MacCommand[];
}

/** The layout openDownlink scans a frame into (one for all devices: read at once, kept by no one). */
const LAYOUT: DataLayout = { mType: 2, devAddr: 0, fCnt16: 0, fCtrl: 0, fOptsLen: 0, fPort: -1, payloadAt: 0, micAt: 0 };

/**
 * The downlink addressed to this device with a valid MIC, decrypted; null otherwise. `nwk` and
 * `app` are the contexts of the session's NwkSKey and AppSKey. What openDataFrame with the
 * keys did (parse, MIC with the 32-bit FCnt, decrypt), read in place from the frame: no header
 * object, no copies of FOpts, FRMPayload and MIC, no key lookups.
 */
export function openDownlink(phy: Uint8Array, cfg: MacConfig, nwk: KeyContext, app: KeyContext): OpenedDownlink | null {
  const l = LAYOUT;
  if (scanDataHeaderInto(phy, l) !== null || (l.mType !== 3 && l.mType !== 5) || l.devAddr !== cfg.devAddr) return null;
  const last = cfg.fCntDown > 0 ? cfg.fCntDown - 1 : undefined;
  const f = reconstructFCnt(l.fCnt16, last);
  if (f === null || (last !== undefined && f <= last)) return null;
  // f's low 16 bits are the frame's (reconstructFCnt), as openDataFrame required
  if (!verifyDataMicWith(phy, nwk, f)) return null;
  const payload = decryptScannedWith(phy, l, nwk, app, f) as Uint8Array; // a string only when the FCnt bits differ
  const mType = l.mType;
  const ack = (l.fCtrl & 0x20) !== 0;
  const port = l.fPort;
  // the MAC commands: FRMPayload on port 0, else FOpts (parseMacCommands copies what it keeps)
  const mac = parseMacCommands(port === 0 ? payload : l.fOptsLen > 0 ? phy.subarray(8, 8 + l.fOptsLen) : NO_BYTES, 'down').commands;
  // two literals rather than a conditional spread: the same keys in the same order
  return port >= 0 ? { mType, fCnt: f, ack, port, payload: port === 0 ? new Uint8Array(0) : payload, mac } : { mType, fCnt: f, ack, payload, mac };
}

/** Applies the network's MAC commands; returns the answers for the next uplink. */
export function handleDownlinkMac(
  cmds: MacCommand[],
  cfg: MacConfig,
  region: Region,
  snr: number,
): { answers: MacCommand[]; linkCheck?: { margin: number; gwCnt: number } } {
  const answers: MacCommand[] = [];
  let linkCheck: { margin: number; gwCnt: number } | undefined;
  for (const c of cmds) {
    const p = c.payload;
    switch (c.cid) {
      case CID.LinkCheck:
        linkCheck = { margin: p[0]!, gwCnt: p[1]! };
        break;
      case CID.LinkADR: {
        const r = decodeLinkAdrReq(p);
        const drOk = r.dr === 15 || (dataRate(region, r.dr) !== null && cfg.channels.some((ch) => r.dr >= ch.minDr && r.dr <= ch.maxDr));
        const powerOk = r.txPowerIdx === 15 || txPowerDbm(region, r.txPowerIdx) >= 0;
        const maskOk = r.chMaskCntl === 6 || (r.chMaskCntl === 0 && r.chMask !== 0);
        if (drOk && powerOk && maskOk) {
          if (r.dr !== 15 && cfg.adr) cfg.dr = r.dr;
          if (r.txPowerIdx !== 15) cfg.txPowerIdx = r.txPowerIdx;
          if (r.chMaskCntl === 6) for (const ch of cfg.channels) ch.enabled = true;
          else cfg.channels.forEach((ch, i) => (ch.enabled = i < 16 && ((r.chMask >> i) & 1) === 1));
        }
        answers.push(linkAdrAns(powerOk, drOk, maskOk));
        break;
      }
      case CID.DutyCycle:
        cfg.maxDCycle = p[0]! & 0x0f;
        answers.push(simpleCommand(CID.DutyCycle));
        break;
      case CID.RXParamSetup: {
        const rx1Off = (p[0]! >> 4) & 0x07;
        const rx2Dr = p[0]! & 0x0f;
        const freq = (p[1]! | (p[2]! << 8) | (p[3]! << 16)) * 100;
        const ok = dataRate(region, rx2Dr) !== null;
        if (ok) {
          cfg.rx1DrOffset = rx1Off;
          cfg.rx2Dr = rx2Dr;
          if (freq > 0) cfg.rx2FreqHz = freq;
        }
        answers.push(simpleCommand(CID.RXParamSetup, [ok ? 0x07 : 0x01]));
        break;
      }
      case CID.DevStatus:
        // battery 255: the modem cannot measure it; margin = SNR of this downlink
        answers.push(devStatusAns(255, snr));
        break;
      case CID.NewChannel: {
        const idx = p[0]!;
        const freq = (p[1]! | (p[2]! << 8) | (p[3]! << 16)) * 100;
        const minDr = p[4]! & 0x0f;
        const maxDr = (p[4]! >> 4) & 0x0f;
        if (idx >= 3 && idx < 16) {
          const ch = { freqHz: freq, minDr, maxDr, enabled: freq > 0, dcycle: cfg.channels[0]?.dcycle ?? 0, freeAt: 0 };
          cfg.channels[idx] = ch;
          for (let i = 0; i < idx; i++) {
            if (!cfg.channels[i]) cfg.channels[i] = { freqHz: 0, minDr: 0, maxDr: 0, enabled: false, dcycle: 0, freeAt: 0 };
          }
        }
        answers.push(simpleCommand(CID.NewChannel, [idx >= 3 && idx < 16 ? 0x03 : 0x00]));
        break;
      }
      case CID.RXTimingSetup:
        cfg.rx1DelayMs = Math.max(1, p[0]! & 0x0f) * 1000;
        answers.push(simpleCommand(CID.RXTimingSetup));
        break;
      case CID.TxParamSetup:
        answers.push(simpleCommand(CID.TxParamSetup));
        break;
      case CID.DlChannel:
        answers.push(simpleCommand(CID.DlChannel, [0x03]));
        break;
      default:
        break; // DeviceTimeAns and others need no answer
    }
  }
  return linkCheck ? { answers, linkCheck } : { answers };
}
