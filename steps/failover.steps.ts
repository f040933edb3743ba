/**
 * Steps about leader failover: the acknowledgement policy a cluster runs under, promoting a
 * follower, fencing the deposed leader, and which acknowledged writes survived. Also the
 * past-tense context the failover, recovery, idempotency and session features start from
 * ("Given a client wrote …", "Given every region has caught up").
 */
import { Given, Then, When, type DataTable } from '@cucumber/cucumber';
import { expect } from 'expect';
import { FailoverRefusedError, lostWriteRows, writesMissing } from '../src/cluster';
import { StaleEpochError } from '../src/engine';
import { replicaRow, replicaRows, shardHolding } from './support/readings';
import { judgedWithin, timeBound } from './support/time-limits';
import type { TidalWorld } from './support/world';

// --- context: what happened before the example's action ------------------------------------

Given('a client wrote these writes:', async function (this: TidalWorld, table: DataTable) {
  for (const w of table.hashes())
    this.acks.push(await this.cluster.writeSignal(w.signal!, w.entity!, Number(w.weight)));
});

// Caught up includes the leader hearing so: under majority acknowledgement the writes are then
// acknowledged, not still waiting for the followers' word.
Given('every region has caught up', async function (this: TidalWorld) {
  await this.cluster.awaitFullConvergence();
  const deadline = this.cluster.now() + 1_000;
  while (commitCounts(this).waiting > 0 && this.cluster.now() < deadline) await this.cluster.advance(1);
});

Given('every link healed', async function (this: TidalWorld) {
  await this.cluster.healAllPartitions();
});

// --- acknowledgement policies ---------------------------------------------------------------

Given('writes are acknowledged once a majority of regions hold them', function (this: TidalWorld) {
  this.config.ackPolicy = 'quorum';
});

Given('writes are acknowledged as soon as the leader logged them', function (this: TidalWorld) {
  this.config.ackPolicy = 'leader';
});

Then('every write was acknowledged as soon as the leader logged it', function (this: TidalWorld) {
  expect(this.acks.length).toBeGreaterThan(0);
  expect(new Set(this.acks.map((a) => a.policy))).toEqual(new Set(['leader']));
});

Then('every write was acknowledged only once a majority of regions held it', function (this: TidalWorld) {
  expect(this.acks.length).toBeGreaterThan(0);
  expect(new Set(this.acks.map((a) => a.policy))).toEqual(new Set(['quorum']));
});

/** How many writes a majority acknowledged, are still waiting for one, or were refused. */
function commitCounts(world: TidalWorld): { acknowledged: number; waiting: number; refused: number } {
  const writes = world.cluster.history.writes.filter((w) => !w.retry);
  return {
    acknowledged: writes.filter((w) => w.committed === true).length,
    waiting: writes.filter((w) => w.committed === 'pending').length,
    refused: writes.filter((w) => w.committed === false).length,
  };
}

Then('{int} writes are acknowledged by a majority', function (this: TidalWorld, n: number) {
  expect(commitCounts(this).acknowledged).toBe(n);
});

Then(
  '{int} writes are acknowledged by a majority within {duration}',
  async function (this: TidalWorld, n: number, ms: number) {
    const bound = timeBound(this.mode, ms);
    const deadline = this.cluster.now() + bound.allowedMs;
    while (commitCounts(this).acknowledged < n && this.cluster.now() < deadline)
      await this.cluster.advance(1);
    await judgedWithin(bound, () =>
      expect(commitCounts(this)).toMatchObject({ acknowledged: n, waiting: 0 }),
    );
  },
);

Then('{int} writes are still waiting for a majority', function (this: TidalWorld, n: number) {
  expect(commitCounts(this)).toMatchObject({ waiting: n });
});

Then(
  'the {int} writes to {entity} were refused to their client: their leader was replaced before a majority held them',
  function (this: TidalWorld, n: number, entity: string) {
    const refused = this.cluster.history.writes.filter((w) => !w.retry && w.committed === false);
    expect(refused.map((w) => w.entity)).toEqual(Array<string>(n).fill(entity));
  },
);

// Every replica that is up has applied its shard's log at least as far as each such write, and
// none of them is lost; where the simulator can look, each replica's log holds the write itself.
Then('every write a majority acknowledged is present in every region', async function (this: TidalWorld) {
  expect(commitCounts(this).acknowledged).toBeGreaterThan(0);
  const acknowledged = this.cluster.history.writes.filter(
    (w) => w.committed === true && !w.local && !w.retry,
  );
  const rows = (await replicaRows(this)).filter((r) => r.up);
  const short = acknowledged.flatMap((w) =>
    rows
      .filter((r) => r.shard === w.shard && r.appliedSeqNo < w.seqNo)
      .map((r) => `${r.region}/${r.shard} applied ${r.appliedSeqNo}, short of the write at ${w.seqNo}`),
  );
  expect(short).toEqual([]);
  expect((await this.cluster.lostWrites()).filter((w) => w.committed === true)).toEqual([]);
  await this.inSimulator((sim) => expect(writesMissing(sim, (w) => w.committed === true)).toEqual([]));
});

// --- failover -------------------------------------------------------------------------------

When('shard {int} fails over to {region}', async function (this: TidalWorld, shard: number, region: string) {
  this.failovers.push(await this.cluster.failover(shard, region));
});

When('shard {int} fails over', async function (this: TidalWorld, shard: number) {
  this.failovers.push(await this.cluster.failover(shard));
});

