/**
 * A leader's writes staged for group commit, kept as the encoded events they will be logged as
 * (no event object per write), cut into runs of at most a batch's worth. At the end of the
 * instant each run becomes one WAL record, byte for byte what `BatchCodec.encode` makes of the
 * same events.
 */
import type { Hlc } from '../hlc';
import { ByteWriter } from './bytes';
import type { BatchCodec, WrittenRun } from './codec';

interface Run extends WrittenRun {
  firstSeqNo: number;
  /** Where its events start and end in the staging bytes. */
  start: number;
  end: number;
}

export class StagedWrites {
  private readonly w = new ByteWriter(4 * 1024); // grows (doubling) to the largest instant
  private runs: Run[] = [];
  private open: Run | undefined;

  constructor(private readonly codec: BatchCodec) {}

  get empty(): boolean {
    return this.runs.length === 0;
  }

  /** Stages one write (SeqNo `seqNo`, the next after the last staged); a run holds at most `maxEvents`. */
  add(
    maxEvents: number,
    seqNo: number,
    signal: number,
    tenant: string,
    entity: string,
    weight: number,
    timeMs: number,
    hlc: Hlc,
    origin: string,
    originVersion: number,
    idempotencyKey: string,
  ): void {
    let run = this.open;
    if (run === undefined || run.eventCount >= maxEvents) {
      if (run !== undefined) run.end = this.w.pos;
      run = {
        firstSeqNo: seqNo,
        start: this.w.pos,
        end: 0,
        eventCount: 0,
        keyed: false,
        hlcMin: hlc,
        hlcMax: hlc,
      };
      this.runs.push(run);
      this.open = run;
    }
    this.codec.writeEventOf(
      this.w,
      signal,
      tenant,
      entity,
      weight,
      timeMs,
      hlc,
      origin,
      originVersion,
      idempotencyKey,
    );
    run.eventCount++;
    if (idempotencyKey !== '') run.keyed = true;
    const max = run.hlcMax;
    if (hlc.wallMs > max.wallMs || (hlc.wallMs === max.wallMs && hlc.logical > max.logical)) run.hlcMax = hlc;
  }

  /** Each run as one batch of `shard` sent by `region` at `epoch`, in order; then nothing is staged. */
  drain(shard: number, epoch: number, region: string, each: (bytes: Uint8Array) => void): void {
    if (this.open !== undefined) this.open.end = this.w.pos;
    const staged = this.w.raw();
    for (const run of this.runs)
      each(
        this.codec.encodeWritten(
          shard,
          epoch,
          region,
          0,
          run.firstSeqNo,
          staged.subarray(run.start, run.end),
          run,
        ),
      );
    this.runs = [];
    this.open = undefined;
    this.w.pos = 0;
  }
}
