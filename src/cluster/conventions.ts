/**
 * The conventions every acceptance scenario and every simulated run share, so that a schedule the
 * simulator shrinks and prints as Gherkin replays under Cucumber message for message: the names
 * of "a cluster of N regions" and the schema of signals scenarios write.
 */
import type { SchemaSpec } from '../engine';

/** Region names of "a cluster of N regions", in order. */
export const REGION_NAMES: readonly string[] = [
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

/** The signals scenarios write, with their half-lives. */
export const SCENARIO_SCHEMA: SchemaSpec = {
  signals: {
    click: { halfLifeMs: 3_600_000 },
    view: { halfLifeMs: 86_400_000 },
    purchase: { halfLifeMs: 604_800_000 },
  },
};

/** The first `count` region names. */
export function regionNames(count: number): string[] {
  if (!Number.isInteger(count) || count < 1 || count > REGION_NAMES.length)
    throw new RangeError(`a cluster here has 1 to ${REGION_NAMES.length} named regions, got ${count}`);
  return REGION_NAMES.slice(0, count);
}
