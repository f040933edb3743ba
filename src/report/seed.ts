/**
 * The seed attachment contract between the step hooks and the summary formatter. Every scenario
 * attaches, with media type SEED_MEDIA_TYPE, a JSON body `{ "seed": 42, "replay": "TIDAL_SEED=42
 * npx cucumber-js features/x.feature:12" }`; the summary shows it for failing scenarios so a
 * reader can rerun the exact simulation. One definition here, used by both sides.
 */

/** The seed of a scenario that neither TIDAL_SEED nor a `@seed-N` tag sets. */
export const DEFAULT_SEED = 42;

/**
 * The one seed resolver: `TIDAL_SEED` when set (a replay), else the scenario's `@seed-N` tag,
 * else `DEFAULT_SEED`. Hooks, steps, reports and the replay command all take the seed from here.
 */
export function resolveSeed(
  tags: readonly string[],
  env: string | undefined = process.env.TIDAL_SEED,
): number {
  if (env !== undefined && env !== '') {
    const seed = Number(env);
    if (!Number.isSafeInteger(seed) || seed < 0)
      throw new Error(`TIDAL_SEED=${env} is not a non-negative integer; set it to a seed such as 42`);
    return seed;
  }
  const tagged = tags.map((t) => /^@seed-(\d+)$/.exec(t)?.[1]).find((s) => s !== undefined);
  return tagged === undefined ? DEFAULT_SEED : Number(tagged);
}

/** Media type of the per-scenario seed attachment. */
export const SEED_MEDIA_TYPE = 'application/vnd.tidal.seed+json';

export interface SeedInfo {
  seed: number;
  replay: string;
}

/** The command that reruns one scenario (a feature file and its scenario or example row line) with a seed. */
export function replayCommand(seed: number, uri: string, line: number): string {
  const path = /^[\w./@+-]+$/.test(uri) ? uri : `'${uri.replace(/'/g, `'\\''`)}'`;
  return `TIDAL_SEED=${seed} npx cucumber-js ${path}:${line}`;
}

/** The attachment a hook passes to `this.attach(body, { mediaType })`. */
export function seedAttachment(seed: number, uri: string, line: number): { body: string; mediaType: string } {
  if (!Number.isSafeInteger(seed))
    throw new Error(`Seed ${seed} is not a safe integer; seeds are integers such as 42.`);
  const info: SeedInfo = { seed, replay: replayCommand(seed, uri, line) };
  return { body: JSON.stringify(info), mediaType: SEED_MEDIA_TYPE };
}

/** Reads a seed attachment body; undefined when it does not follow the contract. */
export function parseSeedAttachment(body: string): SeedInfo | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { seed, replay } = value as Record<string, unknown>;
  if (typeof seed !== 'number' || !Number.isFinite(seed) || typeof replay !== 'string') return undefined;
  return { seed, replay };
}
