/**
 * The writes every benchmark replays: a fixed pool of entity ids, the suite's three signals, and
 * a seeded choice of entity, signal, weight and entry region per write, generated up front so
 * the timed loops measure the system and not the generator.
 */
import { regionNames, SCENARIO_SCHEMA, SeededRng, SimulatedCluster } from '../../src/cluster';

/** The suite's schema: three signals with hour, day and week half-lives. */
export const SCHEMA = SCENARIO_SCHEMA;
export const SIGNALS = Object.keys(SCHEMA.signals);
export const REGIONS = regionNames(3);
export { regionNames };

/** The cluster the throughput-style benchmarks measure: no history, no lag sampling, seed 42. */
export function benchCluster(regions: number, shards: number): Promise<SimulatedCluster> {
  return SimulatedCluster.build({
    regions: regionNames(regions),
    shardsPerRegion: shards,
    schema: SCHEMA,
    seed: 42,
    recordHistory: false,
    sampleLagEveryMs: 0,
  });
}

export interface Writes {
  count: number;
  entity: string[];
  signal: string[];
  weight: Float64Array;
  /** Index into the regions the write enters through. */
  via: Uint8Array;
}

/** `count` writes over `entities` distinct ids and `signals` signals, entering at one of `regions` regions. */
export function makeWrites(count: number, entities: number, signals = 1, regions = 1, seed = 42): Writes {
  const rng = new SeededRng(seed).fork('workload');
  const ids = entityIds(entities);
  const w: Writes = {
    count,
    entity: new Array<string>(count),
    signal: new Array<string>(count),
    weight: new Float64Array(count),
    via: new Uint8Array(count),
  };
  for (let i = 0; i < count; i++) {
    w.entity[i] = ids[rng.int(0, entities - 1)]!;
    w.signal[i] = SIGNALS[rng.int(0, signals - 1)]!;
    w.weight[i] = rng.chance(0.05) ? -1 : 1; // a few retractions
    w.via[i] = rng.int(0, regions - 1);
  }
  return w;
}

export function entityIds(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `article-${i}`);
}
