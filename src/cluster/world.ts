/**
 * The world a simulated cluster lives in: its seed, virtual time (the scheduler every message
 * and timer goes through), the root of its seeded random streams, and its logger. Time moves
 * only when someone runs it forward (`advance`, `runUntil`), never by itself.
 */
import { InvalidInputError } from '../engine';
import type { ClusterLogger } from './config';
import { SeededRng } from './rng';
import { Scheduler } from './scheduler';

export class SimWorld {
  readonly scheduler = new Scheduler(0);
  readonly rng: SeededRng;

  constructor(
    readonly seed: number,
    readonly log: ClusterLogger,
  ) {
    this.rng = new SeededRng(seed);
  }

  /** Virtual time in ms. */
  now(): number {
    return this.scheduler.nowMs();
  }

  /** Runs the simulation forward by `ms` of virtual time. */
  async advance(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0)
      throw new InvalidInputError('duration', ms, 'a non-negative number of ms');
    this.scheduler.runUntil(this.now() + ms);
    await settle();
  }

  /**
   * Runs the simulation until `until()` holds or `timeoutMs` of virtual time pass; resolves with
   * whether it held (checked first, so nothing runs when it already does).
   */
  async runUntil(timeoutMs: number, until: () => boolean): Promise<boolean> {
    const reached = until() || this.scheduler.runUntil(this.now() + timeoutMs, until);
    await settle();
    return reached;
  }
}

/** Lets pending promise callbacks (commit notifications) run before the caller continues. */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await Promise.resolve();
}
