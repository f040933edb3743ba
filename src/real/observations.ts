/**
 * What the harness sees of a real run besides the client history: a sampler that asks every
 * node's /v1/status every 100 ms (real) and keeps each follower's lag where it changed, how long
 * it has been behind, and the messages each replica refused (the status's `refused` counts, as
 * rejections); the failovers and convergences; and the end-of-scenario snapshot the report
 * draws, in the simulator's shapes.
 */
import type { ControlPlane } from '../engine';
import type { ClusterLogger } from '../cluster';
import type { History } from '../cluster/checkers/history';
import type { FailoverRecord } from '../cluster/checkers/idempotency';
import type { Rejection } from '../cluster/observations';
import type {
  ClusterSnapshot,
  ConvergenceMark,
  LagSample,
  RegionStateRow,
  ScoreSample,
} from '../cluster/report-data';
import { writeMarkOf } from '../cluster/report-data';
import type { StatusResponse } from '../server/protocol';
import { errorFromBody } from './node-client';
import type { Progress } from './progress';
import type { FaultTimeline } from './timeline';

/** Lag sampling period (real ms). */
export const SAMPLE_EVERY_MS = 100;
const MAX_LAG_SAMPLES = 20_000;
const MAX_REJECTIONS = 10_000;

interface Series {
  lagEvents: number;
  stint: number;
  following: boolean;
  /** Cluster time the replica fell behind (undefined: caught up). */
  behindSinceMs: number | undefined;
}

export class RealObservations {
  readonly rejections: Rejection[] = [];
  readonly failovers: FailoverRecord[] = [];
  readonly convergences: ConvergenceMark[] = [];
  private readonly lagSamples: LagSample[] = [];
  private readonly series = new Map<string, Series>();
  private readonly refusedSeen = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private sampling: Promise<void> | undefined;

  constructor(
    private readonly seed: number,
    private readonly regions: readonly string[],
    private readonly controlPlane: ControlPlane,
    readonly history: History,
    private readonly progress: Progress,
    private readonly timeline: FaultTimeline,
    private readonly now: () => number,
    private readonly log: ClusterLogger,
  ) {}

