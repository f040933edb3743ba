/**
 * Steps about leader failover: the ack policy a cluster runs under, cutting a leader off,
 * promoting a follower, fencing the deposed leader, and which acknowledged writes survived.
 */
import { Given, Then, When, type DataTable } from '@cucumber/cucumber';
import { expect } from 'expect';
import { FailoverRefusedError, lostWriteRows, writesMissing } from '../src/cluster';
import { StaleEpochError } from '../src/engine';
import type { TidalWorld } from './support/world';

Given('writes are committed once a majority of regions applied them', function (this: TidalWorld) {
  this.config.ackPolicy = 'quorum';
});

Given('writes are acknowledged as soon as the leader logged them', function (this: TidalWorld) {
  this.config.ackPolicy = 'leader';
});

When(
  '{region} can reach {regions} again but still hears nothing from them',
  function (this: TidalWorld, region: string, others: string[]) {
    for (const other of others) {
      this.partitionBetween(region, other)?.heal();
      this.partitions.push(this.cluster.injectOneWayPartition(other, region));
    }
  },
);

When('shard {int} fails over to {region}', async function (this: TidalWorld, shard: number, region: string) {
  this.failovers.push(await this.cluster.failover(shard, region));
});

When('shard {int} fails over', async function (this: TidalWorld, shard: number) {
  this.failovers.push(await this.cluster.failover(shard));
});

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

Then(
  "every write's acknowledgement names the {string} ack policy",
  function (this: TidalWorld, policy: string) {
    expect(new Set(this.acks.map((a) => a.policy))).toEqual(new Set([policy]));
  },
);

/** How many acknowledged writes are committed, still waiting, or were reported as not committed. */
function commitCounts(world: TidalWorld): { committed: number; waiting: number; notCommitted: number } {
  const writes = world.cluster.history.writes.filter((w) => !w.retry);
  return {
    committed: writes.filter((w) => w.committed === true).length,
    waiting: writes.filter((w) => w.committed === 'pending').length,
    notCommitted: writes.filter((w) => w.committed === false).length,
  };
}

Then('{int} writes are committed', function (this: TidalWorld, n: number) {
  expect(commitCounts(this)).toMatchObject({ committed: n });
});

Then('{int} writes are still waiting for a majority', function (this: TidalWorld, n: number) {
  expect(commitCounts(this)).toMatchObject({ waiting: n });
});

Then('{int} writes were reported to their clients as not committed', function (this: TidalWorld, n: number) {
  expect(commitCounts(this)).toMatchObject({ notCommitted: n });
});

Then('every committed write is present in every region', function (this: TidalWorld) {
  expect(writesMissing(this.sim, (w) => w.committed === true)).toEqual([]);
});

Then('every acknowledged write that was not lost is present in every region', function (this: TidalWorld) {
  const lost = new Set(this.cluster.lostWrites());
  expect(writesMissing(this.sim, (w) => !lost.has(w))).toEqual([]);
});

Then(
  'exactly these acknowledged writes were lost in the failover:',
  function (this: TidalWorld, table: DataTable) {
    const rows = lostWriteRows(this.cluster.lostWrites());
    this.figures.lostWrites = rows.length;
    expect(rows).toEqual(table.hashes());
  },
);

Then('no acknowledged write was lost', function (this: TidalWorld) {
  expect(lostWriteRows(this.cluster.lostWrites())).toEqual([]);
});

Then(
  '{region} leads shard {int} in epoch {int}',
  function (this: TidalWorld, region: string, shard: number, epoch: number) {
    const node = this.sim.node(region, shard);
    expect({
      leader: this.sim.controlPlane.leaderOf(shard),
      role: node.role,
      epoch: node.db.epoch,
    }).toEqual({ leader: region, role: 'leader', epoch });
  },
);

Then(
  '{region} still believes it leads shard {int} in epoch {int}',
  function (this: TidalWorld, region: string, shard: number, epoch: number) {
    const node = this.sim.node(region, shard);
    expect({ role: node.role, epoch: node.db.epoch }).toEqual({ role: 'leader', epoch });
    expect(this.sim.controlPlane.leaderOf(shard)).not.toBe(region);
  },
);

Then(
  '{region} follows {region} on shard {int} in epoch {int}',
  function (this: TidalWorld, region: string, leader: string, shard: number, epoch: number) {
    const node = this.sim.node(region, shard);
    expect({
      leader: this.sim.controlPlane.leaderOf(shard),
      role: node.role,
      epoch: node.db.epoch,
    }).toEqual({ leader, role: 'follower', epoch });
  },
);

Then(
  "{regions} refused {region}'s batches as coming from a stale epoch",
  function (this: TidalWorld, replicas: string[], sender: string) {
    const refusals = this.cluster.rejections.filter(
      (r) => r.from === sender && r.error instanceof StaleEpochError,
    );
    this.figures.staleEpochRefusals = refusals.length;
    const refusedBy = new Set(refusals.map((r) => r.replica.split('/')[0]));
    expect([...refusedBy].sort()).toEqual([...replicas].sort());
  },
);

Then('{region} dropped the {int} writes only it had', function (this: TidalWorld, region: string, n: number) {
  const dropped = this.cluster.history.dropped.filter((d) => d.replica.startsWith(`${region}/`));
  this.figures.droppedEvents = dropped.length;
  expect(dropped).toHaveLength(n);
});
