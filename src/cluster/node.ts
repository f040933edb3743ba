/** One simulated replica: a `TidalDb` plus the machine around it (clock, timers, disk, liveness). */
import type { NodeRole, RecoveryReport, TidalDb, WalStorage } from '../engine';
import type { NodeClock } from './clock';
import type { NodeTimers } from './scheduler';

export class SimulatedNode {
  up = true;
  /** What the last (re)start recovered from the WAL. */
  lastRecovery: RecoveryReport | undefined;

  constructor(
    readonly regionId: string,
    readonly shardId: number,
    public db: TidalDb,
    readonly clock: NodeClock,
    public timers: NodeTimers,
    readonly storage: WalStorage,
  ) {}

  /** The role this replica believes it has. */
  get role(): NodeRole {
    return this.db.role;
  }

  get name(): string {
    return `${this.regionId}/${this.shardId}`;
  }
}
