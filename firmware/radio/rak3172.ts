// RAK3172 driver for the RUI3 AT firmware: 115200 baud, CRLF lines. Every
// command ends with a status line (`OK`, `AT_ERROR`, `AT_PARAM_ERROR`,
// `AT_BUSY_ERROR`, `AT_NO_NETWORK_JOINED`, ...); `AT+JOIN` and `AT+SEND` then
// report asynchronously: `+EVT:JOINED` / `+EVT:JOIN FAILED`, `+EVT:TX_DONE`,
// `+EVT:SEND_CONFIRMED_OK` / `+EVT:SEND_CONFIRMED_FAILED(n)`,
// `+EVT:RX_1:<rssi>:<snr>:UNICAST:<port>:<hex>`, `+EVT:LINKCHECK:<ok>,<margin>,<gw>,<rssi>,<snr>`.
// Reference: RAKwireless RUI3 AT Command Manual.
import type { Hal } from '../hal.ts';
import { DONE, MORE, NOT_MINE } from './at.ts';
import type { Outcome, Reply } from './at.ts';
import { createBase } from './base.ts';
import { fromHex, isInt, parseDec, toHex } from './hex.ts';
import { INVALID, OK, fault } from './modem.ts';
import type { Done, JoinOutcome, LinkCheckOutcome, Modem, ModemConfig, TxOutcome } from './modem.ts';

