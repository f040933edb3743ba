/**
 * Prints a (shrunk) schedule as a Gherkin scenario a person can paste into a feature file. Every
 * line is a step of the suite, in the product's words; gaps between items become "the cluster
 * runs for …"; a write the cluster refused in the run becomes "tries to write"; an item that had
 * no effect (a failover that was refused, a crash of a replica already down) is left out. The
 * scenario carries the seed as a tag, so it replays the run message for message.
 */
import { BUGS, type BugName } from './bugs';
import type { ItemOutcome } from './runner';
import type { NetworkFaults } from '../cluster';
import {
  fullShape,
  timeline,
  UNKNOWN_REGION,
  type BadRequestOp,
  type ClusterShape,
  type Item,
  type NetworkFault,
  type Schedule,
  type SessionSpec,
} from './schedule';

export interface GherkinOptions {
  bug?: BugName;
  /** Scenario title. Default: names the seed. */
  title?: string;
  /** The run's outcomes, item by item (refused writes print as "tries to write"). */
  outcomes?: readonly ItemOutcome[];
  /** Indentation of the Scenario line. Default: 2 spaces. */
  indent?: string;
}

/** Columns of the network-fault table, in print order (header → NetworkFaults field). */
export const NETWORK_COLUMNS = [
  ['drop rate', 'dropRate'],
  ['duplicate rate', 'duplicateRate'],
  ['reordering window', 'reorderWindowMs'],
  ['delay', 'delayMs'],
  ['jitter', 'jitterMs'],
  ['corrupt rate', 'corruptRate'],
] as const;

export function toGherkin(schedule: Schedule, opts: GherkinOptions = {}): string {
  const pad = opts.indent ?? '  ';
  const given: string[] = [];
  const when: string[] = [];
  const c = schedule.cluster;
  given.push(`a cluster drawn by the simulator:\n${shapeTable(c)}`);
  if (opts.bug) given.push(`the test-only bug "${opts.bug}" is switched on`);
  for (const s of schedule.sessions) given.push(sessionStep(s));

  let prevMs = 0;
  for (const action of timeline(schedule)) {
    const item = schedule.items[action.index]!;
    const outcome = opts.outcomes?.[action.index];
    const lines = action.phase === 'start' ? startSteps(item, outcome) : endSteps(item, outcome);
    if (lines.length === 0) continue;
    if (action.atMs > prevMs) when.push(`the cluster runs for ${action.atMs - prevMs} ms`);
    prevMs = action.atMs;
    when.push(...lines);
  }

  const title =
    opts.title ??
    `Seed ${schedule.seed} replayed${opts.bug ? ` with the bug "${opts.bug}" (${BUGS[opts.bug].title})` : ''}`;
  const tags = [`@seed-${schedule.seed}`, ...(c.durable ? ['@durable'] : [])];
  const out = [`${pad}${tags.join(' ')}`, `${pad}Scenario: ${title}`];
  const step = (keyword: string, text: string): string => `${pad}  ${keyword} ${text}`;
  given.forEach((g, i) => {
    const [first, ...table] = g.split('\n');
    out.push(step(i === 0 ? 'Given' : 'And', first!));
    for (const row of table) out.push(`${pad}    ${row}`);
  });
  when.forEach((w, i) => {
    const [first, ...table] = w.split('\n');
    out.push(step(i === 0 ? 'When' : 'And', first!));
    for (const row of table) out.push(`${pad}    ${row}`);
  });
  out.push(step('Then', 'every promise holds once every fault has healed'));
  return out.join('\n') + '\n';
}

type FullShape = ReturnType<typeof fullShape>;

