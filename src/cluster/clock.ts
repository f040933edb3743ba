/**
 * A node's physical clock in the simulation: virtual time plus a skew (a step, in ms) and a
 * drift (a rate, in ms per second of virtual time). The nemesis sets both; the engine reads only
 * this clock, so skew reaches event times and HLC stamps exactly as a bad NTP would.
 */
import type { Clock } from '../engine';

export class NodeClock implements Clock {
  private skewMs = 0;
  private driftMsPerS = 0;
  private driftSinceMs = 0;

  constructor(private readonly virtual: Clock) {}

  nowMs(): number {
    const t = this.virtual.nowMs();
    return t + this.skewMs + (this.driftMsPerS * (t - this.driftSinceMs)) / 1000;
  }

  /** Sets the step offset from true (virtual) time. */
  setSkew(ms: number): void {
    this.skewMs = ms;
  }

  /** Sets the drift rate from now on, keeping the clock continuous. */
  setDrift(msPerS: number): void {
    const t = this.virtual.nowMs();
    this.skewMs += (this.driftMsPerS * (t - this.driftSinceMs)) / 1000;
    this.driftSinceMs = t;
    this.driftMsPerS = msPerS;
  }

  get offsetMs(): number {
    return this.nowMs() - this.virtual.nowMs();
  }
}
