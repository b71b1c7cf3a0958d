// Time on air of one LoRa or FSK frame, in milliseconds.
// LoRa: the Semtech formula (SX1276 datasheet §4.1.1.6, AN1200.13 "LoRa Modem
// Designer's Guide"), valid for SF6..SF12 on SX127x and SF7..SF12 on SX126x.
// FSK: LoRaWAN's 50 kbps GFSK frame (RP002: 5 preamble bytes, 3-byte sync word,
// 1 length byte, payload, 2-byte CRC), as LoRaMac-node's radio drivers count it.
// Device profile: pure functions, no defaults/destructuring; invalid input gives -1.

/** LoRa modulation and packet settings. Omitted fields take LoRaWAN's values. */
export interface LoraParams {
  /** Spreading factor 6..12. */
  sf: number;
  /** Bandwidth in kHz (125, 250, 500; any positive value is accepted). */
  bwKhz: number;
  /** Coding rate 1..4 meaning 4/5..4/8 (LoRaWAN: 1). */
  cr?: number;
  /** Preamble symbols (LoRaWAN: 8). */
  preamble?: number;
  /** Explicit header (LoRaWAN: true). */
  explicitHeader?: boolean;
  /** Payload CRC (LoRaWAN uplinks: true, downlinks: false). */
  crc?: boolean;
  /** Low-data-rate optimisation; undefined = automatic (on when a symbol lasts 16 ms or more). */
  ldro?: boolean;
}

/** True when `x` is a finite whole number (Number.isInteger is missing on Espruino). */
export function isWhole(x: number): boolean {
  return typeof x === 'number' && isFinite(x) && Math.floor(x) === x;
}

/** Symbol duration in ms: 2^SF / BW. */
export function loraSymbolMs(sf: number, bwKhz: number): number {
  return Math.pow(2, sf) / bwKhz;
}

/** Whether low-data-rate optimisation is mandated: symbol time of 16 ms or more (SF11/SF12 at 125 kHz, SF12 at 250 kHz). */
export function loraLdroAuto(sf: number, bwKhz: number): boolean {
  return loraSymbolMs(sf, bwKhz) >= 16;
}

/** Number of payload symbols (header, payload, CRC) after the preamble, without the 4.25 preamble tail. */
export function loraPayloadSymbols(phyBytes: number, p: LoraParams): number {
  const cr = p.cr === undefined ? 1 : p.cr;
  const ih = p.explicitHeader === false ? 1 : 0;
  const crc = p.crc === false ? 0 : 1;
  const de = (p.ldro === undefined ? loraLdroAuto(p.sf, p.bwKhz) : p.ldro) ? 1 : 0;
  const num = 8 * phyBytes - 4 * p.sf + 28 + 16 * crc - 20 * ih;
  const den = 4 * (p.sf - 2 * de);
  const blocks = Math.ceil(num / den);
  return 8 + (blocks > 0 ? blocks * (cr + 4) : 0);
}

/** True when the LoRa settings are usable by the formula. */
export function loraParamsValid(phyBytes: number, p: LoraParams): boolean {
  if (!isWhole(phyBytes) || phyBytes < 0 || phyBytes > 255) return false;
  if (!isWhole(p.sf) || p.sf < 6 || p.sf > 12) return false;
  if (typeof p.bwKhz !== 'number' || !isFinite(p.bwKhz) || p.bwKhz <= 0) return false;
  if (p.cr !== undefined && (!isWhole(p.cr) || p.cr < 1 || p.cr > 4)) return false;
  if (p.preamble !== undefined && (!isWhole(p.preamble) || p.preamble < 0 || p.preamble > 65535)) return false;
  return true;
}

/**
 * Time on air in ms of a LoRa frame whose PHY payload is `phyBytes` long
 * (LoRaWAN: MHDR + MACPayload + MIC). Returns -1 for invalid settings.
 */
export function loraTimeOnAir(phyBytes: number, p: LoraParams): number {
  if (!loraParamsValid(phyBytes, p)) return -1;
  const preamble = p.preamble === undefined ? 8 : p.preamble;
  const tSym = loraSymbolMs(p.sf, p.bwKhz);
  return (preamble + 4.25 + loraPayloadSymbols(phyBytes, p)) * tSym;
}

/** Bytes that LoRaWAN's FSK frame adds around the PHY payload: 5 preamble, 3 sync, 1 length, 2 CRC. */
export const FSK_OVERHEAD_BYTES = 11;

/** Time on air in ms of a LoRaWAN FSK frame at `kbps` (50 in every region that has FSK). -1 if invalid. */
export function fskTimeOnAir(phyBytes: number, kbps: number): number {
  if (!isWhole(phyBytes) || phyBytes < 0 || phyBytes > 255) return -1;
  if (typeof kbps !== 'number' || !isFinite(kbps) || kbps <= 0) return -1;
  return ((phyBytes + FSK_OVERHEAD_BYTES) * 8) / kbps;
}

/** LoRaWAN frame overhead around FRMPayload: MHDR 1 + DevAddr 4 + FCtrl 1 + FCnt 2 + FPort 1 + MIC 4. */
export const LORAWAN_OVERHEAD_BYTES = 13;

/**
 * PHY payload size of a data frame carrying `appBytes` of FRMPayload and `foptsLen` bytes of
 * FOpts (TS001 §4: MHDR | FHDR | FPort | FRMPayload | MIC; FPort is absent when FRMPayload is empty).
 */
export function phyPayloadBytes(appBytes: number, foptsLen: number): number {
  return appBytes + foptsLen + (appBytes > 0 ? LORAWAN_OVERHEAD_BYTES : LORAWAN_OVERHEAD_BYTES - 1);
}
