// Glue between a real byte stream and a modem emulator: a SerialPeer that writes the
// emulator's replies to the stream and feeds it the host's bytes (a NUL byte, which
// is how a raw tty reads a break condition, is passed on as a break: RN2483 wake-up
// and auto-baud), and a listener that learns the identity and keys the host writes
// to the modem (`mac set appkey ...`, `AT+APPKEY=...`) so the emulated network
// accepts the device without configuring it twice. Learned keys are never printed.
import type { SerialPeer, SerialPeerHandlers } from '../../simulator/hardware/serial.ts';
import type { DeviceRegistration } from '../../simulator/network/types.ts';

export interface StreamPeer extends SerialPeer {
  /** Bytes from the host. */
  feed(chunk: string): void;
}

export function createStreamPeer(write: (data: string) => void, initialBaud: number): StreamPeer {
  let handlers: SerialPeerHandlers | null = null;
  let baud = initialBaud;
  return {
    attach(h) {
      handlers = h;
    },
    write(data) {
      if (data.length) write(data);
    },
    baud: () => baud,
    setBaud(b) {
      baud = b;
    },
    autobaud() {
      // a real line has one baud: the host's, set on the port
    },
    deviceOpen: () => true,
    feed(chunk) {
      if (!handlers) return;
      let rest = chunk;
      for (let i = rest.indexOf('\0'); i >= 0; i = rest.indexOf('\0')) {
        if (i > 0) handlers.onData(rest.slice(0, i));
        handlers.onBreak();
        rest = rest.slice(i + 1);
      }
      if (rest.length) handlers.onData(rest);
    },
  };
}

export type ModemType = 'rn2483' | 'rak3172';

interface Learned {
  devEui?: string;
  joinEui?: string;
  appKey?: string;
  devAddr?: string;
  nwkSKey?: string;
  appSKey?: string;
  abp?: boolean;
}

const HEX = (n: number): RegExp => new RegExp(`^[0-9A-Fa-f]{${n}}$`);

/**
 * Watches the host's command lines. `onJoin` gets a registration when the host starts
 * a join (OTAA) or activates ABP with everything the network needs.
 */
export function createKeyLearner(type: ModemType, defaultDevEui: string, onJoin: (reg: DeviceRegistration) => void): { line(l: string): void } {
  const k: Learned = { devEui: defaultDevEui.toUpperCase() };
  const set = (name: keyof Learned, v: string | undefined, len: number): void => {
    if (v !== undefined && HEX(len).test(v)) (k as Record<string, string>)[name] = v.toUpperCase();
  };
  // an ABP session is registered once per set of keys (re-registering would reset its counters)
  let abpRegistered = '';
  const join = (abp: boolean): void => {
    if (!k.devEui) return;
    if (abp && k.devAddr && k.nwkSKey && k.appSKey) {
      const id = [k.devEui, k.devAddr, k.nwkSKey, k.appSKey].join();
      if (id === abpRegistered) return;
      abpRegistered = id;
      onJoin({ mode: 'abp', devEui: k.devEui, devAddr: k.devAddr, nwkSKey: k.nwkSKey, appSKey: k.appSKey });
    }
    if (!abp && k.joinEui && k.appKey) onJoin({ devEui: k.devEui, joinEui: k.joinEui, appKey: k.appKey });
  };
  return {
    line(raw) {
      const l = raw.trim();
      if (type === 'rn2483') {
        const a = l.split(/\s+/);
        if (a[0] === 'mac' && a[1] === 'set') {
          const map: Record<string, [keyof Learned, number]> = {
            deveui: ['devEui', 16],
            appeui: ['joinEui', 16],
            appkey: ['appKey', 32],
            devaddr: ['devAddr', 8],
            nwkskey: ['nwkSKey', 32],
            appskey: ['appSKey', 32],
          };
          const m = map[a[2] ?? ''];
          if (m) set(m[0], a[3], m[1]);
        } else if (a[0] === 'mac' && a[1] === 'join') join(a[2] === 'abp');
        else if (a[0] === 'mac' && a[1] === 'tx') join(true); // an ABP device may transmit without 'mac join abp' after a restore
        return;
      }
      const m = /^AT\+([A-Za-z0-9]+)(?:=(.*))?$/i.exec(l);
      if (!m) return;
      const name = m[1]!.toUpperCase();
      const v = m[2];
      if (name === 'DEVEUI') set('devEui', v, 16);
      else if (name === 'APPEUI') set('joinEui', v, 16);
      else if (name === 'APPKEY') set('appKey', v, 32);
      else if (name === 'DEVADDR') set('devAddr', v, 8);
      else if (name === 'NWKSKEY') set('nwkSKey', v, 32);
      else if (name === 'APPSKEY') set('appSKey', v, 32);
      else if (name === 'NJM' && (v === '0' || v === '1')) k.abp = v === '0';
      else if (name === 'JOIN' && v !== '?' && !(v ?? '').startsWith('0')) join(!!k.abp);
      else if ((name === 'SEND' || name === 'LPSEND') && k.abp) join(true);
    },
  };
}

/** Splits a byte stream into lines (CR/LF), for watchers that must not alter the stream. */
export function lineSplitter(onLine: (l: string) => void): (chunk: string) => void {
  let buf = '';
  return (chunk) => {
    for (const ch of chunk) {
      if (ch === '\n' || ch === '\r') {
        if (buf.length) onLine(buf);
        buf = '';
      } else if (buf.length < 600) buf += ch;
    }
  };
}
