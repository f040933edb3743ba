/**
 * How the simulator judges a run: it calls the cluster's one promise checker (heal, converge,
 * check every promise, reading every parameter from the cluster's config) and adds only what
 * belongs to a run rather than to a cluster — an error that stopped the run is an 'exception',
 * and shrinking compares failures by their signature.
 */
import {
  CONVERGENCE_TIMEOUT_MS,
  healAndCheck as checkCluster,
  type SimulatedCluster,
  type Violation,
  type WriteRecord,
} from '../cluster';

export { CONVERGENCE_TIMEOUT_MS };

/** Which checker found a violation; 'exception' when the run itself broke (an engine assertion). */
export type SimChecker = Violation['checker'] | 'exception';

export interface SimViolation {
  checker: SimChecker;
  message: string;
  evidence?: unknown;
}

/**
 * What makes two failures "the same" while shrinking: the checker, and for a run that stopped on
 * an error, the error's class and message with the numbers taken out (so a smaller schedule that
 * trips the same assertion at another SeqNo still counts, and a different error does not).
 */
export function signatureOf(v: SimViolation): string {
  return v.checker === 'exception' ? `exception: ${v.message.replace(/\d+(\.\d+)?/g, '#')}` : v.checker;
}

/** The end of every run: the cluster's promise checker, with a run that broke as an 'exception'. */
export async function healAndCheck(
  cluster: SimulatedCluster,
  timeoutMs = CONVERGENCE_TIMEOUT_MS,
): Promise<{ violations: SimViolation[]; lost: WriteRecord[] }> {
  try {
    return await checkCluster(cluster, timeoutMs);
  } catch (err) {
    return { violations: [runFailure(err)], lost: [] };
  }
}

/** A run that stopped on an error. */
export function runFailure(err: unknown): SimViolation {
  const e = err instanceof Error ? err : new Error(String(err));
  return {
    checker: 'exception',
    message: `the run stopped: ${e.name}: ${e.message}`,
    evidence: e.stack?.split('\n').slice(0, 8).join('\n'),
  };
}
