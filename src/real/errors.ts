/**
 * Typed errors of the real-process deployment: each says what could not be done against real
 * processes and what to do instead (run the scenario in the simulator, or change the setup).
 */
import { TidalError } from '../engine';
import { SimulatorOnlyError } from '../cluster';

/**
 * A fault or call the simulator models but this deployment cannot make real: crashing one
 * shard of a process that holds every shard of its region, a drifting clock, duplicated or
 * reordered packets. It is a `SimulatorOnlyError`, so a step reports it the same way.
 */
export class NotInRealModeError extends SimulatorOnlyError {
  constructor(
    need: string,
    readonly why: string,
  ) {
    super(need);
    this.message = `${need} cannot be done against real processes: ${why}; tag the scenario @simulator-only or change it`;
  }
}

/** Something the real-process run needs is missing (a binary, root, a network namespace). */
export class PrerequisiteError extends TidalError {
  constructor(
    readonly what: string,
    readonly fix: string,
  ) {
    super(`real-process mode needs ${what}: ${fix}`);
  }
}

/** A process, port or answer did not come within its bound. */
export class RealTimeoutError extends TidalError {
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
    detail = '',
  ) {
    super(`${what} did not happen within ${timeoutMs} ms${detail ? `: ${detail}` : ''}`);
  }
}

/** A node answered something the protocol does not allow (not JSON, an unknown error name…). */
export class ProtocolError extends TidalError {}
