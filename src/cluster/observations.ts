/**
 * What a simulated cluster observes of itself while it runs, kept for the checkers and the
 * report: the client history, the promise observer's runtime checks, messages replicas
 * refused, failovers, convergences, when each quorum write committed, the replication-lag
 * timeline (each follower's lag where it changed, closed at the snapshot so a line runs to the
 * end) and the faults the nemesis recorded. It also writes the log lines that tell a scenario's
 * story (a refusal, a new epoch, a recovery).
 */
import { OutOfOrderBatchError, type EngineEvent, type TidalError } from '../engine';
import type { History } from './checkers/history';
import type { FailoverRecord } from './checkers/idempotency';
import { PromiseObserver } from './checkers/observer';
import type { ClusterLogger } from './config';
import type { Nemesis } from './nemesis';
import type { SimulatedNode } from './node';
import type { Replicas } from './replicas';
import type {
  ClusterSnapshot,
  ConvergenceMark,
  FaultSpan,
  LagSample,
  RegionStateRow,
  ScoreSample,
} from './report-data';
import { writeMarkOf } from './report-data';
import type { SimWorld } from './world';

const MAX_LAG_SAMPLES = 20_000;
const MAX_REJECTIONS = 10_000;
const MAX_CONVERGENCES = 1_000;

/** A follower replica's open lag series: its last recorded lag and which stint it is in. */
interface LagSeries {
  region: string;
  lagEvents: number;
  stint: number;
  following: boolean;
  /** The last sampling round that found it following. */
  round: number;
}

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
  /** Every successful convergence wait (the first 1,000). */
  private readonly convergences: ConvergenceMark[] = [];
  /** Whether lag is sampled at all (a cluster built with `sampleLagEveryMs: 0` has no lag chart). */
  private sampling = false;
  private readonly lagSamples: LagSample[] = [];
  private readonly lagSeries = new Map<string, LagSeries>();
  private lagRound = 0;
  /** The scheduler's activity when the lag was last sampled (never, so far). */
  private sampledAtActivity = -Infinity;
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

  /** A wait for full convergence ended with every replica converged, after `tookMs`. */
  converged(tookMs: number): void {
    this.lastConvergenceMs = tookMs;
    if (this.convergences.length < MAX_CONVERGENCES)
      this.convergences.push({ atMs: this.world.now(), tookMs });
    if (this.sampling) this.sampleLag(); // the lines reach 0 at the instant it converged, not a tick later
  }

  /**
   * Samples each follower's lag every `everyMs` of virtual time (0: never), for the report. A
   * sample is kept when a follower's lag changes; `snapshot` closes every series at its instant.
   */
  startSampling(everyMs: number): void {
    if (everyMs <= 0) return;
    this.sampling = true;
    const scheduler = this.world.scheduler;
    const tick = (): void => {
      // Nothing ran since the last sample but this tick itself: every lag is as it was, and a
      // sample is kept only where one changed. (A 7-day wait is 12 million ticks, nearly all idle.)
      if (scheduler.activity === this.sampledAtActivity + 1) this.sampledAtActivity++;
      else this.sampleLag();
      scheduler.after(everyMs, tick);
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
      case 'committed':
        this.history.committedUpTo(node.shardId, e.epoch, e.seqNo, this.world.now());
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
    const writes = this.history.writes.map(writeMarkOf);
    return {
      seed: this.world.seed,
      nowMs: now,
      regionNames: [...r.regions],
      regions,
      scores,
      lag: this.sampling ? [...this.lagSamples, ...this.closingLagSamples()] : [],
      faults: this.faultTimeline(),
      writes,
      convergences: this.convergences.map((c) => ({ ...c })),
    };
  }

  /**
   * Each follower's lag now, where its series' last sample is older: without it a line would
   * stop at its last change (a region cut off and then idle would seem to stay behind for good).
   */
  private closingLagSamples(): LagSample[] {
    const now = this.world.now();
    const last = new Map<string, number>();
    for (const s of this.lagSamples) last.set(s.replica, s.timeMs);
    const closing: LagSample[] = [];
    this.forEachFollower((node, lagEvents) => {
      if (last.get(node.name) === now) return;
      const stint = nextStint(this.lagSeries.get(node.name));
      closing.push({ timeMs: now, replica: node.name, region: node.regionId, lagEvents, stint });
    });
    return closing;
  }

  /**
   * Visits every replica that follows its shard's leader now, with its lag in events behind it.
   * The lag sampler calls it on every tick of virtual time, so it builds nothing per replica.
   */
  private forEachFollower(visit: (node: SimulatedNode, lagEvents: number) => void): void {
    const r = this.replicas;
    for (let s = 0; s < r.shardCount; s++) {
      const leaderRegion = r.controlPlane.leaderOf(s);
      const leaderSeq = r.node(leaderRegion, s).db.appliedSeqNo();
      for (const region of r.regions) {
        if (region === leaderRegion) continue;
        const node = r.node(region, s);
        visit(node, Math.max(0, leaderSeq - node.db.appliedSeqNo()));
      }
    }
  }

  /**
   * Keeps each follower's lag where it changed. A follower promoted to leader gets a last sample
   * (its line runs to the failover, then stops); demoted again, it starts its next stint.
   */
  private sampleLag(): void {
    this.sampledAtActivity = this.world.scheduler.activity;
    if (this.lagSamples.length >= MAX_LAG_SAMPLES) return;
    const now = this.world.now();
    const round = ++this.lagRound;
    this.forEachFollower((node, lagEvents) => {
      const series = this.lagSeries.get(node.name);
      if (series?.following && series.lagEvents === lagEvents) {
        series.round = round;
        return;
      }
      const stint = nextStint(series);
      this.lagSeries.set(node.name, { region: node.regionId, lagEvents, stint, following: true, round });
      this.lagSamples.push({ timeMs: now, replica: node.name, region: node.regionId, lagEvents, stint });
    });
    for (const [name, series] of this.lagSeries) {
      if (!series.following || series.round === round) continue;
      series.following = false;
      const { region, lagEvents, stint } = series;
      this.lagSamples.push({ timeMs: now, replica: name, region, lagEvents, stint });
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

/** The stint a follower's next sample belongs to: its current one, or the next after a spell as leader. */
function nextStint(series: LagSeries | undefined): number {
  if (series === undefined) return 0;
  return series.following ? series.stint : series.stint + 1;
}
