/**
 * One simulated replica: a `TidalDb` plus the machine around it (clock, timers, disk, liveness).
 * The replica opens its database when it is made and again on every start; a stop kills its
 * timers and closes its files, so a crashed incarnation never acts again.
 */
import { FileStorage, type NodeRole, type RecoveryReport, type TidalDb, type WalStorage } from '../engine';
import type { NodeClock } from './clock';
import type { NodeTimers } from './scheduler';

export class SimulatedNode {
  up = true;
  /** The running (or last) incarnation's database. */
  db: TidalDb;
  /** What the last (re)start recovered from the WAL. */
  lastRecovery: RecoveryReport;

  /** "region/shard", e.g. "eu-west/0": made once, as the lag sampler asks for it on every tick. */
  readonly name: string;

  constructor(
    readonly regionId: string,
    readonly shardId: number,
    readonly clock: NodeClock,
    public timers: NodeTimers,
    readonly storage: WalStorage,
    /** Opens a database for this replica on its clock, timers and disk. */
    private readonly openDb: (node: SimulatedNode) => TidalDb,
  ) {
    this.name = `${regionId}/${shardId}`;
    this.db = openDb(this);
    this.lastRecovery = this.db.recovery;
  }

  /** The role this replica believes it has. */
  get role(): NodeRole {
    return this.db.role;
  }

  /**
   * Starts a new incarnation on fresh timers: it recovers from the WAL its disk holds. A recovery
   * that refuses the log (a foreign or gapped segment) leaves the replica down, its timers dead.
   */
  start(timers: NodeTimers): void {
    this.timers = timers;
    try {
      this.db = this.openDb(this);
    } catch (err) {
      timers.alive = false;
      throw err;
    }
    this.up = true;
    this.lastRecovery = this.db.recovery;
  }

  /** Stops this incarnation: its timers never fire again and its files are closed. */
  stop(): void {
    this.timers.alive = false;
    if (this.up) this.db.close();
    if (this.storage instanceof FileStorage) this.storage.close();
    this.up = false;
  }
}
