/**
 * Runs one schedule on a fresh cluster: performs its items in time order (each action waits the
 * schedule's gap since the previous one, so a session read that waited does not shift the rest),
 * heals every fault, awaits convergence, and runs every checker. Refusals a client or operator
 * would see — an unavailable shard, a stale read, a refused failover — are outcomes, not
 * failures; anything else the run throws (an engine assertion) is a violation of its own.
 */
import {
  FailoverRefusedError,
  type ClusterSession,
  type NetworkPartition,
  type SimulatedCluster,
} from '../cluster';
import {
  CrossTenantAccessError,
  IdempotencyConflictError,
  InvalidInputError,
  UnknownSignalError,
  NodeStateError,
  StaleReadError,
  UnavailableError,
  type SessionPolicy,
} from '../engine';
import { endItem, openSession, startItem } from './apply';
import { bugSwitch, type BugName } from './bugs';
import { healAndCheck, runFailure, type SimViolation } from './checkers';
import {
  FAULT_KINDS,
  timeline,
  UNKNOWN_REGION,
  type Action,
  type BadRequestOp,
  type Fault,
  type Item,
  type Schedule,
} from './schedule';
import { buildCluster } from './setup';

export interface RunOptions {
  bug?: BugName;
  /** Virtual ms allowed for convergence after every fault healed. Default: 60 s. */
  convergenceTimeoutMs?: number;
}

/** What happened to one item: it took effect, the cluster refused it, or it did not apply. */
export type Outcome = 'ok' | 'refused' | 'skipped';

export interface ItemOutcome {
  start?: Outcome;
  end?: Outcome;
  /** The refusal's error class, when refused. */
  error?: string;
}

export interface RunStats {
  writes: number;
  refused: number;
  reads: number;
  faults: number;
  /** Faults that struck, by kind (a crash of a replica already down did not). */
  faultsByKind: Record<Fault['kind'], number>;
  lostWrites: number;
  /** Simulation tasks run (messages delivered, timers fired). */
  tasks: number;
}

export interface RunResult {
  seed: number;
  violations: SimViolation[];
  /** Virtual ms from the first item to convergence. */
  simulatedMs: number;
  outcomes: ItemOutcome[];
  stats: RunStats;
  /** The cluster after the run, for reports (history, fault timeline). */
  cluster: SimulatedCluster;
}

export async function runSchedule(schedule: Schedule, opts: RunOptions = {}): Promise<RunResult> {
  const { cluster, dispose } = await buildCluster(schedule.cluster, schedule.seed);
  if (opts.bug) bugSwitch(opts.bug).install(cluster);
  const run = new Run(cluster, schedule);
  const violations: SimViolation[] = [];
  try {
    let prevMs = 0;
    for (const action of timeline(schedule)) {
      const gapMs = action.atMs - prevMs;
      prevMs = action.atMs;
      if (gapMs > 0) await cluster.advance(gapMs);
      await run.perform(action);
    }
    const checked = await healAndCheck(cluster, opts.convergenceTimeoutMs);
    violations.push(...run.violations, ...checked.violations);
    run.stats.lostWrites = checked.lost.length;
  } catch (err) {
    // What the promise checker saw while the run went on is evidence too, often the first.
    const seen = [...cluster.observer.violations, ...cluster.observer.hlc.violations];
    violations.push(...run.violations, ...seen, runFailure(err));
  } finally {
    dispose();
  }
  run.stats.tasks = cluster.scheduler.executed;
  return {
    seed: schedule.seed,
    violations,
    simulatedMs: cluster.now(),
    outcomes: run.outcomes,
    stats: run.stats,
    cluster,
  };
}

/** The state of one run while its actions are performed. */
class Run {
  readonly outcomes: ItemOutcome[];
  readonly violations: SimViolation[] = [];
  readonly stats: RunStats = {
    writes: 0,
    refused: 0,
    reads: 0,
    faults: 0,
    faultsByKind: noFaults(),
    lostWrites: 0,
    tasks: 0,
  };
  private readonly sessions = new Map<number, ClusterSession>();
  private readonly cuts = new Map<number, NetworkPartition>();

  constructor(
    private readonly cluster: SimulatedCluster,
    private readonly schedule: Schedule,
  ) {
    this.outcomes = schedule.items.map(() => ({}));
    for (const s of schedule.sessions) this.sessions.set(s.id, openSession(cluster, s));
  }

