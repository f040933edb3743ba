/**
 * What shapes a simulation run: the cluster, the size of the workload, which faults the nemesis
 * may inject, the ack and partition policies, and an optional test-only bug switch. The defaults
 * are stated here, and `replayCommand` writes back every option that shaped a run, so a failing
 * seed reruns exactly.
 */
import { BUG_NAMES, type BugName } from './bugs';
import type { AckPolicy, PartitionPolicy } from './schedule';

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

export interface SimOptions {
  /** Regions (named us-east, eu-west, ap-south, … as in the features). Default: 3. */
  regions: number;
  /** Shards per region. Default: 4. */
  shards: number;
  /** Client operations per seed. Default: 2000. */
  ops: number;
  /** Fault families the nemesis draws from. Default: all. */
  faults: FaultFamily[];
  /** Default: 'leader'. */
  ack: AckPolicy;
  /** Default: 'leader-only'. */
  policy: PartitionPolicy;
  /** Test-only bug switch (proves the checkers can fail). Default: none. */
  bug?: BugName;
}

export const DEFAULT_OPTIONS: SimOptions = {
  regions: 3,
  shards: 4,
  ops: 2000,
  faults: [...FAULT_FAMILIES],
  ack: 'leader',
  policy: 'leader-only',
};

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
  const int = (name: string, v: number, lo: number, hi: number): void => {
    if (!Number.isInteger(v) || v < lo || v > hi)
      throw new Error(`--${name} must be an integer from ${lo} to ${hi}, got ${v}`);
  };
  int('regions', o.regions, 1, 16);
  int('shards', o.shards, 1, 64);
  int('ops', o.ops, 0, 1_000_000);
  if (o.ack !== 'leader' && o.ack !== 'quorum')
    throw new Error(`--ack must be leader or quorum, got ${o.ack}`);
  if (o.policy !== 'leader-only' && o.policy !== 'accept-local')
    throw new Error(`--policy must be leader-only or accept-local, got ${o.policy}`);
  if (o.bug !== undefined && !(BUG_NAMES as readonly string[]).includes(o.bug))
    throw new Error(`--bug must be one of ${BUG_NAMES.join(', ')}, got ${o.bug}`);
  return o;
}

/** The command that reruns `count` seeds from `from` with exactly these options. */
export function replayCommand(from: number, count: number, o: SimOptions): string {
  const args = [
    `--seeds ${count}`,
    `--from ${from}`,
    `--regions ${o.regions}`,
    `--shards ${o.shards}`,
    `--ops ${o.ops}`,
    `--faults ${formatFaults(o.faults)}`,
    `--ack ${o.ack}`,
    `--policy ${o.policy}`,
    ...(o.bug ? [`--bug ${o.bug}`] : []),
  ];
  return `npm run simulate -- ${args.join(' ')}`;
}
