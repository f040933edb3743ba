/**
 * What a simulated cluster is built from: its config (every default stated where the option is
 * declared), the logger it writes to, and the validation that refuses a bad config with a
 * typed error before anything starts.
 */
import {
  checkRegionId,
  InvalidInputError,
  type AckPolicy,
  type Schema,
  type SchemaSpec,
  type ShipperOptions,
  type TenantPlacement,
  type WalOptions,
} from '../engine';
import type { NetworkConfig } from './network';

export type PartitionPolicy = 'leader-only' | 'accept-local';

/** Minimal structured logger (pino's shape). */
export interface ClusterLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** A logger that writes nothing (the default). */
export const SILENT_LOGGER: ClusterLogger = { debug() {}, info() {}, warn() {}, error() {} };

export interface ClusterConfig {
  regions: string[];
  shardsPerRegion: number;
  /** Region that leads every shard, and the shard `leader()` returns. Default: [regions[0], 0]. */
  leader?: [string, number];
  schema: SchemaSpec | Schema;
  /** Root seed of every random choice. Default: 1. */
  seed?: number;
  /** What a region cut off from a shard's leader does with writes. Default: 'leader-only'. */
  partitionPolicy?: PartitionPolicy;
  /** When a write counts as committed. Default: 'leader'. */
  ackPolicy?: AckPolicy;
  /** Latency 5 ms and jitter 0 ms by default. */
  network?: NetworkConfig;
  /** Largest accepted lead of a remote HLC stamp. Default: 1000 ms. */
  maxDriftMs?: number;
  /** WAL segments as real files under this directory. Default: in-memory simulated disk. */
  durable?: { dataDir: string };
  tenants?: Record<string, TenantPlacement>;
  /** Default: 600_000 ms. */
  idempotencyRetentionMs?: number;
  /** Anti-entropy period. Default: 250 ms under 'accept-local', off under 'leader-only'. */
  reconcileEveryMs?: number;
  shipper?: ShipperOptions;
  wal?: WalOptions;
  logger?: ClusterLogger;
  /** Keep every write and read for the checkers. Default: true (benchmarks turn it off). */
  recordHistory?: boolean;
  /** Lag timeline sampling period for reports; 0 turns it off. Default: 50 ms. */
  sampleLagEveryMs?: number;
}

export interface ClusterWriteOptions {
  /** Region whose node the client call enters. Default: the shard leader's. */
  via?: string;
  idempotencyKey?: string;
  /** Explicit event time (ms); default: the accepting node's physical clock. */
  timeMs?: number;
  tenant?: string;
}

/** Checks a config; returns its regions, validated. Throws `InvalidInputError` saying what to fix. */
export function validateConfig(config: ClusterConfig): string[] {
  if (!config || !Array.isArray(config.regions) || config.regions.length === 0) {
    throw new InvalidInputError('regions', config?.regions, 'a cluster needs at least one region');
  }
  const regions = config.regions.map((r) => checkRegionId(r));
  const n = config.shardsPerRegion;
  if (!Number.isInteger(n) || n < 1 || n > 65536)
    throw new InvalidInputError('shardsPerRegion', n, 'an integer from 1 to 65536');
  if (config.leader) {
    checkRegionId(config.leader[0], 'leader region');
    if (!regions.includes(config.leader[0]))
      throw new InvalidInputError(
        'leader region',
        config.leader[0],
        `not one of the regions (${regions.join(', ')})`,
      );
    if (!Number.isInteger(config.leader[1]) || config.leader[1] < 0 || config.leader[1] >= n) {
      throw new InvalidInputError('leader shard', config.leader[1], `a shard from 0 to ${n - 1}`);
    }
  }
  if (config.seed !== undefined && (!Number.isSafeInteger(config.seed) || config.seed < 0)) {
    throw new InvalidInputError('seed', config.seed, 'a seed is a non-negative safe integer');
  }
  if (config.partitionPolicy && !['leader-only', 'accept-local'].includes(config.partitionPolicy)) {
    throw new InvalidInputError('partitionPolicy', config.partitionPolicy, "'leader-only' or 'accept-local'");
  }
  if (config.ackPolicy && !['leader', 'quorum'].includes(config.ackPolicy))
    throw new InvalidInputError('ackPolicy', config.ackPolicy, "'leader' or 'quorum'");
  return regions;
}
