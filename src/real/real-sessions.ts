/**
 * Sessions and tenant views against real nodes. A session keeps its marks per shard on the
 * client, as the engine's `Session` does, sends its mark with every read (POST
 * /v1/session/read) and raises it from the answer; the node waits or redirects per the policy.
 * Every read is recorded in the history as the simulator's sessions record it, with the writes
 * the serving replica held worked out from the history and the SeqNo it had applied.
 */
import {
  checkKey,
  Session,
  UnavailableError,
  type ControlPlane,
  type Schema,
  type SessionOptions,
  type WriteAck,
} from '../engine';
import { hlcKey, type History, type WriteRecord } from '../cluster/checkers/history';
import {
  SessionWrites,
  type ClientSession,
  type ClusterWriteOptions,
  type SessionRead,
  type TenantClient,
} from '../cluster';
import type { SessionReadRequest } from '../server/protocol';
import type { RealTime } from './real-time';
import type { Supervisor } from './supervisor';

/** What sessions and tenant views use of the client side (RealClients provides it). */
export interface RealSessionHost {
  readonly controlPlane: ControlPlane;
  readonly schema: Schema;
  readonly history: History;
  readonly time: RealTime;
  readonly supervisor: Supervisor;
  checkRegion(region: string): string;
  nextSessionId(): number;
  writeSignal(signal: string, entity: string, weight: number, opts?: ClusterWriteOptions): Promise<WriteAck>;
  readDecayScore(
    region: string,
    entity: string,
    signal: string,
    tenant?: string,
  ): Promise<number | undefined>;
  session(region: string, opts?: SessionOptions, tenant?: string): RealSession;
}

export class RealSession implements ClientSession {
  readonly id: number;
  readonly session: Session;
  private readonly own: SessionWrites;

  constructor(
    private readonly clients: RealSessionHost,
    public region: string,
    opts: SessionOptions,
    readonly tenant?: string,
  ) {
    this.session = new Session(opts);
    this.own = new SessionWrites(this.session, tenant);
    this.id = clients.nextSessionId();
  }

  async write(
    signal: string,
    entity: string,
    weight: number,
    opts: Omit<ClusterWriteOptions, 'via' | 'tenant'> = {},
  ): Promise<WriteAck> {
    const ack = await this.clients.writeSignal(signal, entity, weight, {
      ...opts,
      via: this.region,
      tenant: this.tenant,
    });
    this.own.wrote(ack, entity, signal);
    return ack;
  }

  moveTo(region: string): void {
    this.region = this.clients.checkRegion(region);
  }

  /** Reads at the session's region with its mark; the node waits, redirects or refuses. */
  async read(entity: string, signal: string): Promise<SessionRead> {
    const c = this.clients;
    const tenant = this.tenant ?? '';
    const shard = c.controlPlane.tenantRouter.shardFor(tenant, checkKey(entity, 'entity'));
    c.schema.signalIndex(signal);
    const mark = this.session.markFor(shard);
    const atMs = c.time.readAt();
    const req: SessionReadRequest = {
      entity,
      signal,
      atMs: c.time.toEpochMs(atMs),
      mark: { shard, epoch: mark.epoch, seqNo: mark.seqNo },
      policy: this.session.policy,
      timeoutMs: this.session.timeoutMs,
    };
    if (this.tenant !== undefined) req.tenant = this.tenant;
    // A region whose node is down cannot redirect: under 'redirect' the client goes to the leader itself.
    let entry = this.region;
    if (!c.supervisor.isUp(entry) && this.session.policy === 'redirect')
      entry = c.controlPlane.leaderOf(shard);
    if (!c.supervisor.isUp(entry)) throw new UnavailableError(entry, shard, 'its node is down');
    const started = Date.now();
    const r = await c.supervisor.client(entry).sessionRead(req, shard);
    // The node says how long it waited when it can (an addition to the protocol); else the call's length.
    const waitedMs = (r as { waitedMs?: number }).waitedMs ?? Date.now() - started;
    const score = r.score ?? undefined;
    c.history.recordRead({
      session: this.id,
      region: this.region,
      servedBy: r.servedBy,
      shard,
      hwmBefore: mark.seqNo,
      markEpochBefore: mark.epoch,
      servedEpoch: r.epoch,
      servedAppliedSeqNo: r.appliedSeqNo,
      // The instant the node evaluated the score at (the base of the writes' event times).
      atMs,
      tenant,
      entity,
      signal,
      score,
      servedReplica: `${r.servedBy}/${r.shard}`,
      servedShard: r.shard,
      held: heldWrites(
        c.history.writesTo(tenant, entity, signal),
        c.controlPlane,
        shard,
        r.appliedSeqNo,
        r.epoch,
      ),
      own: this.own.of(entity, signal),
      writesBefore: c.history.writes.length,
    });
    this.session.observeRead(shard, r.appliedSeqNo, r.epoch);
    return {
      score,
      servedBy: r.servedBy,
      redirected: r.servedBy !== this.region,
      waitedMs,
      appliedSeqNo: r.appliedSeqNo,
      shard,
    };
  }
}

/**
 * Stamps of the acknowledged writes to one key that a replica of `shard` at `epoch`, having
 * applied `applied`, holds: those at or below its applied SeqNo whose place in the log no later
 * term (up to the replica's) cut away. The node's log is not read at the read; the promise
 * checker compares the final logs with the history.
 */
export function heldWrites(
  writes: readonly WriteRecord[],
  cp: ControlPlane,
  shard: number,
  applied: number,
  epoch: number,
): string[] {
  const out: string[] = [];
  for (const w of writes) {
    if (w.retry || w.local || w.shard !== shard || w.seqNo > applied || w.epoch > epoch) continue;
    let kept = true;
    for (let e = w.epoch + 1; e <= epoch && kept; e++) {
      const start = cp.epochStart(shard, e);
      if (start !== undefined && w.seqNo >= start) kept = false;
    }
    if (kept) out.push(hlcKey(w.hlc));
  }
  return out;
}

export class RealTenant implements TenantClient {
  constructor(
    private readonly clients: RealSessionHost,
    readonly id: string,
  ) {
    checkKey(id, 'tenant');
  }

  writeSignal(
    signal: string,
    entity: string,
    weight: number,
    opts: Omit<ClusterWriteOptions, 'tenant'> = {},
  ): Promise<WriteAck> {
    return this.clients.writeSignal(signal, entity, weight, { ...opts, tenant: this.id });
  }

  readDecayScore(region: string, entity: string, signal: string): Promise<number | undefined> {
    return this.clients.readDecayScore(region, entity, signal, this.id);
  }

  /** Reads a given shard's replica: refused unless the shard holds this tenant's entity. */
  readFromShard(region: string, shard: number, entity: string, signal: string): Promise<number | undefined> {
    this.clients.controlPlane.tenantRouter.checkOwns(this.id, shard, checkKey(entity, 'entity'));
    return this.clients.readDecayScore(region, entity, signal, this.id);
  }

  session(region: string = this.homeRegion, opts: SessionOptions = {}): RealSession {
    return this.clients.session(region, opts, this.id);
  }

  get homeRegion(): string {
    return this.clients.controlPlane.tenantRouter.homeOf(this.id);
  }

  get shards(): readonly number[] {
    return this.clients.controlPlane.tenantRouter.placement(this.id).shards;
  }
}
