// A transmission that also carries the channel's in-flight state for it (see ChannelFrame).
import type { Bucket, LinkValues, Rec } from './collision.ts';
import type { Transmission } from './types.ts';

const NO_VALUES = new Float64Array(0);
const NO_STATUS: number[] = [];

/**
 * A Transmission with room for the channel's record of it (collision.ts Rec): given to
 * RadioChannel.transmit, the channel fills those fields in and files the object itself instead of
 * a record of its own that points to it. A caller that makes many frames (the fleet's air: one per
 * uplink) then has one object per frame in flight rather than two: one allocation less, and one
 * object less to touch (a likely cache miss) when the frame is settled. A subclass may add the
 * caller's own per-frame fields. The Rec fields are the channel's: a caller leaves them alone.
 * A frame given to transmit a second time gets a record of its own, as any other transmission.
 */
export class ChannelFrame implements Transmission, Rec {
  // the Rec fields (the channel's; `sf` serves both), set when the channel takes the frame
  /** This frame, once the channel has taken it (null before: see channel.ts makeRec). */
  tx: Transmission = null as unknown as Transmission;
  start = 0;
  end = 0;
  critStart = 0;
  vals: Float64Array = NO_VALUES;
  link: LinkValues = null as unknown as LinkValues;
  status: number[] = NO_STATUS;
  allocated = false;
  settled = false;
  bucket: Bucket | null = null;

  constructor(
    readonly id: string | number,
    readonly nodeId: string,
    readonly x: number,
    readonly y: number,
    readonly freqHz: number,
    readonly sf: number,
    readonly bwKhz: number,
    readonly powerDbm: number,
    readonly startMs: number,
    readonly airtimeMs: number,
    readonly sender: { link: unknown } | undefined,
  ) {}
}
