/**
 * Plain data a scenario hands to the report layer: the cluster's state at the end of a scenario,
 * its replication-lag timeline and its fault timeline. Pure data, no behaviour, so the report
 * code depends only on these shapes and never on the simulator itself.
 */

/** One replica's state at the end of a scenario. */
export interface RegionStateRow {
  region: string;
  shard: number;
  role: 'leader' | 'follower';
  up: boolean;
  epoch: number;
  appliedSeqNo: number;
  lagEvents: number;
  lagMs: number;
}

/** A sampled decay score per region for one (entity, signal); undefined where the region has none. */
export interface ScoreSample {
  entity: string;
  signal: string;
  scores: Record<string, number | undefined>;
}

/** Replication lag of one follower replica ("eu-west/0") at one virtual instant. */
export interface LagSample {
  timeMs: number;
  replica: string;
  lagEvents: number;
}

/** A fault as the report shades it: from injection to heal (toMs null while still live). */
export interface FaultSpan {
  kind:
    'partition' | 'one-way-partition' | 'network-faults' | 'clock-skew' | 'crash' | 'failover' | 'flapping';
  label: string;
  fromMs: number;
  toMs: number | null;
}

/** Everything the per-scenario attachments are drawn from. */
export interface ClusterSnapshot {
  seed: number;
  nowMs: number;
  regions: RegionStateRow[];
  scores: ScoreSample[];
  lag: LagSample[];
  faults: FaultSpan[];
}
