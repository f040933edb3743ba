/**
 * Checkers of idempotent writes, judged per (tenant, key): a key belongs to a tenant, so two
 * tenants using the same key are two different writes.
 *
 * - A keyed write counts at most once within the retention window (the cluster's configured
 *   `idempotencyRetentionMs`), unless a failover lost the first. The window runs from the first
 *   write's stamp; a later write is judged inside it when both true time and the clock of the
 *   replica that accepted it say so. While some clock was skewed between the two writes, the
 *   replicas that swept the key judged expiry by clocks the checker cannot replay (a clock that
 *   ran ahead forgets a key early, and once forgotten it stays forgotten), so such pairs are
 *   not judged.
 *   Under accept-local the promise is narrower, by design: a key is known only on the side of a
 *   partition that accepted it, so a retry of a locally accepted write that reaches another
 *   replica counts again. Those pairs (either write accepted locally) are the documented limit.
 * - A write answered as a retry is answered with the acknowledgement of an earlier write of the
 *   same tenant with the same key and the same payload (shard, SeqNo, epoch and stamp).
 */
import type { Violation } from '../errors';
import { hlcKey, type WriteRecord } from './history';

export function checkIdempotency(
  writes: readonly WriteRecord[],
  lost: readonly WriteRecord[],
  retentionMs: number,
  acceptLocal = false,
  skewed: (fromMs: number, toMs: number) => boolean = () => false,
): Violation[] {
  const lostIds = new Set(lost.map((w) => w.id));
  const firsts = new Map<string, WriteRecord>();
  const out: Violation[] = [];
  for (const w of writes) {
    if (!w.idempotencyKey || w.retry || lostIds.has(w.id)) continue;
    const k = `${w.tenant}\u0000${w.idempotencyKey}`;
    const first = firsts.get(k);
    if (!first) {
      firsts.set(k, w);
    } else if (
      w.clockMs < first.hlc.wallMs + retentionMs &&
      w.atMs < first.atMs + retentionMs &&
      !(acceptLocal && (first.local || w.local)) &&
      !skewed(first.atMs, w.atMs)
    ) {
      out.push({
        checker: 'idempotency',
        message: `a retry with idempotency key "${w.idempotencyKey}"${w.tenant ? ` of tenant ${w.tenant}` : ''} was applied again as write #${w.id} (shard ${w.shard} SeqNo ${w.seqNo}) ${w.atMs - first.atMs} ms after write #${first.id}; a retry must return the first ack and add nothing`,
        evidence: [first, w],
      });
    } else if (w.clockMs >= first.hlc.wallMs + retentionMs || w.atMs >= first.atMs + retentionMs) {
      firsts.set(k, w); // the key had expired: this write is the key's new first
    }
  }
  return out;
}

/** Every write answered as a retry got the ack of an earlier write of its tenant, key and payload. */
export function checkRetryAnswers(writes: readonly WriteRecord[]): Violation[] {
  const out: Violation[] = [];
  const byKey = new Map<string, WriteRecord[]>();
  for (const w of writes) {
    if (!w.idempotencyKey) continue;
    const k = `${w.tenant}\u0000${w.idempotencyKey}`;
    const earlier = byKey.get(k) ?? [];
    if (w.retry) {
      const match = earlier.find(
        (f) =>
          f.signal === w.signal &&
          f.entity === w.entity &&
          f.weight === w.weight &&
          f.shard === w.shard &&
          f.seqNo === w.seqNo &&
          f.epoch === w.epoch &&
          hlcKey(f.hlc) === hlcKey(w.hlc),
      );
      if (!match)
        out.push({
          checker: 'idempotency',
          message: `write #${w.id} (${w.tenant ? `tenant ${w.tenant}, ` : ''}key "${w.idempotencyKey}", ${w.signal} ${w.entity} ${w.weight}) was answered as a retry with shard ${w.shard} SeqNo ${w.seqNo} epoch ${w.epoch} ${hlcKey(w.hlc)}, which is no earlier write of that tenant with that key and payload`,
          evidence: { retry: w, earlier: earlier.slice(0, 5) },
        });
    } else {
      earlier.push(w);
      byKey.set(k, earlier);
    }
  }
  return out;
}

/** A failover: the shard and when it happened. */
export interface FailoverRecord {
  shard: number;
  atMs: number;
  from: string;
  to: string;
  epoch: number;
}

/** Lost acknowledged writes must each follow from a later failover of their shard. */
export function checkAckPromise(
  lost: readonly WriteRecord[],
  failovers: readonly FailoverRecord[],
): Violation[] {
  const out: Violation[] = [];
  for (const w of lost) {
    const explained = failovers.some((f) => f.shard === w.shard && f.atMs >= w.atMs);
    if (!explained)
      out.push({
        checker: 'lost-write',
        message: `acknowledged write #${w.id} (shard ${w.shard} SeqNo ${w.seqNo}) was lost, but no failover of shard ${w.shard} followed it`,
        evidence: w,
      });
  }
  return out;
}