/** Rows of the cluster table: setting → how the shape prints it and how a row reads back. */
const SHAPE_ROWS: readonly [string, (c: FullShape) => string, (v: string, c: ClusterShape) => void][] = [
  ['regions', (c) => String(c.regions), (v, c) => (c.regions = int(v))],
  ['shards per region', (c) => String(c.shards), (v, c) => (c.shards = int(v))],
  ['acks', (c) => c.ackPolicy, (v, c) => (c.ackPolicy = oneOf(v, ['leader', 'quorum'] as const))],
  [
    'partitions',
    (c) => c.partitionPolicy,
    (v, c) => (c.partitionPolicy = oneOf(v, ['leader-only', 'accept-local'] as const)),
  ],
  ['latency', (c) => `${c.latencyMs} ms`, (v, c) => (c.latencyMs = int(v))],
  ['jitter', (c) => `${c.jitterMs} ms`, (v, c) => (c.jitterMs = int(v))],
  ['max clock drift', (c) => `${c.maxDriftMs} ms`, (v, c) => (c.maxDriftMs = int(v))],
  ['key retention', (c) => `${c.idempotencyRetentionMs} ms`, (v, c) => (c.idempotencyRetentionMs = int(v))],
  ['batch size', (c) => `${c.maxBatchEvents} events`, (v, c) => (c.maxBatchEvents = int(v))],
  ['window', (c) => `${c.windowBatches} batches`, (v, c) => (c.windowBatches = int(v))],
  [
    'storage',
    (c) => (c.durable ? 'durable' : 'ephemeral'),
    (v, c) => (c.durable = oneOf(v, ['durable', 'ephemeral'] as const) === 'durable'),
  ],
];

function shapeTable(shape: ClusterShape): string {
  const c = fullShape(shape);
  const rows: [string, string][] = SHAPE_ROWS.map(([name, print]) => [name, print(c)]);
  for (const [t, p] of Object.entries(c.tenants ?? {}))
    rows.push([`tenant ${t}`, `home ${p.homeRegion}, shards ${p.shards.join(' ')}`]);
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  return rows.map(([a, b]) => `| ${a.padEnd(w0)} | ${b.padEnd(w1)} |`).join('\n');
}

/** The cluster shape a "cluster drawn by the simulator" table states (setting → value rows). */
export function shapeFromRows(rows: Record<string, string>): ClusterShape {
  const c: ClusterShape = {
    regions: 3,
    shards: 1,
    ackPolicy: 'leader',
    partitionPolicy: 'leader-only',
    maxDriftMs: 1_000,
  };
  for (const [name, raw] of Object.entries(rows)) {
    const value = raw.trim();
    const tenant = /^tenant (\S+)$/.exec(name.trim());
    if (tenant) {
      const m = /^home (\S+), shards ([\d ]+)$/.exec(value);
      if (!m) throw new Error(`tenant row "${value}" must read "home <region>, shards <n> <n> …"`);
      c.tenants = { ...c.tenants, [tenant[1]!]: { homeRegion: m[1]!, shards: m[2]!.split(' ').map(int) } };
      continue;
    }
    const row = SHAPE_ROWS.find(([n]) => n === name.trim());
    if (!row)
      throw new Error(
        `unknown setting "${name}" in a drawn cluster table; use ${SHAPE_ROWS.map(([n]) => n).join(', ')}, tenant <name>`,
      );
    row[2](value, c);
  }
  return c;
}

function int(text: string): number {
  const n = Number(text.trim().split(' ')[0]);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`"${text}" is not a non-negative whole number`);
  return n;
}

function oneOf<T extends string>(text: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(text))
    throw new Error(`"${text}" must be one of ${allowed.join(', ')}`);
  return text as T;
}

function sessionStep(s: SessionSpec): string {
  const who = `client s${s.id}${s.tenant ? ` of tenant ${s.tenant}` : ''}`;
  return s.policy === 'wait'
    ? `${who} has a session in ${s.region} that waits up to ${s.timeoutMs} ms for stale replicas`
    : `${who} has a session in ${s.region} that redirects stale reads to the leader`;
}

