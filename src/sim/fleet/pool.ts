/**
 * The worker pool: N worker threads, each given one seed at a time as it becomes free, so a slow
 * seed (a failure being shrunk) holds back one worker, not the run. Everything is bounded: a seed
 * gets `seedTimeoutMs` of wall time (plus the shrinking budget once it reports that it shrinks),
 * after which its worker is terminated and replaced; a worker that crashes is replaced too; either
 * way the seed's outcome is an error naming the seed, never a pass. A worker that cannot start,
 * or more than `maxReplacements` replacements in one run, stops the run with an error.
 */
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { HeapReading } from './heap';
import { errorOutcome, type SeedOutcome } from './outcome';
import type { FromWorker, ToWorker, WorkerSetup } from './protocol';

export interface PoolOptions {
  /** Worker threads. */
  workers: number;
  setup: WorkerSetup;
  /** Wall ms one seed may run before its worker is terminated. */
  seedTimeoutMs: number;
  /** Wall ms more once the seed reports it is shrinking. */
  shrinkTimeoutMs: number;
  /** The worker's entry file. Default: worker-entry.js (tests pass a faulty one). */
  entry?: string;
  /** Most workers replaced (after a crash or a time-out) in one run. Default: 64. */
  maxReplacements?: number;
  /** Wall ms a worker may take to start (load TypeScript and the simulator). Default: 60 s. */
  startTimeoutMs?: number;
}

export interface Job {
  index: number;
  seed: number;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  job?: Job & { startedMs: number };
  timer?: NodeJS.Timeout;
  lastError?: string;
  startHeap?: HeapReading;
  onHeap?: (h: HeapReading) => void;
}

/** setTimeout's longest delay (a longer one, Infinity too, fires at once). */
const MAX_TIMER_MS = 2 ** 31 - 1;

const DEFAULT_ENTRY = path.join(__dirname, 'worker-entry.js');

export class WorkerPool {
  private readonly slots: Slot[] = [];
  private replacements = 0;
  private stopped = false;
  private exhausted = false;
  private next: () => Job | undefined = () => undefined;
  private onOutcome: (index: number, outcome: SeedOutcome) => void = () => {};
  private settle: { resolve: () => void; reject: (e: Error) => void } | undefined;
  /** Heap of each slot's first worker when it was ready, before its first seed. */
  readonly startHeaps: (HeapReading | undefined)[] = [];

  constructor(private readonly opts: PoolOptions) {
    if (!Number.isInteger(opts.workers) || opts.workers < 1)
      throw new Error(`a pool needs at least one worker, got ${opts.workers}`);
  }

  /** Runs jobs from `next` until it returns undefined (or `stop`), reporting each outcome as it comes. */
  run(next: () => Job | undefined, onOutcome: (index: number, outcome: SeedOutcome) => void): Promise<void> {
    this.next = next;
    this.onOutcome = onOutcome;
    return new Promise<void>((resolve, reject) => {
      this.settle = { resolve, reject };
      for (let i = 0; i < this.opts.workers; i++) this.slots.push(this.spawn(i));
    });
  }

  /** Hands out no more jobs and terminates the workers still running one (their outcomes are dropped). */
  stop(): void {
    this.stopped = true;
    for (const slot of this.slots)
      if (slot.job) {
        slot.job = undefined;
        slot.ready = false;
        clearTimeout(slot.timer);
        void slot.worker.terminate();
      }
    this.maybeFinish();
  }

  /** Heap of every idle worker now (after a GC where available); undefined for one that did not answer. */
  async heaps(timeoutMs = 10_000): Promise<(HeapReading | undefined)[]> {
    return Promise.all(
      this.slots.map(
        (slot) =>
          new Promise<HeapReading | undefined>((resolve) => {
            if (!slot.ready || slot.job) return resolve(undefined);
            const timer = setTimeout(() => resolve(undefined), timeoutMs);
            slot.onHeap = (h) => {
              clearTimeout(timer);
              resolve(h);
            };
            this.send(slot, { type: 'heap' });
          }),
      ),
    );
  }

  /** Terminates every worker. */
  async close(): Promise<void> {
    this.stopped = true;
    for (const slot of this.slots) clearTimeout(slot.timer);
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }

