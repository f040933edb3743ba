/**
 * Plain data a scenario hands to the report layer: the cluster's state at the end of a scenario,
 * its replication-lag timeline, the writes clients made and when they were acknowledged, its
 * convergences and its fault timeline (typed faults and their labels). Plain data and the
 * functions that describe it, so the report code depends only on these shapes and never on the
 * simulator itself.
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

/**
 * Replication lag of one follower replica ("eu-west/0") at one virtual instant. Samples are kept
 * when a lag changes, and every follower's series is closed at the snapshot's instant, so a line
 * runs to the end of the scenario. A replica is sampled only while it follows: `stint` counts its
 * spells as a follower (a failover that makes it leader ends one, a later demotion starts the next).
 */
export interface LagSample {
  timeMs: number;
  replica: string;
  /** Its region, the lane a report draws it in. */
  region: string;
  lagEvents: number;
  stint: number;
}

/**
 * A write a client was acknowledged, as the timeline draws it: the region whose replica accepted
 * it (the shard's leader, or the client's own region under 'accept-local'), and when its ack
 * policy held (at once under 'leader' acks; when a majority held it under 'quorum').
 */
export interface WriteMark {
  atMs: number;
  /** The region whose replica accepted the write. */
  region: string;
  /** The region the client wrote through. */
  via: string;
  shard: number;
  /** When the ack policy held (null: not yet, or never). */
  committedAtMs: number | null;
  /** False when the leader applied it but the client was told it was unavailable (its ack was cut off). */
  ackReachedClient: boolean;
  /** Whether the ack policy held: true, false (a quorum never formed) or 'pending'. */
  committed: boolean | 'pending';
}

/** The timeline's mark of a recorded write (a history's write record, or anything shaped like it). */
export function writeMarkOf(w: Omit<WriteMark, 'region'> & { acceptedBy: string }): WriteMark {
  return {
    atMs: w.atMs,
    region: w.acceptedBy,
    via: w.via,
    shard: w.shard,
    committedAtMs: w.committedAtMs,
    ackReachedClient: w.ackReachedClient,
    committed: w.committed,
  };
}

/** One wait that ended with every replica converged: when it ended and how long it took. */
export interface ConvergenceMark {
  atMs: number;
  tookMs: number;
}

/** Message faults on one directed link, or on every link. */
export interface NetworkFaults {
  /** Probability a message is lost. Default: 0. */
  dropRate?: number;
  /** Probability a message is delivered twice. Default: 0. */
  duplicateRate?: number;
  /** Messages may overtake each other. Default: false. */
  reorder?: boolean;
  /** Extra delay window when reordering. Default: 20 ms. */
  reorderWindowMs?: number;
  /** Extra fixed delay. Default: 0 ms. */
  delayMs?: number;
  /** Extra uniform delay in [0, jitterMs]. Default: 0 ms. */
  jitterMs?: number;
  /** Probability one byte of a message is flipped. Default: 0. */
  corruptRate?: number;
}

/** A fault the nemesis injected, as typed facts (what a step or a checker asks about). */
export type Fault =
  | { kind: 'partition'; between: readonly [string, string] }
  | { kind: 'one-way-partition'; from: string; to: string }
  /** `link` undefined: the faults apply to every link. */
  | { kind: 'network-faults'; link: { from: string; to: string } | undefined; faults: NetworkFaults }
  | { kind: 'clock-skew'; region: string; skewMs: number; driftMsPerS: number }
  /** `replica` names the replica ("eu-west/0"); `region` is its region. */
  | { kind: 'crash'; replica: string; region: string }
  | { kind: 'failover'; shard: number; from: string; to: string; epoch: number }
  | { kind: 'flapping'; between: readonly [string, string]; times: number };

export type FaultKind = Fault['kind'];

/**
 * A fault as the report shades it: from injection to heal (toMs null while still live), with the
 * label the chart prints (made from the fault by `describeFault`, never parsed back).
 */
export type FaultSpan = Fault & {
  label: string;
  fromMs: number;
  toMs: number | null;
};

/** The label of a fault, for people: "us-east ⇹ eu-west partitioned". */
export function describeFault(f: Fault): string {
  switch (f.kind) {
    case 'partition':
      return `${f.between[0]} ⇹ ${f.between[1]} partitioned`;
    case 'one-way-partition':
      return `${f.from} → ${f.to} cut`;
    case 'network-faults': {
      const where = f.link ? `${f.link.from} → ${f.link.to}` : 'all links';
      const what = Object.entries(f.faults)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ');
      return `${where}: ${what}`;
    }
    case 'clock-skew': {
      const drift = f.driftMsPerS ? `, drift ${f.driftMsPerS} ms/s` : '';
      return `${f.region} clock ${f.skewMs >= 0 ? '+' : ''}${f.skewMs} ms${drift}`;
    }
    case 'crash':
      return `${f.replica} crashed`;
    case 'failover':
      return `shard ${f.shard}: ${f.from} → ${f.to} (epoch ${f.epoch})`;
    case 'flapping':
      return `${f.between[0]} ⇹ ${f.between[1]} flapping ×${f.times}`;
  }
}

/** Whether `f` cuts the link between `a` and `b` (either way round): a partition or a flapping link. */
export function cutsBetween(f: Fault, a: string, b: string): boolean {
  if (f.kind !== 'partition' && f.kind !== 'flapping') return false;
  const [x, y] = f.between;
  return (x === a && y === b) || (x === b && y === a);
}

/** Everything the per-scenario attachments are drawn from. Virtual time starts at 0 ms. */
export interface ClusterSnapshot {
  seed: number;
  nowMs: number;
  /** Every region, in the cluster's order (the timeline's lanes). */
  regionNames: string[];
  regions: RegionStateRow[];
  scores: ScoreSample[];
  /** Follower replicas' lag, each series closed at `nowMs`; never a leader's. */
  lag: LagSample[];
  faults: FaultSpan[];
  /** Acknowledged writes, in order (none when the cluster keeps no history). */
  writes: WriteMark[];
  /** Every successful wait for full convergence, in order. */
  convergences: ConvergenceMark[];
}

/** What a scenario ran against: the simulator in this process, or real processes (a deployment). */
export type SystemMode = 'simulated' | 'real-processes';

/** The system under test, as a report names it. */
export interface SystemUnderTest {
  mode: SystemMode;
  /** The replication engine's name. */
  engine: string;
  /** Its version (the package's, or what the deployed nodes report). */
  version: string;
  /** The engine's commit, or "unknown" outside a git checkout. */
  commit: string;
  /** One line for a reader: "tidal-engine 0.1.0 in the deterministic simulator (in-process)". */
  description: string;
  /**
   * What else the run's system is made of, each with its version, the same in every scenario of a
   * run: ["tidal-node (protocol 1)", "etcd 3.4.23", …]. Absent for the simulator (in-process).
   */
  parts?: string[];
}
