/**
 * Time and wake-ups as the engine sees them: injected, never read from the machine directly.
 * The simulator supplies virtual implementations; `SystemClock`/`SystemTimers` exist for
 * benchmarks that compare against a real-time harness.
 */

/** A physical clock in milliseconds. */
export interface Clock {
  nowMs(): number;
}

/** A handle to cancel a scheduled wake-up. */
export interface TimerHandle {
  cancel(): void;
}

/** Schedules a callback after a delay on the same clock the engine reads. */
export interface Timers {
  after(delayMs: number, task: () => void): TimerHandle;
}

/** Randomness as the engine sees it: a seeded stream from the host. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
}

/** The machine's wall clock; only benchmarks and real-time harnesses use it. */
export class SystemClock implements Clock {
  nowMs(): number {
    // eslint-disable-next-line no-restricted-properties -- the one real clock (benchmarks only)
    return Date.now(); // allow-nondeterminism
  }
}

/** Real timers; only benchmarks and real-time harnesses use them. */
export class SystemTimers implements Timers {
  after(delayMs: number, task: () => void): TimerHandle {
    // eslint-disable-next-line no-restricted-globals -- the one real timer (benchmarks only)
    const t = setTimeout(task, delayMs); // allow-nondeterminism
    return { cancel: () => clearTimeout(t) };
  }
}

/**
 * A clock and timers moved by hand: `advance(ms)` runs every due task in time order.
 * Useful for unit tests of one engine component without the simulator.
 */
export class ManualClock implements Clock, Timers {
  private now = 0;
  private seq = 0;
  private tasks: { at: number; seq: number; task: () => void; live: boolean }[] = [];

  constructor(startMs = 0) {
    this.now = startMs;
  }

  nowMs(): number {
    return this.now;
  }

  after(delayMs: number, task: () => void): TimerHandle {
    const entry = { at: this.now + Math.max(0, delayMs), seq: this.seq++, task, live: true };
    this.tasks.push(entry);
    return { cancel: () => (entry.live = false) };
  }

  /** Moves time forward, running due tasks (including ones they schedule) in time order. */
  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      this.tasks = this.tasks.filter((t) => t.live);
      this.tasks.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.tasks[0];
      if (!next || next.at > end) break;
      this.tasks.shift();
      this.now = Math.max(this.now, next.at);
      next.task();
    }
    this.now = end;
  }
}
