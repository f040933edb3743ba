/**
 * The client API's calls (protocol.ts), as the simulator's client side answers them
 * (src/cluster/clients.ts, sessions.ts): a write enters this node and goes to its shard's leader —
 * here, or forwarded over HTTP; a leader this node cannot reach refuses it (503) or, under
 * 'accept-local', it is accepted here under this region's origin. Reads are this region's
 * replica's; a session read waits (bounded) for the replica to reach the session's mark, or goes
 * to the leader.
 */
import {
  checkKey,
  IdempotencyConflictError,
  InvalidInputError,
  StaleReadError,
  UnavailableError,
  WriteNotCommittedError,
  type WriteAck,
} from '../engine';
import { int, nonNegative, num, object, optNum, optStr, queryStr, str } from './body';
import { queryTime, shardOf, type ApiContext } from './context';
import type { Forwarded } from './forward';
import { Relayed, type Request, type Route } from './http';
import type {
  AckBody,
  CommitResponse,
  ReadResponse,
  ReconcileResponse,
  SessionMark,
  SessionReadResponse,
  WriteResponse,
} from './protocol';
import { nodeStatus, replicaState } from './report';

/** Longest wait a /v1/commit or a session read may ask for. */
export const MAX_WAIT_MS = 30_000;
/** How often a waiting session read looks at its replica again. */
const POLL_MS = 5;
/** A replication link silent this long (three missed heartbeats) is taken for a cut. */
export const CUT_AFTER_MS = 300;

export function routes(c: ApiContext): Route[] {
  return [
    { method: 'POST', path: '/v1/write', handler: (r) => write(c, r) },
    { method: 'POST', path: '/v1/commit', handler: (r) => commit(c, r) },
    { method: 'GET', path: '/v1/read', handler: (r) => read(c, r) },
    { method: 'POST', path: '/v1/session/read', handler: (r) => sessionRead(c, r) },
    { method: 'GET', path: '/v1/status', handler: () => nodeStatus(c) },
    { method: 'GET', path: '/v1/state', handler: (r) => replicaState(c, r.query) },
    {
      method: 'POST',
      path: '/v1/admin/reconcile',
      handler: () => {
        c.replicas.reconcileNow();
        const answer: ReconcileResponse = { started: true };
        return answer;
      },
    },
  ];
}

// --- write ------------------------------------------------------------------------------------

async function write(c: ApiContext, req: Request): Promise<WriteResponse | Relayed> {
  const b = object(req.body, 'write');
  const signal = str(b, 'signal');
  const entity = checkKey(str(b, 'entity'), 'entity');
  const weight = num(b, 'weight');
  const tenant = optStr(b, 'tenant');
  const idempotencyKey = optStr(b, 'idempotencyKey');
  const timeMs = optNum(b, 'timeMs');
  if (tenant !== undefined) checkKey(tenant, 'tenant');
  c.replicas.schema.signalIndex(signal);
  const cp = c.replicas.cp;
  const shard = cp.tenantRouter.shardFor(tenant ?? '', entity);
  const leader = cp.leaderOf(shard);
  let local = false;
  if (leader !== c.region && req.forwardedBy === undefined) {
    const f = await toLeader(c, leader, req.body);
    if (f.kind === 'answered') return new Relayed(f.status, f.body);
    if (f.kind === 'no-answer' && c.cutOff(leader) === undefined)
      throw new UnavailableError(
        c.region,
        shard,
        `it cannot reach the leader in ${leader} in time (${f.reason}); the leader may have applied the write, retry with the same idempotency key`,
      );
    if (c.config.partitionPolicy !== 'accept-local')
      throw new UnavailableError(
        c.region,
        shard,
        f.kind === 'unreachable'
          ? `it cannot reach the leader in ${leader} (${f.reason}); nothing was sent`
          : `it cannot reach the leader in ${leader} (${f.reason}); the write was sent and may still reach it, retry with the same idempotency key`,
      );
    local = true;
  }
  // A key is the tenant's, not a shard's: reused for an entity on another shard, it is a conflict.
  // (This node's replicas of the other shards: exact for shards it leads, as replicated for others.)
  if (idempotencyKey !== undefined) {
    for (let s = 0; s < c.config.shardCount; s++) {
      const other = c.replicas.db(s);
      if (s !== shard && other.idempotency.has(tenant ?? '', idempotencyKey, other.clock.nowMs()))
        throw new IdempotencyConflictError(tenant ?? '', idempotencyKey);
    }
  }
  const db = c.replicas.db(shard);
  const ack = db.signal(signal, entity, weight, { tenant, idempotencyKey, timeMs, local });
  c.replicas.rememberAck(ack);
  return { ack: ackBody(ack), acceptedBy: c.region, clockMs: c.clock.nowMs() };
}

