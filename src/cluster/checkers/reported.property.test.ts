/**
 * One checker, two ways of reading a run: a simulated run judged from its engines
 * (`checkPromises`) and the same run judged from the StateResponses its nodes would report
 * (`checkReportedRun` over `reportedRunOf`) find the same lost, double-counted and misscored
 * writes, broken idempotency and sessions, and the same lost writes. Runs draw writes (keyed,
 * tenanted, entering at any region), session reads, partitions, crashes and failovers, under
 * either ack and partition policy; some are then tampered with (a replica counts a write twice,
 * the history claims a write no replica holds, a client was told another weight) so that the
 * two readings are compared on broken runs too, not only on clean ones.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { SimulatedCluster } from '../cluster';
import { TidalError } from '../../engine';
import { ConvergenceTimeoutError } from '../errors';
import { checkPromises } from './promises';
import { checkReportedRun } from './reported';
import { reportedRunOf } from './state-of';

const REGIONS = ['us-east', 'eu-west', 'ap-south'];
const schema = { signals: { click: { halfLifeMs: 3_600_000 }, purchase: { halfLifeMs: 600_000 } } };
const JUDGED_FROM_REPORTS = new Set(['lost-write', 'double-count', 'score', 'idempotency', 'session']);

const region = fc.constantFrom(...REGIONS);
const step = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      op: fc.constant('write' as const),
      via: region,
      entity: fc.integer({ min: 0, max: 5 }),
      signal: fc.constantFrom('click', 'purchase'),
      weight: fc.constantFrom(1, 2.5, -1),
      key: fc.option(fc.integer({ min: 0, max: 3 })),
      tenant: fc.constantFrom('', 'acme'),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('read' as const),
      region,
      entity: fc.integer({ min: 0, max: 5 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('partition' as const), a: region, b: region }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('failover' as const),
      shard: fc.integer({ min: 0, max: 1 }),
      to: region,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('crash' as const),
      region,
      shard: fc.integer({ min: 0, max: 1 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('heal' as const) }) },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('run' as const), ms: fc.integer({ min: 1, max: 400 }) }),
  },
);
const tamper = fc.constantFrom('none', 'double-apply', 'phantom-write', 'other-weight', 'session-score');

type Step = typeof step extends fc.Arbitrary<infer T> ? T : never;

async function perform(c: SimulatedCluster, s: Step): Promise<void> {
  try {
    if (s.op === 'write')
      c.writeSignal(s.signal, `e-${s.entity}`, s.weight, {
        via: s.via,
        ...(s.key === null ? {} : { idempotencyKey: `k-${s.key}` }),
        ...(s.tenant ? { tenant: s.tenant } : {}),
      });
    else if (s.op === 'read') {
      // Mostly a key some client wrote (a read of nothing is judged too, but says less).
      const written = c.history.writes.filter((w) => w.tenant === '');
      const w = written[s.entity % (written.length + 1)];
      await c
        .session(s.region, { policy: 'redirect', timeoutMs: 200 })
        .read(w?.entity ?? `e-${s.entity}`, w?.signal ?? 'click');
    } else if (s.op === 'partition' && s.a !== s.b) c.injectPartition(s.a, s.b);
    else if (s.op === 'failover') await c.failover(s.shard, s.to);
    else if (s.op === 'crash' && c.node(s.region, s.shard).up) c.crash(s.region, s.shard);
    else if (s.op === 'heal') c.healEverything();
    else if (s.op === 'run') await c.advance(s.ms);
  } catch (err) {
    // A refusal the product makes (unavailable, stale read, failover refused, …) is part of the run.
    if (!(err instanceof TidalError)) throw err;
  }
}

/** Breaks the run after the fact, on purpose, so both readings must find the same breakage. */
function breakRun(c: SimulatedCluster, how: string): void {
  const writes = c.history.writes.filter((w) => !w.retry && !w.local);
  const w = writes[writes.length - 1];
  if (how === 'none' || !w) return;
  if (how === 'double-apply') {
    const node = c.node(REGIONS[1]!, w.shard);
    const [e] = node.db.wal.eventsFrom(w.seqNo, 1);
    if (e && node.up) node.db.store.apply({ ...e, origin: 'tamper@1', originVersion: 1 });
  } else if (how === 'phantom-write') {
    c.history.writes.push({
      ...w,
      id: c.history.writes.length + 1,
      seqNo: w.seqNo + 1000,
      entity: 'phantom',
    });
  } else if (how === 'other-weight') {
    w.weight += 1;
  } else if (how === 'session-score') {
    const r = c.history.reads.find((x) => x.score !== undefined);
    if (r) r.score = r.score! + 1;
  }
}

const judged = (vs: readonly { checker: string; message: string }[]): string[] =>
  vs.filter((v) => JUDGED_FROM_REPORTS.has(v.checker)).map((v) => `[${v.checker}] ${v.message}`);

test('reported run: judged from StateResponses built from the engines, a run gets the verdicts its engines get', async () => {
  let broken = 0;
  const seen = new Set<string>();
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 1_000_000 }),
      fc.constantFrom('leader' as const, 'quorum' as const),
      fc.constantFrom('leader-only' as const, 'accept-local' as const),
      fc.array(step, { minLength: 5, maxLength: 40 }),
      tamper,
      async (seed, ackPolicy, partitionPolicy, steps, how) => {
        const c = await SimulatedCluster.build({
          regions: REGIONS,
          shardsPerRegion: 2,
          schema,
          seed,
          ackPolicy,
          partitionPolicy,
          sampleLagEveryMs: 0,
        });
        try {
          for (const s of steps) await perform(c, s);
          c.healEverything();
          await c.awaitFullConvergence(60_000).catch((err: unknown) => {
            if (!(err instanceof ConvergenceTimeoutError)) throw err; // convergence is judged apart
          });
          await c.advance(100);
          breakRun(c, how);
          const direct = checkPromises(c);
          const reported = checkReportedRun(reportedRunOf(c));
          assert.deepEqual(judged(reported.violations), judged(direct.violations));
          assert.deepEqual(
            reported.lost.map((w) => w.id),
            direct.lost.map((w) => w.id),
          );
          assert.deepEqual(direct.unchecked, []);
          if (judged(direct.violations).length) broken++;
          for (const v of direct.violations) seen.add(v.checker);
        } finally {
          c.close();
        }
      },
    ),
    { numRuns: 60 },
  );
  assert.ok(broken > 5, `only ${broken} of 60 runs broke a promise: the comparison must see broken runs`);
  for (const checker of ['lost-write', 'double-count', 'score'])
    assert.ok(seen.has(checker), `no run broke ${checker}: the comparison must see it broken`);
});
