/**
 * The deployment a cluster config becomes: a temporary directory holding the DeploymentConfig
 * file every node reads, one clock file per region (libfaketime), the nodes' data dirs and
 * logs; each region on its own loopback address (127.0.0.2, .3, …) with free ports; its keys in
 * etcd under a clusterId of its own.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_IDEMPOTENCY_RETENTION_MS, Schema } from '../engine';
import type { ClusterConfig } from '../cluster';
import type { DeploymentConfig, RegionAddress } from '../server/protocol';
import { ClockFile } from './faketime';
import { freePorts } from './ports';
import { realTempBase } from './temp';

/** Prefix of every temp dir the real mode makes (the leftover check looks for it). */
export const TEMP_PREFIX = 'tidal-real-';
/** Last octet of the first region's address; region i listens on 127.0.0.(FIRST_HOST + i). */
export const FIRST_HOST = 2;

let clusters = 0;
/** This process's run id (the leftover check finds processes by it). */
export const RUN_ID = process.env.TIDAL_RUN_ID || `${process.pid}-${crypto.randomBytes(3).toString('hex')}`;

export interface Deployment {
  dir: string;
  configFile: string;
  config: DeploymentConfig;
  clocks: Map<string, ClockFile>;
  logFile(region: string): string;
  outFile(region: string): string;
}

/** Builds the deployment of `config` on disk (nothing runs yet); `etcd` is the run's etcd. */
export async function makeDeployment(
  config: ClusterConfig,
  regions: readonly string[],
  etcd: string,
): Promise<Deployment> {
  const dir = fs.mkdtempSync(path.join(realTempBase(), TEMP_PREFIX));
  try {
    const addresses: Record<string, RegionAddress> = {};
    for (const [i, r] of regions.entries()) {
      const host = `127.0.0.${FIRST_HOST + i}`;
      const [httpPort, replicationPort] = await freePorts(2, host);
      addresses[r] = { host, httpPort: httpPort!, replicationPort: replicationPort! };
    }
    const leader = config.leader?.[0] ?? regions[0]!;
    const partitionPolicy = config.partitionPolicy ?? 'leader-only';
    const schema = config.schema instanceof Schema ? config.schema.toSpec() : config.schema;
    const deployment: DeploymentConfig = {
      clusterId: `uat-${RUN_ID}-${++clusters}`,
      regions: addresses,
      shardCount: config.shardsPerRegion,
      leaders: Array.from({ length: config.shardsPerRegion }, () => leader),
      schema,
      ackPolicy: config.ackPolicy ?? 'leader',
      partitionPolicy,
      idempotencyRetentionMs: config.idempotencyRetentionMs ?? DEFAULT_IDEMPOTENCY_RETENTION_MS,
      reconcileEveryMs: config.reconcileEveryMs ?? (partitionPolicy === 'accept-local' ? 250 : 0),
      maxDriftMs: config.maxDriftMs ?? 1_000,
      tenants: config.tenants ?? {},
      etcd: [etcd],
      // A scenario's durable dir when it has one (its steps look at the WAL files there).
      dataDir: config.durable?.dataDir ?? path.join(dir, 'data'),
    };
    fs.mkdirSync(deployment.dataDir, { recursive: true });
    const configFile = path.join(dir, 'deployment.json');
    // WAL and shipper tuning a scenario set (small segments…), for a node that reads them.
    const extras = {
      ...(config.wal ? { wal: config.wal } : {}),
      ...(config.shipper ? { shipper: config.shipper } : {}),
    };
    fs.writeFileSync(configFile, JSON.stringify({ ...deployment, ...extras }, null, 2));
    const clocks = new Map(regions.map((r) => [r, new ClockFile(path.join(dir, `clock-${r}`))]));
    return {
      dir,
      configFile,
      config: deployment,
      clocks,
      logFile: (r) => path.join(dir, `${r}.log`),
      outFile: (r) => path.join(dir, `${r}.out`),
    };
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