/**
 * A write forwarded to its shard's leader, unless the replication link with the leader is up but
 * has carried nothing for `CUT_AFTER_MS` (heartbeats flow every 100 ms): then it is unreachable
 * without trying, and a forward in flight gives up once that silence shows. A write entering a
 * region cut off from its leader thus fails fast instead of hanging; once the link has dropped, a
 * new connection to a cut-off leader fails within the forward's connect bound (250 ms).
 */
async function toLeader(c: ApiContext, leader: string, body: unknown): Promise<Forwarded> {
  const cut = c.cutOff(leader);
  if (cut !== undefined) return { kind: 'unreachable', reason: cut };
  return c.forward(leader, 'POST', '/v1/write', body);
}

function ackBody(a: WriteAck): AckBody {
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
  };
}

// --- commit -----------------------------------------------------------------------------------

async function commit(c: ApiContext, req: Request): Promise<CommitResponse | Relayed> {
  const b = object(req.body, 'commit');
  const shard = shardOf(c, num(b, 'shard'));
  const seqNo = int(b, 'seqNo', 0);
  const epoch = int(b, 'epoch', 1);
  const timeoutMs = Math.min(MAX_WAIT_MS, nonNegative(b, 'timeoutMs'));
  if (seqNo === 0) return { status: 'committed' }; // a local write: reconciled, never lost by a failover
  const ack = c.replicas.ack(shard, seqNo, epoch);
  if (ack) return settle(ack.committed, timeoutMs);
  // The ack lives with the node that led the write's epoch: ask it.
  const leaderThen = c.replicas.cp.leaderAt(shard, epoch);
  const startedMs = performance.now();
  if (leaderThen !== undefined && leaderThen !== c.region && req.forwardedBy === undefined) {
    const f = await c.forward(leaderThen, 'POST', '/v1/commit', req.body, timeoutMs);
    if (f.kind === 'answered') return new Relayed(f.status, f.body);
  }
  // What is left of the caller's wait, after the leader did not answer.
  return fromLog(c, shard, seqNo, epoch, Math.max(0, timeoutMs - (performance.now() - startedMs)));
}

async function settle(p: Promise<void>, timeoutMs: number): Promise<CommitResponse> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'pending'>((r) => (timer = setTimeout(() => r('pending'), timeoutMs)));
  try {
    const outcome = await Promise.race([
      p.then(
        () => 'committed' as const,
        (err: Error) =>
          err instanceof WriteNotCommittedError ? err.message : `not committed: ${err.message}`,
      ),
      timeout,
    ]);
    if (outcome === 'committed' || outcome === 'pending') return { status: outcome };
    return { status: 'refused', reason: outcome };
  } finally {
    clearTimeout(timer);
  }
}

/** Without the ack (another node's write, or before a restart): what this replica's log shows. */
async function fromLog(
  c: ApiContext,
  shard: number,
  seqNo: number,
  epoch: number,
  timeoutMs: number,
): Promise<CommitResponse> {
  const db = c.replicas.db(shard);
  const cp = c.replicas.cp;
  const origin = `${cp.leaderAt(shard, epoch) ?? '?'}@${epoch}`;
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const [e] = db.wal.lastSeq >= seqNo ? db.wal.eventsFrom(seqNo, 1) : [];
    if (e && e.origin !== origin && db.epoch > epoch)
      return {
        status: 'refused',
        reason: `SeqNo ${seqNo} of shard ${shard} holds another write (origin ${e.origin}) since a failover dropped it; retry it with the same idempotency key`,
      };
    if (e && e.origin === origin) {
      const laterTermStarted = db.epoch > epoch;
      if (c.config.ackPolicy === 'leader' || laterTermStarted) return { status: 'committed' };
      if (db.role === 'leader' && db.epoch === epoch && db.committedSeqNo >= seqNo)
        return { status: 'committed' };
    }
    if (performance.now() >= deadline) return { status: 'pending' };
    await sleep(Math.min(POLL_MS * 4, Math.max(1, deadline - performance.now())));
  }
}

