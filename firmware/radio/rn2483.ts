// Microchip RN2483 driver: `sys`/`mac` commands at 57600 baud, CRLF lines.
// `mac tx` and `mac join` answer twice: first `ok` or an error word at once,
// then the result (`mac_tx_ok`, `mac_rx <port> <hex>`, `mac_err`, `invalid_data_len`;
// `accepted`/`denied`). `sys sleep <ms>` answers `ok` only when the module wakes
// (timer, or break + 0x55). Reference: RN2483 LoRa Technology Module Command
// Reference User's Guide (DS40001784).
import type { Hal } from '../hal.ts';
import { outcome, unexpected, DONE, MORE, NOT_MINE } from './at.ts';
import type { Outcome, Reply } from './at.ts';
import { createBase } from './base.ts';
import { fromHex, isInt, parseDec, toHex } from './hex.ts';
import { INVALID, OK, fault } from './modem.ts';
import type { Done, JoinOutcome, Modem, ModemConfig, TxOutcome } from './modem.ts';

export function createRn2483(hal: Hal, cfg: ModemConfig): Modem {
  /** First-stage words of `mac tx` and `mac join` (see outcome() in at.ts). */
  const FIRST =
    ' ok=ok not_joined=not-joined no_free_ch=duty-cycle-wait busy=busy invalid_data_len=invalid-length' +
    ' frame_counter_err_rejoin_needed=rejoin-needed invalid_param=invalid-param silent=fault mac_paused=fault keys_not_init=fault ';

  /** Result words of a confirmed and of an unconfirmed `mac tx`. */
  const CNF_RESULT = ' mac_tx_ok=delivered mac_err=no-ack invalid_data_len=invalid-length ';
  const UNCNF_RESULT = ' mac_tx_ok=sent mac_err=fault invalid_data_len=invalid-length ';

  // The uplink in flight and the sleep asked for (one operation at a time, see base.ts): kept
  // here for their operation's body and callbacks, which are made once, not on every uplink.
  let txPort = 0;
  let txData: Uint8Array | null = null;
  let txFrom = 0;
  let txCnf = false;
  let sleepMs = 0;

  /** send(): the operation's body. */
  function sendBody(): void {
    const data = txData;
    txData = null;
    if (!isInt(txPort, 1, 223) || !(data instanceof Uint8Array) || data.length <= txFrom) return c.end(INVALID);
    const tx = 'mac tx ' + (txCnf ? 'cnf ' : 'uncnf ') + txPort + ' ' + toHex(data, txFrom);
    c.two(tx, FIRST, txCnf ? cfg.cnfMs || 60000 : cfg.txMs || 15000, 'uplink', sendResult);
  }

  /** send(): the result of `mac tx`. */
  function sendResult(f: Outcome | null, r: Reply): void {
    const end = c.end;
    let o = f as TxOutcome;
    if (f) {
      if (f.kind === 'not-joined' || f.kind === 'rejoin-needed') c.joined = false;
      return end(o);
    }
    const l = r.s!;
    if (l.indexOf('mac_rx ') === 0) {
      const a = l.split(' ');
      const n = parseDec(a[1]!);
      const d = a.length < 4 ? fromHex(a[2] || '') : null;
      o = n === null || n < 1 || n > 255 || !d ? fault('malformed downlink') : { kind: 'downlink', port: n, data: d, acked: txCnf };
    } else {
      o = outcome(txCnf ? CNF_RESULT : UNCNF_RESULT, r) as TxOutcome;
    }
    if (o.kind === 'fault' || o.kind === 'invalid-length') return end(o);
    // after the uplink: answer a pending link check, refresh the data rate under ADR
    // (no link check pending, the usual case: nothing to ask or answer)
    if (!c.link) return c.fin(o, c.adr);
    c.seq(['mac set linkchk 0', 'mac get gwnb', 'mac get mrgn'], (_x, v) => {
      const gw = parseDec(v[1] || '');
      const mg = parseDec(v[2] || '');
      c.settle(gw === null || mg === null ? fault('link check: no values') : gw ? { kind: 'link', margin: mg, gateways: gw } : { kind: 'no-answer' });
      c.fin(o, c.adr);
    });
  }

  /** sleep(): the operation's body. */
  function sleepBody(end: (o: Done) => void): void {
    if (!isInt(sleepMs, 100, 4294967295)) return end(INVALID);
    // the `ok` comes only when the module wakes up: do not wait for it
    c.eng.send('sys sleep ' + sleepMs);
    c.wakeAt = Infinity;
    end(OK);
  }

  /** One reply line per command; `get` commands answer with a value (status `ok`). */
  function line(l: string, r: Reply): number {
    const t = r.t;
    if (t) {
      // Never the answer to `t`: results that arrive after their command timed out, and
      // the version banner the module prints when it boots (an answer only to `sys` commands).
      if (l.indexOf('RN2') === 0 ? t.indexOf('sys ') : ' mac_tx_ok mac_err accepted denied '.indexOf(' ' + l + ' ') >= 0 || l.indexOf('mac_rx ') === 0) {
        return NOT_MINE;
      }
      // `sys sleep` answers when a break wakes the module, just before the version
      if (l === 'ok' && t === 'sys get ver') return MORE;
      if (t.indexOf(' get ') > 0) {
        r.s = 'ok';
        r.v = l;
        return DONE;
      }
    }
    r.s = l;
    return DONE;
  }

  const c = createBase(
    hal,
    cfg,
    {
      baud: 57600,
      line: line,
      words: ' ok=ok invalid_param=invalid-param busy=busy ',
      soft: 'sys reset',
      boot: 'RN2',
      brk: '\x55',
      ping: 'sys get ver',
      pingMs: cfg.replyMs || 2000,
      tries: 1,
      dr: 'mac set dr ',
      drq: 'mac get dr',
      drMax: 7,
      adr: ['mac set adr off', 'mac set adr on'],
      // interval 1 s: the request rides on the next uplink after it elapses; cleared after that uplink
      lc: 'mac set linkchk 1',
      keys: ['mac set deveui ', 'mac set appeui ', 'mac set appkey ', 'mac set devaddr ', 'mac set nwkskey ', 'mac set appskey '],
    },
    {
      model: 'rn2483',
      init(cb) {
        // probe first: break + 0x55 re-synchronises the auto-baud (and wakes a sleeping module)
        c.op(
          cb,
          (end) => {
            const q = cfg.dutyCycle === false ? ['mac set ch dcycle 0 0', 'mac set ch dcycle 1 0', 'mac set ch dcycle 2 0'] : [];
            const k = q.length;
            q.push('mac get status', 'mac get adr', 'mac get dr');
            c.seq(q, (o, v) => {
              if (o.kind !== 'ok') return end(o);
              const s = v[k]!;
              const b = fromHex('0' + s.charAt(s.length - 1));
              if (s.length < 4 || !b) return end(unexpected(s));
              c.joined = (b[0]! & 1) === 1;
              c.adr = v[k + 1] === 'on';
              c.dr = parseDec(v[k + 2]!) ?? c.dr;
              end(OK);
            });
          },
          2,
        );
      },
      join(p, cb: (o: JoinOutcome) => void) {
        const cmds = c.keys(p, []);
        c.op(cb, (end) => {
          const abp = p.mode === 'abp';
          if (!cmds || (abp && !(isInt(p.fCntUp, 0, 4294967295) && isInt(p.fCntDown, 0, 4294967295)))) return end(INVALID);
          if (abp) cmds.push('mac set upctr ' + p.fCntUp, 'mac set dnctr ' + p.fCntDown);
          c.joined = false;
          c.seq(cmds, (o) => {
            if (o.kind !== 'ok') return end(o);
            c.two('mac join ' + p.mode, FIRST, cfg.joinMs || 20000, 'join', (f, r) => {
              // words that make no sense for a join are faults
              if (f) return end('not-joined rejoin-needed invalid-length'.indexOf(f.kind) < 0 ? (f as JoinOutcome) : fault(r.s!));
              const j = outcome(' accepted=joined denied=join-failed ', r) as JoinOutcome;
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
        c.op(cb, (end) => {
          c.seq(['mac get upctr'], (o, v) => {
            const n = parseDec(v[0] || '');
            end(o.kind !== 'ok' ? o : n === null || n < 0 ? unexpected(v[0]!) : { kind: 'counter', up: n });
          });
        });
      },
      save(cb) {
        c.op(cb, (end: (o: Done) => void) => {
          c.seq(['mac save'], end, c.ms + 3000);
        });
      },
      sleep(ms, cb) {
        if (c.op(cb, sleepBody)) sleepMs = ms;
      },
    },
  );
  c.eng.setUnsolicited((l) => {
    if (l === 'ok') c.wakeAt = 0; // woke up by its own timer
  });
  return c.m;
}
