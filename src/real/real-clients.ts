/**
 * The client side against real nodes: writes, reads, sessions and tenants, as a client in a
 * region sees them. A write enters the node of `via` (default: the shard leader's region), which
 * routes it to the leader; every acknowledged write is recorded in the history exactly as the
 * simulator's clients record it. An ack's `committed` promise asks the accepting node
 * (POST /v1/commit) until the ack policy holds, it is refused, or a bound passes.
 */
import {
  checkKey,
  checkRegionId,
  InvalidInputError,
  type ControlPlane,
  WriteNotCommittedError,
  type Schema,
  type SessionOptions,
  type WriteAck,
} from '../engine';
import { checkWeight } from '../engine/ids';
import type { History } from '../cluster/checkers/history';
import type { ClusterLogger, ClusterWriteOptions } from '../cluster';
import type { AckBody, WriteRequest } from '../server/protocol';
import type { RealTime } from './real-time';
import { RealSession, RealTenant } from './real-sessions';
import type { Supervisor } from './supervisor';
import { sleep } from './wait';

/** How long an ack's `committed` keeps asking before it stays pending. Default: 60 s. */
const COMMIT_BOUND_MS = 60_000;
/** How long one /v1/commit call waits at the node. */
const COMMIT_CALL_WAIT_MS = 1_000;

export class RealClients {
  private sessions = 0;
  private closed = false;

  constructor(
    readonly controlPlane: ControlPlane,
    readonly schema: Schema,
    readonly history: History,
    readonly time: RealTime,
    readonly supervisor: Supervisor,
    private readonly log: ClusterLogger,
  ) {}

  now(): number {
    return this.time.now();
  }

  /** `region`, checked to be one of the cluster's (`InvalidInputError` otherwise). */
  checkRegion(region: string): string {
    if (!this.controlPlane.regions.includes(checkRegionId(region)))
      throw new InvalidInputError(
        'region',
        region,
        `not a region of this cluster (${this.controlPlane.regions.join(', ')})`,
      );
    return region;
  }

  nextSessionId(): number {
    return ++this.sessions;
  }

  close(): void {
    this.closed = true;
  }

  /** Writes through the node of `via` (default: the shard's leader); records the ack in the history. */
  async writeSignal(
    signal: string,
    entity: string,
    weight: number,
    opts: ClusterWriteOptions = {},
  ): Promise<WriteAck> {
    const tenant = opts.tenant ?? '';
    // The router needs a valid key; a bad one still goes to a node, whose refusal the client gets.
    let shard = 0;
    try {
      shard = this.controlPlane.tenantRouter.shardFor(
        tenant === '' ? '' : checkKey(tenant, 'tenant'),
        checkKey(entity, 'entity'),
      );
    } catch {
      shard = 0;
    }
    const leaderRegion = this.controlPlane.leaderOf(shard);
    const via = opts.via === undefined ? leaderRegion : this.checkRegion(opts.via);
    // JSON has no NaN or Infinity (they would arrive as null): a client refuses them before sending.
    checkWeight(weight);
    const req: WriteRequest = { signal, entity, weight };
    if (opts.tenant !== undefined) req.tenant = opts.tenant;
    if (opts.idempotencyKey !== undefined) req.idempotencyKey = opts.idempotencyKey;
    if (opts.timeMs !== undefined) req.timeMs = this.time.toEpochMs(opts.timeMs);
    this.time.moved();
    const res = await this.supervisor.client(via).write(req, shard);
    const ack = this.ackOf(res.ack, res.acceptedBy);
    this.history.recordWrite(
      ack,
      {
        via,
        tenant,
        entity,
        signal,
        weight,
        idempotencyKey: opts.idempotencyKey ?? '',
        acceptedBy: res.acceptedBy,
        ackReachedClient: true,
      },
      this.now(),
      this.time.toClusterMs(res.clockMs),
    );
    return ack;
  }

  /** A WriteAck whose `committed` asks the accepting node, made only when someone asks. */
  private ackOf(a: AckBody, acceptedBy: string): WriteAck {
    let committed: Promise<void> | undefined;
    const commitment = (): Promise<void> =>
      a.local || a.policy === 'leader' ? Promise.resolve() : this.awaitCommit(a, acceptedBy);
    return {
      shard: a.shard,
      seqNo: a.seqNo,
      epoch: a.epoch,
      hlc: a.hlc,
      timeMs: this.time.toClusterMs(a.timeMs),
      origin: a.origin,
      local: a.local,
      policy: a.policy,
      retry: a.retry,
      get committed(): Promise<void> {
        return (committed ??= commitment());
      },
    };
  }

  private awaitCommit(a: AckBody, acceptedBy: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const deadline = Date.now() + COMMIT_BOUND_MS;
      const ask = async (): Promise<void> => {
        while (!this.closed && Date.now() < deadline) {
          try {
            const r = await this.supervisor
              .client(acceptedBy)
              .commit({ shard: a.shard, seqNo: a.seqNo, epoch: a.epoch, timeoutMs: COMMIT_CALL_WAIT_MS });
            if (r.status === 'committed') {
              this.history.committedUpTo(a.shard, a.epoch, a.seqNo, this.now());
              return resolve();
            }
            if (r.status === 'refused') return reject(new WriteNotCommittedError(a.shard, a.seqNo, r.reason));
          } catch {
            await sleep(100); // the node is down or cut off: ask again
          }
        }
        this.log.warn(
          { shard: a.shard, seqNo: a.seqNo, epoch: a.epoch },
          'commit still unknown; left pending',
        );
      };
      void ask();
    });
  }

  /** The score of `entity`'s `signal` in `region`'s replica, at the harness's read instant. */
  async readDecayScore(
    region: string,
    entity: string,
    signal: string,
    tenant?: string,
  ): Promise<number | undefined> {
    let shard = 0;
    try {
      shard = this.controlPlane.tenantRouter.shardFor(tenant ?? '', checkKey(entity, 'entity'));
    } catch {
      shard = 0;
    }
    const r = await this.supervisor
      .client(this.checkRegion(region))
      .read({ entity, signal, tenant, atMs: this.time.toEpochMs(this.time.readAt()) }, shard);
    return r.score ?? undefined;
  }

  session(region: string, opts: SessionOptions = {}, tenant?: string): RealSession {
    return new RealSession(this, this.checkRegion(region), opts, tenant);
  }

  tenant(id: string): RealTenant {
    return new RealTenant(this, id);
  }
}
