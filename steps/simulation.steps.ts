/**
 * Steps of the randomized fault simulation: running blocks of seeds and reading what the
 * simulator reports, and the sentences a shrunk schedule prints as — writes by tenants and through
 * regions with idempotency keys, named client sessions, misbehaving links, drifting clocks, a
 * crashing replica of one shard, test-only bug switches, and the final check of every promise.
 */
import { Then, When, defineStep, type DataTable } from '@cucumber/cucumber';
import { expect } from 'expect';
import { ClusterSession, SimulatorOnlyError } from '../src/cluster';
import {
  DEFAULT_OPTIONS,
  bugSwitch,
  failureReport,
  SIMULATION_STEPS,
  endItem,
  openSession,
  parseSchedule,
  runSchedule,
  sentencesOf,
  sessionName,
  simulate,
  startItem,
  type Failure,
  type Said,
  type SimOptions,
  type Summary,
} from '../src/sim';
import { wallClockAttachment } from '../src/report/attachments';
import type { TidalWorld } from './support/world';

// The simulator builds "a cluster of N regions" as the features do; a schedule replays only if so.

const simulations = new WeakMap<TidalWorld, Summary>();

function summary(world: TidalWorld): Summary {
  const s = simulations.get(world);
  if (!s) throw new Error('no simulation ran yet: add "When the simulator runs seeds … "');
  return s;
}

/**
 * Runs a block of seeds. What the scenario reports is a function of its seeds alone: the figures
 * and the log hold counts and virtual time, and shrinking is bounded by runs, not by a wall-clock
 * budget that a slow machine would hit sooner. Wall-clock figures go to their own attachment,
 * the one that differs between two runs of the same seed.
 */
async function runSeeds(world: TidalWorld, from: number, to: number, options: SimOptions): Promise<void> {
  const t0 = performance.now();
  const s = await simulate(
    {
      from,
      seeds: to - from + 1,
      options,
      maxFailures: options.bug ? 1 : 3,
      shrinkMaxRuns: 400, // a failing seed shrinks in a few dozen runs (under 0.3 s)
      shrinkBudgetMs: Number.POSITIVE_INFINITY,
    },
    { now: () => performance.now() },
  );
  const wallMs = Math.round(performance.now() - t0);
  simulations.set(world, s);
  world.figures.seedsRun = s.seedsRun;
  world.figures.failingSeeds = s.failures.map((f) => f.seed).join(', ') || 'none';
  world.figures.simulatedMs = Math.round(s.simulatedMs);
  world.logger.info({ ...world.figures }, 'simulation finished');
  const wallClock = wallClockAttachment({
    wallMs,
    seedsPerSecond: Number(s.seedsPerSecond.toFixed(2)),
    simulatedToWallRatio: Math.round(s.ratio),
  });
  world.attach(wallClock.body, { mediaType: wallClock.mediaType, fileName: wallClock.fileName });
}

function describe(f: Failure): string {
  const writes = f.result.cluster.history.writes;
  return [
    `seed ${f.seed} broke ${f.violations.length} promise(s):`,
    ...f.violations.slice(0, 5).map((v) => `  [${v.checker}] ${v.message}`),
    `  replay: ${f.replay}`,
    `  history: ${writes.length} writes, ${f.result.cluster.history.reads.length} session reads; first writes: ${JSON.stringify(writes.slice(0, 3))}`,
    `  faults: ${JSON.stringify(f.result.cluster.faultTimeline().slice(0, 5))}`,
    '  shrunk scenario:',
    f.gherkin,
  ].join('\n');
}

When(
  'the simulator runs seeds {int} to {int} with {int} operations each',
  async function (this: TidalWorld, from: number, to: number, ops: number) {
    await runSeeds(this, from, to, { ...DEFAULT_OPTIONS, ops });
  },
);

