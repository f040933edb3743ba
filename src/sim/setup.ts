/**
 * The cluster a simulated run uses, built exactly as the features build theirs — the same region
 * names, the same schema, the same seed — so a shrunk schedule printed as a Gherkin scenario
 * replays message for message under Cucumber.
 */
import { REGION_NAMES, regionNames, SCENARIO_SCHEMA, SimulatedCluster } from '../cluster';
import type { ClusterShape } from './schedule';

/** The signals every feature's schema declares. */
export const SIM_SCHEMA = SCENARIO_SCHEMA;

/** The cluster's default largest accepted lead of a remote HLC stamp. */
export const DEFAULT_MAX_DRIFT_MS = 1_000;

export { REGION_NAMES, regionNames };

/** Builds a fresh cluster of `shape`, seeded with `seed`, recording history for the checkers. */
export async function buildCluster(shape: ClusterShape, seed: number): Promise<SimulatedCluster> {
  return SimulatedCluster.build({
    regions: regionNames(shape.regions),
    shardsPerRegion: shape.shards,
    schema: SIM_SCHEMA,
    seed,
    ackPolicy: shape.ackPolicy,
    partitionPolicy: shape.partitionPolicy,
    ...(shape.maxDriftMs === DEFAULT_MAX_DRIFT_MS ? {} : { maxDriftMs: shape.maxDriftMs }),
    sampleLagEveryMs: 0,
  });
}
