/**
 * The promise checker on a reported run: states built by hand as nodes would report them, one
 * broken promise at a time, and what it says it could not judge.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decaySum, Schema, type AckPolicy, type Hlc } from '../../engine';
import type { LogEvent, StateEntry, StateResponse } from '../../server/protocol';
import { reportedContent } from './content';
import type { WriteRecord } from './history';
import type { FailoverRecord } from './idempotency';
import { PROMISES } from './promises';
import { checkReportedRun, NOT_JUDGED_FROM_REPORTS, type ReportedRun } from './reported';

const HOUR = 3_600_000;
const schema = new Schema({ signals: { click: { halfLifeMs: HOUR }, purchase: { halfLifeMs: 2 * HOUR } } });
const AT = 10_000;

function write(id: number, over: Partial<WriteRecord> = {}): WriteRecord {
  const seqNo = over.seqNo ?? id;
  const hlc: Hlc = { wallMs: 1_000 + id, logical: 0, node: 'us-east' };
  return {
    id,
    via: 'us-east',
    tenant: '',
    entity: 'a-1',
    signal: 'click',
    weight: 1,
    timeMs: 1_000 + id,
    shard: 0,
    seqNo,
    epoch: 1,
    hlc,
    local: false,
    retry: false,
    idempotencyKey: '',
    acceptedBy: 'us-east',
    ackReachedClient: true,
    committed: true,
    committedAtMs: 1_000 + id,
    atMs: 1_000 + id,
    clockMs: 1_000 + id,
    ...over,
  };
}

function logged(w: WriteRecord): LogEvent {
  return {
    seqNo: w.seqNo,
    signal: w.signal,
    tenant: w.tenant,
    entity: w.entity,
    weight: w.weight,
    timeMs: w.timeMs,
    hlc: w.hlc,
    origin: `${w.acceptedBy}@${w.epoch}`,
    originVersion: w.seqNo,
    idempotencyKey: w.idempotencyKey,
  };
}

/** The entry a replica holding exactly `writes` (of one key) reports at AT. */
function entry(writes: readonly WriteRecord[], over: Partial<StateEntry> = {}): StateEntry {
  const w = writes[0]!;
  const versions: Record<string, number> = {};
  for (const x of writes) versions[`${x.acceptedBy}@${x.epoch}`] = x.seqNo;
  return {
    tenant: w.tenant,
    entity: w.entity,
    signal: w.signal,
    writeCount: writes.length,
    score: decaySum(writes, AT, schema.halfLifeMs(schema.signalIndex(w.signal))),
    versions,
    ...over,
  };
}

function state(
  region: string,
  writes: readonly WriteRecord[],
  over: Partial<StateResponse> = {},
): StateResponse {
  return {
    region,
    shard: 0,
    role: region === 'us-east' ? 'leader' : 'follower',
    term: 1,
    appliedSeqNo: writes.length,
    ackPolicy: 'leader',
    entries: writes.length ? [entry(writes)] : [],
    log: writes.map(logged),
    dropped: [],
    ...over,
  };
}

function run(
  writes: WriteRecord[],
  states: { 'us-east': StateResponse; 'eu-west': StateResponse },
  over: Partial<ReportedRun> & { ackPolicy?: AckPolicy } = {},
): ReportedRun {
  return {
    regions: ['us-east', 'eu-west'],
    shardCount: 1,
    schema,
    history: { writes, reads: [] },
    ackPolicy: 'leader',
    partitionPolicy: 'leader-only',
    idempotencyRetentionMs: 600_000,
    failovers: [],
    faults: [],
    atMs: AT,
    leaderOf: () => 'us-east',
    shardFor: () => 0,
    replicas: (['us-east', 'eu-west'] as const).map((region) => ({
      name: `${region}/0`,
      region,
      shard: 0,
      up: true,
      state: states[region],
    })),
    ...over,
  };
}

const checkers = (r: ReportedRun): string[] => checkReportedRun(r).violations.map((v) => v.checker);

