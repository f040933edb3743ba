/**
 * The git checkout a run's code came from: its commit (the suite's, for the sign-off page and the
 * run history; the engine's, for the simulator's system under test) and whether it has uncommitted
 * edits. Imports nothing of the project. Bounded: git gets GIT_TIMEOUT_MS, and anything but a
 * commit hash reads "unknown".
 */
import { execFileSync } from 'node:child_process';

/** Bound on asking git; a hung git (a lock, a network mount) must not hold the report. */
const GIT_TIMEOUT_MS = 2000;

/** `git rev-parse HEAD` of `cwd`, or "unknown" outside a git checkout or when git does not answer. */
export function checkoutCommit(cwd: string = process.cwd()): string {
  try {
    const out = execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd,
      encoding: 'utf8',
      timeout: GIT_TIMEOUT_MS,
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    return /^[0-9a-f]{40}$/.test(out) ? out : 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * Whether tracked files differ from HEAD (edits not committed): a run on such a tree is not a run
 * of its commit, so the flaky check leaves it out. Undefined when git does not answer.
 */
export function checkoutDirty(cwd: string = process.cwd()): boolean | undefined {
  try {
    const out = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      cwd,
      encoding: 'utf8',
      timeout: GIT_TIMEOUT_MS,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return out.trim() !== '';
  } catch {
    return undefined;
  }
}
