/**
 * Steps of the randomized fault simulation: running blocks of seeds and reading what the
 * simulator reports, and the sentences a shrunk schedule prints as — writes by tenants and through
 * regions with idempotency keys, named client sessions, misbehaving links, drifting clocks, a
 * crashing replica of one shard, test-only bug switches, and the final check of every promise.
 */
import { Given, Then, When, type DataTable } from '@cucumber/cucumber';
import { expect } from 'expect';
import type { ClusterSession } from '../src/cluster';
import {
  DEFAULT_OPTIONS,
  bugSwitch,
  failureReport,
  healAndCheck,
  networkFaultsFromRow,
  parseSchedule,
  runSchedule,
  simulate,
  type Failure,
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

Then('no seed broke a promise', function (this: TidalWorld) {
  const s = summary(this);
  if (s.failures.length) throw new Error(s.failures.map(describe).join('\n\n'));
  expect(s.seedsRun).toBeGreaterThan(0);
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

// --- the sentences of a shrunk schedule ------------------------------------------------------

Given('the test-only bug {string} is switched on', function (this: TidalWorld, name: string) {
  bugSwitch(name).install(this.cluster);
});

interface WriteForm {
  tenant: boolean;
  tries: boolean;
  through: boolean;
  key: boolean;
}

/** Forms another steps file already defines (writes, routing, convergence, partitions, idempotency, bad input). */
const DEFINED_ELSEWHERE = new Set([
  'c-ok--',
  'c-try--',
  'c-ok-via-',
  'c-try-via-',
  'c-ok--key',
  'c-try--key',
  't-ok--',
]);

for (const tenant of [false, true])
  for (const tries of [false, true])
    for (const through of [false, true])
      for (const key of [false, true]) {
        const form: WriteForm = { tenant, tries, through, key };
        const id = `${tenant ? 't' : 'c'}-${tries ? 'try' : 'ok'}-${through ? 'via' : ''}-${key ? 'key' : ''}`;
        if (DEFINED_ELSEWHERE.has(id)) continue;
        const text = `${tenant ? 'tenant {word}' : 'a client'} ${tries ? 'tries to write' : 'writes'} {weight} {string} to {entity}${through ? ' through {region}' : ''}${key ? ' with idempotency key {string}' : ''}`;
        When(text, writeStep(form, 3 + Number(tenant) + Number(through) + Number(key)));
      }

/** A step function of the arity Cucumber expects (it counts the declared parameters). */
function writeStep(form: WriteForm, arity: number): (this: TidalWorld, ...args: unknown[]) => Promise<void> {
  type W = TidalWorld;
  switch (arity) {
    case 3:
      return async function (this: W, a: unknown, b: unknown, c: unknown) {
        await write(this, form, [a, b, c]);
      };
    case 4:
      return async function (this: W, a: unknown, b: unknown, c: unknown, d: unknown) {
        await write(this, form, [a, b, c, d]);
      };
    case 5:
      return async function (this: W, a: unknown, b: unknown, c: unknown, d: unknown, e: unknown) {
        await write(this, form, [a, b, c, d, e]);
      };
    default:
      return async function (
        this: W,
        a: unknown,
        b: unknown,
        c: unknown,
        d: unknown,
        e: unknown,
        f: unknown,
      ) {
        await write(this, form, [a, b, c, d, e, f]);
      };
  }
}

/** One write in one of the forms above; a "tries to" write keeps its refusal for a later step. */
async function write(world: TidalWorld, form: WriteForm, args: unknown[]): Promise<void> {
  const a = [...args];
  const tenant = form.tenant ? (a.shift() as string) : undefined;
  const [weight, signal, entity] = a.splice(0, 3) as [number, string, string];
  const via = form.through ? (a.shift() as string) : undefined;
  const idempotencyKey = form.key ? (a.shift() as string) : undefined;
  const send = (): number =>
    world.acks.push(world.cluster.writeSignal(signal, entity, weight, { tenant, via, idempotencyKey }));
  if (form.tries) await world.attempt(send);
  else send();
}

const SESSION_PREFIX = 'client ';

function namedSession(world: TidalWorld, name: string): ClusterSession {
  const s = world.sessions.get(SESSION_PREFIX + name);
  if (!s) throw new Error(`client ${name} has no session: add "Given client ${name} has a session in …"`);
  return s;
}

Given(
  'client {word} has a session in {region} that waits up to {duration} for stale replicas',
  function (this: TidalWorld, name: string, region: string, ms: number) {
    this.sessions.set(SESSION_PREFIX + name, this.cluster.session(region, { policy: 'wait', timeoutMs: ms }));
  },
);

Given(
  'client {word} has a session in {region} that redirects stale reads to the leader',
  function (this: TidalWorld, name: string, region: string) {
    this.sessions.set(SESSION_PREFIX + name, this.cluster.session(region, { policy: 'redirect' }));
  },
);

Given(
  'client {word} of tenant {word} has a session in {region} that waits up to {duration} for stale replicas',
  function (this: TidalWorld, name: string, tenant: string, region: string, ms: number) {
    this.sessions.set(
      SESSION_PREFIX + name,
      this.cluster.tenant(tenant).session(region, { policy: 'wait', timeoutMs: ms }),
    );
  },
);

Given(
  'client {word} of tenant {word} has a session in {region} that redirects stale reads to the leader',
  function (this: TidalWorld, name: string, tenant: string, region: string) {
    this.sessions.set(
      SESSION_PREFIX + name,
      this.cluster.tenant(tenant).session(region, { policy: 'redirect' }),
    );
  },
);

When(
  'client {word} writes {weight} {string} to {entity} through its session',
  function (this: TidalWorld, name: string, weight: number, signal: string, entity: string) {
    this.acks.push(namedSession(this, name).write(signal, entity, weight));
  },
);

When(
  'client {word} tries to write {weight} {string} to {entity} through its session',
  async function (this: TidalWorld, name: string, weight: number, signal: string, entity: string) {
    await this.attempt(() => this.acks.push(namedSession(this, name).write(signal, entity, weight)));
  },
);

When(
  'client {word} reads {entity} {string} through its session',
  async function (this: TidalWorld, name: string, entity: string, signal: string) {
    await this.attempt(async () => (this.lastRead = await namedSession(this, name).read(entity, signal)));
  },
);

When(
  'the link from {region} to {region} misbehaves:',
  function (this: TidalWorld, from: string, to: string, table: DataTable) {
    this.cluster.setNetworkFaults(networkFaultsFromRow(table.hashes()[0]!), { from, to });
  },
);

When('every link misbehaves:', function (this: TidalWorld, table: DataTable) {
  this.cluster.setNetworkFaults(networkFaultsFromRow(table.hashes()[0]!));
});

When(
  'the link from {region} to {region} behaves again',
  function (this: TidalWorld, from: string, to: string) {
    this.cluster.clearNetworkFaults({ from, to });
  },
);

When('every link behaves again', function (this: TidalWorld) {
  this.cluster.clearNetworkFaults();
});

for (const [side, sign] of [
  ['ahead', 1],
  ['behind', -1],
] as const)
  for (const [rate, rateSign] of [
    ['gains', 1],
    ['loses', -1],
  ] as const)
    When(
      `the clock of {region} runs {duration} ${side} and ${rate} {int} ms every second`,
      function (this: TidalWorld, region: string, ms: number, msPerS: number) {
        this.cluster.skewClock(region, sign * ms, rateSign * msPerS);
      },
    );

When(
  'the replica of shard {int} in {region} crashes',
  function (this: TidalWorld, shard: number, region: string) {
    this.cluster.crash(region, shard);
  },
);

When(
  'the replica of shard {int} in {region} crashes in the middle of a write',
  function (this: TidalWorld, shard: number, region: string) {
    this.cluster.crashTearingWrite(region, shard);
  },
);

When(
  'the replica of shard {int} in {region} restarts',
  function (this: TidalWorld, shard: number, region: string) {
    this.recoveries.set(`${region}/${shard}`, this.cluster.restart(region, shard));
  },
);

Then('every promise holds once every fault has healed', async function (this: TidalWorld) {
  const { violations } = await healAndCheck(this.cluster);
  if (violations.length)
    throw new Error(
      `${violations.length} promise(s) broken (seed ${this.seed}):\n` +
        violations.map((v) => `  [${v.checker}] ${v.message}`).join('\n'),
    );
});