Given(
  'shard {int} failed over to {region}',
  async function (this: TidalWorld, shard: number, region: string) {
    this.failovers.push(await this.cluster.failover(shard, region));
  },
);

Given(
  'the shard holding {entity} failed over to {region}',
  async function (this: TidalWorld, entity: string, region: string) {
    this.failovers.push(await this.cluster.failover(shardHolding(this, entity), region));
  },
);

When(
  'shard {int} tries to fail over to {region}',
  async function (this: TidalWorld, shard: number, region: string) {
    await this.attempt(() => this.cluster.failover(shard, region));
  },
);

Then('the failover is refused: {string}', function (this: TidalWorld, reason: string) {
  expect(this.caught()).toBeInstanceOf(FailoverRefusedError);
  expect(this.caught().message).toContain(reason);
});

// --- what was lost, what survived -----------------------------------------------------------

Then(
  'exactly these acknowledged writes were lost, and every other is present in every region:',
  async function (this: TidalWorld, table: DataTable) {
    const lost = await this.cluster.lostWrites();
    const rows = lostWriteRows(lost).map((r) => ({
      entity: r.entity,
      signal: r.signal,
      weight: r.weight,
      'acknowledged by': r['acknowledged by'],
    }));
    this.figures.lostWrites = rows.length;
    expect(rows).toEqual(table.hashes());
    const lostSet = new Set(lost);
    await this.inSimulator((sim) => expect(writesMissing(sim, (w) => !lostSet.has(w))).toEqual([]));
  },
);

Then('no acknowledged write was lost', async function (this: TidalWorld) {
  expect(this.cluster.history.writes.length).toBeGreaterThan(0);
  expect(lostWriteRows(await this.cluster.lostWrites())).toEqual([]);
  await this.inSimulator((sim) => expect(writesMissing(sim, () => true)).toEqual([]));
});

// --- leadership terms and fencing -----------------------------------------------------------

// The leader as the cluster names it, and the leadership term its replica reports; where the
// simulator can look, the replica also believes it leads.
Then(
  '{region} leads shard {int} in leadership term {int}',
  async function (this: TidalWorld, region: string, shard: number, term: number) {
    const row = await replicaRow(this, region, shard);
    expect({ leader: await this.cluster.leaderOf(shard), role: row.role, term: row.epoch }).toEqual({
      leader: region,
      role: 'leader',
      term,
    });
    await this.inSimulator((sim) => expect(sim.node(region, shard).role).toBe('leader'));
  },
);

Then(
  '{region} still believes it leads shard {int} in leadership term {int}',
  async function (this: TidalWorld, region: string, shard: number, term: number) {
    const node = this.sim.node(region, shard);
    expect({ role: node.role, term: node.db.epoch }).toEqual({ role: 'leader', term });
    expect(await this.cluster.leaderOf(shard)).not.toBe(region);
  },
);

async function expectFollows(
  world: TidalWorld,
  region: string,
  leader: string,
  shard: number,
  term: number,
): Promise<void> {
  const row = await replicaRow(world, region, shard);
  expect({ leader: await world.cluster.leaderOf(shard), role: row.role, term: row.epoch }).toEqual({
    leader,
    role: 'follower',
    term,
  });
  await world.inSimulator((sim) => expect(sim.node(region, shard).role).toBe('follower'));
}

Then(
  '{region} follows {region} on shard {int} in leadership term {int}',
  async function (this: TidalWorld, region: string, leader: string, shard: number, term: number) {
    await expectFollows(this, region, leader, shard, term);
  },
);

Then(
  '{region} follows {region} on shard {int} in leadership term {int}, without the {int} writes only it had',
  async function (this: TidalWorld, region: string, leader: string, shard: number, term: number, n: number) {
    await expectFollows(this, region, leader, shard, term);
    // The writes only it had: acknowledged by it, and now lost (no region holds them).
    const lost = (await this.cluster.lostWrites()).filter(
      (w) => w.acceptedBy === region && w.shard === shard,
    );
    expect(lost).toHaveLength(n);
    // Where the simulator records it, the replica dropped exactly those from its log on rejoining.
    await this.inSimulator(() => {
      const dropped = this.cluster.history.dropped.filter((d) => d.replica.startsWith(`${region}/`));
      this.figures.droppedEvents = dropped.length;
      expect(dropped).toHaveLength(n);
    });
  },
);

When(
  '{region} can reach {regions} again but still hears nothing from them',
  async function (this: TidalWorld, region: string, others: string[]) {
    for (const other of others) {
      await this.partitionBetween(region, other)?.heal();
      this.partitions.push(await this.cluster.injectOneWayPartition(other, region));
    }
  },
);

Then(
  'within {duration}, {regions} refuse what {region} sends them as coming from an old leadership term',
  async function (this: TidalWorld, ms: number, replicas: string[], sender: string) {
    const refusedBy = (): string[] =>
      [
        ...new Set(
          this.cluster.rejections
            .filter((r) => r.from === sender && r.error instanceof StaleEpochError)
            .map((r) => r.replica.split('/')[0]!),
        ),
      ].sort();
    const want = [...replicas].sort();
    const bound = timeBound(this.mode, ms);
    const deadline = this.cluster.now() + bound.allowedMs;
    while (refusedBy().join() !== want.join() && this.cluster.now() < deadline)
      await this.cluster.advance(10);
    this.figures.staleEpochRefusals = this.cluster.rejections.filter((r) => r.from === sender).length;
    await judgedWithin(bound, () => expect(refusedBy()).toEqual(want));
  },
);
