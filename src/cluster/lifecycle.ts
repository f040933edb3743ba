/**
 * The life of the replicas in a simulated cluster: opening one (a `TidalDb` on its simulated
 * disk, clock and timers), crashing it (volatile state gone, the WAL stays; optionally a write
 * torn in flight), restarting it (recovery from the WAL, then catch-up), raw bytes delivered to
 * it as if from another region, and what its engine reports, logged and kept for the checkers.
 */
import {
  FileStorage,
  NodeStateError,
  segmentName,
  TidalDb,
  type EngineEvent,
  type RecoveryReport,
} from '../engine';
import { ClusterFaults } from './faults';
import type { SimulatedNode } from './node';
import { NodeTimers } from './scheduler';

export abstract class ClusterLifecycle extends ClusterFaults {
  /**
   * Crashes a replica: volatile state is gone, its WAL stays on disk. With `tornWrite`, the crash
   * interrupts a write in flight, so only part of it reaches the disk (seeded length); returns
   * how many bytes of it did (0 without a torn write).
   */
  crash(region: string, shard: number, opts: { tornWrite?: boolean } = {}): number {
    const node = this.node(this.checkRegion(region), shard);
    if (!node.up) throw new NodeStateError(`${node.name} is already down`);
    node.db.flush(); // a crash takes effect at the end of the instant, after group commit
    node.timers.alive = false;
    node.db.close();
    if (node.storage instanceof FileStorage) node.storage.close();
    node.up = false;
    let tornBytes = 0;
    if (opts.tornWrite) tornBytes = this.tearWriteInFlight(node);
    this.nemesis.crashed(node.name);
    this.log.info({ node: node.name, tornBytes }, 'replica crashed');
    return tornBytes;
  }

  /** Restarts a crashed replica: it recovers from its WAL and catches up from the leader. */
  restart(region: string, shard: number): RecoveryReport {
    const node = this.node(this.checkRegion(region), shard);
    if (node.up) throw new NodeStateError(`${node.name} is running; crash it first`);
    node.timers = new NodeTimers(this.scheduler);
    node.up = true;
    this.openNode(node);
    this.nemesis.restarted(node.name);
    return node.lastRecovery!;
  }

  /** Crashes every running replica in `region` (a region-wide outage); returns the bytes torn. */
  crashRegion(region: string, opts: { tornWrite?: boolean } = {}): number {
    const up = this.nodesIn(this.checkRegion(region)).filter((n) => n.up);
    if (up.length === 0) throw new NodeStateError(`every replica in ${region} is already down`);
    return up.reduce((torn, n) => torn + this.crash(region, n.shardId, opts), 0);
  }

  /** Restarts every crashed replica in `region`; returns what they recovered, summed. */
  restartRegion(region: string): RecoveryReport {
    const down = this.nodesIn(this.checkRegion(region)).filter((n) => !n.up);
    if (down.length === 0) throw new NodeStateError(`no replica in ${region} is down; crash it first`);
    const sum: RecoveryReport = { segments: 0, batches: 0, events: 0, truncatedBytes: 0 };
    for (const n of down) {
      const r = this.restart(region, n.shardId);
      sum.segments += r.segments;
      sum.batches += r.batches;
      sum.events += r.events;
      sum.truncatedBytes += r.truncatedBytes;
    }
    return sum;
  }

  protected openNode(node: SimulatedNode): void {
    const { regionId: region, shardId: shard } = node;
    const cfg = this.config;
    node.db = TidalDb.builder()
      .withStorage(node.storage, cfg.durable !== undefined)
      .withSchema(this.schema)
      .withCluster({
        regionId: region,
        shardId: shard,
        role: this.controlPlane.leaderOf(shard) === region ? 'leader' : 'follower',
      })
      .withTransport(this.transport.connect(region, shard))
      .withControlPlane(this.controlPlane)
      .withClock(node.clock, node.timers)
      .withOptions({
        ackPolicy: this.ackPolicy,
        maxDriftMs: cfg.maxDriftMs,
        idempotencyRetentionMs: cfg.idempotencyRetentionMs,
        reconcileEveryMs: cfg.reconcileEveryMs ?? (this.partitionPolicy === 'accept-local' ? 250 : 0),
        shipper: cfg.shipper,
        wal: cfg.wal,
      })
      .onEvent((e) => this.onEngineEvent(node, e))
      .open();
    node.lastRecovery = node.db.recovery;
    this.observer.watch(node);
  }

