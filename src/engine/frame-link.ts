/**
 * FrameLink: a replica's side of the wire for frames (acks and anti-entropy messages; batches go
 * to the follower). It stamps and sends acks, decodes what arrives — refusing a corrupt frame or
 * one for another shard — and takes remote HLC stamps in, refusing one too far ahead. A refusal is
 * reported through `reject` and never throws: bad input from the network is survived.
 */
import { ClockSkewError, CorruptBatchError, WrongShardError, type TidalError } from './errors';
import type { Hlc, HybridClock } from './hlc';
import { FrameType, type AckStatus, type Frame, type FrameCodec } from './replication/messages';
import type { Transport } from './transport';

export interface FrameLinkContext {
  readonly shard: number;
  readonly transport: Pick<Transport, 'send'>;
  readonly frames: FrameCodec;
  readonly hlc: Pick<HybridClock, 'now' | 'receive'>;
  /** Reports a refused message (typed error) without failing. */
  reject(from: string, error: TidalError): void;
}

export class FrameLink {
  constructor(private readonly c: FrameLinkContext) {}

  /** Sends `to` an ack of `status` carrying the replica's epoch and applied SeqNo. */
  sendAck(to: string, status: AckStatus, epoch: number, appliedSeqNo: number): void {
    const hlc = this.c.hlc.now();
    this.c.transport.send(
      to,
      this.c.frames.encode({ type: FrameType.Ack, shard: this.c.shard, epoch, appliedSeqNo, status, hlc }),
    );
  }

  /** The frame in `bytes`, or undefined (and reported) when it is corrupt or for another shard. */
  decode(from: string, bytes: Uint8Array): Frame | undefined {
    try {
      const f = this.c.frames.decode(bytes);
      if (f.shard !== this.c.shard) {
        this.c.reject(from, new WrongShardError(this.c.shard, f.shard));
        return undefined;
      }
      return f;
    } catch (err) {
      if (!(err instanceof CorruptBatchError)) throw err;
      this.c.reject(from, err);
      return undefined;
    }
  }

  /** Merges a remote stamp into the HLC; false (and reported) when it is too far ahead. */
  receiveStamp(from: string, stamp: Hlc): boolean {
    try {
      this.c.hlc.receive(stamp);
      return true;
    } catch (err) {
      if (!(err instanceof ClockSkewError)) throw err;
      this.c.reject(from, err);
      return false;
    }
  }
}
