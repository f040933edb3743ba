/** Typed errors of the simulator: each names the seed that replays the run. */
import { TidalError } from '../engine';

export interface LaggingReplica {
  replica: string;
  lagEvents: number;
  appliedSeqNo: number;
  leaderSeqNo: number;
  digestMatches: boolean;
  up: boolean;
}

/** The cluster did not converge within the timeout (virtual ms). */
export class ConvergenceTimeoutError extends TidalError {
  constructor(
    readonly timeoutMs: number,
    readonly seed: number,
    readonly lagging: LaggingReplica[],
  ) {
    super(
      `cluster did not converge within ${timeoutMs} ms of virtual time (seed ${seed}): ` +
        lagging
          .map((l) =>
            l.lagEvents > 0
              ? `${l.replica} lags ${l.lagEvents} events (applied ${l.appliedSeqNo} of ${l.leaderSeqNo})${l.up ? '' : ' and is down'}`
              : `${l.replica} has applied everything but its state digest differs from the leader's`,
          )
          .join('; ') +
        `; replay with TIDAL_SEED=${seed}`,
    );
  }
}

/** A failover that would lose committed writes, or names a replica that cannot lead. */
export class FailoverRefusedError extends TidalError {}

/**
 * A step needs a power only the simulator has (a replica's engine, raw bytes on a link, a torn
 * write, exact virtual time…) but the scenario runs against another cluster.
 */
export class SimulatorOnlyError extends TidalError {
  constructor(readonly need: string) {
    super(
      `this step needs the simulator (${need}); tag the scenario @simulator-only ` +
        `so that a run against real processes leaves it out`,
    );
  }
}

/** The promises the promise checker holds every run to (see checkers/promises.ts). */
export const CHECKERS = [
  'convergence',
  'lost-write',
  'double-count',
  'score',
  'idempotency',
  'session',
  'hlc',
  'epoch',
  'log',
  'quorum',
  'corruption',
  'bad-input',
] as const;

/** A checker found a broken promise. */
export interface Violation {
  checker: (typeof CHECKERS)[number];
  message: string;
  evidence?: unknown;
}

export class InvariantViolationError extends TidalError {
  constructor(
    readonly violations: Violation[],
    readonly seed: number,
  ) {
    super(
      `${violations.length} invariant violation(s) (seed ${seed}):\n` +
        violations.map((v) => `  [${v.checker}] ${v.message}`).join('\n'),
    );
  }
}
