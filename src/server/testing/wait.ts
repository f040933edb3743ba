/** Bounded waiting for tests and harnesses: every wait has a limit and says what it waited for. */

export class WaitTimeoutError extends Error {
  constructor(what: string, timeoutMs: number, last: unknown) {
    super(
      `timed out after ${timeoutMs} ms waiting for ${what}${last === undefined ? '' : ` (last: ${describe(last)})`}`,
    );
    this.name = 'WaitTimeoutError';
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Polls `probe` until it returns a value other than undefined/false (returned), at most `timeoutMs`.
 * A probe that throws counts as not yet (its last error is reported on timeout).
 */
export async function waitUntil<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  opts: { timeoutMs: number; intervalMs?: number },
): Promise<T> {
  const start = performance.now();
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
      last = v;
    } catch (err) {
      last = err;
    }
    if (performance.now() - start > opts.timeoutMs) throw new WaitTimeoutError(what, opts.timeoutMs, last);
    await sleep(opts.intervalMs ?? 25);
  }
}

function describe(x: unknown): string {
  if (x instanceof Error) return `${x.name}: ${x.message}`;
  try {
    return JSON.stringify(x);
  } catch {
    return String(x);
  }
}
