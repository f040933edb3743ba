/**
 * Client-facing views of the cluster: a session (read-your-writes and monotonic reads through
 * its high-water marks, with a 'wait' or 'redirect' policy), and a tenant view (every write and
 * read routed inside one tenant's namespace and shard set).
 */
import {
  checkKey,
  Session,
  StaleReadError,
  UnavailableError,
  type SessionOptions,
  type WriteAck,
} from '../engine';
import type { ClusterWriteOptions, SimulatedCluster } from './cluster';

export interface SessionRead {
  score: number | undefined;
  /** Region whose replica served the read. */
  servedBy: string;
  redirected: boolean;
  /** Virtual ms the read waited for the replica to catch up. */
  waitedMs: number;
  appliedSeqNo: number;
}

let sessionIds = 0;

export class ClusterSession {
  readonly id = ++sessionIds;
  readonly session: Session;

  constructor(
    private readonly cluster: SimulatedCluster,
    public region: string,
    opts: SessionOptions,
    readonly tenant?: string,
  ) {
    this.session = new Session(opts);
  }

  /** Writes through the session's region; the session remembers the SeqNo. */
  write(
    signal: string,
    entity: string,
    weight: number,
    opts: Omit<ClusterWriteOptions, 'via'> = {},
  ): WriteAck {
    const ack = this.cluster.writeSignal(signal, entity, weight, {
      ...opts,
      via: this.region,
      tenant: opts.tenant ?? this.tenant,
    });
    if (!ack.local) this.session.observeWrite(ack.shard, ack.seqNo);
    return ack;
  }

  /** Moves the session to another region (the client now reads from there). */
  moveTo(region: string): void {
    this.cluster.node(region, 0);
    this.region = region;
  }

  /** Reads at the session's region, honouring its marks and policy. */
  async read(entity: string, signal: string): Promise<SessionRead> {
    const c = this.cluster;
    const tenant = this.tenant ?? '';
    const shard = c.controlPlane.tenantRouter.shardFor(tenant, checkKey(entity, 'entity'));
    const hwm = this.session.hwmFor(shard);
    let node = c.node(this.region, shard);
    let redirected = false;
    let waitedMs = 0;
    const ready = (): boolean => node.up && this.session.canReadAt(shard, node.db.appliedSeqNo());
    if (!ready()) {
      if (this.session.policy === 'redirect') {
        node = c.leader(shard);
        redirected = true;
        if (!node.up) throw new UnavailableError(node.regionId, shard, 'the leader is down');
      } else {
        const start = c.now();
        c.scheduler.runUntil(start + this.session.timeoutMs, ready);
        await Promise.resolve();
        waitedMs = c.now() - start;
        if (!ready())
          throw new StaleReadError(this.region, shard, node.up ? node.db.appliedSeqNo() : 0, hwm, waitedMs);
      }
    }
    const applied = node.db.appliedSeqNo();
    const score = node.db.readDecayScore(entity, signal, c.now(), this.tenant);
    c.history.recordRead({
      session: this.id,
      region: this.region,
      servedBy: node.regionId,
      shard,
      hwmBefore: hwm,
      servedAppliedSeqNo: applied,
      atMs: c.now(),
    });
    this.session.observeRead(shard, applied);
    return { score, servedBy: node.regionId, redirected, waitedMs, appliedSeqNo: applied };
  }
}

/** One tenant's view of the cluster. */
export class TenantView {
  constructor(
    private readonly cluster: SimulatedCluster,
    readonly id: string,
  ) {
    checkKey(id, 'tenant');
  }

  writeSignal(
    signal: string,
    entity: string,
    weight: number,
    opts: Omit<ClusterWriteOptions, 'tenant'> = {},
  ): WriteAck {
    return this.cluster.writeSignal(signal, entity, weight, { ...opts, tenant: this.id });
  }

  readDecayScore(region: string, entity: string, signal: string): number | undefined {
    return this.cluster.readDecayScore(region, entity, signal, this.id);
  }

  /** Reads a given shard's replica directly: refused unless the shard is this tenant's. */
  readFromShard(region: string, shard: number, entity: string, signal: string): number | undefined {
    return this.cluster.node(region, shard).db.readDecayScore(entity, signal, this.cluster.now(), this.id);
  }

  session(region: string, opts: SessionOptions = {}): ClusterSession {
    return new ClusterSession(this.cluster, region, opts, this.id);
  }

  get homeRegion(): string {
    return this.cluster.controlPlane.tenantRouter.homeOf(this.id);
  }

  get shards(): readonly number[] {
    return this.cluster.controlPlane.tenantRouter.placement(this.id).shards;
  }
}
