/** The system a simulated cluster is: the engine of this checkout, run in-process in virtual time. */
import { checkoutCommit } from '../checkout';
import { ENGINE_NAME, ENGINE_VERSION } from '../engine';
import type { SystemUnderTest } from './report-data';

let commit: string | undefined;

/** The simulator's system under test: this checkout's engine, in-process. */
export function simulatedSystem(): SystemUnderTest {
  return {
    mode: 'simulated',
    engine: ENGINE_NAME,
    version: ENGINE_VERSION,
    commit: (commit ??= checkoutCommit(__dirname)), // asked of git once per process
    description: `${ENGINE_NAME} ${ENGINE_VERSION} in the deterministic simulator (in-process, virtual time)`,
  };
}