When(
  'the simulator runs seeds {int} to {int} with {int} operations each and the bug {string} switched on',
  async function (this: TidalWorld, from: number, to: number, ops: number, bug: string) {
    await runSeeds(this, from, to, { ...DEFAULT_OPTIONS, ops, bug: bugSwitch(bug).name });
  },
);

Then('all {int} seeds ran', function (this: TidalWorld, n: number) {
  const s = summary(this);
  expect({ seedsRun: s.seedsRun, stoppedEarly: s.stoppedEarly }).toEqual({
    seedsRun: n,
    stoppedEarly: false,
  });
});

Then('no seed broke a promise', function (this: TidalWorld) {
  const s = summary(this);
  if (s.failures.length) throw new Error(s.failures.map(describe).join('\n\n'));
  expect(s.seedsRun).toBeGreaterThan(0);
});

Then('every kind of fault struck in at least one seed:', function (this: TidalWorld, table: DataTable) {
  const struck = summary(this).faultsByKind;
  for (const [kind, n] of Object.entries(struck)) this.figures[`faults: ${kind}`] = n;
  const kinds = table.hashes().map((row) => row.fault!);
  // The table names every kind the simulator has: a new kind must be added to the feature.
  expect([...kinds].sort()).toEqual(Object.keys(struck).sort());
  expect(kinds.filter((k) => !(struck[k as keyof typeof struck] > 0))).toEqual([]);
});

Then('the simulator caught it with the {word} check', function (this: TidalWorld, checker: string) {
  const s = summary(this);
  expect(s.failures.map((f) => f.checker)).toEqual([checker]);
  this.figures.caughtOnSeed = s.failures[0]!.seed;
});

Then(
  'the shrunk schedule has at most {int} items and still breaks the {word} check',
  function (this: TidalWorld, max: number, checker: string) {
    const f = summary(this).failures[0]!;
    expect(f.shrunk).toBeDefined();
    expect(f.shrunk!.to).toBeLessThanOrEqual(max);
    expect(f.shrunk!.result.violations.map((v) => v.checker)).toContain(checker);
    this.attach(f.gherkin, { mediaType: 'text/plain', fileName: 'shrunk.feature' });
  },
);

Then(
  'replaying the shrunk schedule from its report breaks the {word} check again',
  async function (this: TidalWorld, checker: string) {
    const f = summary(this).failures[0]!;
    const stored = JSON.parse(JSON.stringify(failureReport(f))) as { shrunk: { schedule: unknown } };
    const replay = await runSchedule(parseSchedule(stored.shrunk.schedule), { bug: f.options.bug });
    expect(replay.violations.map((v) => v.checker)).toContain(checker);
  },
);

// --- the sentences of a printed schedule ---------------------------------------------------
// One step definition per row of the simulator's sentence table whose home is this file; the
// table (src/sim/sentences.ts) says which of its sentences other steps files define.

for (const row of sentencesOf(SIMULATION_STEPS)) {
  const arity = (row.expression.match(/\{\w*\}/g) ?? []).length + (row.expression.endsWith(':') ? 1 : 0);
  defineStep(
    row.expression,
    withArity(arity, async function (this: TidalWorld, ...values: unknown[]) {
      await replay(this, row.read(values));
    }),
  );
}

/** Cucumber checks a step function's declared parameter count; a rest parameter declares none. */
function withArity<F extends (...args: never[]) => unknown>(arity: number, fn: F): F {
  return Object.defineProperty(fn, 'length', { value: arity });
}

/**
 * Does what a sentence says, through the function the simulator's runner applies schedule items
 * with; a "tries to" write and a session read keep a refusal for a later step, as a run does.
 */