function startSteps(item: Item, outcome: ItemOutcome | undefined): string[] {
  const refused = outcome?.start === 'refused';
  switch (item.kind) {
    case 'write': {
      const who = item.tenant ? `tenant ${item.tenant}` : 'a client';
      const verb = refused ? 'tries to write' : 'writes';
      const where = item.via ? ` through ${item.via}` : '';
      const key = item.idempotencyKey ? ` with idempotency key "${item.idempotencyKey}"` : '';
      return [`${who} ${verb} ${item.weight} "${item.signal}" to ${item.entity}${where}${key}`];
    }
    case 'session-write':
      return [
        `client s${item.session} ${refused ? 'tries to write' : 'writes'} ${item.weight} "${item.signal}" to ${item.entity} through its session`,
      ];
    case 'session-read':
      return [`client s${item.session} reads ${item.entity} "${item.signal}" through its session`];
    case 'bad-request':
      return [badRequestStep(item), 'the request is refused as bad input'];
    case 'partition':
      return [`the link between ${item.a} and ${item.b} is partitioned`];
    case 'one-way-partition':
      return [`traffic from ${item.from} to ${item.to} is cut`];
    case 'network':
      return [`${linkName(item)} misbehaves:\n${networkTable(item)}`];
    case 'skew': {
      const off = `the clock of ${item.region} runs ${Math.abs(item.skewMs)} ms ${item.skewMs < 0 ? 'behind' : 'ahead'}`;
      const drift = item.driftMsPerS;
      return [drift ? `${off} and ${drift < 0 ? 'loses' : 'gains'} ${Math.abs(drift)} ms every second` : off];
    }
    case 'crash':
      if (outcome && outcome.start !== 'ok') return [];
      return [
        `the replica of shard ${item.shard} in ${item.region} crashes${item.tornWrite ? ' in the middle of a write' : ''}`,
      ];
    case 'failover':
      if (outcome && outcome.start !== 'ok') return [];
      return [`shard ${item.shard} fails over${item.to ? ` to ${item.to}` : ''}`];
  }
}

function badRequestStep(item: BadRequestOp): string {
  switch (item.problem) {
    case 'undeclared-signal':
      return `a client tries to write 1 "clack" to e-0 through ${item.region}`;
    case 'long-entity':
      return `a client tries to write 1 "click" to an entity id of 257 "x" characters through ${item.region}`;
    case 'unknown-region':
      return `a client tries to write 1 "click" to e-0 through region "${UNKNOWN_REGION}"`;
    case 'negative-timeout':
      return `a client tries to open a session in ${item.region} that waits up to -5 ms`;
    case 'unknown-policy':
      return `a client tries to open a session in ${item.region} with the policy "sometimes"`;
  }
}

function endSteps(item: Item, outcome: ItemOutcome | undefined): string[] {
  if (outcome && outcome.end !== 'ok') return [];
  switch (item.kind) {
    case 'partition':
      return [`the partition between ${item.a} and ${item.b} heals`];
    case 'one-way-partition':
      return [`the cut from ${item.from} to ${item.to} heals`];
    case 'network':
      return [`${linkName(item)} behaves again`];
    case 'skew':
      return [`the clock of ${item.region} is corrected`];
    case 'crash':
      return [`the replica of shard ${item.shard} in ${item.region} restarts`];
    default:
      return [];
  }
}

function linkName(item: NetworkFault): string {
  return item.link ? `the link from ${item.link.from} to ${item.link.to}` : 'every link';
}

function networkTable(item: NetworkFault): string {
  const f = item.faults as Record<string, number | boolean | undefined>;
  const cols = NETWORK_COLUMNS.filter(([, field]) => f[field] !== undefined);
  const cells = (row: string[]): string => `| ${row.join(' | ')} |`;
  const values = cols.map(([, field]) => (field.endsWith('Ms') ? `${f[field]} ms` : String(f[field])));
  const widths = cols.map(([name], i) => Math.max(name.length, values[i]!.length));
  return [
    cells(cols.map(([name], i) => name.padEnd(widths[i]!))),
    cells(values.map((v, i) => v.padEnd(widths[i]!))),
  ].join('\n');
}

/** The NetworkFaults of a "misbehaves:" table's data row (header → value), as the step reads it. */
export function networkFaultsFromRow(row: Record<string, string>): NetworkFaults {
  const f: Record<string, number | boolean> = {};
  for (const [header, text] of Object.entries(row)) {
    const col = NETWORK_COLUMNS.find(([name]) => name === header.trim());
    if (!col)
      throw new Error(
        `unknown column "${header}" in a misbehaving-link table; use ${NETWORK_COLUMNS.map(([n]) => n).join(', ')}`,
      );
    const value = Number(text.trim().replace(/\s*ms$/, ''));
    if (!Number.isFinite(value) || value < 0)
      throw new Error(`"${text}" in column "${header}" is not a non-negative number`);
    f[col[1]] = value;
    if (col[1] === 'reorderWindowMs') f.reorder = true;
  }
  return f as NetworkFaults;
}
