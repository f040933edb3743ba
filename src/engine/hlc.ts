/**
 * Hybrid logical clocks (Kulkarni et al., 2014). Stamps order events across regions whose
 * physical clocks disagree: they are strictly increasing per node whatever the node's physical
 * clock does, and a received stamp always precedes the receiver's next one (causality).
 * A remote stamp too far ahead of the local physical clock is refused (`ClockSkewError`), so
 * one bad clock cannot drag every node's HLC into the future.
 */
import type { Clock } from './clock';
import { ClockSkewError } from './errors';

export interface Hlc {
  wallMs: number;
  logical: number;
  node: string;
}

/** Total order: wallMs, then logical, then node id. */
export function compareHlc(a: Hlc, b: Hlc): number {
  if (a.wallMs !== b.wallMs) return a.wallMs < b.wallMs ? -1 : 1;
  if (a.logical !== b.logical) return a.logical < b.logical ? -1 : 1;
  return a.node < b.node ? -1 : a.node > b.node ? 1 : 0;
}

export function formatHlc(h: Hlc): string {
  return `${h.wallMs}.${h.logical}@${h.node}`;
}

/** Observer of every stamp a clock issues; the simulator's HLC checker subscribes. */
export type HlcObserver = (stamp: Hlc, received?: Hlc) => void;

/** The HLC of one node. */
export class HybridClock {
  private l = 0;
  private c = 0;
  observer: HlcObserver | undefined;

  constructor(
    readonly node: string,
    private readonly physical: Clock,
    readonly maxDriftMs: number = 1_000,
  ) {}

  /** A new stamp for a local or send event. */
  now(): Hlc {
    const pt = Math.floor(this.physical.nowMs());
    if (pt > this.l) {
      this.l = pt;
      this.c = 0;
    } else {
      this.c += 1;
    }
    return this.emit();
  }

  /**
   * Merges a received stamp and returns the stamp of the receive event. Throws `ClockSkewError`
   * (and changes nothing) when the remote stamp is more than `maxDriftMs` ahead of local time.
   */
  receive(remote: Hlc): Hlc {
    const pt = Math.floor(this.physical.nowMs());
    if (remote.wallMs - pt > this.maxDriftMs) throw new ClockSkewError(remote.wallMs, pt, this.maxDriftMs);
    const l = Math.max(this.l, remote.wallMs, pt);
    if (l === this.l && l === remote.wallMs) this.c = Math.max(this.c, remote.logical) + 1;
    else if (l === this.l) this.c += 1;
    else if (l === remote.wallMs) this.c = remote.logical + 1;
    else this.c = 0;
    this.l = l;
    return this.emit(remote);
  }

  /**
   * Raises the clock to at least `stamp` without issuing anything: used when a restarted node
   * rebuilds from its WAL, so its next stamps follow every stamp it logged before the crash.
   */
  restore(stamp: { wallMs: number; logical: number }): void {
    if (stamp.wallMs > this.l || (stamp.wallMs === this.l && stamp.logical > this.c)) {
      this.l = stamp.wallMs;
      this.c = stamp.logical;
    }
  }

  /** The last stamp issued (without issuing a new one). */
  peek(): Hlc {
    return { wallMs: this.l, logical: this.c, node: this.node };
  }

  private emit(received?: Hlc): Hlc {
    const stamp = { wallMs: this.l, logical: this.c, node: this.node };
    this.observer?.(stamp, received);
    return stamp;
  }
}
