/**
 * The typed World every step shares: the scenario's seed, its cluster, its logger, and what
 * the steps remember between sentences (acks, partitions, sessions, what a step noted for a
 * later one, the last error), each in a field of its own type.
 *
 * Steps drive the cluster through `cluster` (the `Cluster` interface: what any deployment
 * offers, every answer awaited). Which deployment is the world parameter `mode`: `simulated`
 * (the default: `SimulatedCluster`, in virtual time) or `real` (`--world-parameters
 * '{"mode":"real"}'`, the cucumber profile `real`: the factory of src/real, tidal-node processes).
 * A step that needs a power only the simulator has (a replica's engine, raw bytes, a torn write,
 * the checkers that read engines) uses `sim`, which says so in its type and throws
 * `SimulatorOnlyError` against a real deployment: its scenario is tagged @simulator-only. A step
 * whose product assertion holds in both modes but which checks more where the simulator can
 * look inside passes that extra check to `inSimulator`, which runs it only there. How long a step
 * may take, and how exact a real-time bound is, depend on the mode too (./time-limits).
 */
import { setWorldConstructor, World, type IWorldOptions } from '@cucumber/cucumber';
import type pino from 'pino';
import {
  SCENARIO_SCHEMA,
  SimulatedCluster,
  SimulatorOnlyError,
  type ClientSession,
  type Cluster,
  type ClusterConfig,
  type ClusterFactory,
  type Violation,
  type FailoverResult,
  type PartitionHandle,
  type ReconciliationTotals,
  type RegionStateRow,
  type ReplicaState,
  type SessionRead,
} from '../../src/cluster';
import type { RecoveryReport, WriteAck } from '../../src/engine';
import { createScenarioLogger, type ScenarioLogger } from '../../src/report/logger';
import { DEFAULT_SEED } from '../../src/report/seed';
import { modeOf, type Mode } from './mode';
import { checkStepTimeout } from './time-limits';

/** The signals every scenario's schema declares (half-lives in virtual time). */
export const DEFAULT_SCHEMA = SCENARIO_SCHEMA;

/** A step used a cluster before "Given a cluster of …" built one. */
export class NoClusterError extends Error {
  constructor() {
    super('no cluster yet: start the scenario with "Given a cluster of …"');
    this.name = 'NoClusterError';
  }
}

/**
 * The factory of the real deployment, loaded only when a real-mode scenario builds its first
 * cluster, so a simulated run never loads src/real (nor needs it to exist).
 */
function processClusterFactory(): ClusterFactory {
  let real: { buildProcessCluster?: ClusterFactory };
  try {
    real = require('../../src/real') as typeof real;
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND';
    if (!missing || !(err as Error).message.includes("'../../src/real'")) throw err;
    throw new Error(
      `the world parameter mode is "real", but this checkout has no src/real (the ProcessCluster of issue 15): ${(err as Error).message.split('\n')[0]}`,
    );
  }
  if (typeof real.buildProcessCluster !== 'function')
    throw new Error('src/real does not export buildProcessCluster (a ClusterFactory)');
  return real.buildProcessCluster;
}

/** What steps noted for a later step to compare against. */
export interface Noted {
  /** When the last session read started and ended (cluster ms). */
  readWindow?: { startMs: number; endMs: number };
  /** Bytes of a write torn by a region's crash, by region. */
  tornBytes: Map<string, number>;
  /** Events a region had applied when it restarted, by region. */
  appliedAtRestart: Map<string, number>;
  /** Scores read before something happened, by region, then "entity/signal". */
  scores: Map<string, Map<string, number>>;
  /** Each written entity's shard before a change, by "tenant/entity". */
  shards: Map<string, number>;
  /** Reconciliation traffic before a change. */
  reconciliation?: ReconciliationTotals;
  /** Every replica's status as the cluster reports it (to show a refused input changed nothing). */
  rows?: RegionStateRow[];
  /** Every replica's state, digest included, where the simulator can look (the same, deeper). */
  replicas?: ReplicaState[];
}

