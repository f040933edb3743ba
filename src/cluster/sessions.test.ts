/**
 * Client sessions and tenant views over a simulated cluster: the 'wait' and 'redirect' policies,
 * stale reads in bounded virtual time, tenant isolation, and — as properties over arbitrary
 * seeds, lag, partitions and retry schedules — read-your-writes, monotonic reads, and writes
 * that count exactly once however often they are retried or delivered.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  CrossTenantAccessError,
  decaySum,
  IdempotencyConflictError,
  InvalidInputError,
  scoresMatch,
  StaleReadError,
  UnavailableError,
  type WriteAck,
} from '../engine';
import { countsInEveryRegion } from './checkers/counts';
import { checkRetries } from './checkers/retries';
import { hlcKey } from './checkers/history';
import { SimulatedCluster, type ClusterConfig } from './index';

const HOUR = 3_600_000;
const schema = { signals: { click: { halfLifeMs: HOUR } } };
const REGIONS = ['us-east', 'eu-west', 'ap-south'];

function build(extra: Partial<ClusterConfig> = {}): Promise<SimulatedCluster> {
  return SimulatedCluster.build({
    regions: REGIONS,
    shardsPerRegion: 2,
    schema,
    seed: 7,
    sampleLagEveryMs: 0,
    ...extra,
  });
}

test('session: wait: a lagging follower serves the read once it has caught up, and says how long that took', async () => {
  const c = await build();
  c.setNetworkFaults({ delayMs: 300 }, { from: 'us-east', to: 'eu-west' });
  const s = c.session('eu-west', { policy: 'wait', timeoutMs: 1_000 });
  const ack = s.write('click', 'a-1', 2);
  const start = c.now();
  const r = await s.read('a-1', 'click');
  assert.equal(r.servedBy, 'eu-west');
  assert.equal(r.redirected, false);
  assert.ok(r.waitedMs >= 300 && r.waitedMs < 1_000, `waited ${r.waitedMs}`);
  assert.equal(c.now() - start, r.waitedMs);
  assert.ok(r.appliedSeqNo >= ack.seqNo);
  assert.ok(Math.abs(r.score! - 2) < 1e-3);
});

test('session: redirect: the leader serves the read and the result names it', async () => {
  const c = await build();
  c.setNetworkFaults({ delayMs: 300 }, { from: 'us-east', to: 'eu-west' });
  const s = c.session('eu-west', { policy: 'redirect' });
  s.write('click', 'a-1', 2);
  const r = await s.read('a-1', 'click');
  assert.deepEqual(
    { servedBy: r.servedBy, redirected: r.redirected, waitedMs: r.waitedMs },
    { servedBy: 'us-east', redirected: true, waitedMs: 0 },
  );
  assert.equal(c.now(), 0); // a redirect does not move time
});

test('session: wait: a partitioned follower fails with StaleReadError after exactly the timeout', async () => {
  const c = await build();
  const s = c.session('us-east', { policy: 'wait', timeoutMs: 750 });
  s.write('click', 'a-1', 1);
  await c.awaitFullConvergence();
  c.injectPartition('us-east', 'eu-west');
  s.write('click', 'a-1', 1);
  s.write('click', 'a-1', 1);
  s.moveTo('eu-west');
  const start = c.now();
  await assert.rejects(s.read('a-1', 'click'), (err: unknown) => {
    assert.ok(err instanceof StaleReadError);
    assert.deepEqual(
      { region: err.region, applied: err.appliedSeqNo, hwm: err.sessionHwm, waited: err.waitedMs },
      { region: 'eu-west', applied: 1, hwm: 3, waited: 750 },
    );
    assert.match(err.message, /applied SeqNo 1 < session high-water mark 3 after waiting 750 ms/);
    return true;
  });
  assert.equal(c.now() - start, 750);
  c.healAllPartitions();
  const r = await s.read('a-1', 'click'); // after the heal the same read succeeds
  assert.equal(r.servedBy, 'eu-west');
  assert.equal(r.appliedSeqNo, 3);
});

test('session: a crashed replica is unavailable to a waiting read and redirected around by the other policy', async () => {
  const c = await build();
  const shard = c.controlPlane.tenantRouter.shardFor('', 'a-1');
  c.writeSignal('click', 'a-1', 1);
  await c.awaitFullConvergence();
  c.crash('eu-west', shard);
  await assert.rejects(
    c.session('eu-west', { timeoutMs: 100 }).read('a-1', 'click'),
    (e: unknown) => e instanceof UnavailableError && /replica is down/.test(e.message),
  );
  const r = await c.session('eu-west', { policy: 'redirect' }).read('a-1', 'click');
  assert.equal(r.servedBy, 'us-east');
  c.restart('eu-west', shard);
});

test('session: bad input: an unknown region, policy or signal is refused before anything happens', async () => {
  const c = await build();
  const s = c.session('eu-west');
  assert.throws(() => s.moveTo('mars'), InvalidInputError);
  assert.throws(() => c.session('eu-west', { policy: 'later' as never }), /'wait' or 'redirect'/);
  await assert.rejects(s.read('a-1', 'nope'), /unknown signal/);
  assert.equal(s.region, 'eu-west');
});

test('session: ids count per cluster, so a seed replays the same ids', async () => {
  const a = await build();
  const b = await build();
  assert.deepEqual([a.session('us-east').id, a.session('us-east').id], [1, 2]);
  assert.equal(b.session('us-east').id, 1);
});

test('tenant: two tenants with the same entity id see only their own scores', async () => {
  const c = await build();
  c.tenant('acme').writeSignal('click', 'a-1', 3);
  c.tenant('globex').writeSignal('click', 'a-1', 5);
  await c.awaitFullConvergence();
  for (const r of REGIONS) {
    assert.ok(Math.abs(c.tenant('acme').readDecayScore(r, 'a-1', 'click')! - 3) < 1e-3);
    assert.ok(Math.abs(c.tenant('globex').readDecayScore(r, 'a-1', 'click')! - 5) < 1e-3);
    assert.equal(c.readDecayScore(r, 'a-1', 'click'), undefined);
  }
  const s = c.tenant('acme').session('eu-west');
  s.write('click', 'a-1', 1);
  const read = await s.read('a-1', 'click');
  assert.ok(Math.abs(read.score! - 4) < 1e-3);
});

test('tenant: a read of another tenant’s shard is a typed error, never data', async () => {
  const c = await build({
    shardsPerRegion: 4,
    tenants: {
      acme: { homeRegion: 'us-east', shards: [0, 1] },
      globex: { homeRegion: 'eu-west', shards: [2, 3] },
    },
  });
  const ack = c.tenant('globex').writeSignal('click', 'a-1', 5);
  assert.ok([2, 3].includes(ack.shard));
  await c.awaitFullConvergence();
  assert.throws(
    () => c.tenant('acme').readFromShard('eu-west', ack.shard, 'a-1', 'click'),
    (e: unknown) => e instanceof CrossTenantAccessError && e.owner === 'globex',
  );
  assert.equal(c.tenant('globex').homeRegion, 'eu-west');
  assert.equal(c.tenant('globex').session().region, 'eu-west'); // a tenant's session starts at home
  assert.throws(() => c.tenant('globex').session('mars'), InvalidInputError);
  assert.deepEqual(c.tenant('acme').shards, [0, 1]);
  assert.equal(
    c.tenant('globex').readFromShard('us-east', ack.shard, 'a-1', 'click'),
    c.tenant('globex').readDecayScore('us-east', 'a-1', 'click'),
  );
});

test('idempotency: a key reused for an entity on another shard is a conflict too', async () => {
  const c = await build();
  const [a, b] = ['a-1', 'a-2', 'a-3', 'a-4'].reduce<string[]>((acc, e) => {
    if (
      acc.length === 0 ||
      c.controlPlane.tenantRouter.shardFor('', e) !== c.controlPlane.tenantRouter.shardFor('', acc[0]!)
    )
      acc.push(e);
    return acc;
  }, []);
  assert.ok(a && b, 'two entities on different shards');
  c.writeSignal('click', a, 1, { idempotencyKey: 'k' });
  assert.throws(() => c.writeSignal('click', b, 1, { idempotencyKey: 'k' }), IdempotencyConflictError);
  assert.doesNotThrow(() => c.tenant('acme').writeSignal('click', b, 1, { idempotencyKey: 'k' })); // another tenant's key
  await c.awaitFullConvergence();
  assert.deepEqual(
    countsInEveryRegion(c, b, 'click').map((x) => x.writeCount),
    [0, 0, 0],
  );
});

test('idempotency: a retry after two failovers gets the original ack, epoch included', async () => {
  const c = await build({ shardsPerRegion: 1 });
  const cut = c.injectPartition('us-east', 'ap-south');
  const first = c.writeSignal('click', 'a-1', 1, { idempotencyKey: 'k' });
  await c.advance(100);
  await c.failover(0, 'eu-west');
  cut.heal();
  await c.awaitFullConvergence(); // ap-south gets the epoch-1 write from the epoch-2 leader
  await c.failover(0, 'ap-south');
  const retry = c.writeSignal('click', 'a-1', 1, { idempotencyKey: 'k' });
  assert.deepEqual(
    { retry: retry.retry, seqNo: retry.seqNo, epoch: retry.epoch, hlc: retry.hlc },
    { retry: true, seqNo: first.seqNo, epoch: first.epoch, hlc: first.hlc },
  );
  assert.deepEqual(checkRetries(c.history, 'k').mismatches, []);
});

// --- properties ------------------------------------------------------------------------------

type SessionOp =
  | { kind: 'write'; entity: number }
  | { kind: 'other'; entity: number }
  | { kind: 'read'; entity: number }
  | { kind: 'move'; region: number }
  | { kind: 'advance'; ms: number }
  | { kind: 'partition'; region: number }
  | { kind: 'heal' };

const sessionOp: fc.Arbitrary<SessionOp> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('write' as const), entity: fc.nat(3) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('other' as const), entity: fc.nat(3) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('read' as const), entity: fc.nat(3) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('move' as const), region: fc.nat(2) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.nat(400) }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('partition' as const), region: fc.integer({ min: 1, max: 2 }) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('heal' as const) }) },
);

test('session: property: read-your-writes and monotonic reads under arbitrary lag, reordering and partitions', async (t) => {
  const seen = { reads: 0, waited: 0, redirected: 0, stale: 0 };
  await fc.assert(
    fc.asyncProperty(
      fc.nat(1_000_000),
      fc.constantFrom('wait' as const, 'redirect' as const),
      fc.constantFrom(0, 50, 300, 1_000),
      fc.tuple(fc.nat(400), fc.nat(400), fc.boolean()),
      fc.array(sessionOp, { maxLength: 40, size: 'medium' }),
      async (seed, policy, timeoutMs, [lagEu, lagAp, reorder], ops) => {
        const c = await build({ seed });
        c.setNetworkFaults({ delayMs: lagEu, reorder }, { from: 'us-east', to: 'eu-west' });
        c.setNetworkFaults({ delayMs: lagAp, reorder }, { from: 'us-east', to: 'ap-south' });
        const s = c.session(REGIONS[1]!, { policy, timeoutMs });
        const own = [0, 0];
        const last = [0, 0];
        const acks: WriteAck[] = [];
        for (const o of ops) {
          if (o.kind === 'write' || o.kind === 'other') {
            try {
              const ack =
                o.kind === 'write'
                  ? s.write('click', `e${o.entity}`, 1)
                  : c.writeSignal('click', `e${o.entity}`, 1);
              acks.push(ack);
              if (o.kind === 'write') own[ack.shard] = Math.max(own[ack.shard]!, ack.seqNo);
            } catch (err) {
              assert.ok(err instanceof UnavailableError, String(err)); // cut off from the leader
            }
          } else if (o.kind === 'read') {
            const entity = `e${o.entity}`;
            try {
              const r = await s.read(entity, 'click');
              assert.ok(
                r.appliedSeqNo >= own[r.shard]!,
                `read-your-writes: ${r.appliedSeqNo} < ${own[r.shard]}`,
              );
              assert.ok(
                r.appliedSeqNo >= last[r.shard]!,
                `monotonic: ${r.appliedSeqNo} after ${last[r.shard]}`,
              );
              last[r.shard] = r.appliedSeqNo;
              seen.reads++;
              if (r.waitedMs > 0) seen.waited++;
              if (r.redirected) seen.redirected++;
              assert.equal(r.servedBy, r.redirected ? c.controlPlane.leaderOf(r.shard) : s.region);
              const held = acks.filter((a) => a.shard === r.shard && a.seqNo <= r.appliedSeqNo);
              const mine = c.history.writes.filter(
                (w) => w.entity === entity && held.some((a) => a.seqNo === w.seqNo),
              );
              const want = mine.length ? decaySum(mine, c.now(), HOUR) : undefined;
              assert.ok(
                want === undefined
                  ? r.score === undefined
                  : r.score !== undefined && scoresMatch(r.score, want, 1e-9),
                `score ${r.score} ≠ ${want}`,
              );
            } catch (err) {
              assert.ok(err instanceof StaleReadError, String(err));
              seen.stale++;
              assert.equal(policy, 'wait');
              assert.equal(err.waitedMs, timeoutMs);
              assert.ok(err.appliedSeqNo < err.sessionHwm);
            }
          } else if (o.kind === 'move') s.moveTo(REGIONS[o.region]!);
          else if (o.kind === 'advance') await c.advance(o.ms);
          else if (o.kind === 'partition') c.injectPartition('us-east', REGIONS[o.region]!);
          else c.healAllPartitions();
        }
        c.healEverything();
        await c.awaitFullConvergence(60_000);
        assert.deepEqual(c.checkInvariants(), []);
      },
    ),
    { numRuns: 1000 },
  );
  t.diagnostic(
    `reads served ${seen.reads} (after waiting ${seen.waited}, redirected ${seen.redirected}), stale-read errors ${seen.stale}`,
  );
});

type RetryOp =
  | { kind: 'send'; key: number; entity: number; weight: number; via: number }
  | { kind: 'retry'; key: number; via: number }
  | { kind: 'advance'; ms: number }
  | { kind: 'toExpiry'; key: number; offsetMs: -1 | 0 }
  | { kind: 'cutAck'; via: number }
  | { kind: 'failover'; entity: number; to: number };

const retryOp: fc.Arbitrary<RetryOp> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('send' as const),
      key: fc.nat(3),
      entity: fc.nat(2),
      weight: fc.integer({ min: 1, max: 2 }),
      via: fc.nat(2),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('retry' as const), key: fc.nat(3), via: fc.nat(2) }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.nat(600) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('toExpiry' as const),
      key: fc.nat(3),
      offsetMs: fc.constantFrom(-1 as const, 0 as const),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('cutAck' as const), via: fc.integer({ min: 1, max: 2 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('failover' as const), entity: fc.nat(2), to: fc.nat(2) }),
  },
);

test('idempotency: property: under any retry, duplicate, reorder, lost-ack and failover schedule a write counts once', async (t) => {
  const R = 1_000;
  const seen = { writes: 0, retries: 0, conflicts: 0, acksLost: 0, failovers: 0 };
  await fc.assert(
    fc.asyncProperty(
      fc.nat(1_000_000),
      fc.record({
        duplicateRate: fc.constantFrom(0, 0.5, 1),
        reorder: fc.boolean(),
        dropRate: fc.constantFrom(0, 0.2),
      }),
      fc.array(retryOp, { maxLength: 40, size: 'medium' }),
      async (seed, faults, ops) => {
        const c = await build({ seed, idempotencyRetentionMs: R });
        c.setNetworkFaults(faults);
        const keys = new Map<string, { entity: string; weight: number; atMs: number; answer: string }>();
        const counts = new Map<string, number>();
        const sent = new Map<string, { entity: number; weight: number }>();
        for (const op of ops) {
          // A retry sends a key's last payload again, whatever became of it.
          const last = op.kind === 'retry' ? sent.get(`k${op.key}`) : undefined;
          if (op.kind === 'retry' && !last) continue;
          const o: Exclude<RetryOp, { kind: 'retry' }> =
            op.kind === 'retry' ? { kind: 'send', key: op.key, via: op.via, ...last! } : op;
          if (o.kind === 'send') {
            sent.set(`k${o.key}`, { entity: o.entity, weight: o.weight });
            const [key, entity, via] = [`k${o.key}`, `e${o.entity}`, REGIONS[o.via]!];
            const held = keys.get(key);
            const live = held !== undefined && c.now() < held.atMs + R;
            const shard = c.controlPlane.tenantRouter.shardFor('', entity);
            const leader = c.controlPlane.leaderOf(shard);
            const ackLost = via !== leader && c.network.isCut(leader, via);
            if (via !== leader && c.network.isCut(via, leader)) {
              // Cut off from the leader: refused before anything is checked or written.
              assert.throws(
                () => c.writeSignal('click', entity, o.weight, { via, idempotencyKey: key }),
                UnavailableError,
              );
              continue;
            }
            let ack: WriteAck | undefined;
            try {
              ack = c.writeSignal('click', entity, o.weight, { via, idempotencyKey: key });
            } catch (err) {
              if (live && (held.entity !== entity || held.weight !== o.weight)) {
                assert.ok(err instanceof IdempotencyConflictError, `expected a conflict, got ${String(err)}`);
                seen.conflicts++;
                continue;
              }
              assert.ok(ackLost && err instanceof UnavailableError, String(err));
              seen.acksLost++;
            }
            assert.ok(
              !live || (held.entity === entity && held.weight === o.weight),
              'a conflicting payload must throw',
            );
            const answered = c.history.writes.at(-1)!;
            const answer = `shard ${answered.shard} SeqNo ${answered.seqNo} epoch ${answered.epoch} ${hlcKey(answered.hlc)}`;
            if (live) {
              assert.deepEqual([answered.retry, answer], [true, held.answer], 'a retry gets the first ack');
              if (ack) assert.equal(ack.retry, true);
              seen.retries++;
            } else {
              seen.writes++;
              assert.equal(answered.retry, false);
              // The window runs from the write's HLC stamp (whole ms), as the engine and the
              // promise checker judge it; no clock is skewed here, so a node's clock is cluster time.
              keys.set(key, { entity, weight: o.weight, atMs: answered.hlc.wallMs, answer });
              counts.set(entity, (counts.get(entity) ?? 0) + 1);
            }
          } else if (o.kind === 'advance') await c.advance(o.ms);
          else if (o.kind === 'toExpiry') {
            const held = keys.get(`k${o.key}`);
            if (held) await c.advance(Math.max(0, held.atMs + R + o.offsetMs - c.now()));
          } else if (o.kind === 'cutAck') {
            c.injectOneWayPartition('us-east', REGIONS[o.via]!);
          } else {
            c.healAllPartitions();
            await c.awaitFullConvergence(60_000);
            const shard = c.controlPlane.tenantRouter.shardFor('', `e${o.entity}`);
            const to = REGIONS[o.to]!;
            if (to !== c.controlPlane.leaderOf(shard)) {
              await c.failover(shard, to);
              seen.failovers++;
            }
          }
        }
        c.healEverything();
        await c.awaitFullConvergence(60_000);
        for (let e = 0; e < 3; e++)
          for (const r of countsInEveryRegion(c, `e${e}`, 'click'))
            assert.equal(r.writeCount, counts.get(`e${e}`) ?? 0, `${r.region} counts e${e}`);
        assert.deepEqual(c.checkInvariants(), []);
      },
    ),
    { numRuns: 1000 },
  );
  t.diagnostic(
    `new writes ${seen.writes}, retries answered ${seen.retries}, conflicts ${seen.conflicts}, lost acks ${seen.acksLost}, failovers ${seen.failovers}`,
  );
});
