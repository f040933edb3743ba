/**
 * The promise checker: the one place that judges a run. The After hook of every scenario, the
 * randomized simulator and `cluster.checkInvariants()` all call it, and every parameter it needs
 * (ack and partition policy, idempotency retention, the number of replicas that make a majority)
 * comes from the cluster's own config. `PROMISES` lists what it checks, in the order its
 * violations are reported: the promises a client can see first, the internal rules after.
 */
import { ConvergenceTimeoutError, type Violation } from '../errors';
import { checkCorruption } from './corruption';
import type { WriteRecord } from './history';
import { checkAckPromise, checkIdempotency, checkRetryAnswers } from './idempotency';
import { checkSessions } from './sessions';
import type { ClusterView } from './view';
import { checkWrites, type ReplicaView } from './writes';

/** Virtual time allowed for convergence once every fault healed. */
export const CONVERGENCE_TIMEOUT_MS = 60_000;

/** Every promise the checker holds a run to, by checker name. */
export const PROMISES: readonly { checker: Violation['checker']; promise: string }[] = [
  {
    checker: 'convergence',
    promise: 'once every fault heals, every replica converges to its leader within 60 s (virtual)',
  },
  {
    checker: 'lost-write',
    promise:
      "no acknowledged write is lost, except one a later failover of its shard lost under 'leader' acks; never a committed one under 'quorum'",
  },
  { checker: 'double-count', promise: 'no write is counted twice' },
  {
    checker: 'score',
    promise: "every replica's score is the decay sum of exactly the writes it should hold",
  },
  {
    checker: 'idempotency',
    promise:
      'a keyed write counts once per (tenant, key) within the retention window, and every retry is answered with the original acknowledgement',
  },
  {
    checker: 'session',
    promise:
      "a session reads its own writes and never goes back, served by a replica of the entity's shard with the score of exactly the writes that replica held",
  },
  {
    checker: 'hlc',
    promise:
      "HLC stamps strictly increase per node, follow every stamp received, and are never behind the node's physical clock",
  },
  {
    checker: 'epoch',
    promise: "a replica's epoch never goes backwards, and no replica applies a batch of an older epoch",
  },
  {
    checker: 'log',
    promise:
      'a follower applies at each SeqNo exactly the write its epoch’s leader acknowledged there, never one a later epoch cut away',
  },
  {
    checker: 'quorum',
    promise: "under 'quorum' acks, a write is committed only once a majority of its shard's replicas hold it",
  },
  {
    checker: 'corruption',
    promise: 'every message refused as corrupt was corrupted on its way by a fault',
  },
  {
    checker: 'bad-input',
    promise:
      'a bad request (an undeclared signal, an id too long, an unknown region, a bad session option) is refused with a typed error and changes nothing',
  },
];

/** Whether any clock was skewed at some point between two virtual instants. */
function skewedBetween(cluster: ClusterView): (fromMs: number, toMs: number) => boolean {
  const spans = cluster.faultTimeline().filter((f) => f.kind === 'clock-skew');
  return (fromMs, toMs) => spans.some((f) => f.fromMs <= toMs && (f.toMs === null || f.toMs >= fromMs));
}

/** What the promise checker reads of a cluster (every parameter from the cluster's own config). */

export interface PromiseCheck {
  violations: Violation[];
  /** Acknowledged writes a failover lost (allowed under 'leader' acks, reported). */
  lost: WriteRecord[];
}

/** Judges the run so far: every promise in `PROMISES` but convergence (see `healAndCheck`). */
export function checkPromises(cluster: ClusterView): PromiseCheck {
  const views: ReplicaView[] = cluster.allNodes().map((n) => ({
    name: n.name,
    region: n.regionId,
    shard: n.shardId,
    up: n.up,
    db: n.db,
  }));
  const leaderOf = (s: number): ReplicaView | undefined =>
    views.find((v) => v.shard === s && v.region === cluster.controlPlane.leaderOf(s));
  const writes = checkWrites(cluster.history, views, leaderOf, cluster.schema, cluster.now());
  const lost = writes.lost;
  const history = cluster.history;
  const acceptLocal = cluster.partitionPolicy === 'accept-local';
  const observer = cluster.observer;
  const violations: Violation[] = [
    ...writes.violations,
    ...checkAckPromise(lost, cluster.failovers),
    ...checkIdempotency(
      history.writes,
      lost,
      cluster.idempotencyRetentionMs,
      acceptLocal,
      skewedBetween(cluster),
    ),
    ...checkRetryAnswers(history.writes),
    ...checkSessions(history, {
      shardFor: (tenant, entity) => cluster.controlPlane.tenantRouter.shardFor(tenant, entity),
      schema: cluster.schema,
      acceptLocal,
      lost,
    }),
    ...observer.hlc.violations,
    ...observer.violations,
    ...checkCorruption(observer.corruptRefused, cluster.network.corruptedOn, observer.injected),
  ];
  const order = new Map(PROMISES.map((p, i) => [p.checker, i]));
  violations.sort((a, b) => order.get(a.checker)! - order.get(b.checker)!);
  return { violations, lost };
}

/**
 * The end of every scenario and every simulated run: heal every fault, wait for convergence and
 * judge the run. A convergence timeout is a violation like any other; any other error is the
 * caller's (a run that broke).
 */
export async function healAndCheck(
  cluster: ClusterView & {
    healEverything(): void;
    awaitFullConvergence(timeoutMs: number): Promise<number>;
  },
  timeoutMs = CONVERGENCE_TIMEOUT_MS,
): Promise<PromiseCheck> {
  const violations: Violation[] = [];
  try {
    cluster.healEverything();
    await cluster.awaitFullConvergence(timeoutMs);
  } catch (err) {
    if (!(err instanceof ConvergenceTimeoutError)) throw err;
    violations.push({
      checker: 'convergence',
      message: `after every fault healed: ${err.message}`,
      evidence: err.lagging,
    });
  }
  const checked = checkPromises(cluster);
  return { violations: [...violations, ...checked.violations], lost: checked.lost };
}
