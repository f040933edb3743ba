/**
 * What a write takes and what it is told: the options of a write and the ack a replica returns
 * as soon as it logged the write. An ack's `committed` promise is made only when someone asks.
 */
import type { Hlc } from './hlc';

export type AckPolicy = 'leader' | 'quorum';

export interface WriteOptions {
  /** Event time in ms; default: the accepting node's physical clock. */
  timeMs?: number;
  tenant?: string;
  idempotencyKey?: string;
  /** Accept on this (non-leader) replica under its own origin: the accept-local partition policy. */
  local?: boolean;
}

/** What a write returns as soon as the accepting replica logged it. */
export interface WriteAck {
  shard: number;
  /** SeqNo in the shard's log; 0 for a write accepted locally. */
  seqNo: number;
  epoch: number;
  hlc: Hlc;
  /** Event time of the write (the decay sum's tᵢ). */
  timeMs: number;
  /** Region whose replica accepted the write. */
  origin: string;
  /** True when accepted locally under accept-local (reconciled later). */
  local: boolean;
  policy: AckPolicy;
  /** True when this is the stored answer to a retry of an idempotent write. */
  retry: boolean;
  /** Resolves when the ack policy holds; rejects if it never can (leader deposed first). */
  readonly committed: Promise<void>;
}

/** The fields of an ack other than its promise. */
export type AckFields = Omit<WriteAck, 'committed'>;

const RESOLVED = Promise.resolve();

/** The promise of an ack whose policy already holds. */
export function resolved(): Promise<void> {
  return RESOLVED;
}

/** An ack whose promise `commitment` makes the first time someone asks for it. */
export function pendingAck(a: AckFields, commitment: () => Promise<void>): WriteAck {
  let committed: Promise<void> | undefined;
  const make = (): Promise<void> => (committed ??= commitment());
  return {
    shard: a.shard,
    seqNo: a.seqNo,
    epoch: a.epoch,
    hlc: a.hlc,
    timeMs: a.timeMs,
    origin: a.origin,
    local: a.local,
    policy: a.policy,
    retry: a.retry,
    get committed(): Promise<void> {
      return make();
    },
  };
}