test('reported run: a clean run breaks nothing and names what it could not judge', () => {
  const ws = [write(1), write(2, { weight: 2.5 })];
  const check = checkReportedRun(
    run(ws, { 'us-east': state('us-east', ws), 'eu-west': state('eu-west', ws) }),
  );
  assert.deepEqual(check.violations, []);
  assert.deepEqual(check.lost, []);
  assert.deepEqual(
    check.unchecked.map((u) => u.checker),
    ['hlc', 'epoch', 'log', 'quorum', 'corruption'],
  );
  for (const u of check.unchecked) assert.ok(u.reason.length > 20 && !u.reason.includes('\n'), u.reason);
  // Everything else in PROMISES but convergence (the caller's) and bad-input (the steps') is judged.
  const judged = PROMISES.map((p) => p.checker).filter(
    (c) => c !== 'convergence' && c !== 'bad-input' && !NOT_JUDGED_FROM_REPORTS.some((u) => u.checker === c),
  );
  assert.deepEqual(judged, ['lost-write', 'double-count', 'score', 'idempotency', 'session']);
});

test('reported run: lost write: a follower holds none of an acknowledged write', () => {
  const ws = [write(1)];
  const check = checkReportedRun(
    run(ws, { 'us-east': state('us-east', ws), 'eu-west': state('eu-west', []) }),
  );
  assert.deepEqual(
    check.violations.map((v) => v.checker),
    ['lost-write'],
  );
  assert.match(check.violations[0]!.message, /eu-west\/0 holds none of the 1 acknowledged write/);
});

test('reported run: lost write: a follower counts fewer writes than were acknowledged', () => {
  const ws = [write(1), write(2)];
  const eu = state('eu-west', ws, { entries: [entry(ws, { writeCount: 1 })] });
  assert.deepEqual(checkers(run(ws, { 'us-east': state('us-east', ws), 'eu-west': eu })), ['lost-write']);
});

test('reported run: double count: a replica counts a write twice', () => {
  const ws = [write(1)];
  const eu = state('eu-west', ws, { entries: [entry(ws, { writeCount: 2, score: 2 * entry(ws).score })] });
  const check = checkReportedRun(run(ws, { 'us-east': state('us-east', ws), 'eu-west': eu }));
  assert.deepEqual(
    check.violations.map((v) => v.checker),
    ['double-count'],
  );
  assert.match(check.violations[0]!.message, /eu-west\/0 counts 2 writes to a-1 click; 1 were acknowledged/);
});

test('reported run: score: a replica reports a score the writes it holds do not give', () => {
  const ws = [write(1), write(2, { signal: 'purchase', weight: 3 })];
  const clicks = [ws[0]!];
  const purchases = [ws[1]!];
  const good = (region: string): StateResponse =>
    state(region, ws, { entries: [entry(clicks), entry(purchases)] });
  const bad = state('eu-west', ws, { entries: [entry(clicks), entry(purchases, { score: 3 })] });
  assert.deepEqual(checkers(run(ws, { 'us-east': good('us-east'), 'eu-west': good('eu-west') })), []);
  const check = checkReportedRun(run(ws, { 'us-east': good('us-east'), 'eu-west': bad }));
  assert.deepEqual(
    check.violations.map((v) => v.checker),
    ['score'],
  );
  assert.match(check.violations[0]!.message, /eu-west\/0 scores a-1 purchase at 3/);
});

test('reported run: scores are judged at the time they were read, never another', () => {
  const ws = [write(1)];
  const content = reportedContent(state('us-east', ws), schema, AT);
  assert.equal([...content.entries(AT)].length, 1);
  assert.throws(
    () => content.entries(AT + 1),
    /reported its scores at 10000 ms; they cannot be judged at 10001 ms/,
  );
});

/**
 * Write 1 replicated; write 2 acknowledged by us-east in epoch 1 and never replicated; shard 0
 * fails over to eu-west (epoch 2), and us-east drops write 2 from its log when it follows.
 */