export class TidalWorld extends World {
  /** Set by the first Before hook (`resolveSeed`): TIDAL_SEED, else the `@seed-N` tag, else 42. */
  seed = DEFAULT_SEED;
  /** The scenario's feature file and line, for the replay command. */
  location = { uri: '', line: 0 };
  /** Which deployment this scenario drives. */
  readonly mode: Mode;
  /** The text of the step running now (set by a BeforeStep hook), for `SimulatorOnlyError`. */
  currentStep = '';
  private built: Cluster | undefined;
  private closed = false;
  readonly scenarioLog: ScenarioLogger;
  config: Partial<ClusterConfig> = {};
  acks: WriteAck[] = [];
  /** Partitions the scenario injected, in order (each knows its ends and whether it is one way). */
  partitions: PartitionHandle[] = [];
  /** The scenario's client session ("the session"). */
  session: ClientSession | undefined;
  /** Named clients' sessions ("client 1 has a session in …"), by name. */
  readonly clients = new Map<string, ClientSession>();
  /** What the last session read returned (undefined when it was refused). */
  lastRead: SessionRead | undefined;
  failovers: FailoverResult[] = [];
  /** What each region (or replica, "region/shard") recovered when it restarted. */
  recoveries = new Map<string, RecoveryReport>();
  readonly noted: Noted = {
    tornBytes: new Map(),
    appliedAtRestart: new Map(),
    scores: new Map(),
    shards: new Map(),
  };
  /** The error the last "tries to" step caught, for the "Then … is refused" steps. */
  lastError: unknown;
  /** Promises the scenario's own steps judged (bad input: refused with a typed error, nothing changed). */
  readonly judged = new Set<Violation['checker']>();
  /** Named figures a scenario measured (convergence time, bytes shipped…), attached to the report. */
  readonly figures: Record<string, number | string> = {};
  tempDir: string | undefined;

  constructor(options: IWorldOptions) {
    super(options);
    this.mode = modeOf(options.parameters);
    this.scenarioLog = createScenarioLogger({ now: () => this.built?.now() ?? 0 });
  }

  get logger(): pino.Logger {
    return this.scenarioLog.logger;
  }

  /** The scenario's cluster, as any deployment offers it. */
  get cluster(): Cluster {
    if (!this.built) throw new NoClusterError();
    return this.built;
  }

  /** The simulator behind the cluster: for steps that need a power only it has. */
  get sim(): SimulatedCluster {
    const cluster = this.cluster;
    if (!(cluster instanceof SimulatedCluster))
      throw new SimulatorOnlyError(
        `"${this.currentStep}" looks inside the simulator, and this scenario runs against ${this.mode} processes`,
      );
    return cluster;
  }

  /**
   * Runs `check` only when the cluster is the simulator: a deeper look (a replica's engine, the
   * checkers that read engines) behind a step whose product assertion goes through `cluster`.
   */
  async inSimulator(check: (sim: SimulatedCluster) => unknown): Promise<void> {
    if (this.built instanceof SimulatedCluster) await check(this.built);
  }

  get hasCluster(): boolean {
    return this.built !== undefined;
  }

  /** Stops the scenario's cluster (once): a real deployment's processes, the simulator's files. */
  async closeCluster(): Promise<void> {
    if (!this.built || this.closed) return;
    this.closed = true;
    await this.built.close();
  }

  /** Builds the scenario's cluster from the config gathered so far plus `overrides`. */
  async buildCluster(overrides: Partial<ClusterConfig>): Promise<Cluster> {
    // Here, not in the constructor: a dry run (scripts/real-selection.ts) makes worlds of every
    // profile from one load of the support code, and never builds a cluster.
    checkStepTimeout(this.mode);
    const config: ClusterConfig = {
      regions: ['us-east', 'eu-west'],
      shardsPerRegion: 1,
      schema: DEFAULT_SCHEMA,
      ...this.config,
      ...overrides,
      seed: this.seed,
      logger: this.logger,
      ...(this.tempDir ? { durable: { dataDir: this.tempDir } } : {}),
    };
    if (this.mode === 'simulated') {
      this.built = await SimulatedCluster.build(config);
      return this.built;
    }
    // A real deployment holds processes and ports: the cluster it replaces stops first.
    await this.closeCluster();
    this.built = await processClusterFactory()(config, this.logger);
    this.closed = false;
    return this.built;
  }

  /** The live partition between `a` and `b` (both ways), or the one-way cut `a` → `b`. */
  partitionBetween(a: string, b: string, oneWay = false): PartitionHandle | undefined {
    return this.partitions.find(
      (p) =>
        p.live &&
        p.oneWay === oneWay &&
        ((p.from === a && p.to === b) || (!oneWay && p.from === b && p.to === a)),
    );
  }

  /** Runs `action`, remembering the error it throws (a step that expects a refusal). */
  async attempt(action: () => unknown): Promise<void> {
    this.lastError = undefined;
    try {
      await action();
    } catch (err) {
      this.lastError = err;
      this.logger.info({ error: (err as Error).name, detail: (err as Error).message }, 'attempt refused');
    }
  }

  /** The error caught by the last attempt; fails when it succeeded. */
  caught(): Error {
    if (this.lastError === undefined)
      throw new Error('expected the last action to be refused, but it succeeded');
    return this.lastError as Error;
  }
}

setWorldConstructor(TidalWorld);
