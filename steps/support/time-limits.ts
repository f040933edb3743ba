/**
 * What real time allows a step, in each mode: how long Cucumber lets a step or hook run, and how
 * much a real-time bound in a step's text ("within 100 ms") is stretched.
 *
 * In the simulator time is virtual: a step that lets an hour pass takes microseconds, and a bound
 * is exact (a promise holds by the instant or it does not). Cucumber's default of 5 s per step
 * stays. Against real processes time is the machine's: a write costs an fsync, a crash a process
 * start, the end-of-scenario check converges for up to 60 s; and a bound is measured on a clock
 * the whole run shares. The real profile (cucumber.js) loads steps/support/real-profile.js, which
 * sets the longer step time limit; a world checks that its mode and the limit in force agree
 * before it builds a cluster.
 */
import type { Mode } from './mode';

/**
 * Cucumber's limit on one step or hook. Simulated: Cucumber's own default, 5 s. Real: a little
 * over the 60 s the end-of-scenario check (`healAndCheck`) may spend converging, so when it does
 * not converge the reader sees its ConvergenceTimeoutError, naming the lagging replicas, and not
 * Cucumber's "function timed out".
 */
export const STEP_TIMEOUT_MS: Readonly<Record<Mode, number>> = { simulated: 5_000, real: 70_000 };

/**
 * What a real-time bound gets on top against real processes: the simulator keeps it exact.
 * Three tidal-node processes, etcd and Cucumber share the machine (two cores in CI), each write
 * costs an fsync, and a garbage collection or a busy neighbour holds a process for a few hundred
 * ms now and then: "acknowledged by a majority within 100 ms" passed alone and failed in the
 * whole run. The tolerance keeps such a check about the product: a write that never gets a
 * majority, or a region that never catches up, misses any bound and still fails.
 */
export const REAL_TIME_TOLERANCE_MS = 500;

/** The step time limit the support code set (real-profile.js sets the real one). */
let stepTimeoutMode: Mode = 'simulated';

/** Called by steps/support/real-profile.js after it set the real step time limit. */
export function realStepTimeoutSet(): void {
  stepTimeoutMode = 'real';
}

/** Throws when the step time limit in force is not the one `mode` needs. */
export function checkStepTimeout(mode: Mode): void {
  if (mode === stepTimeoutMode) return;
  throw new Error(
    mode === 'real'
      ? `the world parameter mode is "real", but steps are limited to ${STEP_TIMEOUT_MS.simulated} ms (the simulator's limit): run \`cucumber-js --profile real\`, which loads steps/support/real-profile.js`
      : `the world parameter mode is "${mode}", but the real profile's step time limit (${STEP_TIMEOUT_MS.real} ms) is in force: steps/support/real-profile.js belongs to the real profile only`,
  );
}

/** A real-time bound from a step's text, as it applies in a mode. */
export interface TimeBound {
  /** The bound the step states. */
  readonly statedMs: number;
  /** What is allowed on top of it (0 in the simulator). */
  readonly toleranceMs: number;
  /** What is allowed in all. */
  readonly allowedMs: number;
  /** "within 100 ms (+ 500 ms real-time tolerance: 600 ms)", or "within 100 ms (exact, simulated time)". */
  readonly text: string;
}

/** The bound `statedMs` in `mode`: exact in the simulator, with REAL_TIME_TOLERANCE_MS against real processes. */
export function timeBound(mode: Mode, statedMs: number): TimeBound {
  const toleranceMs = mode === 'real' ? REAL_TIME_TOLERANCE_MS : 0;
  const allowedMs = statedMs + toleranceMs;
  const text =
    mode === 'real'
      ? `within ${statedMs} ms (+ ${toleranceMs} ms real-time tolerance, REAL_TIME_TOLERANCE_MS: ${allowedMs} ms allowed)`
      : `within ${statedMs} ms (exact: simulated time)`;
  return { statedMs, toleranceMs, allowedMs, text };
}

/** Runs `check`; a failure says which bound and tolerance applied. */
export async function judgedWithin<T>(bound: TimeBound, check: () => Promise<T> | T): Promise<T> {
  try {
    return await check();
  } catch (err) {
    if (err instanceof Error) {
      const said = err.message;
      err.message = `${bound.text}: ${said}`;
      // Cucumber prints the stack, which quoted the message when the error was made.
      if (err.stack) err.stack = err.stack.replace(said, err.message);
    }
    throw err;
  }
}
