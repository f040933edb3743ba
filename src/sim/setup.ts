/**
 * The cluster a simulated run uses, built exactly as the features build theirs — the same region
 * names, the same schema, the same seed — so a shrunk schedule printed as a Gherkin scenario
 * replays message for message under Cucumber.
 */
import { SimulatedCluster } from '../cluster';
import type { SchemaSpec } from '../engine';
import type { ClusterShape } from './schedule';

/** Region names of "a cluster of N regions" (the same list as steps/support/parameter-types.ts). */
export const REGION_NAMES = [
  'us-east',
  'eu-west',
  'ap-south',
  'us-west',
  'eu-north',
  'ap-east',
  'sa-east',
  'af-south',
  'me-central',
  'ca-central',
  'eu-south',
  'ap-north',
  'us-central',
  'au-east',
  'in-west',
  'mx-north',
];

/** The signals every feature's schema declares (the same as steps/support/world.ts). */
export const SIM_SCHEMA: SchemaSpec = {
  signals: {
    click: { halfLifeMs: 3_600_000 },
    view: { halfLifeMs: 86_400_000 },
    purchase: { halfLifeMs: 604_800_000 },
  },
};

/** The cluster's default largest accepted lead of a remote HLC stamp. */
export const DEFAULT_MAX_DRIFT_MS = 1_000;

export function regionNames(count: number): string[] {
  if (count < 1 || count > REGION_NAMES.length)
    throw new Error(`a simulated cluster has 1 to ${REGION_NAMES.length} regions, got ${count}`);
  return REGION_NAMES.slice(0, count);
}

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