  /**
   * Leaves part of a write in flight at the end of a crashed node's log (seeded length): the
   * next batch a follower was receiving from its leader, or a copy of the node's last record.
   * Only a write that was never acknowledged can tear: one whose fsync had not returned.
   */
  private tearWriteInFlight(node: SimulatedNode): number {
    const wal = node.db.wal;
    const leader = this.leader(node.shardId);
    const next = leader === node ? undefined : leader.db.wal.recordHolding(wal.lastSeq + 1);
    const bytes = next?.bytes ?? wal.records[wal.records.length - 1]?.bytes;
    if (!bytes || bytes.length < 2) return 0;
    const written = this.nemesis.rng.int(1, bytes.length - 1);
    const seg = wal.currentSegment() ?? segmentName(node.shardId, wal.lastSeq + 1);
    node.storage.append(wal.dir, seg, bytes.slice(0, written));
    if (node.storage instanceof FileStorage) node.storage.close();
    return written;
  }

  /**
   * Delivers raw bytes to `to`'s replica of `shard` as if `from` had sent them, at once and
   * past any partition: how bad-input scenarios put a crafted batch on the wire.
   */
  injectBytes(from: string, to: string, shard: number, bytes: Uint8Array): void {
    const node = this.node(this.checkRegion(to), shard);
    this.checkRegion(from);
    if (!node.up) throw new NodeStateError(`${node.name} is down; restart it first`);
    this.log.info({ from, to: node.name, bytes: bytes.length }, 'raw bytes injected');
    this.observer.inject(from, node, () => node.db.receive(from, bytes));
  }

  /** Stops every replica and closes their files (the cluster is unusable afterwards). */
  close(): void {
    for (const node of this.allNodes()) {
      node.timers.alive = false;
      if (node.up) node.db.close();
      if (node.storage instanceof FileStorage) node.storage.close();
    }
  }

  private onEngineEvent(node: SimulatedNode, e: EngineEvent): void {
    this.observer.onEvent(node, e);
    switch (e.type) {
      case 'rejected': {
        const level = e.error.name === 'OutOfOrderBatchError' ? 'debug' : 'warn';
        this.rejections.push({ atMs: this.now(), replica: node.name, from: e.from, error: e.error });
        if (this.rejections.length > 10_000) this.rejections.shift();
        this.log[level](
          { replica: node.name, from: e.from, error: e.error.name, detail: e.error.message },
          'message refused',
        );
        break;
      }
      case 'epoch':
        for (const ev of e.dropped)
          this.history.recordDropped({ replica: node.name, epoch: e.epoch, event: ev, atMs: this.now() });
        this.log.info(
          {
            replica: node.name,
            epoch: e.epoch,
            leader: e.leader,
            wasLeader: e.wasLeader,
            droppedEvents: e.dropped.length,
          },
          e.wasLeader ? 'deposed leader stepped down' : 'replica adopted new epoch',
        );
        break;
      case 'recovered':
        this.log.info({ replica: node.name, ...e.report }, 'replica recovered from its WAL');
        break;
      case 'leader':
        this.log.info({ replica: node.name, epoch: e.epoch, lastSeq: e.lastSeq }, 'replica leads its shard');
        break;
      case 'merged':
        this.log.debug({ replica: node.name, states: e.states }, 'reconciled states merged');
        break;
    }
  }
}
