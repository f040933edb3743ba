/**
 * Checker: retries of an idempotent write. Every write sent again with a key the cluster still
 * holds must be answered with the first write's acknowledgement (same shard, SeqNo, epoch and
 * HLC) and marked as a retry; the first write itself is the only one that counted.
 */
import type { History } from './history';
import { hlcKey } from './history';

export interface RetryCheck {
  /** Writes answered as retries of the key's first write. */
  retries: number;
  /** What differs from the first write's acknowledgement (empty = every retry matched). */
  mismatches: string[];
}

/** Compares every answer to a write carrying `(tenant, key)` with the first one. */
export function checkRetries(history: History, key: string, tenant = ''): RetryCheck {
  const sent = history.writes.filter((w) => w.idempotencyKey === key && w.tenant === tenant);
  const first = sent[0];
  if (!first) return { retries: 0, mismatches: [`no write with idempotency key ${JSON.stringify(key)}`] };
  const mismatches: string[] = [];
  if (first.retry) mismatches.push(`write #${first.id}, the first with this key, was answered as a retry`);
  let retries = 0;
  for (const w of sent.slice(1)) {
    if (!w.retry) {
      mismatches.push(`write #${w.id} counted as a new write (SeqNo ${w.seqNo}) instead of a retry`);
      continue;
    }
    retries++;
    const want = `shard ${first.shard} SeqNo ${first.seqNo} epoch ${first.epoch} ${hlcKey(first.hlc)}`;
    const got = `shard ${w.shard} SeqNo ${w.seqNo} epoch ${w.epoch} ${hlcKey(w.hlc)}`;
    if (want !== got) mismatches.push(`retry #${w.id} was answered with ${got}, the first write had ${want}`);
  }
  return { retries, mismatches };
}
