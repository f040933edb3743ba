/**
 * The cluster a simulated run uses, built exactly as the features build theirs — the same region
 * names, the same schema, the same seed — so a shrunk schedule printed as a Gherkin scenario
 * replays message for message under Cucumber. A durable shape keeps its WAL segments as files in
 * a temporary directory (on tmpfs where the machine has one) that the run removes afterwards.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REGION_NAMES, regionNames, SCENARIO_SCHEMA, SimulatedCluster, type ClusterConfig } from '../cluster';
import { fullShape, type ClusterShape } from './schedule';

/** The signals every feature's schema declares. */
export const SIM_SCHEMA = SCENARIO_SCHEMA;

export { REGION_NAMES, regionNames };

/** The cluster config of `shape` (what a feature's "a cluster drawn by the simulator" builds too). */
export function clusterConfig(shape: ClusterShape, seed: number): ClusterConfig {
  const c = fullShape(shape);
  return {
    regions: regionNames(c.regions),
    shardsPerRegion: c.shards,
    schema: SIM_SCHEMA,
    seed,
    ackPolicy: c.ackPolicy,
    partitionPolicy: c.partitionPolicy,
    maxDriftMs: c.maxDriftMs,
    network: { latencyMs: c.latencyMs, jitterMs: c.jitterMs },
    idempotencyRetentionMs: c.idempotencyRetentionMs,
    shipper: { maxBatchEvents: c.maxBatchEvents, windowBatches: c.windowBatches },
    ...(c.tenants ? { tenants: c.tenants } : {}),
  };
}

/** A fresh cluster of `shape`, seeded with `seed`, and how to dispose of it (files and all). */
export async function buildCluster(
  shape: ClusterShape,
  seed: number,
): Promise<{ cluster: SimulatedCluster; dispose: () => void }> {
  const dataDir = shape.durable ? fs.mkdtempSync(path.join(scratchRoot(), 'tidal-sim-')) : undefined;
  try {
    const cluster = await SimulatedCluster.build({
      ...clusterConfig(shape, seed),
      ...(dataDir ? { durable: { dataDir } } : {}),
      sampleLagEveryMs: 0,
    });
    return {
      cluster,
      dispose: () => {
        cluster.close();
        if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}

/** tmpfs when the machine has one (an fsync there costs nothing), else the system's temp dir. */
function scratchRoot(): string {
  try {
    fs.accessSync('/dev/shm', fs.constants.W_OK);
    return '/dev/shm';
  } catch {
    return os.tmpdir();
  }
}
