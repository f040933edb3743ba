/**
 * The typed World every step shares: the scenario's seed, its cluster, its logger, and what
 * the steps remember between sentences (acks, partitions, sessions, the last error).
 * Steps call one method here or on the cluster; nothing else keeps state.
 */
import { setWorldConstructor, World, type IWorldOptions } from '@cucumber/cucumber';
import type pino from 'pino';
import {
  SCENARIO_SCHEMA,
  SimulatedCluster,
  type ClusterConfig,
  type ClusterSession,
  type NetworkPartition,
  type SessionRead,
  type FailoverResult,
  type ReplicaState,
} from '../../src/cluster';
import type { RecoveryReport, WriteAck } from '../../src/engine';
import { createScenarioLogger, type ScenarioLogger } from '../../src/report/logger';
import { DEFAULT_SEED } from '../../src/report/seed';

/** The signals every scenario's schema declares (half-lives in virtual time). */
export const DEFAULT_SCHEMA = SCENARIO_SCHEMA;

export class TidalWorld extends World {
  /** Set by the first Before hook (`resolveSeed`): TIDAL_SEED, else the `@seed-N` tag, else 42. */
  seed = DEFAULT_SEED;
  /** The scenario's feature file and line, for the replay command. */
  location = { uri: '', line: 0 };
  private clusterOrUndefined: SimulatedCluster | undefined;
  readonly scenarioLog: ScenarioLogger;
  config: Partial<ClusterConfig> = {};
  acks: WriteAck[] = [];
  partitions = new Map<string, NetworkPartition>();
  sessions = new Map<string, ClusterSession>();
  /** What the last session read returned (undefined when it was refused). */
  lastRead: SessionRead | undefined;
  failovers: FailoverResult[] = [];
  /** Values a step noted for a later step to compare against. */
  noted = new Map<string, number>();
  recoveries = new Map<string, RecoveryReport>();
  /** Every replica's state when a step noted it (to show a refused input changed nothing). */
  notedReplicas: ReplicaState[] | undefined;
  /** The error the last "tries to" step caught, for the "Then … is refused" steps. */
  lastError: unknown;
  /** Named figures a scenario measured (convergence time, bytes shipped…), attached to the report. */
  readonly figures: Record<string, number | string> = {};
  tempDir: string | undefined;

  constructor(options: IWorldOptions) {
    super(options);
    this.scenarioLog = createScenarioLogger({ now: () => this.clusterOrUndefined?.now() ?? 0 });
  }

  get logger(): pino.Logger {
    return this.scenarioLog.logger;
  }

  get cluster(): SimulatedCluster {
    if (!this.clusterOrUndefined)
      throw new Error('no cluster yet: start the scenario with "Given a cluster of …"');
    return this.clusterOrUndefined;
  }

  get hasCluster(): boolean {
    return this.clusterOrUndefined !== undefined;
  }

  /** Builds the scenario's cluster from the config gathered so far plus `overrides`. */
  async buildCluster(overrides: Partial<ClusterConfig>): Promise<SimulatedCluster> {
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
    this.clusterOrUndefined = await SimulatedCluster.build(config);
    return this.clusterOrUndefined;
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
