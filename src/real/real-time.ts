/**
 * Cluster time against real processes: real milliseconds since the cluster started plus a
 * logical offset. A short wait (at most 3 s) really sleeps; a longer one adds to the offset at
 * once, and every node's libfaketime file moves with it (see faults.ts), so a node's clock, the
 * event times it stamps, its idempotency windows and the harness's read times all jump together
 * — decay over hours is checked through event and read times, never by sleeping.
 *
 * The interface has one time base, cluster time (api.ts): event times, clocks and read times
 * travel to and from nodes as epoch ms and are turned back at this boundary.
 *
 * Harness reads happen at one instant until something moves (a write, a wait, a fault): two
 * regions read in one step are read at the same time, as the simulator's virtual instant does.
 */

/** Longest wait that really sleeps. */
export const MAX_REAL_SLEEP_MS = 3_000;

export class RealTime {
  readonly startWallMs = Date.now();
  private offset = 0;
  private readInstant: number | undefined;
  /** Called when the logical offset changes (the nodes' clock files follow it). */
  onOffset: ((offsetMs: number) => void) | undefined;

  /** Cluster time in ms since the cluster was built. */
  now(): number {
    return Date.now() - this.startWallMs + this.offset;
  }

  get offsetMs(): number {
    return this.offset;
  }

  /** Epoch ms of cluster time `t` (what a node's unskewed clock reads then): what nodes are sent. */
  toEpochMs(t: number): number {
    return this.startWallMs + t;
  }

  /** Cluster time of a node's epoch ms: what the interface and the history hold. */
  toClusterMs(epochMs: number): number {
    return epochMs - this.startWallMs;
  }

  /** Lets `ms` pass: sleeps up to 3 s, jumps beyond. */
  async advance(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0)
      throw new RangeError(`a wait is a finite, non-negative number of ms, got ${ms}`);
    this.moved();
    if (ms <= MAX_REAL_SLEEP_MS) {
      await new Promise((resolve) => setTimeout(resolve, ms));
    } else {
      this.offset += ms;
      this.onOffset?.(this.offset);
    }
    this.moved();
  }

  /** Cluster time harness reads are evaluated at now (the same until something moves). */
  readAt(): number {
    return (this.readInstant ??= this.now());
  }

  /** Something happened: the next read is at a new instant. */
  moved(): void {
    this.readInstant = undefined;
  }
}