// --- reads ------------------------------------------------------------------------------------

function read(c: ApiContext, req: Request): ReadResponse {
  const q = req.query;
  const entity = checkKey(queryStr(q, 'entity'), 'entity');
  const signal = queryStr(q, 'signal');
  const tenant = q.get('tenant') ?? undefined;
  const atMs = queryTime(q, c.clock);
  return readAt(c, entity, signal, tenant, atMs);
}

function readAt(
  c: ApiContext,
  entity: string,
  signal: string,
  tenant: string | undefined,
  atMs: number,
): ReadResponse {
  if (tenant !== undefined) checkKey(tenant, 'tenant');
  const shard = c.replicas.cp.tenantRouter.shardFor(tenant ?? '', entity);
  const db = c.replicas.db(shard);
  const score = db.readDecayScore(entity, signal, atMs, tenant);
  return { score: score ?? null, shard, epoch: db.epoch, appliedSeqNo: db.appliedSeqNo() };
}

async function sessionRead(c: ApiContext, req: Request): Promise<SessionReadResponse | Relayed> {
  const b = object(req.body, 'session read');
  const entity = checkKey(str(b, 'entity'), 'entity');
  const signal = str(b, 'signal');
  const tenant = optStr(b, 'tenant');
  const atMs = optNum(b, 'atMs') ?? c.clock.nowMs();
  const policy = b.policy;
  if (policy !== 'wait' && policy !== 'redirect')
    throw new InvalidInputError('policy', policy, "a session policy is 'wait' or 'redirect'");
  const timeoutMs = Math.min(MAX_WAIT_MS, nonNegative(b, 'timeoutMs'));
  const m = object(b.mark, 'mark');
  const mark: SessionMark = {
    shard: int(m, 'shard', 0),
    epoch: int(m, 'epoch', 0),
    seqNo: int(m, 'seqNo', 0),
  };
  if (tenant !== undefined) checkKey(tenant, 'tenant');
  c.replicas.schema.signalIndex(signal);
  const shard = c.replicas.cp.tenantRouter.shardFor(tenant ?? '', entity);
  if (mark.shard !== shard)
    throw new InvalidInputError(
      'mark.shard',
      mark.shard,
      `the entity is on shard ${shard}; send the session's mark for that shard`,
    );
  const db = c.replicas.db(shard);
  const ready = (): boolean => db.epoch >= mark.epoch && db.appliedSeqNo() >= mark.seqNo;
  let waitedMs = 0;
  if (!ready()) {
    const leader = c.replicas.cp.leaderOf(shard);
    if (policy === 'redirect') {
      if (leader !== c.region && req.forwardedBy === undefined) {
        const f = await c.forward(leader, 'POST', '/v1/session/read', req.body);
        if (f.kind === 'answered') return new Relayed(f.status, f.body);
        throw new UnavailableError(
          c.region,
          shard,
          `the read was redirected to the leader in ${leader}, which did not answer (${f.reason})`,
        );
      }
      // Only after a failover that lost writes can the leader be behind a session's mark.
      throw new StaleReadError(c.region, shard, db.appliedSeqNo(), mark.seqNo, 0);
    }
    const start = performance.now();
    while (!ready() && performance.now() - start < timeoutMs) await sleep(POLL_MS);
    waitedMs = Math.round(performance.now() - start);
    if (!ready()) throw new StaleReadError(c.region, shard, db.appliedSeqNo(), mark.seqNo, waitedMs);
  }
  return { ...readAt(c, entity, signal, tenant, atMs), servedBy: c.region, waitedMs };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
