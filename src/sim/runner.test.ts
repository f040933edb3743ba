import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BUG_NAMES, BUGS } from './bugs';
import { checkAckPromise, checkIdempotency } from '../cluster';
import { generateSchedule } from './generate';
import { DEFAULT_OPTIONS } from './options';
import { runSchedule } from './runner';
import { parseSchedule, type Schedule } from './schedule';
import { shrink } from './shrink';
import { simulate } from './simulate';

const small = { ...DEFAULT_OPTIONS, ops: 80 };

test('runner: a seed replays exactly, from the generator or from its JSON', async () => {
  const s = generateSchedule(11, small);
  const a = await runSchedule(s);
  const b = await runSchedule(parseSchedule(JSON.parse(JSON.stringify(s))));
  assert.deepEqual(a.violations, b.violations);
  assert.deepEqual(a.outcomes, b.outcomes);
  assert.deepEqual(a.stats, b.stats);
  assert.equal(a.simulatedMs, b.simulatedMs);
  assert.deepEqual(a.cluster.history.writes, b.cluster.history.writes);
  assert.deepEqual(a.cluster.faultTimeline(), b.cluster.faultTimeline());
});

test('runner: refusals are outcomes, not failures: writes to a crashed leader are refused', async () => {
  const s: Schedule = {
    format: 1,
    seed: 5,
    cluster: { regions: 2, shards: 1, ackPolicy: 'leader', partitionPolicy: 'leader-only', maxDriftMs: 1000 },
    sessions: [],
    items: [
      { kind: 'crash', atMs: 0, durationMs: 50, region: 'us-east', shard: 0, tornWrite: false },
      { kind: 'write', atMs: 10, signal: 'click', entity: 'e-1', weight: 1 },
      { kind: 'crash', atMs: 20, durationMs: 10, region: 'us-east', shard: 0, tornWrite: false },
      { kind: 'write', atMs: 60, signal: 'click', entity: 'e-1', weight: 1 },
    ],
  };
  const r = await runSchedule(s);
  assert.deepEqual(r.violations, []);
  assert.deepEqual(r.outcomes, [
    { start: 'ok', end: 'ok' },
    { start: 'refused', error: 'UnavailableError' },
    { start: 'skipped', end: 'skipped' },
    { start: 'ok' },
  ]);
});

test('runner: a block of seeds under every fault keeps every promise', async () => {
  const summary = await simulate({ from: 1, seeds: 25, options: small }, { now: () => 0 });
  assert.deepEqual(
    summary.failures.map((f) => [f.seed, f.violations[0]!.message]),
    [],
  );
  assert.equal(summary.seedsRun, 25);
});

// Each switch is caught by the checker meant for it within 200 seeds of the default run (the
// swarm, 400 operations a seed); the feature shows the same switches shrunk and replayed.
for (const bug of BUG_NAMES)
  test(`bug switch: ${bug}: caught by the ${BUGS[bug].caughtBy} check within 200 seeds of the default run`, async () => {
    const summary = await simulate(
      { from: 1, seeds: 200, options: { ...DEFAULT_OPTIONS, ops: 400, bug }, maxFailures: 1, shrink: false },
      { now: () => 0 },
    );
    const f = summary.failures[0];
    assert.ok(f, `${bug} was not caught in 200 seeds`);
    assert.equal(
      f.checker,
      BUGS[bug].caughtBy,
      f.violations.map((v) => `[${v.checker}] ${v.message}`).join('\n'),
    );
    assert.match(f.gherkin, new RegExp(`the test-only bug "${bug}" is switched on`));
  });

test('shrink: the same failing schedule always shrinks to the same schedule', async () => {
  const s = generateSchedule(1, { ...small, ops: 40 });
  const opts = { bug: 'leader-double-applies' as const, maxRuns: 60 };
  const a = await shrink(s, 'double-count', opts);
  const b = await shrink(s, 'double-count', opts);
  assert.deepEqual(a.schedule, b.schedule);
  assert.ok(a.to < a.from);
});

test('checkers: a keyed write applied twice is an idempotency violation; a retry answered with the first ack is not', () => {
  const w = (id: number, retry: boolean, atMs: number, tenant = '') =>
    ({
      id,
      idempotencyKey: 'k-1',
      tenant,
      retry,
      atMs,
      clockMs: atMs,
      hlc: { wallMs: atMs, logical: 0, node: 'us-east' },
      shard: 0,
      seqNo: id,
    }) as never;
  assert.equal(checkIdempotency([w(1, false, 0), w(2, true, 5)], [], 600_000).length, 0);
  const v = checkIdempotency([w(1, false, 0), w(2, false, 5)], [], 600_000);
  assert.equal(v.length, 1);
  assert.match(v[0]!.message, /key "k-1" was applied again as write #2/);
  assert.equal(checkIdempotency([w(1, false, 0), w(2, false, 600_000)], [], 600_000).length, 0);
  // Per (tenant, key): another tenant's write with the same key is a write of its own.
  assert.equal(checkIdempotency([w(1, false, 0), w(2, false, 5, 'acme')], [], 600_000).length, 0);
  // After expiry the later write is the key's new first: a retry of it must not count again.
  assert.equal(checkIdempotency([w(1, false, 0), w(2, false, 700), w(3, false, 710)], [], 500).length, 1);
});

test('checkers: a lost write is explained only by a later failover of its shard', () => {
  const lost = [{ id: 7, shard: 3, seqNo: 9, atMs: 30 }] as never[];
  const failover = (shard: number, atMs: number) => ({
    shard,
    atMs,
    from: 'us-east',
    to: 'eu-west',
    epoch: 2,
  });
  assert.equal(checkAckPromise(lost, [failover(3, 40)]).length, 0);
  assert.equal(checkAckPromise(lost, [failover(3, 20)]).length, 1);
  assert.equal(checkAckPromise(lost, [failover(2, 40)]).length, 1);
});
