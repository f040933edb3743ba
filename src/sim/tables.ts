/**
 * The two data tables a printed schedule has: the cluster a seed drew (setting → value rows) and
 * a misbehaving link's faults (one header row, one value row). Each prints from the schedule's
 * plain data and reads back into it, so a scenario's table means what the schedule meant.
 */
import type { NetworkFaults } from '../cluster';
import { fullShape, type ClusterShape } from './schedule';

/** Columns of the network-fault table, in print order (header → NetworkFaults field). */
export const NETWORK_COLUMNS = [
  ['drop rate', 'dropRate'],
  ['duplicate rate', 'duplicateRate'],
  ['reordering window', 'reorderWindowMs'],
  ['delay', 'delayMs'],
  ['jitter', 'jitterMs'],
  ['corrupt rate', 'corruptRate'],
] as const;

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

/** The table of "a cluster drawn by the simulator:": every setting, defaults stated. */
export function shapeTable(shape: ClusterShape): string {
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

/** The table of a "misbehaves:" step: the faults that are set, as header and value rows. */
export function networkTable(faults: NetworkFaults): string {
  const f = faults as Record<string, number | boolean | undefined>;
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