function failoverRun(policy: AckPolicy, committed: boolean): ReportedRun {
  const w1 = write(1, { committed: true });
  const w2 = write(2, { committed, committedAtMs: committed ? 1_002 : null });
  const failover: FailoverRecord = { shard: 0, atMs: 5_000, from: 'us-east', to: 'eu-west', epoch: 2 };
  const kept = [w1];
  const us = state('us-east', kept, {
    role: 'follower',
    term: 2,
    ackPolicy: policy,
    dropped: [{ term: 2, event: logged(w2), atMs: 5_001 }],
  });
  const eu = state('eu-west', kept, { role: 'leader', term: 2, ackPolicy: policy });
  return run(
    [w1, w2],
    { 'us-east': us, 'eu-west': eu },
    {
      ackPolicy: policy,
      failovers: [failover],
      leaderOf: () => 'eu-west',
    },
  );
}

test("reported run: a dropped suffix: under 'leader' acks the write a failover lost is reported, not failed", () => {
  const check = checkReportedRun(failoverRun('leader', true));
  assert.deepEqual(check.violations, []);
  assert.deepEqual(
    check.lost.map((w) => w.id),
    [2],
  );
});

test("reported run: a dropped suffix: under 'quorum' acks a committed write lost in a failover is a violation", () => {
  const check = checkReportedRun(failoverRun('quorum', true));
  assert.deepEqual(
    check.violations.map((v) => v.checker),
    ['lost-write'],
  );
  assert.match(
    check.violations[0]!.message,
    /committed write #2 .* was lost in a failover under quorum acks/,
  );
  // One never committed (its ack's promise rejected) may be lost: the client was told so.
  assert.deepEqual(checkers(failoverRun('quorum', false)), []);
});

test('reported run: lost write: a drop no failover explains', () => {
  const r = failoverRun('leader', true);
  assert.deepEqual(checkers({ ...r, failovers: [] }), ['lost-write']);
});

test('reported run: log: a replica logs an acknowledged write at another SeqNo', () => {
  const ws = [write(1), write(2)];
  const eu = state('eu-west', ws, { log: [logged(ws[0]!), { ...logged(ws[1]!), seqNo: 3 }] });
  const check = checkReportedRun(run(ws, { 'us-east': state('us-east', ws), 'eu-west': eu }));
  assert.deepEqual(
    check.violations.map((v) => v.checker),
    ['log'],
  );
  assert.match(
    check.violations[0]!.message,
    /eu-west\/0 holds at SeqNo 3 .* acknowledged that write as SeqNo 2/,
  );
});

test('reported run: idempotency: a keyed write applied twice within the window', () => {
  const ws = [write(1, { idempotencyKey: 'k' }), write(2, { idempotencyKey: 'k' })];
  const s = (region: string): StateResponse => state(region, ws);
  assert.deepEqual(checkers(run(ws, { 'us-east': s('us-east'), 'eu-west': s('eu-west') })), ['idempotency']);
});

test('reported run: a down replica is not judged; a live one whose state was not read is an error', () => {
  const ws = [write(1)];
  const r = run(ws, { 'us-east': state('us-east', ws), 'eu-west': state('eu-west', []) });
  const down = r.replicas.map((x) => (x.region === 'eu-west' ? { ...x, up: false, state: undefined } : x));
  assert.deepEqual(checkers({ ...r, replicas: down }), []);
  const unread = r.replicas.map((x) => (x.region === 'eu-west' ? { ...x, state: undefined } : x));
  assert.throws(
    () => checkReportedRun({ ...r, replicas: unread }),
    /eu-west\/0 is up but its state was not read/,
  );
});

test('reported run: a state of an undeclared signal or another policy is an error, not a verdict', () => {
  const ws = [write(1)];
  const odd = state('eu-west', ws, { entries: [entry(ws, { signal: 'klick' })] });
  assert.throws(
    () => checkReportedRun(run(ws, { 'us-east': state('us-east', ws), 'eu-west': odd })),
    /eu-west\/0 reports signal "klick", which the schema does not declare/,
  );
  const quorum = state('eu-west', ws, { ackPolicy: 'quorum' });
  assert.throws(
    () => checkReportedRun(run(ws, { 'us-east': state('us-east', ws), 'eu-west': quorum })),
    /runs with 'quorum' acks, the deployment with 'leader'/,
  );
});
