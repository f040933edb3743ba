/** Bounded waiting on real time: every loop of the real-process deployment goes through here. */
import { RealTimeoutError } from './errors';

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

export interface PollOptions {
  timeoutMs: number;
  /** Pause between tries. Default: 50 ms. */
  everyMs?: number;
  /** What is awaited, for the timeout's message. */
  what: string;
}

/**
 * Calls `probe` until it returns a value other than undefined (errors count as "not yet"), at
 * most `timeoutMs`; the timeout names what was awaited and the last error seen.
 */
export async function pollUntil<T>(probe: () => Promise<T | undefined>, opts: PollOptions): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() >= deadline)
      throw new RealTimeoutError(opts.what, opts.timeoutMs, last ? (last as Error).message : '');
    await sleep(Math.min(opts.everyMs ?? 50, Math.max(0, deadline - Date.now())));
  }
}
