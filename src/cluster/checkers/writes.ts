/**
 * Checker: no acknowledged write lost, none counted twice, and every replica's score equals
 * the reference — the decay sum over exactly the writes that should be there.
 *
 * Writes that should be there: every acknowledged, non-retry write, except those a failover
 * legitimately lost (dropped from a deposed leader's unreplicated suffix and absent from the
 * current leader's log and state — under accept-local, reconciliation may carry such a write's
 * state to every replica, and then it was not lost). Under 'quorum' a lost write whose
 * `committed` had resolved is a violation; under 'leader' it is the documented limit and is
 * reported, not failed.
 */
import { decaySum, scoresMatch, type Schema } from '../../engine';
import type { Violation } from '../errors';
import type { ReplicaContent } from './content';
import { hlcKey, type DroppedRecord, type WriteRecord } from './history';

/** One replica as the write checker sees it: where it is, whether it is up, what it holds. */
export interface ReplicaView {
  name: string;
  region: string;
  shard: number;
  up: boolean;
  content: ReplicaContent;
}

/** What the write checker reads of a run's history: the writes clients were told of, and the drops. */
export interface WriteHistory {
  readonly writes: readonly WriteRecord[];
  /** Events replicas dropped when they truncated a suffix a new epoch did not have. */
  readonly dropped: readonly Pick<DroppedRecord, 'event'>[];
}

/** The dropped event fields the write checker reads. */
type DroppedEvent = DroppedRecord['event'];

export interface WriteCheckResult {
  violations: Violation[];
  /** Acknowledged writes a failover lost (allowed under 'leader' acks). */
  lost: WriteRecord[];
}

/**
 * Judges every live replica's content at `nowMs` against the writes that should be there (for a
 * reported run, `nowMs` is the time the states were read at).
 */
export function checkWrites(
  history: WriteHistory,
  replicas: readonly ReplicaView[],
  leaderOf: (shard: number) => ReplicaView | undefined,
  schema: Schema,
  nowMs: number,
): WriteCheckResult {
  const violations: Violation[] = [];
  const dropped = new Map(history.dropped.map((d) => [hlcKey(d.event.hlc), d.event]));
  const lost: WriteRecord[] = [];
  const expected = new Map<string, WriteRecord[]>();
  for (const w of history.writes) {
    if (w.retry) continue;
    const ev = w.local ? undefined : dropped.get(hlcKey(w.hlc));
    if (ev && !leaderHolds(leaderOf(w.shard), w) && !leaderMerged(leaderOf(w.shard), ev)) {
      lost.push(w);
      if (w.committed === true && w.hlc && isQuorum(leaderOf(w.shard))) {
        violations.push({
          checker: 'lost-write',
          message: `committed write #${w.id} (${w.signal} ${w.entity} ${w.weight}, shard ${w.shard} SeqNo ${w.seqNo}) was lost in a failover under quorum acks`,
          evidence: w,
        });
      }
      continue;
    }
    const k = key(w.tenant, w.entity, schema.signalIndex(w.signal));
    let list = expected.get(k);
    if (!list) expected.set(k, (list = []));
    list.push(w);
  }
  for (const r of replicas) {
    if (!r.up) continue;
    const seen = new Set<string>();
    for (const item of r.content.entries(nowMs)) {
      const k = key(item.tenant, item.entity, item.signal);
      seen.add(k);
      const want = (expected.get(k) ?? []).filter((w) => w.shard === r.shard);
      compare(
        r,
        item.tenant,
        item.entity,
        item.signal,
        item.writeCount,
        item.score,
        want,
        schema,
        nowMs,
        violations,
      );
    }
    for (const [k, list] of expected) {
      const mine = list.filter((w) => w.shard === r.shard);
      if (mine.length && !seen.has(k)) {
        const w = mine[0]!;
        violations.push({
          checker: 'lost-write',
          message: `${r.name} holds none of the ${mine.length} acknowledged write(s) to ${w.tenant ? `${w.tenant}/` : ''}${w.entity} ${w.signal}`,
          evidence: mine.slice(0, 5),
        });
      }
    }
  }
  return { violations, lost };
}

function compare(
  r: ReplicaView,
  tenant: string,
  entity: string,
  signal: number,
  count: number,
  score: number,
  want: WriteRecord[],
  schema: Schema,
  nowMs: number,
  out: Violation[],
): void {
  const name = `${tenant ? `${tenant}/` : ''}${entity} ${schema.signalName(signal)}`;
  if (count > want.length) {
    out.push({
      checker: 'double-count',
      message: `${r.name} counts ${count} writes to ${name}; ${want.length} were acknowledged`,
      evidence: want.slice(0, 5),
    });
    return;
  }
  if (count < want.length) {
    out.push({
      checker: 'lost-write',
      message: `${r.name} counts ${count} writes to ${name}; ${want.length} were acknowledged`,
      evidence: want.slice(0, 5),
    });
    return;
  }
  const reference = decaySum(want, nowMs, schema.halfLifeMs(signal));
  if (!scoresMatch(score, reference, 1e-9) && Math.abs(score - reference) > 1e-9) {
    out.push({
      checker: 'score',
      message: `${r.name} scores ${name} at ${score}; the writes it should hold give ${reference}`,
    });
  }
}

function leaderHolds(leader: ReplicaView | undefined, w: WriteRecord): boolean {
  if (!leader || !leader.up) return false;
  const e = leader.content.eventAt(w.seqNo);
  return e !== undefined && hlcKey(e.hlc) === hlcKey(w.hlc);
}

/** Whether the leader's state took the dropped write in through reconciliation (accept-local). */
function leaderMerged(leader: ReplicaView | undefined, e: DroppedEvent): boolean {
  if (!leader || !leader.up) return false;
  return leader.content.version(e.tenant, e.entity, e.signal, e.origin) >= e.originVersion;
}

function isQuorum(leader: ReplicaView | undefined): boolean {
  return leader?.content.ackPolicy === 'quorum';
}

function key(tenant: string, entity: string, signal: number): string {
  return `${tenant}\u0000${entity}\u0000${signal}`;
}
