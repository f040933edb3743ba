/**
 * The promise checker: the one place that judges a run. The After hook of every scenario, the
 * randomized simulator and `cluster.checkInvariants()` all call it, and every parameter it needs
 * (ack and partition policy, idempotency retention, the number of replicas that make a majority)
 * comes from the cluster's own config. `PROMISES` lists what it checks, in the order its
 * violations are reported: the promises a client can see first, the internal rules after.
 */
import type { Schema } from '../../engine';
import { ConvergenceTimeoutError, type Violation } from '../errors';
import type { FaultSpan } from '../report-data';
import { engineContent } from './content';
import { checkCorruption } from './corruption';
import type { History, WriteRecord } from './history';
import { checkAckPromise, checkIdempotency, checkRetryAnswers, type FailoverRecord } from './idempotency';
import { checkSessions } from './sessions';
import type { ClusterView } from './view';
import { checkWrites, type ReplicaView, type WriteHistory } from './writes';

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

/**
 * The bad-input promise is judged where a bad request is sent: by the steps that see it refused
 * with a typed error and every replica unchanged (in either mode), and by the randomized
 * simulator's runner. The checker after a scenario cannot judge it, so a scenario that sent none
 * reports it not exercised — neither held nor "could not be checked".
 */
export const BAD_INPUT_JUDGED_WHERE_SENT: UncheckedPromise = {
  checker: 'bad-input',
  reason: 'judged where a scenario sends a bad request and sees it refused',
};

/** Whether any clock was skewed at some point between two instants, by the run's faults. */
function skewedBetween(faults: readonly FaultSpan[]): (fromMs: number, toMs: number) => boolean {
  const spans = faults.filter((f) => f.kind === 'clock-skew');
  return (fromMs, toMs) => spans.some((f) => f.fromMs <= toMs && (f.toMs === null || f.toMs >= fromMs));
}

/** A promise the checker could not judge for a run, and why (one line). */
export interface UncheckedPromise {
  checker: Violation['checker'];
  reason: string;
}

export interface PromiseCheck {
  violations: Violation[];
  /** Acknowledged writes a failover lost (allowed under 'leader' acks, reported). */
  lost: WriteRecord[];
  /**
   * Promises this check could not judge, with why (empty for a simulated run, which sees
   * everything). Never report one of these as held.
   */
  unchecked: UncheckedPromise[];
}

/**
 * What the promises a client can see are judged from, whoever ran the cluster: the history of
 * what clients were told, every replica's content at `atMs`, and the run's parameters.
 */
export interface ClientSideRun {
  history: Pick<History, 'writes' | 'reads'>;
  /** Events replicas dropped when they truncated a suffix a new epoch did not have. */
  dropped: WriteHistory['dropped'];
  replicas: readonly ReplicaView[];
  leaderOf(shard: number): ReplicaView | undefined;
  shardFor(tenant: string, entity: string): number;
  schema: Schema;
  atMs: number;
  partitionPolicy: 'leader-only' | 'accept-local';
  idempotencyRetentionMs: number;
  failovers: readonly FailoverRecord[];
  faults: readonly FaultSpan[];
}

/** Judges lost-write, double-count, score, idempotency and session from history and content. */
export function checkClientSide(run: ClientSideRun): { violations: Violation[]; lost: WriteRecord[] } {
  const { history } = run;
  const writes = checkWrites(
    { writes: history.writes, dropped: run.dropped },
    run.replicas,
    run.leaderOf,
    run.schema,
    run.atMs,
  );
  const lost = writes.lost;
  const acceptLocal = run.partitionPolicy === 'accept-local';
  const violations: Violation[] = [
    ...writes.violations,
    ...checkAckPromise(lost, run.failovers),
    ...checkIdempotency(
      history.writes,
      lost,
      run.idempotencyRetentionMs,
      acceptLocal,
      skewedBetween(run.faults),
    ),
    ...checkRetryAnswers(history.writes),
    ...checkSessions(history, { shardFor: run.shardFor, schema: run.schema, acceptLocal, lost }),
  ];
  return { violations, lost };
}

/** Orders violations as `PROMISES` lists their promises (stable within one promise). */
export function inPromiseOrder(violations: Violation[]): Violation[] {
  const order = new Map(PROMISES.map((p, i) => [p.checker, i]));
  return violations.sort((a, b) => order.get(a.checker)! - order.get(b.checker)!);
}

/** Judges the run so far: every promise in `PROMISES` but convergence (see `healAndCheck`). */
export function checkPromises(cluster: ClusterView): PromiseCheck {
  const replicas: ReplicaView[] = cluster.allNodes().map((n) => ({
    name: n.name,
    region: n.regionId,
    shard: n.shardId,
    up: n.up,
    content: engineContent(n.db),
  }));
  const client = checkClientSide({
    history: cluster.history,
    dropped: cluster.history.dropped,
    replicas,
    leaderOf: (s) => replicas.find((v) => v.shard === s && v.region === cluster.controlPlane.leaderOf(s)),
    shardFor: (tenant, entity) => cluster.controlPlane.tenantRouter.shardFor(tenant, entity),
    schema: cluster.schema,
    atMs: cluster.now(),
    partitionPolicy: cluster.partitionPolicy,
    idempotencyRetentionMs: cluster.idempotencyRetentionMs,
    failovers: cluster.failovers,
    faults: cluster.faultTimeline(),
  });
  const observer = cluster.observer;
  const violations: Violation[] = [
    ...client.violations,
    ...observer.hlc.violations,
    ...observer.violations,
    ...checkCorruption(observer.corruptRefused, cluster.network.corruptedOn, observer.injected),
  ];
  return { violations: inPromiseOrder(violations), lost: client.lost, unchecked: [] };
}

/** A cluster that can heal every fault and wait until its replicas converge (either mode). */
export interface Healable {
  healEverything(): void | Promise<void>;
  awaitFullConvergence(timeoutMs: number): Promise<number>;
}

/**
 * Heals every fault and waits for convergence: a timeout is the convergence promise broken (its
 * violation, with the lagging replicas); any other error is the caller's (a run that broke).
 */
export async function convergedAfterHeal(cluster: Healable, timeoutMs: number): Promise<Violation[]> {
  try {
    await cluster.healEverything();
    await cluster.awaitFullConvergence(timeoutMs);
    return [];
  } catch (err) {
    if (!(err instanceof ConvergenceTimeoutError)) throw err;
    return [
      { checker: 'convergence', message: `after every fault healed: ${err.message}`, evidence: err.lagging },
    ];
  }
}

/**
 * The end of every scenario and every simulated run: heal every fault, wait for convergence and
 * judge the run. A convergence timeout is a violation like any other; any other error is the
 * caller's (a run that broke).
 */
export async function healAndCheck(
  cluster: ClusterView & Healable,
  timeoutMs = CONVERGENCE_TIMEOUT_MS,
): Promise<PromiseCheck> {
  const violations = await convergedAfterHeal(cluster, timeoutMs);
  const checked = checkPromises(cluster);
  return {
    violations: [...violations, ...checked.violations],
    lost: checked.lost,
    unchecked: checked.unchecked,
  };
}
