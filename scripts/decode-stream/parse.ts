// Network-server integration events -> (device, port, bytes). ChirpStack v4
// `application/<id>/device/<devEui>/event/up` JSON (base64 `data`, `fPort`,
// `deviceInfo.devEui`); The Things Stack `v3/<app>@<tenant>/devices/<id>/up`
// (`uplink_message.frm_payload`, `f_port`, `end_device_ids.dev_eui`). Never throws:
// a message that is not an application uplink comes back with a reason.

export type StreamFormat = 'chirpstack' | 'ttn' | 'auto';

export interface StreamUplink {
  format: 'chirpstack' | 'ttn';
  devEui?: string;
  deviceId?: string;
  applicationId?: string;
  fPort: number;
  fCnt?: number;
  bytes: Uint8Array;
  receivedAt?: string;
}

export type MalformedReason = 'not-json' | 'not-an-object' | 'unknown-format' | 'no-fport' | 'bad-fport' | 'no-payload' | 'bad-base64';

export type ParseResult = { ok: true; value: StreamUplink } | { ok: false; reason: MalformedReason; detail: string };

type J = Record<string, unknown>;
const isObj = (x: unknown): x is J => !!x && typeof x === 'object' && !Array.isArray(x);
const str = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);
const B64 = /^[A-Za-z0-9+/]*={0,2}$/;

function payload(x: unknown): { ok: true; bytes: Uint8Array } | { ok: false; reason: MalformedReason; detail: string } {
  if (x === undefined || x === null) return { ok: false, reason: 'no-payload', detail: 'no payload field' };
  if (typeof x !== 'string' || !B64.test(x) || x.length % 4 === 1) return { ok: false, reason: 'bad-base64', detail: 'payload is not base64' };
  return { ok: true, bytes: new Uint8Array(Buffer.from(x, 'base64')) };
}

function port(x: unknown): number | null | undefined {
  if (x === undefined || x === null) return undefined;
  return typeof x === 'number' && Number.isInteger(x) && x >= 1 && x <= 255 ? x : null;
}

/** Which format a message is, from its shape (then its topic). */
export function detectFormat(topic: string, msg: J): 'chirpstack' | 'ttn' | null {
  if (isObj(msg.uplink_message) || isObj(msg.end_device_ids)) return 'ttn';
  if (isObj(msg.deviceInfo) || 'fPort' in msg || 'deduplicationId' in msg) return 'chirpstack';
  if (topic.startsWith('v3/')) return 'ttn';
  if (topic.startsWith('application/')) return 'chirpstack';
  return null;
}

export function parseUplinkEvent(topic: string, raw: Uint8Array | string, format: StreamFormat = 'auto'): ParseResult {
  let msg: unknown;
  try {
    msg = JSON.parse(typeof raw === 'string' ? raw : Buffer.from(raw).toString('utf8'));
  } catch {
    return { ok: false, reason: 'not-json', detail: 'message is not JSON' };
  }
  if (!isObj(msg)) return { ok: false, reason: 'not-an-object', detail: 'message is not a JSON object' };
  const f = format === 'auto' ? detectFormat(topic, msg) : format;
  if (f === 'chirpstack') {
    const p = port(msg.fPort);
    if (p === undefined) return { ok: false, reason: 'no-fport', detail: 'no fPort (not an application uplink)' };
    if (p === null) return { ok: false, reason: 'bad-fport', detail: 'fPort is not 1..255' };
    const b = payload(msg.data);
    if (!b.ok) return b;
    const di = isObj(msg.deviceInfo) ? msg.deviceInfo : {};
    const topicEui = /^application\/[^/]+\/device\/([0-9a-fA-F]{16})\//.exec(topic)?.[1];
    const devEui = str(di.devEui) ?? topicEui;
    const appId = str(di.applicationId);
    const name = str(di.deviceName);
    const fCnt = typeof msg.fCnt === 'number' ? msg.fCnt : undefined;
    const time = str(msg.time);
    return {
      ok: true,
      value: {
        format: 'chirpstack',
        fPort: p,
        bytes: b.bytes,
        ...(devEui ? { devEui: devEui.toUpperCase() } : {}),
        ...(name ? { deviceId: name } : {}),
        ...(appId ? { applicationId: appId } : {}),
        ...(fCnt !== undefined ? { fCnt } : {}),
        ...(time ? { receivedAt: time } : {}),
      },
    };
  }
  if (f === 'ttn') {
    const um = isObj(msg.uplink_message) ? msg.uplink_message : null;
    if (!um) return { ok: false, reason: 'no-payload', detail: 'no uplink_message' };
    const p = port(um.f_port);
    if (p === undefined) return { ok: false, reason: 'no-fport', detail: 'no uplink_message.f_port (not an application uplink)' };
    if (p === null) return { ok: false, reason: 'bad-fport', detail: 'uplink_message.f_port is not 1..255' };
    const b = payload(um.frm_payload);
    if (!b.ok) return b;
    const ids = isObj(msg.end_device_ids) ? msg.end_device_ids : {};
    const appIds = isObj(ids.application_ids) ? ids.application_ids : {};
    const devEui = str(ids.dev_eui);
    const deviceId = str(ids.device_id);
    const appId = str(appIds.application_id);
    const fCnt = typeof um.f_cnt === 'number' ? um.f_cnt : undefined;
    const time = str(um.received_at) ?? str(msg.received_at);
    return {
      ok: true,
      value: {
        format: 'ttn',
        fPort: p,
        bytes: b.bytes,
        ...(devEui ? { devEui: devEui.toUpperCase() } : {}),
        ...(deviceId ? { deviceId } : {}),
        ...(appId ? { applicationId: appId } : {}),
        ...(fCnt !== undefined ? { fCnt } : {}),
        ...(time ? { receivedAt: time } : {}),
      },
    };
  }
  return { ok: false, reason: 'unknown-format', detail: 'neither a ChirpStack nor a The Things Stack uplink event' };
}

/** Fills `{devEui}`, `{deviceId}`, `{app}` in an output topic. */
export function outTopic(pattern: string, u: StreamUplink): string {
  const safe = (s: string | undefined): string => (s ?? 'unknown').replace(/[+#/]/g, '_');
  return pattern.replace(/\{devEui\}/g, safe(u.devEui)).replace(/\{deviceId\}/g, safe(u.deviceId)).replace(/\{app\}/g, safe(u.applicationId));
}
