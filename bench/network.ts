/**
 * Benchmark 3, the simulated network: messages delivered per wall second, measured twice — the
 * network alone (scheduler + links with latency and jitter, a ping-pong of small messages between
 * 12 endpoints), and end to end in a 3 × 4 cluster where every batch carries one write and is
 * acknowledged (the message-heaviest way to replicate). Plus the wire cost of replication: bytes
 * per replicated event, split into the batch header, the event payload and the acknowledgements,
 * with and without batching.
 */
import { Scheduler, SeededRng, SimulatedCluster, SimulatedNetwork } from '../src/cluster';
import { HEADER_V2_BYTES, type Endpoint } from '../src/engine';
import { bestOf, reported, runsOf, sig, spread, wallMs } from './lib/measure';
import { REGIONS, benchCluster, makeWrites } from './lib/workload';
import { replicate } from './throughput';

/** The network alone: `inFlight` messages bouncing between endpoints until `count` were delivered. */
function networkOnly(count: number, inFlight: number): { wallMs: number; delivered: number } {
  const scheduler = new Scheduler(0);
  const net = new SimulatedNetwork(scheduler, new SeededRng(42).fork('network'), {
    latencyMs: 5,
    jitterMs: 2,
  });
  const ends: Endpoint[] = [];
  for (const region of REGIONS) for (let shard = 0; shard < 4; shard++) ends.push({ region, shard });
  const payload = new Uint8Array(40);
  let delivered = 0;
  const bounce = (i: number) => (): void => {
    const from = ends[i % ends.length]!;
    const to = ends[(i + 4) % ends.length]!; // same shard, next region
    net.carry(from, to, payload, () => {
      if (++delivered < count) bounce(i + 1)();
    });
  };
  const t0 = wallMs();
  for (let i = 0; i < inFlight; i++) bounce(i)();
  scheduler.runUntil(Number.MAX_SAFE_INTEGER, () => delivered >= count);
  return { wallMs: wallMs() - t0, delivered };
}

export async function networkBench(): Promise<Record<string, unknown>> {
  const alone = await runsOf(5, () => networkOnly(1_000_000, 1_000));

  // End to end, unbatched: one write per shard per virtual ms, each its own batch and ack.
  const writes = 60_000;
  const perMs = 4;
  const w = makeWrites(writes, 10_000, 1);
  const e2e = await bestOf(3, async () => {
    const cluster = await benchCluster(3, 4);
    const t0 = wallMs();
    await replicate(cluster, w, perMs);
    const wall = wallMs() - t0;
    return { wallMs: wall, ...wire(cluster, writes) };
  });

  // Batched: the throughput benchmark's bursts, for the per-event overhead with full batches.
  const batchedWrites = 200_000;
  const wb = makeWrites(batchedWrites, 10_000, 1);
  const cluster = await benchCluster(3, 4);
  await replicate(cluster, wb, 2_048);
  const batched = wire(cluster, batchedWrites);

  return {
    network_only: {
      setup:
        '12 endpoints, latency 5 ms + jitter 2 ms, 1,000 messages of 40 bytes in flight, 1,000,000 delivered; median of 5 runs with [min, max]',
      ...reported('messages_per_s', spread(alone.map((a) => a.delivered / (a.wallMs / 1000)))),
      ...reported('wall_ms', spread(alone.map((a) => a.wallMs))),
    },
    end_to_end_unbatched: {
      setup: `3 regions × 4 shards, ${writes.toLocaleString('en')} writes, one per shard per virtual ms (one event per batch), best of 3`,
      messages_per_s: sig(e2e.messages / (e2e.wallMs / 1000)),
      messages: e2e.messages,
      wall_ms: sig(e2e.wallMs),
      ...e2e.bytes,
    },
    batched: {
      setup: `the same, ${batchedWrites.toLocaleString('en')} writes in bursts of 2,048 per virtual ms`,
      ...batched.bytes,
    },
    header_bytes_per_batch: HEADER_V2_BYTES,
    targets: { 'network_only.messages_per_s': '>= 500000' },
  };
}

/** Messages and bytes on the wire for `writes` replicated writes. */
function wire(
  cluster: SimulatedCluster,
  writes: number,
): {
  messages: number;
  bytes: Record<string, number>;
} {
  let batches = 0;
  let batchBytes = 0;
  let events = 0;
  for (const n of cluster.allNodes()) {
    const s = n.db.shipper?.stats;
    if (!s) continue;
    batches += s.batchesSent;
    batchBytes += s.bytesSent;
    events += s.eventsSent;
  }
  const total = cluster.network.stats.bytes;
  const replicatedEvents = writes * (cluster.regions.length - 1);
  return {
    messages: cluster.network.stats.delivered,
    bytes: {
      events_shipped: events,
      batches_shipped: batches,
      events_per_batch: sig(events / batches),
      bytes_per_replicated_event: sig(total / replicatedEvents),
      batch_bytes_per_replicated_event: sig(batchBytes / replicatedEvents),
      header_bytes_per_replicated_event: sig((HEADER_V2_BYTES * batches) / replicatedEvents),
      payload_bytes_per_event: sig((batchBytes - HEADER_V2_BYTES * batches) / events),
      ack_and_control_bytes_per_replicated_event: sig((total - batchBytes) / replicatedEvents),
    },
  };
}
