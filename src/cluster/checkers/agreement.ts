/**
 * Checks a scenario asks for by name: do all regions report the same scores, and does every
 * follower hold each shard's log exactly as its leader does (same events, same order)?
 * Each returns the disagreements it found (empty = agreement), so a failing step shows them.
 */
import { formatHlc, scoresMatch } from '../../engine';
import type { ClusterView } from './view';

export interface ScoreDisagreement {
  entity: string;
  signal: string;
  scores: Record<string, number | undefined>;
}

/** Every (tenant, entity, signal) ever written, scored in every region; those that differ. */
export function scoreDisagreements(
  cluster: ClusterView,
  regions: readonly string[] = cluster.regions,
): ScoreDisagreement[] {
  const out: ScoreDisagreement[] = [];
  const seen = new Set<string>();
  for (const w of cluster.history.writes) {
    const k = `${w.tenant}\u0000${w.entity}\u0000${w.signal}`;
    if (seen.has(k)) continue;
    seen.add(k);
    const shard = cluster.controlPlane.tenantRouter.shardFor(w.tenant, w.entity);
    const scores: Record<string, number | undefined> = {};
    for (const r of regions)
      scores[r] = cluster
        .node(r, shard)
        .db.readDecayScore(w.entity, w.signal, cluster.now(), w.tenant || undefined);
    const values = Object.values(scores);
    const first = values[0];
    const agree = values.every((v) =>
      v === undefined ? first === undefined : first !== undefined && scoresMatch(v, first),
    );
    if (!agree)
      out.push({ entity: w.tenant ? `${w.tenant}/${w.entity}` : w.entity, signal: w.signal, scores });
  }
  return out;
}

/** Differences between each follower's log and its shard leader's log (SeqNo by SeqNo). */
export function logOrderViolations(cluster: ClusterView): string[] {
  const out: string[] = [];
  for (let s = 0; s < cluster.shardCount; s++) {
    const leader = cluster.leader(s);
    const last = leader.db.appliedSeqNo();
    const want = leader.db.wal.eventsFrom(1, last);
    for (const r of cluster.regions) {
      if (r === leader.regionId) continue;
      const got = cluster.node(r, s).db.wal.eventsFrom(1, last);
      for (let i = 0; i < Math.max(want.length, got.length); i++) {
        const a = want[i];
        const b = got[i];
        if (
          !a ||
          !b ||
          a.seqNo !== b.seqNo ||
          formatHlc(a.hlc) !== formatHlc(b.hlc) ||
          a.entity !== b.entity
        ) {
          out.push(
            `${r}/${s} position ${i + 1}: leader has ${a ? `#${a.seqNo} ${formatHlc(a.hlc)} ${a.entity}` : 'nothing'}, follower has ${b ? `#${b.seqNo} ${formatHlc(b.hlc)} ${b.entity}` : 'nothing'}`,
          );
          break;
        }
      }
    }
  }
  return out;
}
