/**
 * Virtual time and the event queue that moves it. Everything in a simulation happens as a task
 * at a virtual instant; tasks at the same instant run in the order they were scheduled (a
 * sequence number breaks ties), so a run is a pure function of its seed. Time moves only when
 * someone runs the queue (`runUntil`), never by itself, and nothing ever sleeps.
 *
 * Every message and timer of a run passes through here, so a task is one small object that is
 * also its own cancel handle, and a node's timers carry their liveness guard as a field instead
 * of wrapping each callback in a closure.
 */
import type { Clock, TimerHandle, Timers } from '../engine';

/** Liveness of a group of tasks (a node incarnation's timers): dead groups' tasks are skipped. */
interface Guard {
  alive: boolean;
}

class Task implements TimerHandle {
  live = true;

  constructor(
    readonly at: number,
    readonly seq: number,
    readonly run: () => void,
    readonly guard: Guard | undefined,
  ) {}

  cancel(): void {
    this.live = false;
  }
}

export class Scheduler implements Clock, Timers {
  private now = 0;
  private seq = 0;
  private heap: Task[] = [];
  /** Tasks run so far (a measure of simulated work). */
  executed = 0;
  /** Calls of `runUntil` so far. */
  private runs = 0;

  constructor(startMs = 0) {
    this.now = startMs;
  }

  nowMs(): number {
    return this.now;
  }

  after(delayMs: number, run: () => void): TimerHandle {
    return this.at(this.now + Math.max(0, delayMs), run);
  }

  at(atMs: number, run: () => void, guard?: Guard): TimerHandle {
    const t = new Task(Math.max(atMs, this.now), this.seq++, run, guard);
    this.push(t);
    return t;
  }

  /** Virtual time of the next live task, or undefined when nothing is scheduled. */
  nextAt(): number | undefined {
    while (this.heap.length && !this.heap[0]!.live) this.pop();
    return this.heap[0]?.at;
  }

  /**
   * Runs tasks in time order up to and including `endMs`, then sets the clock to `endMs`.
   * Stops early (leaving the clock at the stopping task's time) once `stop()` is true after a task.
   */
  runUntil(endMs: number, stop?: () => boolean): boolean {
    this.runs++;
    const heap = this.heap;
    while (heap.length) {
      const t = heap[0]!;
      if (t.at > endMs) break;
      this.pop();
      if (!t.live) continue;
      this.now = t.at;
      this.executed++;
      if (t.guard === undefined || t.guard.alive) t.run();
      if (stop && stop()) return true;
    }
    if (endMs > this.now) this.now = endMs;
    return false;
  }

  /**
   * Grows with every task run and every `runUntil` begun. While it stands still, nothing in the
   * simulation ran: its state changes only in a task, or in code that runs between two runs (a
   * step, a promise callback), and each of those is followed by a `runUntil` before any task.
   */
  get activity(): number {
    return this.executed + this.runs;
  }

  get pending(): number {
    return this.heap.length;
  }

  private push(t: Task): void {
    const h = this.heap;
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(t, h[p]!)) break;
      h[i] = h[p]!;
      i = p;
    }
    h[i] = t;
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    let i = 0;
    const n = h.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && before(h[r]!, h[l]!) ? r : l;
      if (!before(h[c]!, last)) break;
      h[i] = h[c]!;
      i = c;
    }
    h[i] = last;
  }
}

function before(a: Task, b: Task): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/**
 * Timers of one node incarnation: a crash kills them all at once, so a dead node's
 * retransmissions and acknowledgements never fire.
 */
export class NodeTimers implements Timers {
  alive = true;

  constructor(private readonly scheduler: Scheduler) {}

  after(delayMs: number, run: () => void): TimerHandle {
    return this.scheduler.at(this.scheduler.nowMs() + Math.max(0, delayMs), run, this);
  }
}
