/**
 * Checks the simulator adds to the cluster's own (lost or double-counted writes, scores against
 * the reference, HLC order, session guarantees): a keyed retry never adds, and the ack policy's
 * promise seen from the other side: every acknowledged write a run lost is explained by a
 * failover of its shard that happened after it (the cluster's checker already fails a lost write
 * that had committed under 'quorum').
 */
import {
  ConvergenceTimeoutError,
  type FaultSpan,
  type SimulatedCluster,
  type Violation,
  type WriteRecord,
} from '../cluster';

/** Virtual time the checkers allow for convergence once every fault healed (as the features do). */
export const CONVERGENCE_TIMEOUT_MS = 60_000;
/** The cluster's idempotency retention (its default). */
const IDEMPOTENCY_RETENTION_MS = 600_000;

/** Which checker found a violation; 'exception' when the run itself broke (an engine assertion). */
export type SimChecker = Violation['checker'] | 'exception';

export interface SimViolation {
  checker: SimChecker;
  message: string;
  evidence?: unknown;
}

/**
 * What makes two failures "the same" while shrinking: the checker, and for a run that stopped on
 * an error, the error's class and message with the numbers taken out (so a smaller schedule that
 * trips the same assertion at another SeqNo still counts, and a different error does not).
 */
export function signatureOf(v: SimViolation): string {
  return v.checker === 'exception' ? `exception: ${v.message.replace(/\d+(\.\d+)?/g, '#')}` : v.checker;
}

export interface FailoverRecord {
  shard: number;
  atMs: number;
}

/**
 * A keyed write applied more than once (outside a failover that lost the first) is a violation.
 * Under accept-local the promise is narrower, by design: a key is known only on the side of a
 * partition that accepted it, so a retry of a locally accepted write that reaches another
 * replica counts again. Those pairs (either write accepted locally) are the documented limit.
 */
export function checkIdempotency(
  writes: readonly WriteRecord[],
  lost: readonly WriteRecord[],
  retentionMs: number,
  acceptLocal = false,
): SimViolation[] {
  const lostIds = new Set(lost.map((w) => w.id));
  const firsts = new Map<string, WriteRecord>();
  const out: SimViolation[] = [];
  for (const w of writes) {
    if (!w.idempotencyKey || w.retry || lostIds.has(w.id)) continue;
    const k = `${w.tenant}\u0000${w.idempotencyKey}`;
    const first = firsts.get(k);
    if (!first) {
      firsts.set(k, w);
    } else if (w.atMs < first.atMs + retentionMs && !(acceptLocal && (first.local || w.local))) {
      out.push({
        checker: 'idempotency',
        message: `a retry with idempotency key "${w.idempotencyKey}"${w.tenant ? ` of tenant ${w.tenant}` : ''} was applied again as write #${w.id} (shard ${w.shard} SeqNo ${w.seqNo}) ${w.atMs - first.atMs} ms after write #${first.id}; a retry must return the first ack and add nothing`,
        evidence: [first, w],
      });
    }
  }
  return out;
}

/** Lost acknowledged writes must each follow from a later failover of their shard. */
export function checkAckPromise(
  lost: readonly WriteRecord[],
  failovers: readonly FailoverRecord[],
): SimViolation[] {
  const out: SimViolation[] = [];
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

/**
 * The end of every run (and of a replayed scenario): heal every fault, await convergence, and run
 * every checker — the cluster's and the simulator's.
 */
export async function healAndCheck(
  cluster: SimulatedCluster,
  timeoutMs = CONVERGENCE_TIMEOUT_MS,
): Promise<{ violations: SimViolation[]; lost: WriteRecord[] }> {
  const violations: SimViolation[] = [];
  try {
    cluster.healEverything();
    await cluster.awaitFullConvergence(timeoutMs);
  } catch (err) {
    violations.push(runFailure(err));
    if (violations[0]!.checker === 'exception') return { violations, lost: [] };
  }
  violations.push(...cluster.checkInvariants());
  const lost = cluster.history.dropped.length ? cluster.lostWrites() : [];
  violations.push(
    ...checkIdempotency(
      cluster.history.writes,
      lost,
      IDEMPOTENCY_RETENTION_MS,
      cluster.partitionPolicy === 'accept-local',
    ),
  );
  violations.push(...checkAckPromise(lost, failoversIn(cluster.faultTimeline())));
  return { violations, lost };
}

/** A run that stopped on an error: a convergence timeout, or anything else the run threw. */
export function runFailure(err: unknown): SimViolation {
  if (err instanceof ConvergenceTimeoutError)
    return {
      checker: 'convergence',
      message: `after every fault healed: ${err.message}`,
      evidence: err.lagging,
    };
  const e = err instanceof Error ? err : new Error(String(err));
  return {
    checker: 'exception',
    message: `the run stopped: ${e.name}: ${e.message}`,
    evidence: e.stack?.split('\n').slice(0, 8).join('\n'),
  };
}

/** The failovers on a fault timeline (labelled "shard N: from → to (epoch E)"). */
export function failoversIn(timeline: readonly FaultSpan[]): FailoverRecord[] {
  const out: FailoverRecord[] = [];
  for (const span of timeline) {
    const m = span.kind === 'failover' ? /^shard (\d+):/.exec(span.label) : null;
    if (m) out.push({ shard: Number(m[1]), atMs: span.fromMs });
  }
  return out;
}