async function replay(world: TidalWorld, said: Said): Promise<void> {
  const c = world.sim;
  const session = (id: number): ClusterSession => namedSession(world, sessionName(id));
  switch (said.say) {
    case 'bug':
      return bugSwitch(said.bug).install(c);
    case 'session':
      world.clients.set(sessionName(said.session.id), openSession(c, said.session));
      return;
    case 'start': {
      const op = said.op;
      if (op.kind === 'bad-request')
        throw new Error('a bad request is a product sentence: see bad-input.steps.ts');
      const go = async (): Promise<void> => {
        if (op.kind === 'write' || op.kind === 'session-write') world.acks.push(startItem(c, op, session));
        else if (op.kind === 'session-read') world.lastRead = await startItem(c, op, session);
        else if (op.kind === 'partition' || op.kind === 'one-way-partition')
          world.partitions.push(startItem(c, op, session));
        else if (op.kind === 'failover') world.failovers.push(await startItem(c, op, session));
        else startItem(c, op, session);
      };
      return said.refused || op.kind === 'session-read' ? world.attempt(go) : go();
    }
    case 'end': {
      const h = said.heal;
      const cut =
        h.kind === 'partition'
          ? world.partitionBetween(h.a, h.b)
          : h.kind === 'one-way-partition'
            ? world.partitionBetween(h.from, h.to, true)
            : undefined;
      const recovery = endItem(c, h, cut);
      if (h.kind === 'crash' && recovery) world.recoveries.set(`${h.region}/${h.shard}`, recovery);
      return;
    }
    case 'check':
      return everyPromiseHolds(world);
    default:
      throw new Error(`"${said.say}" is said by a product step, not by this file`);
  }
}

/** A named client's session, as the simulator's runner drives it (its own, synchronous calls). */
function namedSession(world: TidalWorld, name: string): ClusterSession {
  const s = world.clients.get(name);
  if (!s) throw new Error(`client ${name} has no session: add "Given client ${name} has a session in …"`);
  if (!(s instanceof ClusterSession))
    throw new SimulatorOnlyError(`client ${name}'s session is replayed through the simulator's runner`);
  return s;
}

async function everyPromiseHolds(world: TidalWorld): Promise<void> {
  const { violations } = await world.cluster.healAndCheck();
  if (violations.length)
    throw new Error(
      `${violations.length} promise(s) broken (seed ${world.seed}):\n` +
        violations.map((v) => `  [${v.checker}] ${v.message}`).join('\n'),
    );
}

// --- what a found-by-simulation scenario's title promises ----------------------------------

Then(
  'the write to {entity} through {region} was accepted locally, without a SeqNo of an epoch',
  function (this: TidalWorld, entity: string, via: string) {
    const writes = this.cluster.history.writes.filter((w) => w.entity === entity && w.via === via);
    expect(writes.map((w) => ({ local: w.local, seqNo: w.seqNo }))).toEqual([{ local: true, seqNo: 0 }]);
  },
);

Then(
  'the retry with idempotency key {string} was answered with the first acknowledgement of that key',
  function (this: TidalWorld, key: string) {
    const writes = this.cluster.history.writes.filter((w) => w.idempotencyKey === key);
    const first = writes.find((w) => !w.retry);
    const retries = writes.filter((w) => w.retry);
    expect(first).toBeDefined();
    expect(retries.length).toBeGreaterThan(0);
    const answer = (w: (typeof writes)[number]): unknown => ({
      epoch: w.epoch,
      seqNo: w.seqNo,
      hlc: w.hlc,
      local: w.local,
    });
    expect(retries.map(answer)).toEqual(retries.map(() => answer(first!)));
  },
);

Then(
  'client {word} read its own {signal} of weight {weight} to {entity}',
  function (this: TidalWorld, client: string, signal: string, weight: number, entity: string) {
    const own = this.cluster.history.writes.filter(
      (w) => w.entity === entity && w.signal === signal && w.weight === weight,
    );
    expect(own).toHaveLength(1);
    const read = this.lastRead;
    if (!read) throw new Error(`client ${client}'s last read was refused; it should have read its own write`);
    expect(read.score).toBeCloseTo(weight, 2);
  },
);
