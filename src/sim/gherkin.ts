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
import { timeline, type Item, type NetworkFault, type Schedule, type SessionSpec } from './schedule';

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
  if (c.ackPolicy === 'quorum') given.push('writes are committed once a majority of regions applied them');
  if (c.partitionPolicy === 'accept-local')
    given.push('regions cut off from the leader accept writes locally');
  given.push(`a cluster of ${c.regions} regions with ${c.shards} shard${c.shards === 1 ? '' : 's'} each`);
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
  const out = [`${pad}@seed-${schedule.seed}`, `${pad}Scenario: ${title}`];
  const step = (keyword: string, text: string): string => `${pad}  ${keyword} ${text}`;
  given.forEach((g, i) => out.push(step(i === 0 ? 'Given' : 'And', g)));
  when.forEach((w, i) => {
    const [first, ...table] = w.split('\n');
    out.push(step(i === 0 ? 'When' : 'And', first!));
    for (const row of table) out.push(`${pad}    ${row}`);
  });
  out.push(step('Then', 'every promise holds once every fault has healed'));
  return out.join('\n') + '\n';
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
