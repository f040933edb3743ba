/** The system a simulated cluster is: the engine of this checkout, run in-process in virtual time. */
import { execFileSync } from 'node:child_process';
import { ENGINE_NAME, ENGINE_VERSION } from '../engine';
import type { SystemUnderTest } from './report-data';

let commit: string | undefined;

/** The commit of the checkout this code is in (asked of git once), or "unknown" outside one. */
export function checkoutCommit(): string {
  if (commit === undefined) {
    try {
      commit = execFileSync('git', ['rev-parse', 'HEAD'], {
        cwd: __dirname,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        timeout: 5_000,
      }).trim();
    } catch {
      commit = 'unknown';
    }
    if (!/^[0-9a-f]{40}$/.test(commit)) commit = 'unknown';
  }
  return commit;
}

/** The simulator's system under test: this checkout's engine, in-process. */
export function simulatedSystem(): SystemUnderTest {
  return {
    mode: 'simulated',
    engine: ENGINE_NAME,
    version: ENGINE_VERSION,
    commit: checkoutCommit(),
    description: `${ENGINE_NAME} ${ENGINE_VERSION} in the deterministic simulator (in-process, virtual time)`,
  };
}
