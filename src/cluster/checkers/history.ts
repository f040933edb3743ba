/**
 * The history of a run: every acknowledged write, every session read, and every event a
 * replica dropped when it truncated a diverged suffix. Checkers judge the run from it.
 */
import type { Hlc, SignalEvent, WriteAck } from '../../engine';

export interface WriteRecord {
  id: number;
  via: string;
  tenant: string;
  entity: string;
  signal: string;
  weight: number;
  timeMs: number;
  shard: number;
  seqNo: number;
  epoch: number;
  hlc: Hlc;
  local: boolean;
  retry: boolean;
  idempotencyKey: string;
  /** Whether the write's ack policy held ('pending' until known). */
  committed: boolean | 'pending';
  atMs: number;
}

export interface ReadRecord {
  session: number;
  region: string;
  servedBy: string;
  shard: number;
  hwmBefore: number;
  servedAppliedSeqNo: number;
  atMs: number;
}

export interface DroppedRecord {
  replica: string;
  epoch: number;
  event: SignalEvent;
  atMs: number;
}

export function hlcKey(h: Hlc): string {
  return `${h.wallMs}.${h.logical}@${h.node}`;
}

export class History {
  readonly writes: WriteRecord[] = [];
  readonly reads: ReadRecord[] = [];
  readonly dropped: DroppedRecord[] = [];

  constructor(readonly enabled = true) {}

  recordWrite(
    ack: WriteAck,
    w: {
      via: string;
      tenant: string;
      entity: string;
      signal: string;
      weight: number;
      idempotencyKey: string;
    },
    atMs: number,
  ): WriteRecord | undefined {
    if (!this.enabled) return undefined;
    const rec: WriteRecord = {
      id: this.writes.length + 1,
      ...w,
      timeMs: ack.timeMs,
      shard: ack.shard,
      seqNo: ack.seqNo,
      epoch: ack.epoch,
      hlc: ack.hlc,
      local: ack.local,
      retry: ack.retry,
      committed: ack.local || ack.policy === 'leader' ? true : 'pending',
      atMs,
    };
    if (rec.committed === 'pending') {
      ack.committed.then(
        () => (rec.committed = true),
        () => (rec.committed = false),
      );
    }
    this.writes.push(rec);
    return rec;
  }

  recordRead(r: ReadRecord): void {
    if (this.enabled) this.reads.push(r);
  }

  recordDropped(d: DroppedRecord): void {
    this.dropped.push(d);
  }
}
