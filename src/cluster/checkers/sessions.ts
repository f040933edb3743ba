/**
 * Checker: session guarantees. Every read a session made was served by a replica that had
 * applied the session's high-water mark (read-your-writes) of the shard that holds the entity,
 * the marks a session observed per shard never went backwards (monotonic reads), the session's
 * own acknowledged writes to the key were in what the replica served, and the score it was given
 * is the decay sum of exactly the acknowledged writes that replica held (payloads as the clients
 * sent them, not as the replica says). Under accept-local, a replica's state also holds writes
 * accepted locally and states merged by reconciliation, which no log records; there the score is
 * not recomputed.
 */
import { decaySum, scoresMatch, type Schema } from '../../engine';
import type { Violation } from '../errors';
import { hlcKey, type History, type WriteRecord } from './history';

export interface SessionCheckContext {
  /** The shard that holds `tenant`'s `entity` (the cluster's router). */
  shardFor(tenant: string, entity: string): number;
  schema: Schema;
  acceptLocal: boolean;
  /** Writes a failover lost (a session cannot be promised to read them). */
  lost: readonly WriteRecord[];
}

export function checkSessions(
  history: Pick<History, 'writes' | 'reads'>,
  ctx?: SessionCheckContext,
): Violation[] {
  const out: Violation[] = [];
  const seen = new Map<string, number>();
  // A stamp names a write only within its shard: each replica of a region has its own clock.
  const lost = new Set(ctx?.lost.map((w) => `${w.shard}|${hlcKey(w.hlc)}`));
  const byStamp = new Map<string, WriteRecord>();
  if (ctx)
    for (const w of history.writes) if (!w.retry && !w.local) byStamp.set(`${w.shard}|${hlcKey(w.hlc)}`, w);
  for (const r of history.reads) {
    const who = `session ${r.session} read ${r.tenant ? `${r.tenant}/` : ''}${r.entity} ${r.signal} at ${r.servedReplica} (${r.atMs} ms)`;
    if (r.servedAppliedSeqNo < r.hwmBefore || r.servedEpoch < r.markEpochBefore) {
      out.push({
        checker: 'session',
        message: `session ${r.session} read shard ${r.shard} at ${r.servedBy}, which had applied ${r.servedAppliedSeqNo} in epoch ${r.servedEpoch}, behind the session's mark (${r.hwmBefore} in epoch ${r.markEpochBefore})`,
        evidence: r,
      });
    }
    const k = `${r.session}/${r.shard}`;
    const prev = seen.get(k) ?? 0;
    if (r.servedAppliedSeqNo < prev) {
      out.push({
        checker: 'session',
        message: `session ${r.session} saw shard ${r.shard} go back from ${prev} to ${r.servedAppliedSeqNo} (monotonic reads broken)`,
        evidence: r,
      });
    }
    seen.set(k, Math.max(prev, r.servedAppliedSeqNo));
    if (!ctx) continue;
    const shard = ctx.shardFor(r.tenant, r.entity);
    if (r.shard !== shard || r.servedShard !== shard) {
      out.push({
        checker: 'session',
        message: `${who}, a replica of shard ${r.servedShard}; the entity lives on shard ${shard}`,
        evidence: r,
      });
      continue;
    }
    const held = new Set(r.held);
    const missing = r.own.filter((s) => !held.has(s) && !lost.has(`${shard}|${s}`));
    if (missing.length) {
      out.push({
        checker: 'session',
        message: `${who}, which did not hold ${missing.length} of the session's own acknowledged writes (${missing.join(', ')})`,
        evidence: r,
      });
      continue;
    }
    if (ctx.acceptLocal) continue;
    const writes = r.held
      .map((s) => byStamp.get(`${shard}|${s}`))
      .filter((w): w is WriteRecord => w !== undefined);
    const sig = ctx.schema.signalIndex(r.signal);
    const want = writes.length ? decaySum(writes, r.atMs, ctx.schema.halfLifeMs(sig)) : undefined;
    const ok =
      r.score === undefined || want === undefined
        ? r.score === want
        : scoresMatch(r.score, want, 1e-9) || Math.abs(r.score - want) <= 1e-9;
    if (!ok)
      out.push({
        checker: 'session',
        message: `${who} and was given ${r.score}; the ${writes.length} acknowledged write(s) that replica held give ${want}`,
        evidence: r,
      });
  }
  return out;
}
