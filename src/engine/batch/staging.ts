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
  /** Where its events start in the staging bytes (they end where the next run starts). */
  start: number;
}

export class StagedWrites {
  private readonly w = new ByteWriter(4 * 1024); // grows (doubling) to the largest instant
  private runs: Run[] = [];

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
    let run = this.runs[this.runs.length - 1];
    if (run === undefined || run.eventCount >= maxEvents) {
      run = { firstSeqNo: seqNo, start: this.w.pos, eventCount: 0, keyed: false, hlcMin: hlc, hlcMax: hlc };
      this.runs.push(run);
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
    const { runs } = this;
    const staged = this.w.raw();
    for (let i = 0; i < runs.length; i++) {
      const run = runs[i]!;
      const end = i + 1 < runs.length ? runs[i + 1]!.start : this.w.pos;
      each(
        this.codec.encodeWritten(
          shard,
          epoch,
          region,
          0,
          run.firstSeqNo,
          staged.subarray(run.start, end),
          run,
        ),
      );
    }
    this.runs = [];
    this.w.pos = 0;
  }
}
