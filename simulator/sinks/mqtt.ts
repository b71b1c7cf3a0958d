// `simulate --mqtt <url>`: publishes each decoded uplink (and, optionally, gateway
// events) to an MQTT broker so a fleet run can feed a real dashboard stack. QoS 1
// with mqtt.js's in-flight store and offline queue: a message published while the
// broker restarts is sent again after the reconnect, and `close()` waits for every
// PUBACK (bounded by a timeout), so a broker restart in the middle of a run loses no
// decoded uplink. Delivery is at least once: a subscriber may see a duplicate.
import mqtt, { type MqttClient } from 'mqtt';
import type { DecodedUplink } from '../types.ts';

export interface MqttSinkOptions {
  /** Topics are `<topicPrefix>/<app>/<devEui>/up` and `<topicPrefix>/gateway/<id>/<event>` (default "lorakit"). */
  topicPrefix?: string;
  qos?: 0 | 1;
  clientId?: string;
  /** Reconnect period while the broker is away (default 250 ms). */
  reconnectMs?: number;
}

export interface MqttSinkStats {
  published: number;
  acknowledged: number;
  /** Publishes the client gave up on (only at close after the timeout, or on a client error). */
  failed: number;
  reconnects: number;
}

export interface MqttSink {
  /** Resolves on the first connection (publishing before that is queued). */
  readonly ready: Promise<void>;
  publish(u: DecodedUplink): void;
  publishGatewayEvent(gatewayId: string, event: string, payload: unknown): void;
  stats(): MqttSinkStats;
  /** Waits until every message is acknowledged (or `timeoutMs` passes), then disconnects. Resolves to the stats. */
  close(timeoutMs?: number): Promise<MqttSinkStats>;
}

/** The JSON a decoded uplink is published as. */
export function uplinkMessage(u: DecodedUplink): Record<string, unknown> {
  return {
    time: u.timeMs,
    nodeId: u.nodeId,
    devEui: u.devEui,
    app: u.app,
    fCnt: u.fCnt,
    fPort: u.fPort,
    payload: u.payload,
    dr: u.dr,
    gateways: u.gateways,
    data: u.data,
    warnings: u.warnings,
    errors: u.errors,
  };
}

const topicPart = (s: string): string => s.replace(/[+#/\s]/g, '_') || '_';

export function createMqttSink(url: string, o: MqttSinkOptions = {}): MqttSink {
  const prefix = o.topicPrefix ?? 'lorakit';
  const qos = o.qos ?? 1;
  const st: MqttSinkStats = { published: 0, acknowledged: 0, failed: 0, reconnects: 0 };
  const idle: (() => void)[] = [];
  let closing = false;
  const client: MqttClient = mqtt.connect(url, {
    ...(o.clientId ? { clientId: o.clientId } : {}),
    reconnectPeriod: o.reconnectMs ?? 250,
    connectTimeout: 5000,
    queueQoSZero: true,
  });
  client.on('reconnect', () => st.reconnects++);
  client.on('error', () => undefined); // connection errors: mqtt.js reconnects
  const ready = new Promise<void>((resolve) => client.once('connect', () => resolve()));

  const outstanding = (): number => st.published - st.acknowledged - st.failed;
  const send = (topic: string, body: unknown): void => {
    if (closing) throw new Error('MQTT sink is closed');
    st.published++;
    client.publish(topic, JSON.stringify(body), { qos }, (err) => {
      if (err) st.failed++;
      else st.acknowledged++;
      if (outstanding() === 0) for (const f of idle.splice(0)) f();
    });
  };

  return {
    ready,
    publish(u) {
      send(`${prefix}/${topicPart(u.app)}/${topicPart(u.devEui)}/up`, uplinkMessage(u));
    },
    publishGatewayEvent(gatewayId, event, payload) {
      send(`${prefix}/gateway/${topicPart(gatewayId)}/${topicPart(event)}`, payload);
    },
    stats: () => ({ ...st }),
    async close(timeoutMs = 30_000) {
      closing = true;
      if (outstanding() > 0) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          new Promise<void>((r) => idle.push(r)),
          new Promise<void>((r) => {
            timer = setTimeout(r, timeoutMs);
          }),
        ]);
        clearTimeout(timer);
      }
      const lost = outstanding();
      await client.endAsync(lost > 0);
      st.failed += lost;
      return { ...st };
    },
  };
}
