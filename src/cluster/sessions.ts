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
  type ControlPlane,
  type Schema,
  type SessionOptions,
  type WriteAck,
} from '../engine';
import { hlcKey, type History, type WriteRecord } from './checkers/history';
import type { ClusterWriteOptions } from './config';
import type { SimulatedNode } from './node';
import type { Scheduler } from './scheduler';

/** What sessions and tenant views use of the cluster (its client side provides it). */
export interface SessionHost {
  readonly controlPlane: ControlPlane;
  readonly schema: Schema;
  readonly history: History;
  readonly scheduler: Scheduler;
  now(): number;
  node(region: string, shard: number): SimulatedNode;
  leader(shard: number): SimulatedNode;
  /** `region`, checked to be one of the cluster's (`InvalidInputError` otherwise). */
  checkRegion(region: string): string;
  nextSessionId(): number;
  writeSignal(signal: string, entity: string, weight: number, opts?: ClusterWriteOptions): WriteAck;
  readDecayScore(region: string, entity: string, signal: string, tenant?: string): number | undefined;
}

export interface SessionRead {
  score: number | undefined;
  /** Region whose replica served the read. */
  servedBy: string;
  /** True when the session's own region could not serve it and the shard's leader did. */
  redirected: boolean;
  /** Virtual ms the read waited for the replica to catch up. */
  waitedMs: number;
  /** SeqNo the serving replica had applied (the session's mark on `shard` is at least this now). */
  appliedSeqNo: number;
  shard: number;
}

/**
 * A session's own acknowledged, replicated writes, per key: the stamps the client was told, what
 * its reads are judged against (read-your-writes). A write accepted locally is not one of them
 * (it is reconciled later), nor does it raise the session's marks.
 */
export class SessionWrites {
  private readonly byKey = new Map<string, string[]>();

  constructor(
    private readonly session: Session,
    private readonly tenant = '',
  ) {}

  /** Remembers an acknowledged write of the session: its mark on the shard, and its stamp. */
  wrote(ack: WriteAck, entity: string, signal: string): void {
    if (ack.local) return;
    this.session.observeWrite(ack.shard, ack.seqNo, ack.epoch);
    const key = readKey(this.tenant, entity, signal);
    let stamps = this.byKey.get(key);
    if (!stamps) this.byKey.set(key, (stamps = []));
    stamps.push(hlcKey(ack.hlc));
  }

  /** The stamps of the session's writes to (entity, signal), a copy. */
  of(entity: string, signal: string): string[] {
    return [...(this.byKey.get(readKey(this.tenant, entity, signal)) ?? [])];
  }
}

export class ClusterSession {
  readonly id: number;
  readonly session: Session;
  private readonly own: SessionWrites;

  constructor(
    private readonly cluster: SessionHost,
    public region: string,
    opts: SessionOptions,
    readonly tenant?: string,
  ) {
    this.session = new Session(opts);
    this.own = new SessionWrites(this.session, tenant);
    cluster.checkRegion(region);
    this.id = cluster.nextSessionId();
  }

  /** Writes through the session's region; the session remembers the SeqNo. */
  write(
    signal: string,
    entity: string,
    weight: number,
    opts: Omit<ClusterWriteOptions, 'via' | 'tenant'> = {},
  ): WriteAck {
    const ack = this.cluster.writeSignal(signal, entity, weight, {
      ...opts,
      via: this.region,
      tenant: this.tenant,
    });
    this.own.wrote(ack, entity, signal);
    return ack;
  }

  /** Moves the session to another region (the client now reads from there); its marks go with it. */
  moveTo(region: string): void {
    this.region = this.cluster.checkRegion(region);
  }

