/**
 * What shapes a simulation run: the size of the workload, which fault families the nemesis may
 * draw from, the dimensions pinned instead of drawn per seed, and an optional test-only bug
 * switch. The defaults are stated here, and `replayCommand` writes back every option that shaped
 * a run (what a seed drew replays with the seed), so a failing seed reruns exactly.
 */
import { BUG_NAMES, type BugName } from './bugs';
import { EMPHASES, type AckPolicy, type Emphasis, type PartitionPolicy } from './schedule';

/** Fault families the generator can draw from (CLI names). */
export const FAULT_FAMILIES = [
  'partitions',
  'one-way',
  'drops',
  'duplicates',
  'reordering',
  'delays',
  'corruption',
  'skew',
  'crashes',
  'failovers',
] as const;
export type FaultFamily = (typeof FAULT_FAMILIES)[number];

/**
 * A run's options. Every cluster and mix dimension left undefined is drawn per seed (the swarm,
 * see swarm.ts); set, it pins that dimension for every seed.
 */
export interface SimOptions {
  /** Client operations per seed. Default: 2000. */
  ops: number;
  /** Fault families the nemesis may draw from. Default: all. */
  faults: FaultFamily[];
  /** Regions (named us-east, eu-west, ap-south, … as in the features). Drawn: 2–5. */
  regions?: number;
  /** Shards per region. Drawn: 1–8. */
  shards?: number;
  /** Drawn: leader or quorum. */
  ack?: AckPolicy;
  /** Drawn: leader-only or accept-local. */
  policy?: PartitionPolicy;
  /** One-way latency, ms. Drawn: 1–80. */
  latencyMs?: number;
  /** Extra uniform latency, ms. Drawn: 0–60. */
  jitterMs?: number;
  /** Largest accepted lead of a remote HLC stamp, ms. Drawn: 250–5000. */
  maxDriftMs?: number;
  /** Idempotency retention, ms. Drawn: 300–600,000. */
  retentionMs?: number;
  /** Events per replicated batch. Drawn: 1–512. */
  batchEvents?: number;
  /** Batches in flight per follower. Drawn: 1–8. */
  windowBatches?: number;
  /** Drawn: ephemeral mostly, durable (segment files, fsync per batch) sometimes. */
  storage?: 'durable' | 'ephemeral';
  /** The workload and nemesis emphasis. Drawn. */
  emphasis?: Emphasis;
  /** Test-only bug switch (proves the checkers can fail). Default: none. */
  bug?: BugName;
}

export const DEFAULT_OPTIONS: SimOptions = {
  ops: 2000,
  faults: [...FAULT_FAMILIES],
};

/** The options that pin one dimension each: CLI flag → option and how its value reads. */
export const PIN_FLAGS = [
  ['regions', 'regions', 'int'],
  ['shards', 'shards', 'int'],
  ['ack', 'ack', 'text'],
  ['policy', 'policy', 'text'],
  ['latency-ms', 'latencyMs', 'int'],
  ['jitter-ms', 'jitterMs', 'int'],
  ['max-drift-ms', 'maxDriftMs', 'int'],
  ['retention-ms', 'retentionMs', 'int'],
  ['batch-events', 'batchEvents', 'int'],
  ['window-batches', 'windowBatches', 'int'],
  ['storage', 'storage', 'text'],
  ['emphasis', 'emphasis', 'text'],
] as const satisfies readonly (readonly [string, keyof SimOptions, 'int' | 'text'])[];

/** Parses a `--faults` value: `all`, `none`, or a comma-separated list of families. */
export function parseFaults(text: string): FaultFamily[] {
  if (text === 'all') return [...FAULT_FAMILIES];
  if (text === 'none' || text === '') return [];
  const out: FaultFamily[] = [];
  for (const name of text.split(',').map((s) => s.trim())) {
    if (!(FAULT_FAMILIES as readonly string[]).includes(name))
      throw new Error(
        `unknown fault family "${name}"; use all, none, or a comma-separated list of ${FAULT_FAMILIES.join(', ')}`,
      );
    if (!out.includes(name as FaultFamily)) out.push(name as FaultFamily);
  }
  return out;
}

export function formatFaults(faults: readonly FaultFamily[]): string {
  if (faults.length === 0) return 'none';
  if (FAULT_FAMILIES.every((f) => faults.includes(f))) return 'all';
  return FAULT_FAMILIES.filter((f) => faults.includes(f)).join(',');
}

/** Checks options from a command line or a step, with a message that says what to pass. */
export function checkOptions(o: SimOptions): SimOptions {
  const int = (name: string, v: number | undefined, lo: number, hi: number): void => {
    if (v !== undefined && (!Number.isInteger(v) || v < lo || v > hi))
      throw new Error(`--${name} must be an integer from ${lo} to ${hi}, got ${v}`);
  };
  const oneOf = (name: string, v: string | undefined, allowed: readonly string[]): void => {
    if (v !== undefined && !allowed.includes(v))
      throw new Error(`--${name} must be ${allowed.join(' or ')}, got ${v}`);
  };
  int('regions', o.regions, 1, 16);
  int('shards', o.shards, 1, 64);
  int('ops', o.ops, 0, 1_000_000);
  int('latency-ms', o.latencyMs, 0, 10_000);
  int('jitter-ms', o.jitterMs, 0, 10_000);
  int('max-drift-ms', o.maxDriftMs, 1, 3_600_000);
  int('retention-ms', o.retentionMs, 0, 86_400_000);
  int('batch-events', o.batchEvents, 1, 65_535);
  int('window-batches', o.windowBatches, 1, 1_024);
  oneOf('ack', o.ack, ['leader', 'quorum']);
  oneOf('policy', o.policy, ['leader-only', 'accept-local']);
  oneOf('storage', o.storage, ['durable', 'ephemeral']);
  oneOf('emphasis', o.emphasis, EMPHASES);
  oneOf('bug', o.bug, BUG_NAMES);
  return o;
}

/** The command that reruns `count` seeds from `from` with exactly these options. */
export function replayCommand(from: number, count: number, o: SimOptions): string {
  const args = [`--seeds ${count}`, `--from ${from}`, `--ops ${o.ops}`, `--faults ${formatFaults(o.faults)}`];
  for (const [flag, field] of PIN_FLAGS) if (o[field] !== undefined) args.push(`--${flag} ${o[field]}`);
  if (o.bug) args.push(`--bug ${o.bug}`);
  return `npm run simulate -- ${args.join(' ')}`;
}
