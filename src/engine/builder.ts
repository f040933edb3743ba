/**
 * Builds a `TidalDb` replica, as the seed's harness does:
 * `TidalDb.builder().ephemeral().withSchema(s).withCluster({ regionId, shardId, role })
 *   .withTransport(t).withControlPlane(cp).withClock(c).open()`.
 * Defaults are stated where each option is declared.
 */
import { BatchCodec } from './batch/codec';
import { ManualClock, type Clock, type Timers } from './clock';
import type { ControlPlane } from './control-plane';
import { InvalidInputError } from './errors';
import { checkRegionId, checkShardId } from './ids';
import { DEFAULT_IDEMPOTENCY_RETENTION_MS } from './idempotency';
import type { ShipperOptions } from './replication/shipper';
import { Schema, type SchemaSpec } from './schema';
import type { EngineEvent, NodeRole, ReplicaParts, ResolvedOptions } from './replica-parts';
import { InProcessTransportFactory, type Transport } from './transport';
import { FileStorage, MemoryStorage, type WalStorage } from './wal/storage';
import { Wal, type RecoveryReport, type WalOptions } from './wal/wal';

export interface NodeConfig {
  regionId: string;
  shardId: number;
  role: NodeRole;
}

export interface TidalDbOptions {
  /** When a write counts as committed. Default: 'leader' (asynchronous replication). */
  ackPolicy?: 'leader' | 'quorum';
  /** Largest lead of a remote HLC stamp over the local clock that is accepted. Default: 1000 ms. */
  maxDriftMs?: number;
  /** How long an idempotency key is remembered. Default: 600_000 ms (10 minutes). */
  idempotencyRetentionMs?: number;
  /** Period of anti-entropy rounds with every peer; 0 turns it off. Default: 0. */
  reconcileEveryMs?: number;
  /**
   * Epoch the replica starts at before recovery. Default: 1. Recovery raises it to the newest
   * epoch in the WAL, then to the control plane's (dropping a suffix a failover left behind).
   */
  epoch?: number;
  shipper?: ShipperOptions;
  wal?: WalOptions;
}

/** What `open()` makes from the parts: a replica that recovers from its WAL, then starts. */
export interface OpenableReplica {
  recover(): RecoveryReport;
  syncEpoch(epoch: number, leader: string): void;
  start(): void;
}

export class TidalDbBuilder<Db extends OpenableReplica> {
  private schema: Schema | undefined;
  private node: NodeConfig = { regionId: 'local', shardId: 0, role: 'leader' };
  private transport: Transport | undefined;
  private controlPlane: ControlPlane | undefined;
  private clock: Clock | undefined;
  private timers: Timers | undefined;
  private storage: WalStorage | undefined;
  private isDurable = false;
  private options: TidalDbOptions = {};
  private listener: ((e: EngineEvent) => void) | undefined;

  /** `make` builds the replica from its resolved parts (`TidalDb.builder()` passes TidalDb's). */
  constructor(private readonly make: (parts: ReplicaParts) => Db) {}

  /** WAL segments in memory (the default): a fresh in-memory disk unless `withStorage` gives one. */
  ephemeral(): this {
    this.isDurable = false;
    return this;
  }

  /** WAL segments as files under `dataDir/<region>/<shard>/`, fsynced per batch. */
  durable(dataDir: string): this {
    this.isDurable = true;
    this.storage = new FileStorage(dataDir);
    return this;
  }

  /** The disk to keep segments on (the simulator's disk survives a node's crash). */
  withStorage(storage: WalStorage, durable = storage instanceof FileStorage): this {
    this.storage = storage;
    this.isDurable = durable;
    return this;
  }

  withSchema(schema: Schema | SchemaSpec): this {
    this.schema = schema instanceof Schema ? schema : new Schema(schema);
    return this;
  }

  withCluster(node: NodeConfig): this {
    checkRegionId(node.regionId);
    checkShardId(node.shardId);
    if (node.role !== 'leader' && node.role !== 'follower')
      throw new InvalidInputError('role', node.role, "a role is 'leader' or 'follower'");
    this.node = node;
    return this;
  }

  withTransport(transport: Transport): this {
    this.transport = transport;
    return this;
  }

  withControlPlane(cp: ControlPlane): this {
    this.controlPlane = cp;
    return this;
  }

  /** The clock (and, if it has `after`, the timers) the replica runs on. Default: a manual clock at 0. */
  withClock(clock: Clock, timers?: Timers): this {
    this.clock = clock;
    this.timers = timers ?? (isTimers(clock) ? clock : undefined);
    return this;
  }

  withOptions(options: TidalDbOptions): this {
    this.options = { ...this.options, ...options };
    return this;
  }

  onEvent(listener: (e: EngineEvent) => void): this {
    this.listener = listener;
    return this;
  }

  /** Opens the replica: recovers from its WAL, then starts replicating. */
  open(): Db {
    if (!this.schema) throw new InvalidInputError('schema', undefined, 'call withSchema(...) before open()');
    const { regionId: region, shardId: shard, role } = this.node;
    const cp = this.controlPlane;
    if (cp && !cp.regions.includes(region))
      throw new InvalidInputError(
        'region',
        region,
        `not a region of the control plane (${cp.regions.join(', ')})`,
      );
    const manual = this.clock ? undefined : new ManualClock();
    const clock = this.clock ?? manual!;
    const timers = this.timers ?? manual ?? new ManualClock();
    const codec = new BatchCodec(cp ? cp.regions : [region], this.schema.size);
    const storage = this.storage ?? new MemoryStorage();
    const options: ResolvedOptions = {
      ackPolicy: this.options.ackPolicy ?? 'leader',
      maxDriftMs: this.options.maxDriftMs ?? 1_000,
      idempotencyRetentionMs: this.options.idempotencyRetentionMs ?? DEFAULT_IDEMPOTENCY_RETENTION_MS,
      reconcileEveryMs: this.options.reconcileEveryMs ?? 0,
      shipper: this.options.shipper ?? {},
    };
    const db = this.make({
      region,
      shard,
      role,
      epoch: this.options.epoch ?? 1,
      schema: this.schema,
      clock,
      timers,
      transport: this.transport ?? new InProcessTransportFactory().connect(region, shard),
      controlPlane: cp,
      wal: new Wal(storage, `${region}/${shard}`, shard, codec, this.options.wal),
      codec,
      durable: this.isDurable,
      options,
      onEvent: this.listener,
    });
    db.recover();
    if (cp) db.syncEpoch(cp.epochOf(shard), cp.leaderOf(shard));
    db.start();
    return db;
  }
}

function isTimers(x: unknown): x is Timers {
  return typeof (x as Timers).after === 'function';
}
