/**
 * Applies one part of a schedule to a cluster: the one place where a write, a session call or a
 * fault of a schedule becomes a cluster call. The runner calls it for every action of a run and
 * the step definitions of a printed schedule call it for every sentence they own, so a schedule
 * and the scenario it prints as do the same thing to the cluster. What each caller keeps of the
 * result (counts and outcomes in the runner; acks, reads and errors in the World) stays with it.
 */
import type {
  ClusterSession,
  FailoverResult,
  NetworkPartition,
  SessionRead,
  SimulatedCluster,
} from '../cluster';
import type { RecoveryReport, WriteAck } from '../engine';
import type { BadRequestOp, Item, SessionSpec } from './schedule';

/** `T` without the keys `K`, member by member of a union. */
export type Without<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** An item as a sentence states it: what it does, not when (times come from the scenario's gaps). */
export type Op = Without<Item, 'atMs' | 'durationMs'>;

/** What heals a fault: the fields that name it (a heal sentence states no more). */
export type Heal =
  | { kind: 'partition'; a: string; b: string }
  | { kind: 'one-way-partition'; from: string; to: string }
  | { kind: 'network'; link?: { from: string; to: string } }
  | { kind: 'skew'; region: string }
  | { kind: 'crash'; region: string; shard: number };

/** An item a cluster call starts (a bad request is a probe with its own check, see the runner). */
export type StartOp = Exclude<Op, Without<BadRequestOp, 'atMs'>>;

/** What starting each kind of item returns. */
interface Started {
  write: WriteAck;
  'session-write': WriteAck;
  'session-read': Promise<SessionRead>;
  partition: NetworkPartition;
  'one-way-partition': NetworkPartition;
  network: void;
  skew: void;
  crash: number;
  failover: Promise<FailoverResult>;
}

/** Opens a session as a schedule declares it (its tenant's view when it names one). */
export function openSession(c: SimulatedCluster, spec: Omit<SessionSpec, 'id'>): ClusterSession {
  const opts = { policy: spec.policy, timeoutMs: spec.timeoutMs };
  return spec.tenant ? c.tenant(spec.tenant).session(spec.region, opts) : c.session(spec.region, opts);
}

/**
 * Starts `op` on the cluster; `session` finds a declared session by its id. Synchronous calls stay
 * synchronous (a run awaits only what waits: a session read, a failover), so the order in which
 * a run's promises settle is the cluster's alone.
 */
export function startItem<O extends StartOp>(
  c: SimulatedCluster,
  op: O,
  session: (id: number) => ClusterSession,
): Started[O['kind']] {
  return start(c, op, session) as Started[O['kind']];
}

function start(
  c: SimulatedCluster,
  op: StartOp,
  session: (id: number) => ClusterSession,
): Started[StartOp['kind']] {
  switch (op.kind) {
    case 'write':
      return c.writeSignal(op.signal, op.entity, op.weight, {
        ...(op.via === undefined ? {} : { via: op.via }),
        ...(op.tenant === undefined ? {} : { tenant: op.tenant }),
        ...(op.idempotencyKey === undefined ? {} : { idempotencyKey: op.idempotencyKey }),
      });
    case 'session-write':
      return session(op.session).write(op.signal, op.entity, op.weight);
    case 'session-read':
      return session(op.session).read(op.entity, op.signal);
    case 'partition':
      return c.injectPartition(op.a, op.b);
    case 'one-way-partition':
      return c.injectOneWayPartition(op.from, op.to);
    case 'network':
      return c.setNetworkFaults(op.faults, op.link);
    case 'skew':
      return c.skewClock(op.region, op.skewMs, op.driftMsPerS);
    case 'crash':
      if (op.tornWrite) return c.crashTearingWrite(op.region, op.shard);
      c.crash(op.region, op.shard);
      return 0;
    case 'failover':
      return c.failover(op.shard, op.to);
  }
}

/** Heals a fault; a partition heals through the cut its start returned. */
export function endItem(c: SimulatedCluster, heal: Heal, cut?: NetworkPartition): RecoveryReport | void {
  switch (heal.kind) {
    case 'partition':
    case 'one-way-partition':
      if (!cut) throw new Error(`no cut to heal for ${JSON.stringify(heal)}`);
      return cut.heal();
    case 'network':
      return c.clearNetworkFaults(heal.link);
    case 'skew':
      return c.unskewClock(heal.region);
    case 'crash':
      return c.restart(heal.region, heal.shard);
  }
}