  async perform(action: Action): Promise<void> {
    const item = this.schedule.items[action.index]!;
    const outcome = this.outcomes[action.index]!;
    try {
      const done =
        action.phase === 'start' ? await this.start(item, action.index) : this.end(item, action.index);
      outcome[action.phase] = done ? 'ok' : 'skipped';
    } catch (err) {
      if (err instanceof CrossTenantAccessError && item.kind.startsWith('session')) {
        // A session only ever names its own tenant's entities: a cross-tenant refusal means the
        // session looked the entity up on a shard that is not its tenant's.
        outcome[action.phase] = 'refused';
        outcome.error = err.name;
        this.violations.push({
          checker: 'session',
          message: `a session of its own tenant was refused as cross-tenant (it asked the wrong shard): ${err.message}`,
          evidence: item,
        });
        return;
      }
      if (!isRefusal(err)) throw err;
      outcome[action.phase] = 'refused';
      outcome.error = (err as Error).name;
      if (item.kind === 'write' || item.kind === 'session-write') this.stats.refused++;
      if (err instanceof IdempotencyConflictError)
        this.violations.push({
          checker: 'idempotency',
          message: `a retry with the same key and payload was refused as a conflict: ${err.message}`,
          evidence: item,
        });
    }
  }

  /** Starts an item; false when it does not apply (a crash of a replica that is already down). */
  private async start(item: Item, index: number): Promise<boolean> {
    const c = this.cluster;
    const session = (id: number): ClusterSession => this.session(id);
    switch (item.kind) {
      case 'write':
      case 'session-write':
        this.stats.writes++;
        startItem(c, item, session);
        return true;
      case 'session-read':
        this.stats.reads++;
        await startItem(c, item, session);
        return true;
      case 'bad-request': {
        const wrong = refusedAsBadInput(c, item);
        if (wrong) this.violations.push({ checker: 'bad-input', message: wrong, evidence: item });
        return true;
      }
      case 'partition':
      case 'one-way-partition':
        this.struck(item);
        this.cuts.set(index, startItem(c, item, session));
        return true;
      case 'crash':
        if (!c.node(item.region, item.shard).up) return false;
        this.struck(item);
        startItem(c, item, session);
        return true;
      case 'failover':
        this.struck(item);
        await startItem(c, item, session);
        return true;
      default:
        this.struck(item);
        startItem(c, item, session);
        return true;
    }
  }

  private struck(fault: Fault): void {
    this.stats.faults++;
    this.stats.faultsByKind[fault.kind]++;
  }

  /** Heals a fault at the end of its duration; false when there is nothing to heal. */
  private end(item: Item, index: number): boolean {
    const c = this.cluster;
    switch (item.kind) {
      case 'partition':
      case 'one-way-partition': {
        const cut = this.cuts.get(index);
        if (!cut?.live) return false;
        endItem(c, item, cut);
        return true;
      }
      case 'network':
      case 'skew':
        endItem(c, item);
        return true;
      case 'crash':
        if (this.outcomes[index]!.start !== 'ok' || c.node(item.region, item.shard).up) return false;
        endItem(c, item);
        return true;
      default:
        return false;
    }
  }

  private session(id: number): ClusterSession {
    const s = this.sessions.get(id);
    if (!s) throw new Error(`schedule uses session ${id}, which it does not declare`);
    return s;
  }
}

/** A count of zero for every kind of fault. */
export function noFaults(): Record<Fault['kind'], number> {
  return Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<Fault['kind'], number>;
}

/**
 * Sends a bad request; undefined when it was refused with the typed error a client should get,
 * else what went wrong. Whatever it did to the replicas, the promise checker judges later.
 */
function refusedAsBadInput(c: SimulatedCluster, item: BadRequestOp): string | undefined {
  const expected = item.problem === 'undeclared-signal' ? UnknownSignalError : InvalidInputError;
  try {
    switch (item.problem) {
      case 'undeclared-signal':
        c.writeSignal('clack', 'e-0', 1, { via: item.region });
        break;
      case 'long-entity':
        c.writeSignal('click', 'x'.repeat(257), 1, { via: item.region });
        break;
      case 'unknown-region':
        c.writeSignal('click', 'e-0', 1, { via: UNKNOWN_REGION });
        break;
      case 'negative-timeout':
        c.session(item.region, { timeoutMs: -5 });
        break;
      case 'unknown-policy': {
        // A policy name from outside, as a client would send it: the engine must refuse it.
        const policy: string = 'sometimes';
        c.session(item.region, { policy: policy as SessionPolicy });
        break;
      }
    }
  } catch (err) {
    if (err instanceof expected) return undefined;
    return `a bad request (${item.problem}) was refused with ${(err as Error).name}: ${(err as Error).message}; expected ${expected.name}`;
  }
  return `a bad request (${item.problem}) was accepted; it must be refused with ${expected.name}`;
}

function isRefusal(err: unknown): boolean {
  return (
    err instanceof UnavailableError ||
    err instanceof StaleReadError ||
    err instanceof FailoverRefusedError ||
    err instanceof NodeStateError ||
    err instanceof IdempotencyConflictError
  );
}
