/**
 * A real-time harness for the same replicas the simulator runs: `TidalDb` nodes on the machine's
 * clock (`SystemClock`/`SystemTimers`), connected by the in-process transport over a link that
 * delivers after a real `setTimeout`. It is the yardstick of time acceleration: what a harness
 * that sleeps and polls (every 50 ms, like the seed's Rust harness) spends on the same scenario.
 */
import {
  ControlPlane,
  InProcessTransportFactory,
  MemoryStorage,
  Schema,
  SystemClock,
  SystemTimers,
  TidalDb,
  type Endpoint,
  type Link,
  type SchemaSpec,
} from '../../src/engine';
import { PartitionTable, type NetworkPartition } from '../../src/cluster';

/**
 * Delivers every message after `latencyMs` of real time (FIFO: equal delays keep their order),
 * unless a partition cuts the link when it is sent or when it arrives.
 */
class RealTimeLink implements Link {
  delivered = 0;
  readonly partitions = new PartitionTable();
  constructor(private readonly latencyMs: number) {}
  carry(from: Endpoint, to: Endpoint, bytes: Uint8Array, deliver: (bytes: Uint8Array) => void): void {
    if (this.partitions.isCut(from.region, to.region)) return;
    setTimeout(() => {
      if (this.partitions.isCut(from.region, to.region)) return;
      this.delivered++;
      deliver(bytes);
    }, this.latencyMs);
  }
}

export interface RealTimeOptions {
  regions: string[];
  shards: number;
  schema: SchemaSpec;
  /** One-way latency. Default: 5 ms (the simulator's default). */
  latencyMs?: number;
  /** Anti-entropy period. Default: 250 ms (the simulator's under accept-local). */
  reconcileEveryMs?: number;
}

export class RealTimeCluster {
  readonly regions: readonly string[];
  readonly controlPlane: ControlPlane;
  readonly transport: InProcessTransportFactory;
  readonly link: RealTimeLink;
  private readonly nodes = new Map<string, TidalDb>();
  private readonly clock = new SystemClock();
  private readonly startMs: number;

  constructor(opts: RealTimeOptions) {
    this.regions = opts.regions;
    const leader = opts.regions[0]!;
    this.controlPlane = new ControlPlane({ regions: opts.regions, shardCount: opts.shards }, () => leader);
    this.link = new RealTimeLink(opts.latencyMs ?? 5);
    this.transport = new InProcessTransportFactory(this.link);
    const schema = new Schema(opts.schema);
    const disk = new MemoryStorage();
    for (const region of opts.regions) {
      for (let shard = 0; shard < opts.shards; shard++) {
        const db = TidalDb.builder()
          .withStorage(disk, false)
          .withSchema(schema)
          .withCluster({ regionId: region, shardId: shard, role: region === leader ? 'leader' : 'follower' })
          .withTransport(this.transport.connect(region, shard))
          .withControlPlane(this.controlPlane)
          .withClock(this.clock, new SystemTimers())
          .withOptions({ reconcileEveryMs: opts.reconcileEveryMs ?? 250 })
          .open();
        this.nodes.set(`${region}/${shard}`, db);
      }
    }
    this.startMs = this.clock.nowMs();
  }

  /** Milliseconds since the cluster was built. */
  now(): number {
    return this.clock.nowMs() - this.startMs;
  }

  /** A write entering at `via`: forwarded to the leader, or accepted locally when cut off (accept-local). */
  write(signal: string, entity: string, weight: number, via: string): void {
    const shard = this.controlPlane.tenantRouter.shardFor('', entity);
    const leader = this.controlPlane.leaderOf(shard);
    const local = via !== leader && this.link.partitions.isCut(via, leader);
    this.nodes.get(`${local ? via : leader}/${shard}`)!.signal(signal, entity, weight, { local });
  }

  partition(a: string, b: string): NetworkPartition {
    return this.link.partitions.partition(a, b);
  }

  /** Every follower applied the leader's log and every replica of a shard holds the same state. */
  converged(): boolean {
    const shards = this.controlPlane.topology.shardCount;
    for (let s = 0; s < shards; s++) {
      const leader = this.nodes.get(`${this.controlPlane.leaderOf(s)}/${s}`)!;
      const seq = leader.appliedSeqNo();
      const digest = leader.digest();
      for (const r of this.regions) {
        const n = this.nodes.get(`${r}/${s}`)!;
        if (n.appliedSeqNo() !== seq || n.digest() !== digest) return false;
      }
    }
    return true;
  }

  close(): void {
    for (const db of this.nodes.values()) db.close();
  }
}

/** Resolves after `ms` of real time. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
