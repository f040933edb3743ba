/**
 * The simulator's two promises that everything else stands on: the DESIGN §4 API works as
 * documented when imported from src/cluster, and the same seed replays the same run — byte for
 * byte in the structured log — while another seed may take another path.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createScenarioLogger } from '../report/logger';
import { ConvergenceTimeoutError, SimulatedCluster } from './index';

const schema = { signals: { click: { halfLifeMs: 3_600_000 } } };

test('api: the DESIGN §4 calls work as documented', async () => {
  const cluster = await SimulatedCluster.build({
    regions: ['us-east', 'eu-west', 'ap-south'],
    shardsPerRegion: 2,
    leader: ['us-east', 0],
    schema,
    seed: 42,
  });
  assert.equal(cluster.leader().regionId, 'us-east');
  assert.equal(cluster.leader().role, 'leader');
  assert.equal(cluster.followerIn('eu-west')?.role, 'follower');
  assert.equal(cluster.followerIn('us-east'), undefined);
  const ack = cluster.writeSignal('click', 'article-42', 1.0);
  assert.equal(ack.seqNo, 1);
  await ack.committed;
  await cluster.awaitFullConvergence(2_000);
  assert.equal(
    cluster.readDecayScore('eu-west', 'article-42', 'click'),
    cluster.readDecayScore('us-east', 'article-42', 'click'),
  );
  assert.equal(cluster.appliedSeqNo('eu-west'), 1);
  const cut = cluster.injectPartition('us-east', 'eu-west');
  cluster.writeSignal('click', 'article-42', 1.0);
  await assert.rejects(cluster.awaitFullConvergence(500), ConvergenceTimeoutError);
  cut.heal();
  await cluster.awaitFullConvergence(2_000);
  cluster.injectPartition('us-east', 'ap-south');
  cluster.healAllPartitions();
  const t0 = cluster.now();
  await cluster.advance(500);
  assert.equal(cluster.now(), t0 + 500);
  assert.equal(cluster.faultTimeline().length, 2);
  assert.deepEqual(cluster.checkInvariants(), []);
});

async function run(seed: number): Promise<string> {
  const ref: { cluster?: SimulatedCluster } = {};
  const { logger, ndjson } = createScenarioLogger({
    now: () => ref.cluster?.now() ?? 0,
    level: 'debug',
    pretty: false,
  });
  const cluster = (ref.cluster = await SimulatedCluster.build({
    regions: ['us-east', 'eu-west', 'ap-south'],
    shardsPerRegion: 2,
    schema,
    seed,
    logger,
    network: { latencyMs: 5, jitterMs: 20 },
  }));
  cluster.setNetworkFaults({ dropRate: 0.2, duplicateRate: 0.1, reorder: true });
  for (let i = 0; i < 200; i++) {
    cluster.writeSignal('click', `e-${i % 17}`, 1);
    if (i % 20 === 0) await cluster.advance(7);
  }
  cluster.injectPartition('us-east', 'eu-west');
  await cluster.advance(300);
  cluster.healEverything();
  await cluster.awaitFullConvergence(30_000);
  assert.deepEqual(cluster.checkInvariants(), []);
  logger.info({ messages: cluster.network.stats, now: cluster.now() }, 'end');
  return ndjson();
}

test('determinism: the same seed gives a byte-identical log; another seed another run', async () => {
  const a = await run(7);
  const b = await run(7);
  const c = await run(8);
  assert.ok(a.length > 500, 'the run logged something');
  assert.equal(a, b);
  assert.notEqual(a, c);
});
