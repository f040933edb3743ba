import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PROMISES, SCENARIO_SCHEMA, SimulatedCluster } from '../cluster';
import { parsePromisesVerdict, parseSystemUnderTest, promisesVerdict } from './verdicts';

test('every promise is held unless a violation names it, with the number of violations', () => {
  const verdict = promisesVerdict(PROMISES, [
    { checker: 'lost-write' },
    { checker: 'lost-write' },
    { checker: 'hlc' },
  ]);
  assert.equal(verdict.promises.length, PROMISES.length);
  const by = new Map(verdict.promises.map((p) => [p.checker, p]));
  assert.deepEqual(
    { held: by.get('lost-write')!.held, violations: by.get('lost-write')!.violations },
    { held: false, violations: 2 },
  );
  assert.equal(by.get('hlc')!.held, false);
  assert.equal(by.get('convergence')!.held, true);
  assert.equal(verdict.promises.filter((p) => p.held).length, PROMISES.length - 2);
});

test('a verdict reads back as written, and a body off the contract reads as undefined', () => {
  const verdict = promisesVerdict(PROMISES, [{ checker: 'score' }]);
  assert.deepEqual(parsePromisesVerdict(JSON.stringify(verdict)), verdict);
  for (const bad of ['', 'null', '[]', '{"promises":[{"checker":"x"}]}', '{"promises":[1]}'])
    assert.equal(parsePromisesVerdict(bad), undefined, bad);
  assert.equal(
    parsePromisesVerdict('{"promises":[{"checker":"x","promise":"p","held":true,"violations":-1}]}'),
    undefined,
  );
});

test('a promise the checker could not judge is not checked, with its reason; a violation still breaks it', () => {
  const verdict = promisesVerdict(
    PROMISES,
    [{ checker: 'log' }],
    [
      { checker: 'hlc', reason: 'needs every HLC stamp a node issued' },
      { checker: 'log', reason: 'needs every batch a follower applied' },
    ],
  );
  const by = new Map(verdict.promises.map((p) => [p.checker, p]));
  assert.deepEqual(by.get('hlc'), {
    checker: 'hlc',
    promise: PROMISES.find((p) => p.checker === 'hlc')!.promise,
    status: 'not-checked',
    held: false,
    violations: 0,
    reason: 'needs every HLC stamp a node issued',
  });
  assert.equal(by.get('log')!.status, 'broken');
  assert.equal(by.get('log')!.violations, 1);
  assert.equal(by.get('score')!.status, 'held');
  assert.equal(verdict.promises.filter((p) => p.held).length, PROMISES.length - 2);
  assert.deepEqual(parsePromisesVerdict(JSON.stringify(verdict)), verdict);
});

test('a promise the scenario did nothing about is not exercised, with where it is judged; never held', () => {
  const where = { checker: 'bad-input', reason: 'judged where a scenario sends a bad request' };
  const verdict = promisesVerdict(PROMISES, [], [], [where]);
  const row = verdict.promises.find((p) => p.checker === 'bad-input')!;
  assert.deepEqual(
    { status: row.status, held: row.held, violations: row.violations, reason: row.reason },
    { status: 'not-exercised', held: false, violations: 0, reason: where.reason },
  );
  assert.equal(verdict.promises.filter((p) => p.held).length, PROMISES.length - 1);
  assert.deepEqual(parsePromisesVerdict(JSON.stringify(verdict)), verdict);
  // A violation still breaks it, and one the checker could not judge stays not checked.
  assert.equal(
    promisesVerdict(PROMISES, [{ checker: 'bad-input' }], [], [where]).promises.at(-1)!.status,
    'broken',
  );
  const both = promisesVerdict(PROMISES, [], [{ checker: 'bad-input', reason: 'r' }], [where]);
  assert.equal(both.promises.find((p) => p.checker === 'bad-input')!.status, 'not-checked');
});

test('a promises row reads back only when its fields agree; one written before status reads by held', () => {
  const row = (fields: Record<string, unknown>) =>
    parsePromisesVerdict(JSON.stringify({ promises: [{ checker: 'x', promise: 'p', ...fields }] }))
      ?.promises[0];
  assert.equal(row({ held: true, violations: 0 })?.status, 'held');
  assert.equal(row({ held: false, violations: 2 })?.status, 'broken');
  assert.equal(row({ status: 'not-checked', held: false, violations: 0, reason: 'r' })?.reason, 'r');
  for (const bad of [
    { status: 'not-checked', held: true, violations: 0, reason: 'r' },
    { status: 'not-checked', held: false, violations: 0 },
    { status: 'not-checked', held: false, violations: 1, reason: 'r' },
    { status: 'not-exercised', held: true, violations: 0, reason: 'r' },
    { status: 'not-exercised', held: false, violations: 0 },
    { status: 'held', held: false, violations: 0 },
    { status: 'held', held: true, violations: 1 },
    { status: 'broken', held: false, violations: 0 },
    { status: 'maybe', held: false, violations: 0 },
  ])
    assert.equal(row(bad), undefined, JSON.stringify(bad));
});

test("the simulator names itself: simulated mode, this engine's version and a commit", async () => {
  const cluster = await SimulatedCluster.build({
    regions: ['us-east', 'eu-west'],
    shardsPerRegion: 1,
    schema: SCENARIO_SCHEMA,
    seed: 1,
  });
  const system = cluster.systemUnderTest();
  assert.equal(system.mode, 'simulated');
  assert.equal(system.engine, 'tidal-engine');
  assert.match(system.version, /^\d+\.\d+\.\d+/);
  assert.match(system.commit, /^([0-9a-f]{40}|unknown)$/);
  assert.deepEqual(parseSystemUnderTest(JSON.stringify(system)), system);
  assert.equal(parseSystemUnderTest(JSON.stringify({ ...system, mode: 'other' })), undefined);
  const real = { ...system, mode: 'real-processes', parts: ['tidal-node (protocol 1)', 'etcd 3.4.23'] };
  assert.deepEqual(parseSystemUnderTest(JSON.stringify(real)), real);
  assert.equal(parseSystemUnderTest(JSON.stringify({ ...real, parts: 'etcd' })), undefined);
  assert.equal(parseSystemUnderTest(JSON.stringify({ ...real, parts: [3] })), undefined);
  cluster.close();
});