  private spawn(at: number): Slot {
    const worker = new Worker(this.opts.entry ?? DEFAULT_ENTRY, { workerData: this.opts.setup });
    const slot: Slot = { worker, ready: false };
    slot.timer = setTimeout(() => {
      this.fail(`a simulation worker did not start within ${(this.opts.startTimeoutMs ?? 60_000) / 1000} s`);
    }, this.opts.startTimeoutMs ?? 60_000);
    worker.on('message', (m: FromWorker) => this.receive(slot, at, m));
    worker.on('error', (err) => {
      slot.lastError = err.stack ?? err.message;
    });
    worker.on('exit', (code) => this.exited(slot, at, code));
    return slot;
  }

  private receive(slot: Slot, at: number, m: FromWorker): void {
    switch (m.type) {
      case 'ready':
        clearTimeout(slot.timer);
        slot.ready = true;
        this.startHeaps[at] ??= { heapBytes: m.heapBytes, gc: m.gc };
        this.dispatch(slot);
        return;
      case 'shrinking':
        if (slot.job?.index === m.index) this.arm(slot, this.opts.seedTimeoutMs + this.opts.shrinkTimeoutMs);
        return;
      case 'heap':
        slot.onHeap?.({ heapBytes: m.heapBytes, gc: m.gc });
        slot.onHeap = undefined;
        return;
      case 'done':
      case 'threw': {
        const job = slot.job;
        if (!job || job.index !== m.index) return; // dropped by stop()
        slot.job = undefined;
        clearTimeout(slot.timer);
        const outcome =
          m.type === 'done'
            ? (JSON.parse(m.outcome) as SeedOutcome)
            : errorOutcome(job.seed, `seed ${job.seed}: the run threw: ${m.message}`, this.elapsed(job));
        this.onOutcome(job.index, outcome);
        this.dispatch(slot);
        return;
      }
    }
  }

  private exited(slot: Slot, at: number, code: number): void {
    clearTimeout(slot.timer);
    const wasReady = slot.ready;
    slot.ready = false;
    if (this.stopped && !slot.job) return this.maybeFinish();
    if (!wasReady)
      return this.fail(
        `a simulation worker exited (code ${code}) before it was ready${slot.lastError ? `: ${slot.lastError}` : ''}`,
      );
    const job = slot.job;
    slot.job = undefined;
    if (job)
      this.onOutcome(
        job.index,
        errorOutcome(
          job.seed,
          `seed ${job.seed}: its worker crashed (exit code ${code})${slot.lastError ? `: ${slot.lastError}` : ''}`,
          this.elapsed(job),
        ),
      );
    this.replace(at);
  }

  private replace(at: number): void {
    if (this.stopped || (this.exhausted && !this.slots.some((s) => s.job))) return this.maybeFinish();
    if (++this.replacements > (this.opts.maxReplacements ?? 64))
      return this.fail(`more than ${this.opts.maxReplacements ?? 64} workers crashed or timed out; stopping`);
    this.slots[at] = this.spawn(at);
  }

  private dispatch(slot: Slot): void {
    const job = this.stopped || this.exhausted ? undefined : this.next();
    if (!job) {
      this.exhausted = true;
      return this.maybeFinish();
    }
    slot.job = { ...job, startedMs: performance.now() };
    this.arm(slot, this.opts.seedTimeoutMs);
    this.send(slot, { type: 'seed', index: job.index, seed: job.seed });
  }

  /** (Re)starts the slot's time limit for its seed. */
  private arm(slot: Slot, ms: number): void {
    clearTimeout(slot.timer);
    ms = Math.min(ms, MAX_TIMER_MS);
    slot.timer = setTimeout(() => {
      const job = slot.job;
      if (!job) return;
      slot.job = undefined;
      this.onOutcome(
        job.index,
        errorOutcome(
          job.seed,
          `seed ${job.seed}: no answer within ${(ms / 1000).toFixed(0)} s; its worker was terminated`,
          this.elapsed(job),
        ),
      );
      slot.ready = true; // so that its exit is a replacement, not a failed start
      void slot.worker.terminate();
    }, ms);
  }

  private send(slot: Slot, m: ToWorker): void {
    slot.worker.postMessage(m);
  }

  private elapsed(job: { startedMs: number }): number {
    return performance.now() - job.startedMs;
  }

  private maybeFinish(): void {
    if (!this.settle) return;
    if (!(this.stopped || this.exhausted) || this.slots.some((s) => s.job)) return;
    const { resolve } = this.settle;
    this.settle = undefined;
    resolve();
  }

  private fail(message: string): void {
    if (!this.settle) return;
    const { reject } = this.settle;
    this.settle = undefined;
    this.stopped = true;
    reject(new Error(message));
  }
}
