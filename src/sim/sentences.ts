/**
 * The sentence table of a printed schedule: one row per sentence the printer can produce, each a
 * Cucumber Expression, the values a schedule part prints into it, and how matched values read
 * back into that part. The Gherkin printer prints with `say`, steps/simulation.steps.ts registers
 * one step definition for each row whose home it is (`sentencesOf`), and the tests print every row
 * and read it back. A sentence that is also a product step names that steps file as its home:
 * this column is the only list of them.
 */
import {
  badRequest,
  bugName,
  end,
  fill,
  frame,
  link,
  linkValues,
  num,
  rows,
  session,
  sessionId,
  sessionName,
  sessionWrite,
  skew,
  start,
  str,
  write,
  SIMULATION_STEPS as HERE,
  type Home,
  type Said,
  type Sentence,
} from './grammar';
import { UNKNOWN_REGION } from './schedule';
import { networkFaultsFromRow, networkTable, shapeFromRows, shapeTable } from './tables';

export const SENTENCES: readonly Sentence[] = [
  // The frame: the cluster, a bug switch, time passing, the final check.
  frame(
    'a cluster drawn by the simulator:',
    'steps/cluster.steps.ts',
    (s) => (s.say === 'cluster' ? [{ table: shapeTable(s.shape) }] : undefined),
    (v) => ({ say: 'cluster', shape: shapeFromRows(rows(v[0]).rowsHash()) }),
  ),
  frame(
    'the test-only bug {string} is switched on',
    HERE,
    (s) => (s.say === 'bug' ? [s.bug] : undefined),
    (v) => ({ say: 'bug', bug: bugName(str(v[0])) }),
  ),
  frame(
    '{duration} pass(es)',
    'steps/cluster.steps.ts',
    (s) => (s.say === 'wait' ? [s.ms] : undefined),
    (v) => ({ say: 'wait', ms: num(v[0]) }),
  ),
  frame(
    'every promise holds once every fault has healed',
    HERE,
    (s) => (s.say === 'check' ? [] : undefined),
    () => ({ say: 'check' }),
  ),
  // Sessions.
  session(
    'client {word} has a session in {region} that waits up to {duration} for stale replicas',
    'wait',
    false,
  ),
  session(
    'client {word} has a session in {region} that redirects stale reads to the leader',
    'redirect',
    false,
  ),
  session(
    'client {word} of tenant {word} has a session in {region} that waits up to {duration} for stale replicas',
    'wait',
    true,
  ),
  session(
    'client {word} of tenant {word} has a session in {region} that redirects stale reads to the leader',
    'redirect',
    true,
  ),
  // Writes, in every form.
  write('a client writes a {signal} of weight {weight} to {entity}', 'steps/writes.steps.ts'),
  write(
    'a client writes a {signal} of weight {weight} to {entity} through {region}',
    'steps/convergence.steps.ts',
  ),
  write(
    'a client writes a {signal} of weight {weight} to {entity} with idempotency key {string}',
    'steps/idempotency.steps.ts',
  ),
  write(
    'a client writes a {signal} of weight {weight} to {entity} through {region} with idempotency key {string}',
    HERE,
  ),
  write('a client tries to write a {signal} of weight {weight} to {entity}', 'steps/bad-input.steps.ts'),
  write(
    'a client tries to write a {signal} of weight {weight} to {entity} through {region}',
    'steps/partitions.steps.ts',
  ),
  write(
    'a client tries to write a {signal} of weight {weight} to {entity} with idempotency key {string}',
    'steps/idempotency.steps.ts',
  ),
  write(
    'a client tries to write a {signal} of weight {weight} to {entity} through {region} with idempotency key {string}',
    HERE,
  ),
  write('tenant {word} writes a {signal} of weight {weight} to {entity}', 'steps/routing.steps.ts'),
  write('tenant {word} writes a {signal} of weight {weight} to {entity} through {region}', HERE),
  write('tenant {word} writes a {signal} of weight {weight} to {entity} with idempotency key {string}', HERE),
  write(
    'tenant {word} writes a {signal} of weight {weight} to {entity} through {region} with idempotency key {string}',
    HERE,
  ),
  write('tenant {word} tries to write a {signal} of weight {weight} to {entity}', HERE),
  write('tenant {word} tries to write a {signal} of weight {weight} to {entity} through {region}', HERE),
  write(
    'tenant {word} tries to write a {signal} of weight {weight} to {entity} with idempotency key {string}',
    HERE,
  ),
  write(
    'tenant {word} tries to write a {signal} of weight {weight} to {entity} through {region} with idempotency key {string}',
    HERE,
  ),
  // Session calls.
  sessionWrite('client {word} writes a {signal} of weight {weight} to {entity} through its session'),
  sessionWrite(
    'client {word} tries to write a {signal} of weight {weight} to {entity} through its session',
    true,
  ),
  start(
    'session-read',
    'client {word} reads {entity} {string} through its session',
    HERE,
    (op) => [sessionName(op.session), op.entity, op.signal],
    (v) => ({ kind: 'session-read', session: sessionId(str(v[0])), entity: str(v[1]), signal: str(v[2]) }),
  ),
  // Bad requests: the request, then its refusal.
  badRequest(
    'undeclared-signal',
    'a client tries to write a {signal} of weight {weight} to {entity} through {region}',
    'steps/partitions.steps.ts',
    3,
    (r) => ['clack', 1, 'e-0', r],
  ),
  badRequest(
    'long-entity',
    'a client tries to write a {signal} of weight {weight} to an entity id of {int} {string} characters through {region}',
    'steps/bad-input.steps.ts',
    4,
    (r) => ['click', 1, 257, 'x', r],
  ),
  badRequest(
    'unknown-region',
    'a client tries to write a {signal} of weight {weight} to {entity} through region {string}',
    'steps/bad-input.steps.ts',
    undefined,
    () => ['click', 1, 'e-0', UNKNOWN_REGION],
  ),
  badRequest(
    'negative-timeout',
    'a client tries to open a session in {region} that waits up to {int} ms',
    'steps/bad-input.steps.ts',
    0,
    (r) => [r, -5],
  ),
  badRequest(
    'unknown-policy',
    'a client tries to open a session in {region} with the policy {string}',
    'steps/bad-input.steps.ts',
    0,
    (r) => [r, 'sometimes'],
  ),
  frame(
    'the request is refused as bad input',
    'steps/bad-input.steps.ts',
    (s) => (s.say === 'refused as bad input' ? [] : undefined),
    () => ({ say: 'refused as bad input' }),
  ),
  // Partitions, both ways and one way.
  start(
    'partition',
    'the link between {region} and {region} is cut',
    'steps/partitions.steps.ts',
    (op) => [op.a, op.b],
    (v) => ({ kind: 'partition', a: str(v[0]), b: str(v[1]) }),
  ),
  end(
    'partition',
    'the link between {region} and {region} heals',
    'steps/partitions.steps.ts',
    (h) => [h.a, h.b],
    (v) => ({ kind: 'partition', a: str(v[0]), b: str(v[1]) }),
  ),
  start(
    'one-way-partition',
    'the link from {region} to {region} is cut',
    'steps/partitions.steps.ts',
    (op) => [op.from, op.to],
    (v) => ({ kind: 'one-way-partition', ...link(v) }),
  ),
  end(
    'one-way-partition',
    'the link from {region} to {region} heals',
    'steps/partitions.steps.ts',
    (h) => [h.from, h.to],
    (v) => ({ kind: 'one-way-partition', ...link(v) }),
  ),
  // Misbehaving links: one directed link, or every link.
  start(
    'network',
    'the link from {region} to {region} misbehaves:',
    HERE,
    (op) => (op.link ? [op.link.from, op.link.to, { table: networkTable(op.faults) }] : undefined),
    (v) => ({ kind: 'network', link: link(v), faults: networkFaultsFromRow(rows(v[2]).hashes()[0]!) }),
  ),
  start(
    'network',
    'every link misbehaves:',
    HERE,
    (op) => (op.link ? undefined : [{ table: networkTable(op.faults) }]),
    (v) => ({ kind: 'network', faults: networkFaultsFromRow(rows(v[0]).hashes()[0]!) }),
  ),
  end(
    'network',
    'the link from {region} to {region} behaves again',
    HERE,
    (h) => linkValues(h.link, false),
    (v) => ({ kind: 'network', link: link(v) }),
  ),
  end(
    'network',
    'every link behaves again',
    HERE,
    (h) => linkValues(h.link, true),
    () => ({ kind: 'network' }),
  ),
  // Clocks set off, drifting or not.
  skew('the clock of {region} runs {duration} ahead', 'steps/clocks.steps.ts', true, 0),
  skew('the clock of {region} runs {duration} behind', 'steps/clocks.steps.ts', false, 0),
  skew('the clock of {region} runs {duration} ahead and gains {int} ms every second', HERE, true, 1),
  skew('the clock of {region} runs {duration} ahead and loses {int} ms every second', HERE, true, -1),
  skew('the clock of {region} runs {duration} behind and gains {int} ms every second', HERE, false, 1),
  skew('the clock of {region} runs {duration} behind and loses {int} ms every second', HERE, false, -1),
  end(
    'skew',
    'the clock of {region} is corrected',
    'steps/clocks.steps.ts',
    (h) => [h.region],
    (v) => ({ kind: 'skew', region: str(v[0]) }),
  ),
  // Crashes and restarts.
  start(
    'crash',
    'the replica of shard {int} in {region} crashes',
    HERE,
    (op) => (op.tornWrite ? undefined : [op.shard, op.region]),
    (v) => ({ kind: 'crash', shard: num(v[0]), region: str(v[1]), tornWrite: false }),
  ),
  start(
    'crash',
    'the replica of shard {int} in {region} crashes in the middle of a write',
    HERE,
    (op) => (op.tornWrite ? [op.shard, op.region] : undefined),
    (v) => ({ kind: 'crash', shard: num(v[0]), region: str(v[1]), tornWrite: true }),
  ),
  end(
    'crash',
    'the replica of shard {int} in {region} restarts',
    HERE,
    (h) => [h.shard, h.region],
    (v) => ({ kind: 'crash', shard: num(v[0]), region: str(v[1]) }),
  ),
  // Failovers: to the best live follower, or to a region.
  start(
    'failover',
    'shard {int} fails over',
    'steps/failover.steps.ts',
    (op) => (op.to ? undefined : [op.shard]),
    (v) => ({ kind: 'failover', shard: num(v[0]) }),
  ),
  start(
    'failover',
    'shard {int} fails over to {region}',
    'steps/failover.steps.ts',
    (op) => (op.to ? [op.shard, op.to] : undefined),
    (v) => ({ kind: 'failover', shard: num(v[0]), to: str(v[1]) }),
  ),
];

/** The sentence of the one row that says `said`; an error when no row or two rows say it. */
export function say(said: Said): string {
  const found = SENTENCES.flatMap((row) => {
    const values = row.print(said);
    return values ? [fill(row.expression, values)] : [];
  });
  if (found.length !== 1)
    throw new Error(`${found.length} sentences say ${JSON.stringify(said)}: ${found.join(' | ')}`);
  return found[0]!;
}

/** The rows whose step the steps file `home` defines, one per expression. */
export function sentencesOf(home: Home): Sentence[] {
  const seen = new Set<string>();
  return SENTENCES.filter(
    (row) => row.home === home && !seen.has(row.expression) && seen.add(row.expression),
  );
}
