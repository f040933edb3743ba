/**
 * Benchmark 4, reconciliation after a heal: a 3 × 4 cluster under accept-local holds 20,000
 * converged states; one region is cut off from the others while both sides take writes (the cut
 * region's accepted locally, under its own origin). After the heal, anti-entropy (digests →
 * differing buckets' versions → newer states) and WAL catch-up converge the cluster. Reports the
 * bytes and messages reconciliation exchanged against the full state size: a delta, not everything.
 */
import { SimulatedCluster } from '../src/cluster';
import { encodeStates } from '../src/engine';
import { sig, wallMs } from './lib/measure';
import { REGIONS, SCHEMA, entityIds } from './lib/workload';

interface Counters {
  reconMessages: number;
  reconBytes: number;
  statesSent: number;
  batchBytes: number;
  messages: number;
  bytes: number;
}

function counters(cluster: SimulatedCluster): Counters {
  const c: Counters = {
    reconMessages: 0,
    reconBytes: 0,
    statesSent: 0,
    batchBytes: 0,
    messages: 0,
    bytes: 0,
  };
  for (const n of cluster.allNodes()) {
    c.reconMessages += n.db.recon.stats.messagesSent;
    c.reconBytes += n.db.recon.stats.bytesSent;
    c.statesSent += n.db.recon.stats.statesSent;
    c.batchBytes += n.db.shipper?.stats.bytesSent ?? 0;
  }
  c.messages = cluster.network.stats.delivered;
  c.bytes = cluster.network.stats.bytes;
  return c;
}

export async function reconciliationBench(
  opts: { entities?: number; divergent?: number } = {},
): Promise<Record<string, unknown>> {
  const entities = opts.entities ?? 20_000;
  const divergent = opts.divergent ?? 200;
  const [leader, cutRegion] = [REGIONS[0]!, REGIONS[1]!];
  const cluster = await SimulatedCluster.build({
    regions: REGIONS,
    shardsPerRegion: 4,
    schema: SCHEMA,
    seed: 42,
    partitionPolicy: 'accept-local',
    recordHistory: false,
    sampleLagEveryMs: 0,
  });
  const ids = entityIds(entities);
  for (let i = 0; i < entities; i++) {
    cluster.writeSignal('click', ids[i]!, 1);
    if (i % 2_000 === 1_999) await cluster.advance(1);
  }
  await cluster.awaitFullConvergence(60_000);
  await cluster.advance(1_000); // steady state: periodic rounds find equal digests

  const steady0 = counters(cluster);
  await cluster.advance(1_000);
  const steady1 = counters(cluster);

  const cuts = REGIONS.filter((r) => r !== cutRegion).map((r) => cluster.injectPartition(r, cutRegion));
  for (let i = 0; i < divergent; i++) {
    cluster.writeSignal('click', ids[(i * 97) % entities]!, 1, { via: cutRegion }); // accepted locally
    cluster.writeSignal('click', ids[(i * 89 + 13) % entities]!, 1); // at the leader, not shipped to the cut region
  }
  await cluster.advance(1_000);
  const before = counters(cluster);
  const t0 = wallMs();
  for (const cut of cuts) cut.heal();
  const tookMs = await cluster.awaitFullConvergence(60_000);
  const wall = wallMs() - t0;
  const after = counters(cluster);

  let fullStateBytes = 0;
  let states = 0;
  for (let s = 0; s < cluster.shardCount; s++) {
    const items = [...cluster.leader(s).db.store.entries()];
    states += items.length;
    fullStateBytes += encodeStates(items).length;
  }
  const reconBytes = after.reconBytes - before.reconBytes;
  return {
    setup: `3 regions × 4 shards, accept-local, ${entities.toLocaleString('en')} states; ${cutRegion} cut off from both other regions for 1 s while ${divergent} writes enter there (accepted locally) and ${divergent} at the leader in ${leader}; heal; converge`,
    states_per_replica: states,
    full_state_bytes: fullStateBytes,
    reconciliation_bytes: reconBytes,
    reconciliation_messages: after.reconMessages - before.reconMessages,
    states_shipped: after.statesSent - before.statesSent,
    reconciliation_vs_full_state: sig(reconBytes / fullStateBytes),
    catch_up_batch_bytes: after.batchBytes - before.batchBytes,
    total_bytes_after_heal: after.bytes - before.bytes,
    total_messages_after_heal: after.messages - before.messages,
    convergence_virtual_ms: tookMs,
    convergence_wall_ms: sig(wall),
    steady_state_reconciliation_bytes_per_s: steady1.reconBytes - steady0.reconBytes,
    steady_state_reconciliation_messages_per_s: steady1.reconMessages - steady0.reconMessages,
    targets: { reconciliation_vs_full_state: '<= 0.1 (a delta, not the full state)' },
  };
}
