/**
 * The idempotency store (DESIGN §3): `(tenant, key)` → the first write's ack, kept for a retention
 * window of virtual time. Entries are rebuilt from the WAL on every replica (the key travels with
 * the event), so a retry after a failover is still answered with the original ack.
 * Expiry is exact: a key is held while `now < firstSeenMs + retentionMs` and free from then on.
 */
import { IdempotencyConflictError, InvalidInputError } from './errors';

export interface IdempotentAck {
  shard: number;
  seqNo: number;
  epoch: number;
  hlc: { wallMs: number; logical: number; node: string };
  timeMs: number;
  origin: string;
  local: boolean;
}

/** How long a key is remembered unless configured otherwise: 10 minutes. */
export const DEFAULT_IDEMPOTENCY_RETENTION_MS = 600_000;

interface Entry {
  fingerprint: string;
  ack: IdempotentAck;
  expiresAtMs: number;
}

export class IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  constructor(readonly retentionMs: number) {
    if (!Number.isFinite(retentionMs) || retentionMs < 0)
      throw new InvalidInputError(
        'idempotencyRetentionMs',
        retentionMs,
        'a finite, non-negative number of ms (how long a key is remembered)',
      );
  }

  /** The original ack for a retry, undefined for a new key; throws for a key reused with another payload. */
  check(tenant: string, key: string, fingerprint: string, nowMs: number): IdempotentAck | undefined {
    const id = storeKey(tenant, key);
    const e = this.entries.get(id);
    if (e === undefined) return undefined;
    if (nowMs >= e.expiresAtMs) {
      this.entries.delete(id);
      return undefined;
    }
    if (e.fingerprint !== fingerprint) throw new IdempotencyConflictError(tenant, key);
    return e.ack;
  }

  /**
   * Remembers the ack of a keyed write first seen at `firstSeenMs` (the write's leader time, the
   * same on every replica). An entry still held at that instant stays: the first write's ack is
   * authoritative. Judging by `firstSeenMs` rather than this replica's clock keeps every replica
   * in agreement whatever its clock says when the event reaches it (a follower whose clock runs
   * behind must still replace an entry the leader had already let expire).
   */
  record(
    tenant: string,
    key: string,
    fingerprint: string,
    ack: IdempotentAck,
    firstSeenMs: number,
    nowMs: number,
  ): void {
    const id = storeKey(tenant, key);
    const prev = this.entries.get(id);
    if (prev && prev.expiresAtMs > firstSeenMs) return;
    this.entries.delete(id); // re-insert at the end: the map stays ordered by expiry for sweeping
    this.entries.set(id, { fingerprint, ack, expiresAtMs: firstSeenMs + this.retentionMs });
    this.sweep(nowMs);
  }

  /** Drops expired entries from the front (bounded work per call). */
  sweep(nowMs: number, maxEntries = 64): void {
    let n = 0;
    for (const [id, e] of this.entries) {
      if (e.expiresAtMs > nowMs || n++ >= maxEntries) break;
      this.entries.delete(id);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  has(tenant: string, key: string, nowMs: number): boolean {
    const e = this.entries.get(storeKey(tenant, key));
    return e !== undefined && nowMs < e.expiresAtMs;
  }
}

/** What makes two writes "the same write" for idempotency. */
export function fingerprintOf(
  signal: string,
  entity: string,
  weight: number,
  explicitTimeMs: number | undefined,
): string {
  return `${signal}\u0000${entity}\u0000${weight}\u0000${explicitTimeMs ?? ''}`;
}

function storeKey(tenant: string, key: string): string {
  return `${tenant}\u0000${key}`;
}