  /** Starts the sampler (one sample at a time; a slow node delays the next, never piles them up). */
  start(): void {
    const tick = (): void => {
      this.sampling = this.sample()
        .then(() => undefined)
        .catch((err: unknown) => this.log.debug({ err: (err as Error).message }, 'lag sample failed'))
        .finally(() => {
          if (this.timer !== undefined) this.timer = setTimeout(tick, SAMPLE_EVERY_MS);
        });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    const t = this.timer;
    this.timer = undefined;
    if (t) clearTimeout(t);
    await this.sampling;
  }

  /** One sample of every node: lag per follower, refusals per replica. */
  async sample(): Promise<Map<string, StatusResponse | undefined>> {
    const statuses = await this.progress.poll(1_000);
    const now = this.now();
    for (let shard = 0; shard < this.controlPlane.topology.shardCount; shard++) {
      const leader = this.controlPlane.leaderOf(shard);
      for (const region of this.regions) {
        const name = `${region}/${shard}`;
        const prev = this.series.get(name);
        if (region === leader) {
          if (prev?.following) {
            prev.following = false;
            this.push({ timeMs: now, replica: name, region, lagEvents: prev.lagEvents, stint: prev.stint });
          }
          continue;
        }
        const lagEvents = this.progress.lagIn(statuses, region, shard);
        if (prev?.following && prev.lagEvents === lagEvents) continue;
        const stint = prev === undefined ? 0 : prev.following ? prev.stint : prev.stint + 1;
        const behindSinceMs =
          lagEvents === 0
            ? undefined
            : prev?.following && prev.behindSinceMs !== undefined
              ? prev.behindSinceMs
              : now;
        this.series.set(name, { lagEvents, stint, following: true, behindSinceMs });
        this.push({ timeMs: now, replica: name, region, lagEvents, stint });
      }
    }
    for (const [region, s] of statuses) {
      if (!s) continue;
      for (const sh of s.shards)
        for (const [name, count] of Object.entries(sh.refused ?? {})) {
          const key = `${region}/${sh.shard}/${name}`;
          const before = this.refusedSeen.get(key) ?? 0;
          if (count <= before) continue;
          this.refusedSeen.set(key, count);
          // A node may report the last refusal of each kind in full (`lastRefused`: message, sender, fields).
          const last = (sh as { lastRefused?: Record<string, { message: string; from?: string }> })
            .lastRefused?.[name];
          const error = errorFromBody(
            {
              error: {
                ...last,
                name,
                message:
                  last?.message ??
                  `${region}/${sh.shard} refused ${count - before} message(s) with ${name} (status count ${count})`,
              },
            },
            200,
            region,
          );
          this.rejections.push({
            atMs: now,
            replica: `${region}/${sh.shard}`,
            from: last?.from ?? this.senderOf(name, sh.shard, sh.term),
            error: error as Rejection['error'],
          });
          if (this.rejections.length > MAX_REJECTIONS) this.rejections.shift();
          this.log.warn({ replica: `${region}/${sh.shard}`, error: name, count }, 'messages refused');
        }
    }
    return statuses;
  }

  /**
   * Who sent what a replica refused: a node counts refusals by error name only, so a stale-term
   * message is put down to the leader of the term before the replica's (the deposed leader),
   * anything else (a batch refused for clock skew, say) to the leader of the replica's term, the
   * region that ships to it. A node that reports its last refusal of each kind (`lastRefused`,
   * with `from` and the error's fields) makes this exact.
   */
  private senderOf(error: string, shard: number, term: number): string {
    if (error === 'StaleEpochError')
      return (term > 1 && this.controlPlane.leaderAt(shard, term - 1)) || 'a peer';
    return this.controlPlane.leaderAt(shard, term) ?? this.controlPlane.leaderOf(shard);
  }

  private push(s: LagSample): void {
    if (this.lagSamples.length < MAX_LAG_SAMPLES) this.lagSamples.push(s);
  }

  failedOver(record: FailoverRecord, startSeqNo: number): void {
    this.failovers.push(record);
    this.log.info({ ...record, startSeqNo }, 'failover');
  }

  converged(tookMs: number): void {
    this.convergences.push({ atMs: this.now(), tookMs });
  }

  /** The state the report shows, from one sample of every node now; scores read through `score`. */
  async snapshot(
    maxScores: number,
    score: (
      region: string,
      w: { tenant: string; entity: string; signal: string },
    ) => Promise<number | undefined>,
  ): Promise<ClusterSnapshot> {
    const statuses = await this.sample();
    const now = this.now();
    const regions: RegionStateRow[] = [];
    for (const region of this.regions)
      for (let shard = 0; shard < this.controlPlane.topology.shardCount; shard++) {
        const st = this.progress.shardOf(region, shard, statuses) ?? this.progress.shardOf(region, shard);
        const behind = this.series.get(`${region}/${shard}`)?.behindSinceMs;
        regions.push({
          region,
          shard,
          role: this.controlPlane.leaderOf(shard) === region ? 'leader' : 'follower',
          up: statuses.get(region) !== undefined,
          epoch: st?.term ?? 0,
          appliedSeqNo: st?.appliedSeqNo ?? 0,
          lagEvents: this.progress.lagIn(statuses, region, shard),
          lagMs: behind === undefined ? 0 : now - behind,
        });
      }
    const picked = new Map<string, { tenant: string; entity: string; signal: string }>();
    for (const w of this.history.writes) {
      if (picked.size >= maxScores) break;
      picked.set(`${w.tenant}\u0000${w.entity}\u0000${w.signal}`, w);
    }
    const scores: ScoreSample[] = [];
    for (const w of picked.values()) {
      const byRegion: Record<string, number | undefined> = {};
      for (const region of this.regions)
        byRegion[region] = statuses.get(region) ? await score(region, w).catch(() => undefined) : undefined;
      scores.push({
        entity: w.tenant ? `${w.tenant}/${w.entity}` : w.entity,
        signal: w.signal,
        scores: byRegion,
      });
    }
    const writes = this.history.writes.map(writeMarkOf);
    const closing: LagSample[] = [];
    for (const [name, s] of this.series)
      if (s.following)
        closing.push({
          timeMs: now,
          replica: name,
          region: name.split('/')[0]!,
          lagEvents: s.lagEvents,
          stint: s.stint,
        });
    return {
      seed: this.seed,
      nowMs: now,
      regionNames: [...this.regions],
      regions,
      scores,
      lag: [...this.lagSamples, ...closing],
      faults: this.timeline.spans.map((s) => ({ ...s })),
      writes,
      convergences: this.convergences.map((c) => ({ ...c })),
    };
  }

  /** How long `region`'s replica of `shard` has been behind its leader (0: caught up), from the samples. */
  behindMs(region: string, shard: number): number {
    const since = this.series.get(`${region}/${shard}`)?.behindSinceMs;
    return since === undefined ? 0 : this.now() - since;
  }
}
