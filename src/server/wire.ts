/**
 * Frames on the replication port (docs/driver.md): `u32 length · u16 shard · bytes`, little-endian,
 * where `bytes` are the engine's message exactly as the simulator carries it (a batch or a control
 * frame) and `length` counts them. Shard 0xFFFF is the connection's own channel: a JSON hello
 * (cluster id, region, protocol) as the first frame, then heartbeats. A length of 0 or above
 * `MAX_FRAME_BYTES` is refused: the connection is closed, never read past.
 */
import { PROTOCOL_VERSION } from './protocol';

/** Largest engine message carried in one frame. */
export const MAX_FRAME_BYTES = 16 * 1024 * 1024;
export const FRAME_HEADER_BYTES = 6;
/** The connection's own channel (hello, heartbeat). */
export const CONTROL_SHARD = 0xffff;

export type ControlMessage =
  { type: 'hello'; cluster: string; region: string; protocol: number } | { type: 'heartbeat' };

/** One frame: the engine's bytes for a shard. */
export function encodeFrame(shard: number, bytes: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(FRAME_HEADER_BYTES + bytes.length);
  out.writeUInt32LE(bytes.length, 0);
  out.writeUInt16LE(shard, 4);
  out.set(bytes, FRAME_HEADER_BYTES);
  return out;
}

export function encodeControl(m: ControlMessage): Buffer {
  return encodeFrame(CONTROL_SHARD, Buffer.from(JSON.stringify(m), 'utf8'));
}

export function hello(cluster: string, region: string): ControlMessage {
  return { type: 'hello', cluster, region, protocol: PROTOCOL_VERSION };
}

/** A control frame's message, or a reason it is not one. */
export function decodeControl(bytes: Uint8Array): ControlMessage | string {
  let m: unknown;
  try {
    m = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return 'control frame is not JSON';
  }
  if (typeof m !== 'object' || m === null) return 'control frame is not an object';
  const c = m as Record<string, unknown>;
  if (c.type === 'heartbeat') return { type: 'heartbeat' };
  if (
    c.type === 'hello' &&
    typeof c.cluster === 'string' &&
    typeof c.region === 'string' &&
    typeof c.protocol === 'number'
  )
    return { type: 'hello', cluster: c.cluster, region: c.region, protocol: c.protocol };
  return `unknown control frame ${JSON.stringify(c.type)}`;
}

export interface Frame {
  shard: number;
  bytes: Uint8Array;
}

/** Cuts a byte stream into frames; a bad length throws (the caller closes the connection). */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private size = 0;

  /** Takes `chunk` and returns every frame it completed. Throws `Error(reason)` on a bad length. */
  push(chunk: Buffer): Frame[] {
    this.chunks.push(chunk);
    this.size += chunk.length;
    const out: Frame[] = [];
    for (;;) {
      if (this.size < FRAME_HEADER_BYTES) break;
      const head = this.peek(FRAME_HEADER_BYTES);
      const length = head.readUInt32LE(0);
      if (length === 0) throw new Error('frame length 0 (an empty frame carries nothing)');
      if (length > MAX_FRAME_BYTES)
        throw new Error(`frame length ${length} is above the limit of ${MAX_FRAME_BYTES} bytes`);
      if (this.size < FRAME_HEADER_BYTES + length) break;
      const all = this.take(FRAME_HEADER_BYTES + length);
      out.push({ shard: all.readUInt16LE(4), bytes: new Uint8Array(all.subarray(FRAME_HEADER_BYTES)) });
    }
    return out;
  }

  private peek(n: number): Buffer {
    if (this.chunks[0]!.length < n) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0]!;
  }

  private take(n: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    const rest = all.subarray(n);
    this.chunks = rest.length ? [rest] : [];
    this.size = rest.length;
    return all.subarray(0, n);
  }
}