export function createRak3172(hal: Hal, cfg: ModemConfig): Modem {
  /** First-stage status words of AT+JOIN / AT+SEND (see outcome() in at.ts); WAIT is a Restricted_Wait, other words faults. */
  const FIRST = ' OK=ok AT_BUSY_ERROR=busy WAIT=duty-cycle-wait =fault ';
  /** AT+SEND's: the port and hex are checked before, so a parameter error means too long for the data rate. */
  const SEND_FIRST = FIRST + 'AT_PARAM_ERROR=invalid-length AT_NO_NETWORK_JOINED=not-joined ';
  /** The event that ends an event wait: 'j' a join, else an uplink. */
  let waitFor = '';
  // Events gathered while an uplink finishes (any event line no command takes goes to onEvent).
  let rx: TxOutcome | null = null;
  let lc: LinkCheckOutcome | null = null;

  // The uplink in flight (one operation at a time, see base.ts), kept here for its operation's
  // body and callbacks, which are made once, not on every uplink.
  let txPort = 0;
  let txData: Uint8Array | null = null;
  let txFrom = 0;
  let txCnf = false;
  let txRes: TxOutcome | null = null;

  /** send(): the operation's body. */
  function sendBody(): void {
    if (!isInt(txPort, 1, 223) || !(txData instanceof Uint8Array) || txData.length <= txFrom) {
      txData = null;
      return c.end(INVALID);
    }
    const want = txCnf ? 1 : 0;
    // the usual case, the mode already right, skips seq() and its arrays
    if (c.mode === want) sendGo(OK);
    else c.seq(['AT+CFM=' + want], sendGo);
  }

  /** send(): the confirmation mode is set; the uplink itself. */
  function sendGo(o: Done): void {
    const data = txData!;
    txData = null;
    if (o.kind !== 'ok') return c.end(o);
    c.mode = txCnf ? 1 : 0;
    waitFor = '';
    rx = lc = null;
    c.two('AT+SEND=' + txPort + ':' + toHex(data, txFrom), SEND_FIRST, txCnf ? cfg.cnfMs || 60000 : cfg.txMs || 15000, 'uplink', sendResult);
  }

  /** send(): the uplink's result event. */
  function sendResult(f: Outcome | null, r: Reply): void {
    if (f) {
      if (f.kind === 'not-joined') c.joined = false;
      return c.end(f);
    }
    txRes = { kind: r.s } as TxOutcome;
    // listen a little longer for a trailing RX / LINKCHECK event
    hal.setTimeout(sendAfter, 200);
  }

  /** send(): the end of the uplink, with a downlink or a link-check answer that came after it. */
  function sendAfter(): void {
    const res = txRes!;
    txRes = null;
    if (rx && rx.kind === 'downlink') rx.acked = txCnf && res.kind !== 'no-ack';
    if (c.link) c.settle(lc || { kind: 'no-answer' });
    c.fin(rx || res, c.adr);
  }

  /** Remembers a downlink or a link-check answer from an event line. */
  function onEvent(l: string): void {
    // `+EVT:LINKCHECK:0,21,1,-60,11` (or with colons, newer RUI3); `+EVT:RX_1:-46:10:UNICAST:111:48454C`
    // (RUI3 >= 3.2), or `+EVT:111:48454C` (older two-line form)
    const a = l.split(',').join(':').split(':');
    if (a[0] !== '+EVT' || a.length < 3) return;
    const x = parseDec(a[2]!);
    const y = parseDec(a[3] || '');
    const z = parseDec(a[4] || '');
    if (a[1] === 'LINKCHECK') {
      lc = x === null || y === null || z === null ? fault('malformed link check') : x === 0 && z > 0 ? { kind: 'link', margin: y, gateways: z } : { kind: 'no-answer' };
      return;
    }
    const n = a[1]!.indexOf('RX_') === 0 && a.length > 5 ? 5 : a.length === 3 ? 1 : 0;
    const port = n ? parseDec(a[n]!) : null;
    const d = fromHex(a[n + 1] || '');
    if (port !== null && port > 0 && port < 256 && d && d.length) rx = { kind: 'downlink', port: port, data: d, acked: false };
  }

  /** Status words end a command, `+` lines are events (or end an event wait), other lines are values. */
  function line(l: string, r: Reply): number {
    const t = r.t;
    if (!t) {
      if (l.indexOf('+EVT:') !== 0) return NOT_MINE;
      const k =
        waitFor === 'j'
          ? l === '+EVT:JOINED'
            ? 'joined'
            : l.indexOf('+EVT:JOIN') === 0 && l.indexOf('FAIL') > 0
              ? 'join-failed'
              : ''
          : l.indexOf('+EVT:SEND_CONFIRMED_OK') === 0
            ? 'delivered'
            : l.indexOf('+EVT:SEND_CONFIRMED_FAILED') === 0
              ? 'no-ack'
              : l === '+EVT:TX_DONE' && c.mode !== 1
                ? 'sent'
                : '';
      if (!k) return NOT_MINE;
      r.s = k;
      return DONE;
    }
    if (l.charAt(0) === '+') return NOT_MINE;
    if (l === t) return MORE; // echo (ATE on)
    if (l === 'OK' || l.indexOf('AT_') === 0) {
      r.s = l;
      // RUI3 prints `Restricted_Wait_<ms>_ms` before AT_BUSY_ERROR when duty cycle holds a join or uplink back
      const n = l === 'AT_BUSY_ERROR' && r.v.indexOf('Restricted_Wait_') === 0 ? parseDec(r.v.substring(16, r.v.length - 3)) : null;
      if (n !== null && n >= 0) {
        r.s = 'WAIT';
        r.w = n;
      }
      return DONE;
    }
    // `AT+DR=?` answers `AT+DR=5` (RUI3 >= 3.2) or `5`
    const p = t.substring(0, t.indexOf('=') + 1);
    r.v = p && l.indexOf(p) === 0 ? l.substring(p.length) : l;
    return MORE;
  }

  const c = createBase(
    hal,
    cfg,
    {
      baud: 115200,
      line: line,
      words: ' OK=ok AT_PARAM_ERROR=invalid-param AT_BUSY_ERROR=busy WAIT=busy =fault ',
      soft: 'ATZ',
      boot: '', // any line: ATZ prints a banner, not a status
      brk: '',
      // any character wakes the module; the first command may be lost, so try twice
      ping: 'AT',
      pingMs: 500,
      tries: 2,
      dr: 'AT+DR=',
      drq: 'AT+DR=?',
      drMax: 15,
      adr: ['AT+ADR=0', 'AT+ADR=1'],
      lc: 'AT+LINKCHECK=1',
      keys: ['AT+DEVEUI=', 'AT+APPEUI=', 'AT+APPKEY=', 'AT+DEVADDR=', 'AT+NWKSKEY=', 'AT+APPSKEY='],
    },
    {
      model: 'rak3172',
      init(cb) {
        c.op(
          cb,
          (end) => {
            const q = cfg.band === undefined ? [] : ['AT+BAND=' + cfg.band];
            if (cfg.dutyCycle === false) q.push('AT+DCS=0');
            const k = q.length;
            q.push('AT+NJS=?', 'AT+ADR=?', 'AT+CFM=?', 'AT+DR=?');
            c.seq(q, (o, v) => {
              if (o.kind === 'ok') {
                c.joined = v[k] === '1';
                c.adr = v[k + 1] === '1';
                c.mode = parseDec(v[k + 2]!) ?? -1;
                c.dr = parseDec(v[k + 3]!) ?? -1;
              }
              end(o);
            });
          },
          2,
        );
      },
      join(p, cb: (o: JoinOutcome) => void) {
        // RUI3 keeps the ABP frame counters itself: fCntUp/fCntDown cannot be written over AT.
        const cmds = c.keys(p, ['AT+NJM=' + (p.mode === 'otaa' ? 1 : 0)]);
        c.op(cb, (end) => {
          if (!cmds) return end(INVALID);
          c.joined = false;
          // ABP: active as soon as the keys are in (NJS=1); older firmware wants AT+JOIN as well.
          if (p.mode === 'abp') cmds.push('AT+NJS=?');
          c.seq(cmds, (o, v) => {
            if (o.kind !== 'ok') return end(o);
            if (v[4] === '1') {
              c.joined = true;
              return end({ kind: 'joined' });
            }
            waitFor = 'j';
            c.two(p.mode === 'otaa' ? 'AT+JOIN=1:0:8:1' : 'AT+JOIN', FIRST + 'AT_PARAM_ERROR=invalid-param ', cfg.joinMs || 20000, 'join', (f, r) => {
              const j = (f || { kind: r.s }) as JoinOutcome;
              if (j.kind !== 'joined') return end(j);
              c.joined = true;
              c.fin(j, true);
            });
          });
        });
      },
      send(port, data, confirmed, cb, from) {
        if (!c.op(cb, sendBody)) return;
        txPort = port;
        txData = data;
        txFrom = from || 0;
        txCnf = confirmed;
      },
      upCounter(cb) {
        c.op(
          cb,
          (end) => {
            end({ kind: 'unsupported' });
          },
          1,
        );
      },
      save(cb) {
        // RUI3 stores settings in flash as they are set
        c.op(cb, c.ok, 1);
      },
      sleep(ms, cb) {
        c.set(cb, isInt(ms, 1, 4294967295) ? null : INVALID, 'AT+SLEEP=' + ms, 'wakeAt', hal.now() + ms);
      },
    },
  );
  c.eng.setUnsolicited(onEvent);
  return c.m;
}
