/**
 * Two attachment contracts between the step hooks (the writer) and the reports (the readers),
 * like the seed's in seed.ts. At the end of every scenario that built a cluster, the After hook
 * attaches:
 * - the promise checker's verdict, one row per promise it holds every run to, in its order:
 *   `{ "promises": [{ "checker": "lost-write", "promise": "no acknowledged write is lost…",
 *   "status": "held", "held": true, "violations": 0 }, …] }` (media type PROMISES_MEDIA_TYPE,
 *   file promises.json). `status` is 'held', 'broken' (violations found), 'not-checked' (the
 *   checker could not judge it in this run — a real deployment does not report what the rule
 *   needs — with `reason` saying why) or 'not-exercised' (the scenario did nothing the promise is
 *   about — it sent no bad request — with `reason` saying where it is judged); `held` is true
 *   exactly when status is 'held'. A row
 *   without `status` (written before it existed) reads as held or broken by `held`;
 * - the system under test: `{ "mode": "simulated", "engine": "tidal-engine", "version": "0.1.0",
 *   "commit": "1d9879c…", "description": "…" }` (SYSTEM_MEDIA_TYPE, file system-under-test.json).
 * A scenario without a cluster attaches neither: no promise was checked there. Both bodies are
 * functions of the code and the seed, so two runs of a seed attach them byte for byte.
 */

import type { SystemUnderTest } from '../cluster/report-data';

export type { SystemMode, SystemUnderTest } from '../cluster/report-data';

/** Media type of the promise checker's verdict on one scenario. */
export const PROMISES_MEDIA_TYPE = 'application/vnd.tidal.promises+json';
/** Media type of the facts about the system a scenario ran against. */
export const SYSTEM_MEDIA_TYPE = 'application/vnd.tidal.system+json';

export const PROMISES_FILE_NAME = 'promises.json';
export const SYSTEM_FILE_NAME = 'system-under-test.json';

/** What became of one promise in one scenario. */
export type VerdictStatus = 'held' | 'broken' | 'not-checked' | 'not-exercised';

/** One promise, as judged at the end of one scenario. */
export interface PromiseVerdict {
  /** The checker's name (`lost-write`, `convergence`, …): the promise's stable id. */
  checker: string;
  /** The promise in words, as the checker's PROMISES table states it. */
  promise: string;
  status: VerdictStatus;
  /** True exactly when `status` is 'held' (never for a promise that was not checked). */
  held: boolean;
  /** How many violations of it the checker found (0 when held). */
  violations: number;
  /** Why it was not checked, or where it is exercised (status 'not-checked' or 'not-exercised' only). */
  reason?: string;
}

export interface PromisesVerdict {
  promises: PromiseVerdict[];
}

/**
 * The promise verdict of a scenario: every promise in `table` is broken when a violation names
 * it, else not checked when `unchecked` names it (with its reason), else not exercised when
 * `notExercised` names it, else held.
 */
export function promisesVerdict(
  table: readonly { checker: string; promise: string }[],
  violations: readonly { checker: string }[],
  unchecked: readonly { checker: string; reason: string }[] = [],
  notExercised: readonly { checker: string; reason: string }[] = [],
): PromisesVerdict {
  return {
    promises: table.map(({ checker, promise }): PromiseVerdict => {
      const count = violations.filter((v) => v.checker === checker).length;
      if (count > 0) return { checker, promise, status: 'broken', held: false, violations: count };
      const skipped = unchecked.find((u) => u.checker === checker);
      if (skipped)
        return {
          checker,
          promise,
          status: 'not-checked',
          held: false,
          violations: 0,
          reason: skipped.reason,
        };
      const idle = notExercised.find((u) => u.checker === checker);
      if (idle)
        return { checker, promise, status: 'not-exercised', held: false, violations: 0, reason: idle.reason };
      return { checker, promise, status: 'held', held: true, violations: 0 };
    }),
  };
}

/** Reads a promises attachment body; undefined when it does not follow the contract. */
export function parsePromisesVerdict(body: string): PromisesVerdict | undefined {
  const value = parseObject(body);
  if (!value || !Array.isArray(value.promises)) return undefined;
  const promises: PromiseVerdict[] = [];
  for (const row of value.promises as unknown[]) {
    if (typeof row !== 'object' || row === null) return undefined;
    const { checker, promise, status, held, violations, reason } = row as Record<string, unknown>;
    if (typeof checker !== 'string' || typeof promise !== 'string' || typeof held !== 'boolean')
      return undefined;
    if (typeof violations !== 'number' || !Number.isInteger(violations) || violations < 0) return undefined;
    const verdict = readStatus(status, held, violations, reason);
    if (!verdict) return undefined;
    promises.push({ checker, promise, ...verdict, violations });
  }
  return { promises };
}

/**
 * A row's status, checked against its other fields: a row that says held must have no
 * violations and held true; one not checked must say why and cannot say held. Undefined when the
 * fields contradict each other (a reader must not guess which one lies).
 */
function readStatus(
  status: unknown,
  held: boolean,
  violations: number,
  reason: unknown,
): Pick<PromiseVerdict, 'status' | 'held' | 'reason'> | undefined {
  if (status === undefined) return { status: held ? 'held' : 'broken', held };
  if (status === 'held') return held && violations === 0 ? { status, held } : undefined;
  if (status === 'broken') return !held && violations > 0 ? { status, held } : undefined;
  if (status === 'not-checked' || status === 'not-exercised')
    return !held && violations === 0 && typeof reason === 'string' && reason !== ''
      ? { status, held, reason }
      : undefined;
  return undefined;
}

/** Reads a system-under-test attachment body; undefined when it does not follow the contract. */
export function parseSystemUnderTest(body: string): SystemUnderTest | undefined {
  const value = parseObject(body);
  if (!value) return undefined;
  const { mode, engine, version, commit, description, parts } = value;
  if (mode !== 'simulated' && mode !== 'real-processes') return undefined;
  if ([engine, version, commit, description].some((v) => typeof v !== 'string')) return undefined;
  if (parts !== undefined && !(Array.isArray(parts) && parts.every((p) => typeof p === 'string')))
    return undefined;
  return {
    mode,
    engine,
    version,
    commit,
    description,
    ...(parts ? { parts } : {}),
  } as SystemUnderTest;
}

function parseObject(body: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