  /**
   * Reads at the session's region, honouring its marks and policy: a replica behind the mark is
   * waited for (up to the timeout, in virtual time, then `StaleReadError`) or the read goes to
   * the shard's leader. A read is never served by a replica behind the session's mark.
   */
  async read(entity: string, signal: string): Promise<SessionRead> {
    const c = this.cluster;
    const tenant = this.tenant ?? '';
    const shard = c.controlPlane.tenantRouter.shardFor(tenant, checkKey(entity, 'entity'));
    c.schema.signalIndex(signal);
    const mark = this.session.markFor(shard);
    const hwm = mark.seqNo;
    let node = c.node(this.region, shard);
    let redirected = false;
    let waitedMs = 0;
    const ready = (): boolean =>
      node.up && this.session.canReadAt(shard, node.db.appliedSeqNo(), node.db.epoch);
    if (!ready()) {
      if (this.session.policy === 'redirect') {
        node = c.leader(shard);
        redirected = node.regionId !== this.region;
        if (!node.up) throw new UnavailableError(node.regionId, shard, 'the leader is down');
        // Only after a failover that lost writes can the leader be behind a session's mark.
        if (!ready()) throw new StaleReadError(node.regionId, shard, node.db.appliedSeqNo(), hwm, 0);
      } else {
        const start = c.now();
        c.scheduler.runUntil(start + this.session.timeoutMs, ready);
        await Promise.resolve();
        waitedMs = c.now() - start;
        if (!node.up)
          throw new UnavailableError(
            this.region,
            shard,
            `its replica is down (waited ${waitedMs} ms); restart it, read elsewhere, or use the 'redirect' policy`,
          );
        if (!ready()) throw new StaleReadError(this.region, shard, node.db.appliedSeqNo(), hwm, waitedMs);
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
      markEpochBefore: mark.epoch,
      servedEpoch: node.db.epoch,
      servedAppliedSeqNo: applied,
      atMs: c.now(),
      tenant,
      entity,
      signal,
      score,
      servedReplica: node.name,
      servedShard: node.shardId,
      held: heldWrites(c.history.writesTo(tenant, entity, signal), node, shard),
      own: this.own.of(entity, signal),
      writesBefore: c.history.writes.length,
    });
    this.session.observeRead(shard, applied, node.db.epoch);
    return { score, servedBy: node.regionId, redirected, waitedMs, appliedSeqNo: applied, shard };
  }
}

function readKey(tenant: string, entity: string, signal: string): string {
  return `${tenant}\u0000${entity}\u0000${signal}`;
}

/**
 * Stamps of the acknowledged writes to one key (`writes`, all to that key) that `node`'s log holds now: each write's SeqNo
 * slot in the node's log carries the write's stamp. A leader also holds what it assigned in its
 * epoch and has not logged yet (group commit at the end of the instant).
 */
function heldWrites(writes: readonly WriteRecord[], node: SimulatedNode, shard: number): string[] {
  if (!node.up || node.shardId !== shard) return [];
  const out: string[] = [];
  const applied = node.db.appliedSeqNo();
  const logged = node.db.wal.lastSeq;
  for (const w of writes) {
    if (w.retry || w.local || w.shard !== shard || w.seqNo > applied) continue;
    const stamp = hlcKey(w.hlc);
    if (w.seqNo > logged) {
      if (node.role === 'leader' && w.epoch === node.db.epoch && w.hlc.node === node.regionId)
        out.push(stamp);
      continue;
    }
    const inLog = node.db.wal.stampOf(w.seqNo);
    if (inLog && hlcKey(inLog) === stamp) out.push(stamp);
  }
  return out;
}

/** One tenant's view of the cluster. */
export class TenantView {
  constructor(
    private readonly cluster: SessionHost,
    readonly id: string,
  ) {
    checkKey(id, 'tenant');
  }

  /** Writes under this tenant's namespace, routed to one of its shards. */
  writeSignal(
    signal: string,
    entity: string,
    weight: number,
    opts: Omit<ClusterWriteOptions, 'tenant'> = {},
  ): WriteAck {
    return this.cluster.writeSignal(signal, entity, weight, { ...opts, tenant: this.id });
  }

  /** This tenant's score of `entity` in `region`'s replica, at cluster time (undefined: never written). */
  readDecayScore(region: string, entity: string, signal: string): number | undefined {
    return this.cluster.readDecayScore(region, entity, signal, this.id);
  }

  /** Reads a given shard's replica directly: refused unless the shard is this tenant's. */
  readFromShard(region: string, shard: number, entity: string, signal: string): number | undefined {
    const node = this.cluster.node(region, shard);
    this.cluster.controlPlane.tenantRouter.checkOwns(this.id, shard, checkKey(entity, 'entity'));
    if (!node.up) throw new UnavailableError(region, shard, 'its replica is down');
    return node.db.readDecayScore(entity, signal, this.cluster.now(), this.id);
  }

  /** A session of this tenant entering at `region` (default: the tenant's home region). */
  session(region: string = this.homeRegion, opts: SessionOptions = {}): ClusterSession {
    return new ClusterSession(this.cluster, region, opts, this.id);
  }

  /** The region the tenant is placed in. */
  get homeRegion(): string {
    return this.cluster.controlPlane.tenantRouter.homeOf(this.id);
  }

  /** The shards that hold this tenant's entities (sorted). */
  get shards(): readonly number[] {
    return this.cluster.controlPlane.tenantRouter.placement(this.id).shards;
  }
}
