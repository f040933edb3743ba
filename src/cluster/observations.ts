/**
 * What a simulated cluster observes of itself while it runs, kept for the checkers and the
 * report: the client history, the promise observer's runtime checks, messages replicas
 * refused, failovers, the replication-lag timeline and the faults the nemesis recorded. It
 * also writes the log lines that tell a scenario's story (a refusal, a new epoch, a recovery).
 */
import { OutOfOrderBatchError, type EngineEvent, type TidalError } from '../engine';
import type { History } from './checkers/history';
import type { FailoverRecord } from './checkers/idempotency';
import { PromiseObserver } from './checkers/observer';
import type { ClusterLogger } from './config';
import type { Nemesis } from './nemesis';
import type { SimulatedNode } from './node';
import type { Replicas } from './replicas';
import type { ClusterSnapshot, FaultSpan, LagSample, RegionStateRow, ScoreSample } from './report-data';
import type { SimWorld } from './world';

const MAX_LAG_SAMPLES = 20_000;
const MAX_REJECTIONS = 10_000;

/** A message a replica refused, with the typed error it refused it with. */
export interface Rejection {
  atMs: number;
  replica: string;
  from: string;
  error: TidalError;
}

export class Observations {
  /** The promise checker's runtime observations (epochs, logs, commits, stamps, refusals). */
  readonly observer: PromiseObserver;
  /** Messages replicas refused (the latest 10,000). */
  readonly rejections: Rejection[] = [];
  /** Every failover, in order. */
  readonly failovers: FailoverRecord[] = [];
  /** Virtual ms the last successful convergence wait took. */
  lastConvergenceMs: number | undefined;
  private readonly lagSamples: LagSample[] = [];
  private readonly lastLag = new Map<string, number>();
  private readonly log: ClusterLogger;

  constructor(
    private readonly world: SimWorld,
    readonly history: History,
    private readonly replicas: Replicas,
    private readonly nemesis: Nemesis,
  ) {
    this.log = world.log;
    this.observer = new PromiseObserver({
      regions: replicas.regions,
      controlPlane: replicas.controlPlane,
      history,
      node: (region, shard) => replicas.node(region, shard),
      now: () => world.now(),
    });
    nemesis.onFault = (span, event) =>
      this.log.info(
        { fault: span.kind, label: span.label, event },
        event === 'inject' ? 'fault injected' : 'fault healed',
      );
  }

  /** The faults injected so far, in order (copies: the caller may keep them). */
  faultTimeline(): FaultSpan[] {
    return this.nemesis.timeline.map((s) => ({ ...s }));
  }

  /** A replica incarnation opened (built or restarted). */
  opened(node: SimulatedNode): void {
    this.observer.watch(node);
  }

  /** Notes a failover (the nemesis's timeline has it too). */
  failedOver(record: FailoverRecord, startSeqNo: number): void {
    this.failovers.push(record);
    const { shard, from, to, epoch } = record;
    this.log.info({ shard, from, to, epoch, startSeqNo }, 'failover');
  }

  /** Samples each follower's lag every `everyMs` of virtual time (0: never), for the report. */
  startSampling(everyMs: number): void {
    if (everyMs <= 0) return;
    const tick = (): void => {
      this.sampleLag();
      this.world.scheduler.after(everyMs, tick);
    };
    tick();
  }

  /** What one replica's engine reported: kept for the checkers and logged. */
  engineEvent(node: SimulatedNode, e: EngineEvent): void {
    this.observer.onEvent(node, e);
    switch (e.type) {
      case 'rejected': {
        const level = e.error instanceof OutOfOrderBatchError ? 'debug' : 'warn';
        this.rejections.push({ atMs: this.world.now(), replica: node.name, from: e.from, error: e.error });
        if (this.rejections.length > MAX_REJECTIONS) this.rejections.shift();
        this.log[level](
          { replica: node.name, from: e.from, error: e.error.name, detail: e.error.message },
          'message refused',
        );
        break;
      }
      case 'epoch':
        for (const ev of e.dropped)
          this.history.recordDropped({
            replica: node.name,
            epoch: e.epoch,
            event: ev,
            atMs: this.world.now(),
          });
        this.log.info(
          {
            replica: node.name,
            epoch: e.epoch,
            leader: e.leader,
            wasLeader: e.wasLeader,
            droppedEvents: e.dropped.length,
          },
          e.wasLeader ? 'deposed leader stepped down' : 'replica adopted new epoch',
        );
        break;
      case 'recovered':
        this.log.info({ replica: node.name, ...e.report }, 'replica recovered from its WAL');
        break;
      case 'leader':
        this.log.info({ replica: node.name, epoch: e.epoch, lastSeq: e.lastSeq }, 'replica leads its shard');
        break;
      case 'merged':
        this.log.debug({ replica: node.name, states: e.states }, 'reconciled states merged');
        break;
    }
  }

  /** The state a report shows at the end of a scenario. */
  snapshot(maxScores = 6): ClusterSnapshot {
    const r = this.replicas;
    const cp = r.controlPlane;
    const now = this.world.now();
    const regions: RegionStateRow[] = r.all().map((n) => ({
      region: n.regionId,
      shard: n.shardId,
      role: cp.leaderOf(n.shardId) === n.regionId ? 'leader' : 'follower',
      up: n.up,
      epoch: n.db.epoch,
      appliedSeqNo: n.db.appliedSeqNo(),
      lagEvents: r.lagOf(n.regionId, n.shardId),
      lagMs: cp.lag.lagMsFor(n.regionId, n.shardId, now),
    }));
    const picked = new Map<string, { tenant: string; entity: string; signal: string }>();
    for (const w of this.history.writes) {
      if (picked.size >= maxScores) break;
      picked.set(`${w.tenant}\u0000${w.entity}\u0000${w.signal}`, w);
    }
    const scores: ScoreSample[] = [...picked.values()].map((w) => ({
      entity: w.tenant ? `${w.tenant}/${w.entity}` : w.entity,
      signal: w.signal,
      scores: Object.fromEntries(r.regions.map((region) => [region, this.scoreIn(region, w)])),
    }));
    return {
      seed: this.world.seed,
      nowMs: now,
      regions,
      scores,
      lag: [...this.lagSamples],
      faults: this.faultTimeline(),
    };
  }

  private sampleLag(): void {
    if (this.lagSamples.length >= MAX_LAG_SAMPLES) return;
    const r = this.replicas;
    for (let s = 0; s < r.shardCount; s++) {
      const leaderSeq = r.leader(s).db.appliedSeqNo();
      for (const region of r.regions) {
        if (region === r.controlPlane.leaderOf(s)) continue;
        const node = r.node(region, s);
        const lag = Math.max(0, leaderSeq - node.db.appliedSeqNo());
        if (this.lastLag.get(node.name) === lag) continue;
        this.lastLag.set(node.name, lag);
        this.lagSamples.push({ timeMs: this.world.now(), replica: node.name, lagEvents: lag });
      }
    }
  }

  /** A sampled score for the report: undefined where the replica is down. */
  private scoreIn(region: string, w: { tenant: string; entity: string; signal: string }): number | undefined {
    const shard = this.replicas.controlPlane.tenantRouter.shardFor(w.tenant, w.entity);
    const n = this.replicas.node(region, shard);
    return n.up
      ? n.db.readDecayScore(w.entity, w.signal, this.world.now(), w.tenant || undefined)
      : undefined;
  }
}
